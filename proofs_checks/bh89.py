"""BH89: the critical points of a shallow linear network (Baldi & Hornik 1989), one index set at a time."""

from __future__ import annotations

import itertools

import numpy as np
import sympy

from proofs_checks import SADDLE_KINDS, depth_text, instance_key, landscape_of, spectral_data
from symlandscape.claims import CheckLog, Claim, Instance, Source, certified_verdict, register
from symlandscape.numeric import numeric_check as confirm, numeric_twin
from symlandscape.verdict import inertia_words

__all__ = ["exact_check", "numeric_check", "index_set_points"]


def _assumptions(L):
    """BH89's assumptions, decided exactly: X Xᵀ invertible, Σ full rank with distinct eigenvalues."""
    from symlandscape.linear_theory import kawaguchi_assumptions, sigma

    failures = []
    checks = kawaguchi_assumptions(L.X, L.Y)
    if not checks.xxt_full_rank:
        return ["X Xᵀ is singular"]
    Sigma = sigma(L.X, L.Y)
    if Sigma.det() == 0:
        failures.append("Σ = Y Xᵀ (X Xᵀ)^-1 X Yᵀ is singular (BH89 need it full rank)")
    if not checks.distinct_eigenvalues:
        failures.append("Σ does not have distinct eigenvalues")
    if L.hidden_layers != 1:
        failures.append(f"BH89 is about one hidden layer (two weight matrices); this network has {L.hidden_layers}")
    return failures


def index_set_points(L, seed):
    """For each index set I with |I| = p: ``(I, point with C = I, point with a seeded random C, value)``.

    ``A = U_I C`` and ``B = C^{-1} U_Iᵀ Y Xᵀ (X Xᵀ)^{-1}`` built here from Σ's eigenvectors (not by
    ``critical_point``), and ``value = s (tr(Y Yᵀ) − Σ_{i∈I} λ_i)`` from the eigenvalues.
    """
    from symlandscape.linear_theory import sigma_eigenvectors

    found = sigma_eigenvectors(L.X, L.Y)
    if found is None:
        return None
    eigenvalues, U = found
    X, Y = L.X, L.Y
    P_star = Y * X.T * (X * X.T).inv()
    p, d_y = L.widths[1], L.widths[-1]
    s = sympy.Rational(1, 2) if L.scale == "half" else sympy.Integer(1)
    trace = (Y * Y.T).trace()
    rng = np.random.default_rng(seed)
    rows = []
    for I in itertools.combinations(range(d_y), p):
        U_I = U[:, list(I)]
        while True:
            C = sympy.Matrix(p, p, [int(v) for v in rng.integers(-2, 3, size=p * p)])
            if C.det() != 0:
                break
        plain = L.point_from_matrices([U_I.T * P_star, U_I])
        mixed = L.point_from_matrices([C.inv() * U_I.T * P_star, U_I * C])
        rows.append((I, plain, mixed, C, s * (trace - sum(eigenvalues[i] for i in I))))
    return eigenvalues, rows


def exact_check(instance, *, seed=0, thorough=False):
    """Every index-set point is exactly critical with value s(tr(YYᵀ) − Σ_I λ_i); the top-p set attains
    the exact global minimum; every other index set is a certified saddle (classify + verify)."""
    from symlandscape.linear_theory import global_min_value

    log = CheckLog()
    L = landscape_of(instance_key(instance))
    log.note(f"instance {instance.name}: {depth_text(L)}")
    if not log.assumptions(_assumptions(L), "Baldi & Hornik 1989"):
        return log.result()
    built = index_set_points(L, seed)
    if built is None:
        log.require(False, "Σ has irrational eigenvectors: use spectral data so that the points stay exact")
        return log.result()
    eigenvalues, rows = built
    log.note(f"eigenvalues of Σ: {', '.join(map(str, eigenvalues))} (exact, distinct)")
    optimum = global_min_value(L)
    values = [row[4] for row in rows]
    best = min(values)
    log.require(best == optimum and values.count(best) == 1,
                f"the minimum class I = {set(rows[values.index(best)][0])} has value {best} = the exact global "
                f"minimum {optimum}, and it is the only class with that value")
    for I, plain, mixed, C, value in rows:
        label = f"I = {set(I)}"
        for name, point in (("C = I", plain), (f"C = {C.tolist()} (seed {seed})", mixed)):
            critical = all(g == 0 for g in L.gradient(point))
            log.require(critical and L.value(point) == value,
                        f"{label}, {name}: exactly critical, value {L.value(point)} = s(tr(YYᵀ) − Σ_I λ_i) = {value}")
        if value == best:
            continue
        verdict, problem = certified_verdict(L, plain, seed=seed)
        log.require(problem is None and verdict.kind in SADDLE_KINDS,
                    f"{label}: certified {verdict.kind} (Hessian eigenvalues: {inertia_words(verdict.hessian_inertia)})"
                    + (f"; {problem}" if problem else ""))
    return log.result(values={str(set(row[0])): str(row[4]) for row in rows})


