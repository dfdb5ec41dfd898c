"""K16-i: the squared loss of a deep linear network is non-convex and non-concave (Kawaguchi 2016)."""

from __future__ import annotations

import numpy as np
import sympy

from proofs_checks import depth_text, instance_key, landscape_of, spectral_data
from symlandscape.claims import CheckLog, Claim, Instance, Source, register
from symlandscape.inertia import inertia
from symlandscape.numeric import numeric_twin

__all__ = ["exact_check", "numeric_check", "witnesses"]

_HALVINGS = 60


def _flipped(L, point):
    """The point with W_1 and W_2 negated: the end-to-end product, hence the loss, is unchanged."""
    mats = L.matrices(point)
    mats[0], mats[1] = -mats[0], -mats[1]
    return L.point_from_matrices(mats)


def _better_than_zero(L):
    """A rational point with L < L(0): the least-squares product factored through the first hidden unit
    when possible (exact), else rank-one data directions."""
    zero = tuple(0 for _ in L.variables)
    f0 = L.value(zero)
    d_x, d_y = L.widths[0], L.widths[-1]
    X, Y = L.X, L.Y
    # rank-one product u vᵀ with u, v from Y Xᵀ: first column of Y Xᵀ and its row, scaled by t
    G = Y * X.T
    for i in range(d_y):
        for j in range(d_x):
            if G[i, j] == 0:
                continue
            for t in (sympy.Rational(1, 2 ** k) for k in range(_HALVINGS)):
                mats = [sympy.zeros(r, c) for r, c in L.shapes]
                mats[0][0, j] = t * sympy.sign(G[i, j])
                for M in mats[1:-1]:
                    M[0, 0] = 1
                mats[-1][i, 0] = 1
                point = L.point_from_matrices(mats)
                if L.value(point) < f0:
                    return point
    return None


def witnesses(L):
    """Exact witnesses: ``(nonconvex, nonconcave)``, each ``(a, b, text)`` with a violated midpoint
    inequality (``L((a+b)/2) > (L(a)+L(b))/2`` resp. ``<``), or None where none was found."""
    nonconvex = nonconcave = None
    if L.weight_matrices >= 2:
        a = _better_than_zero(L)
        if a is not None:
            b = _flipped(L, a)
            mid = tuple((x + y) / 2 for x, y in zip(a, b))
            lhs, rhs = L.value(mid), (L.value(a) + L.value(b)) / 2
            if lhs > rhs:
                nonconvex = (a, b, f"L((a+b)/2) = {lhs} > {rhs} = (L(a)+L(b))/2 with b = a after negating W_1 "
                                   f"and W_2 (same product), so (a+b)/2 has W_1 = W_2 = 0")
    # a positive curvature direction anywhere gives non-concavity: at the origin, else a rational point
    for point in (tuple(0 for _ in L.variables), tuple(1 for _ in L.variables)):
        H = L.hessian(point)
        result = inertia(H)
        if nonconvex is None and result.negative:
            v = result.negative_witness
            nonconvex = _midpoint_pair(L, point, v, -1)
        if result.positive:
            nonconcave = _midpoint_pair(L, point, result.positive_witness, 1)
            break
    return nonconvex, nonconcave


def _midpoint_pair(L, point, v, sign):
    """Points θ ± t v around θ with the midpoint inequality violated (exact; t halved until it holds)."""
    for k in range(_HALVINGS):
        t = sympy.Rational(1, 2 ** k)
        a = tuple(x + t * y for x, y in zip(point, v))
        b = tuple(x - t * y for x, y in zip(point, v))
        lhs, rhs = L.value(point), (L.value(a) + L.value(b)) / 2
        if (sign > 0 and lhs < rhs) or (sign < 0 and lhs > rhs):
            relation = "<" if sign > 0 else ">"
            return a, b, (f"L((a+b)/2) = {lhs} {relation} {rhs} = (L(a)+L(b))/2 for a, b = θ ± {t}·v, "
                          f"v a Hessian eigen-direction of {'positive' if sign > 0 else 'negative'} curvature "
                          f"(vᵀHv certified by exact inertia)")
    return None


