"""The point of a convex hull nearest the origin, exactly (Wolfe's algorithm over the rationals).

It decides two alternatives the nonsmooth analysis meets: 0 lies in the hull of the pieces'
gradients (Clarke criticality; the weights are the certificate), or the nearest point ``p``
is nonzero and then ``g·p >= p·p > 0`` for every point ``g`` of the hull (a direction of
first-order ascent for every piece; Gordan's alternative for a cone of constraints).

P. Wolfe, "Finding the nearest point in a polytope", Mathematical Programming 11 (1976).
With exact arithmetic every step is exact and the algorithm is finite.  Points with
non-rational entries use the support enumeration of :func:`_by_supports` instead.

>>> import flint
>>> q = flint.fmpq
>>> weights, p = min_norm_point([[q(1), q(0)], [q(-1), q(0)], [q(0), q(1)]])
>>> [str(w) for w in weights], [str(x) for x in p]
(['1/2', '1/2', '0'], ['0', '0'])
>>> weights, p = min_norm_point([[q(2), q(1)], [q(1), q(2)]])
>>> [str(x) for x in p]
['3/2', '3/2']
"""

from __future__ import annotations

import itertools

import flint
import sympy

from .errors import EvaluationError
from .jets import _number as _exact  # one flint/SymPy number conversion
from .jets import _sympy
from .signs import exact_sign

__all__ = ["min_norm_point"]

_MAX_ITERATIONS = 10_000


def min_norm_point(points):
    """``(weights, p)``: weights >= 0 summing to 1 with ``p = Σ w_i points[i]`` nearest 0."""
    if not points:
        raise EvaluationError("the convex hull of no points is empty")
    if all(isinstance(x, flint.fmpq) for v in points for x in v):
        return _wolfe(points)
    return _by_supports(points)


def _dot(a, b):
    total = flint.fmpq(0)
    for x, y in zip(a, b):
        total += x * y
    return total


def _combination(weights, points, support):
    n = len(points[0])
    out = [flint.fmpq(0)] * n
    for i in support:
        w = weights[i]
        if w:
            for k in range(n):
                out[k] += w * points[i][k]
    return out


def _affine_minimizer(points, support):
    """Weights α (summing to 1) of the point of aff(support) nearest 0, or None if degenerate."""
    s = len(support)
    rows = []
    for i in support:
        rows.append([_dot(points[i], points[j]) for j in support] + [flint.fmpq(1)])
    rows.append([flint.fmpq(1)] * s + [flint.fmpq(0)])
    A = flint.fmpq_mat(rows)
    b = flint.fmpq_mat(s + 1, 1, [flint.fmpq(0)] * s + [flint.fmpq(1)])
    try:
        solution = A.solve(b)
    except ZeroDivisionError:
        return None
    return {i: solution[k, 0] for k, i in enumerate(support)}


def _wolfe(points):
    m = len(points)
    norms = [_dot(p, p) for p in points]
    first = min(range(m), key=lambda i: norms[i])
    weights = [flint.fmpq(0)] * m
    weights[first] = flint.fmpq(1)
    support = [first]
    x = list(points[first])
    for _ in range(_MAX_ITERATIONS):
        xx = _dot(x, x)
        j = min(range(m), key=lambda i: _dot(points[i], x))
        if _dot(points[j], x) >= xx or j in support:
            return weights, x
        support.append(j)
        while True:
            alpha = _affine_minimizer(points, support)
            if alpha is None:  # pragma: no cover - Wolfe keeps the support affinely independent
                return _by_supports(points)
            if all(a > 0 for a in alpha.values()):
                for i in support:
                    weights[i] = alpha[i]
                x = _combination(weights, points, support)
                break
            theta = min(weights[i] / (weights[i] - alpha[i]) for i in support if alpha[i] <= 0)
            for i in support:
                weights[i] = (1 - theta) * weights[i] + theta * alpha[i]
            support = [i for i in support if weights[i] > 0]
            for i in range(m):
                if i not in support:
                    weights[i] = flint.fmpq(0)
            x = _combination(weights, points, support)
    raise EvaluationError("the nearest-point search did not finish")  # pragma: no cover


def _by_supports(points, max_points=12):
    """The same for exact non-rational entries: supports by size, each a small linear system."""
    m = len(points)
    if m > max_points:
        raise EvaluationError(f"{m} points with non-rational entries are too many for the exact nearest-point search")
    vectors = [[_sympy(x) for x in g] for g in points]
    G = [[sum((a * b for a, b in zip(vectors[i], vectors[j])), sympy.S.Zero) for j in range(m)] for i in range(m)]
    for size in range(1, m + 1):
        for support in itertools.combinations(range(m), size):
            system = sympy.Matrix([[G[i][j] for j in support] + [1] for i in support] + [[1] * size + [0]])
            rhs = sympy.Matrix([0] * size + [1])
            try:
                solution = system.LUsolve(rhs)
            except (ValueError, ZeroDivisionError, sympy.matrices.exceptions.NonInvertibleMatrixError):
                continue
            if any(not x.is_finite for x in solution):
                continue
            weights = [sympy.S.Zero] * m
            for i, w in zip(support, solution[:size]):
                weights[i] = w
            try:
                if any(exact_sign(_exact(w)) < 0 for w in weights):
                    continue
                p = [sum((weights[i] * vectors[i][k] for i in range(m)), sympy.S.Zero) for k in range(len(vectors[0]))]
                pp = sum((x * x for x in p), sympy.S.Zero)
                if all(exact_sign(_exact(sum((a * b for a, b in zip(g, p)), sympy.S.Zero) - pp)) >= 0 for g in vectors):
                    return [_exact(w) for w in weights], [_exact(x) for x in p]
            except EvaluationError:
                continue
    raise EvaluationError("the exact nearest-point search found no support whose signs it can decide")


