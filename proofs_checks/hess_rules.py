"""HESS-rules: what the Hessian at a critical point decides, and what it cannot."""

from __future__ import annotations

import numpy as np
import sympy

from symlandscape.claims import CheckLog, Claim, Instance, Source, certified_verdict, register
from symlandscape.inertia import inertia
from symlandscape.landscape import Landscape
from symlandscape.numeric import numeric_check as confirm

__all__ = ["generated_cases", "exact_check", "numeric_check", "RULES"]

#: Hung-yi Lee's lecture "类神经网络训练不起来怎么办 (一) 局部最小值与鞍点".
LEE_LECTURE = Source("Hung-yi Lee", "Machine Learning 2021, lecture: when the gradient is small - local minima and "
                     "saddle points", 2021, "Hessian criteria at a critical point")

#: Hessian sign pattern -> the verdict the rule predicts at a critical point.
RULES = {
    "positive definite": "strict_local_min",
    "negative definite": "strict_local_max",
    "indefinite": "strict_saddle",
}


def generated_cases(seed, count, dimension):
    """Seeded cases ``(name, expression, variables, point, rule)``: L = 1/2 (θ−p)ᵀ A (θ−p) + cubic terms,
    with A = Sᵀ D S of a prescribed inertia (S a random integer matrix, D a signed diagonal)."""
    rng = np.random.default_rng(seed)
    names = [f"t{i + 1}" for i in range(dimension)]
    symbols = sympy.symbols(names, real=True)
    cases = []
    for k in range(count):
        rule = list(RULES)[k % len(RULES)]
        while True:
            S = sympy.Matrix(dimension, dimension, [int(v) for v in rng.integers(-2, 3, size=dimension ** 2)])
            if S.det() != 0:
                break
        signs = {"positive definite": [1] * dimension, "negative definite": [-1] * dimension,
                 "indefinite": [1] * (dimension - 1) + [-1]}[rule]
        D = sympy.diag(*[s * int(rng.integers(1, 4)) for s in signs])
        A = S.T * D * S
        p = [sympy.Rational(int(rng.integers(-4, 5)), int(rng.integers(1, 4))) for _ in range(dimension)]
        h = sympy.Matrix([s - q for s, q in zip(symbols, p)])
        cubic = sum(int(rng.integers(-2, 3)) * h[i] ** 2 * h[(i + 1) % dimension] for i in range(dimension))
        expression = (h.T * A * h)[0, 0] / 2 + cubic + sympy.Rational(int(rng.integers(-3, 4)))
        cases.append((f"case {k + 1}: {rule}", expression, names, tuple(p), rule))
    return cases


# Identical Hessians diag(2, 0) (or diag(-2, 0)) at the origin, different kinds: the Hessian cannot decide.
ZERO_EIGENVALUE = (
    ("x^2 + y^4", "local_min"),
    ("x^2 - y^4", "degenerate_saddle"),
    ("x^2 + y^3", "degenerate_saddle"),
    ("-x^2 - y^4", "local_max"),
    ("-x^2 + y^4", "degenerate_saddle"),
)


def _cases(instance, seed):
    cases = list(instance.get("cases", ()))
    if instance.get("generated"):
        cases += generated_cases(seed + instance.get("seed_offset", 0), instance["generated"], instance["dimension"])
    return cases


def exact_check(instance, *, seed=0, thorough=False):
    """Each generated critical point has the designed exact inertia and classify (re-checked by verify)
    gives the kind the rule predicts; with a zero eigenvalue, equal Hessians come with different kinds."""
    log = CheckLog()
    for name, expression, variables, point, rule in _cases(instance, seed):
        L = Landscape.from_expression(expression, variables)
        gradient_zero = all(g == 0 for g in L.gradient(point))
        counts = inertia(L.hessian(point)) if gradient_zero else None
        shape = counts.definiteness if counts else "—"
        verdict, problem = certified_verdict(L, point, seed=seed)
        expected = RULES.get(rule, rule)
        log.require(gradient_zero and shape == rule and verdict.kind == expected and problem is None,
                    f"{name}: critical {gradient_zero}, Hessian {shape} (exact inertia), classify: {verdict.kind} "
                    f"(rule: {expected})" + (f"; {problem}" if problem else ""))
    if instance.get("zero_eigenvalue"):
        hessians, kinds = set(), set()
        for text, expected in ZERO_EIGENVALUE:
            L = Landscape.from_expression(text, "x,y")
            H = L.hessian([0, 0])
            hessians.add(tuple(abs(e) for e in H))
            verdict, problem = certified_verdict(L, [0, 0], seed=seed)
            kinds.add(verdict.kind)
            log.require(verdict.kind == expected and problem is None,
                        f"{text} at (0, 0): Hessian {H.tolist()} (a zero eigenvalue), classify: {verdict.kind}")
        log.require(len(hessians) == 1 and len(kinds) >= 3,
                    f"equal Hessians (up to sign), {len(kinds)} different kinds: the Hessian alone cannot decide")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """Every verdict is confirmed numerically (float eigenvalue signs, 30-digit sampling, curves)."""
    log = CheckLog()
    cases = [(n, e, v, p) for n, e, v, p, _ in _cases(instance, seed)]
    if instance.get("zero_eigenvalue"):
        cases += [(text, text, "x,y", (0, 0)) for text, _ in ZERO_EIGENVALUE]
    for name, expression, variables, point in cases:
        L = Landscape.from_expression(expression, variables)
        verdict, _ = certified_verdict(L, point, seed=seed)
        result = confirm(verdict, L, point, seed=seed)
        log.require(result.agrees, f"{name}: {result.summary()}")
    return log.result()


register(Claim(
    id="HESS-rules",
    source=LEE_LECTURE,
    statement="At a critical point: a positive definite Hessian gives a strict local minimum, a negative definite "
              "one a strict local maximum, eigenvalues of both signs a saddle; with a zero eigenvalue the Hessian "
              "alone cannot decide.",
    conventions=("any smooth loss: no count of weight matrices or hidden layers and no loss scaling is involved",),
    instances=(
        Instance("generated, 3 parameters", "6 seeded quadratic-plus-cubic losses, two per rule",
                 {"generated": 6, "dimension": 3}),
        Instance("zero eigenvalue", "x² ± y⁴, x² + y³, −x² ∓ y⁴ at the origin: equal Hessians, different kinds",
                 {"zero_eigenvalue": True}),
        Instance("generated, 5 parameters (thorough)", "15 seeded cases in five parameters",
                 {"generated": 15, "dimension": 5, "seed_offset": 1}, thorough=True),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