def exact_check(instance, *, seed=0, thorough=False):
    """Exact midpoint-inequality witnesses of non-convexity and of non-concavity."""
    log = CheckLog()
    L = landscape_of(instance_key(instance))
    log.note(f"instance {instance.name}: {depth_text(L)}")
    if L.hidden_layers < 1:
        log.assumptions(("H >= 1 (at least one hidden layer, i.e. two weight matrices)",), "Kawaguchi 2016")
    nonconvex, nonconcave = witnesses(L)
    log.require(nonconvex is not None, "non-convex: " + (nonconvex[2] if nonconvex else "no witness found"))
    log.require(nonconcave is not None, "non-concave: " + (nonconcave[2] if nonconcave else "no witness found"))
    data = {}
    if nonconvex:
        data["nonconvex"] = [[str(x) for x in nonconvex[0]], [str(x) for x in nonconvex[1]]]
    if nonconcave:
        data["nonconcave"] = [[str(x) for x in nonconcave[0]], [str(x) for x in nonconcave[1]]]
    return log.result(**data)


def numeric_check(instance, *, seed=0, thorough=False):
    """The float64 twin agrees with both midpoint inequalities (with a margin far above rounding), and
    float64 Hessians at seeded random points show both curvature signs."""
    log = CheckLog()
    L = landscape_of(instance_key(instance))
    twin = numeric_twin(L)
    nonconvex, nonconcave = witnesses(L)
    for name, found, sign in (("non-convex", nonconvex, 1), ("non-concave", nonconcave, -1)):
        if found is None:
            log.require(False, f"{name}: no exact witness to cross-check")
            continue
        a, b, _ = found
        fa, fb = twin.value([float(x) for x in a]), twin.value([float(x) for x in b])
        fm = twin.value([float(x + y) / 2 for x, y in zip(a, b)])
        gap = sign * (fm - (fa + fb) / 2)
        log.require(gap > 1e-12 * (1 + abs(fa) + abs(fb)), f"{name}: float64 midpoint gap {gap:.3g} has the sign "
                                                            "of the exact inequality")
    rng = np.random.default_rng(seed)
    signs = set()
    for _ in range(8):
        H = twin.hessian(rng.normal(0.0, 1.0, len(L.variables)))
        eig = np.linalg.eigvalsh(H)
        tol = 1e-8 * max(1.0, float(np.linalg.norm(H)))
        signs |= {"negative"} if eig[0] < -tol else set()
        signs |= {"positive"} if eig[-1] > tol else set()
    log.require(signs == {"negative", "positive"}, f"float64 Hessians at 8 seeded random points (seed {seed}) "
                                                   f"show {' and '.join(sorted(signs)) or 'no'} curvature")
    return log.result()


_X3, _Y3 = spectral_data([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], [3, 2, 1], [[0, 2, 0], [-2, 0, 1], [0, -1, 0]])

register(Claim(
    id="K16-i",
    source=Source("Kawaguchi", "Deep Learning without Poor Local Minima", 2016, "Theorem 2.3 (i)",
                  "arXiv:1605.07110"),
    statement="The squared loss of a deep linear network with at least one hidden layer is non-convex and "
              "non-concave.",
    conventions=("loss 1/2 ||W_{H+1}⋯W_1 X − Y||_F² (Kawaguchi)",
                 "depth in weight matrices (H+1) and hidden layers (H)"),
    instances=(
        Instance("scalar, 2 weight matrices", "L = 1/2 (1 − w2 w1)²", {"X": [[1]], "Y": [[1]], "hidden": [1]}),
        Instance("3x3, hidden [2]", "spectral data, 2 weight matrices", {"X": _X3, "Y": _Y3, "hidden": [2]}),
        Instance("3x3, hidden [2, 2]", "the same data, 3 weight matrices (the Hessian vanishes at the origin)",
                 {"X": _X3, "Y": _Y3, "hidden": [2, 2]}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