def numeric_check(instance, *, seed=0, thorough=False):
    """Float64 gradients vanish and float values match at every index-set point; each saddle verdict is
    confirmed by eigenvalue signs and sampling."""
    log = CheckLog()
    L = landscape_of(instance_key(instance))
    if _assumptions(L):
        log.require(False, "the instance violates BH89's assumptions (see the exact check)")
        return log.result()
    built = index_set_points(L, seed)
    if built is None:
        log.require(False, "Σ has irrational eigenvectors")
        return log.result()
    _, rows = built
    twin = numeric_twin(L)
    best = min(row[4] for row in rows)
    for I, plain, mixed, _, value in rows:
        for point in (plain, mixed):
            x = [float(v) for v in point]
            g = float(np.linalg.norm(twin.gradient(x)))
            log.require(g <= 1e-9 * (1 + float(value)) and abs(twin.value(x) - float(value)) <= 1e-12 * (1 + float(value)),
                        f"I = {set(I)}: float64 |∇L| = {g:.2g}, L = {twin.value(x):.12g}")
        if value != best:
            verdict, _ = certified_verdict(L, plain, seed=seed)
            result = confirm(verdict, L, plain, seed=seed)
            log.require(result.agrees, f"I = {set(I)}: {result.summary()}")
    return log.result()


_X, _Y = spectral_data([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], [3, 2, 1], [[0, 2, 0], [-2, 0, 1], [0, -1, 0]])
_X4, _Y4 = spectral_data([[0, 1, 0, 1], [-1, 0, 2, 0], [0, -2, 0, 1], [-1, 0, -1, 0]], [4, 3, 2, 1],
                         [[0, 1, 1, 0], [-1, 0, 0, 2], [-1, 0, 0, 1], [0, -2, -1, 0]])

register(Claim(
    id="BH89",
    source=Source("Baldi, Hornik", "Neural networks and principal component analysis: learning from examples "
                  "without local minima", 1989, "main theorem on the critical points of E(A, B)",
                  "Neural Networks 2(1), 53-58"),
    statement="For the sum-of-squares loss of A B X ≈ Y with one hidden layer of width p, Σ full rank with distinct "
              "eigenvalues: the full-rank critical points are A = U_I C, B = C⁻¹ U_Iᵀ Y Xᵀ (X Xᵀ)⁻¹ for index sets "
              "|I| = p, with value tr(Y Yᵀ) − Σ_{i∈I} λ_i; the top p eigenvalues give the global minimum and every "
              "other index set is a saddle.",
    conventions=("loss ||A B X − Y||_F² (plain sum of squares, no 1/2: Hessians are twice Kawaguchi's)",
                 "one hidden layer = two weight matrices (B = W_1, A = W_2)"),
    instances=(
        Instance("3x3, p = 2", "X = I_3, Y = Q diag(3, 2, 1) R with Cayley Q, R: eigenvalues 9, 4, 1",
                 {"X": _X, "Y": _Y, "hidden": [2], "scale": "sum"}),
        Instance("4x4, p = 2 (thorough)", "X = I_4, Y = Q diag(4, 3, 2, 1) R: six index sets",
                 {"X": _X4, "Y": _Y4, "hidden": [2], "scale": "sum"}, thorough=True),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
