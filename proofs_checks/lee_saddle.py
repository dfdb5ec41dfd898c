"""LEE-saddle: L = (1 − w1 w2)² at the origin — Lee's lecture example of a saddle and how to escape it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy

from proofs_checks.hess_rules import LEE_LECTURE
from symlandscape.claims import CheckLog, Claim, Instance, certified_verdict, register
from symlandscape.landscape import Landscape
from symlandscape.numeric import numeric_check as confirm, numeric_twin
from symlandscape.verdict import inertia_words

__all__ = ["exact_check", "numeric_check"]


def _landscape(instance):
    return Landscape.from_expression(instance["expression"], instance["variables"])


def exact_check(instance, *, seed=0, thorough=False):
    """Gradient 0, Hessian [[0, -2], [-2, 0]], eigenvalues ±2 (exact charpoly), H u = -2 u for u = (1, 1),
    the exact Taylor series along u, a certified strict saddle; the hyperbola w1 w2 = 1 is global minima."""
    log = CheckLog()
    L = _landscape(instance)
    point = tuple(sympy.Rational(v) for v in instance["point"])
    log.note(f"L = {L.expression} (plain square, no 1/2), at {point}")
    gradient = L.gradient(point)
    log.require(all(g == 0 for g in gradient), f"gradient {list(gradient)} = 0 exactly")
    H = L.hessian(point)
    log.require(H.tolist() == instance["hessian"], f"Hessian {H.tolist()} (claimed {instance['hessian']})")
    lam = sympy.Symbol("lambda")
    charpoly = H.charpoly(lam).as_expr()
    eigenvalues = sorted(sympy.roots(charpoly, lam), reverse=True)
    log.require(eigenvalues == sorted(instance["eigenvalues"], reverse=True),
                f"characteristic polynomial {charpoly}: eigenvalues {eigenvalues} exactly")
    u = sympy.Matrix(instance["direction"])
    negative = min(eigenvalues)
    log.require(H * u == negative * u, f"H u = {negative} u for u = {list(u)}: u is the eigenvector of {negative}")
    series = L.taylor(point, list(u), 4)
    value = L.value(point)
    decrease = [sympy.Rational(t, 4) for t in range(1, 5)]
    along = [L.value([p + t * d for p, d in zip(point, u)]) for t in decrease]
    log.require(series[1] == 0 and series[2] < 0 and all(v < value for v in along),
                f"L(θ0 + t u) = {' + '.join(f'({c}) t^{k}' for k, c in enumerate(series) if c != 0)}: the t² "
                f"coefficient {series[2]} < 0, and L(θ0 + t u) < {value} at t = {', '.join(map(str, decrease))}")
    verdict, problem = certified_verdict(L, point, seed=seed)
    log.require(verdict.kind == "strict_saddle" and problem is None,
                f"classify: {verdict.kind}, Hessian eigenvalues: {inertia_words(verdict.hessian_inertia)}"
                + (f" ({problem})" if problem else " (certificate verified)"))
    # the hyperbola w1 w2 = 1 is made of global minima: L is a square, so L >= 0 = L there
    on_curve = [(t, 1 / t) for t in (sympy.Rational(2), sympy.Rational(-1, 3), sympy.Rational(5, 7))]
    square = sympy.factor(L.expression)
    log.require(all(L.value(p) == 0 and all(g == 0 for g in L.gradient(p)) for p in on_curve)
                and isinstance(square, sympy.Pow) and square.exp % 2 == 0,
                f"L = {square} >= 0 is a square, and L = 0, ∇L = 0 at {on_curve}: the hyperbola w1 w2 = 1 is a "
                "curve of global minima")
    verdict, problem = certified_verdict(L, on_curve[0], seed=seed)
    log.require(verdict.kind == "local_min" and verdict.global_min is True and problem is None,
                f"classify at {on_curve[0]}: {verdict.kind} (non-strict: the minima form a curve), global minimum "
                f"{verdict.global_min}")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """Float64 Hessian eigenvalues ±2 with eigenvector ±(1, 1)/√2; a float descent step along u lowers L."""
    log = CheckLog()
    L = _landscape(instance)
    point = [float(sympy.Rational(x)) for x in instance["point"]]
    twin = numeric_twin(L)
    values, vectors = np.linalg.eigh(twin.hessian(point))
    expected = sorted(float(e) for e in instance["eigenvalues"])
    log.require(np.allclose(values, expected, atol=1e-12),
                f"float64 eigenvalues {values.tolist()} ≈ {expected}")
    u = np.array([float(x) for x in instance["direction"]])
    alignment = abs(vectors[:, 0] @ u) / np.linalg.norm(u)
    log.require(alignment > 1 - 1e-12, f"the eigenvector of the smallest eigenvalue is ±u/|u| (|cos| = {alignment:.15f})")
    base = twin.value(point)
    log.require(twin.value(np.array(point) + 0.1 * u) < base, f"L(θ0 + 0.1 u) = {twin.value(np.array(point) + 0.1 * u):.6g} "
                                                              f"< L(θ0) = {base:.6g}")
    verdict, _ = certified_verdict(L, instance["point"], seed=seed)
    result = confirm(verdict, L, instance["point"], seed=seed)
    log.require(result.agrees, result.summary())
    return log.result()


register(Claim(
    id="LEE-saddle",
    source=replace(LEE_LECTURE, theorem="the worked example L = (1 − w1 w2)²"),
    statement="L = (1 − w1 w2)² has at (0, 0) gradient 0 and Hessian [[0, −2], [−2, 0]] with eigenvalues 2 and −2: "
              "a saddle, and moving along the eigenvector u = (1, 1) of −2 lowers the loss; the hyperbola w1 w2 = 1 "
              "is a curve of global minima.",
    conventions=("loss (1 − w1 w2)² with no 1/2 (the lecture's convention; with 1/2 the eigenvalues are ±1)",
                 "one training sample, x = y = 1, two weights (two weight matrices, one hidden unit)"),
    instances=(
        Instance("Lee's example", "(1 − w1 w2)² at (0, 0)",
                 {"expression": "(1 - w1*w2)^2", "variables": "w1,w2", "point": (0, 0),
                  "hessian": [[0, -2], [-2, 0]], "eigenvalues": (2, -2), "direction": (1, 1)}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
