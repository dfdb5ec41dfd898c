"""The Eckart–Young certificate of a global minimum of a deep linear network.

Every end-to-end product ``W_N⋯W_1`` of a deep linear network has rank at most p, the
narrowest of its widths ``d_x, d_1, ..., d_y``.  When X has full row rank, the least value
of ``‖RX − Y‖²_F`` over matrices R of rank at most p is ``tr YYᵀ − (λ_1 + ... + λ_p)``, the
λ the eigenvalues of ``Σ = Y Xᵀ(X Xᵀ)⁻¹X Yᵀ`` from the largest down (Eckart and Young,
"The approximation of one matrix by another of lower rank", 1936, with Mirsky's
extension to unitarily invariant norms, 1960; applied to the projection of Y onto the row
space of X as in Baldi and Hornik, "Neural networks and principal component analysis",
1989).  A point with that value is a global minimum.

:func:`certificate` finds the bound with SymPy (exact real roots of the characteristic
polynomial) and states it in the form that :func:`symlandscape.verify.verify` checks on
its own (``"type": "eckart_young"``, see the table in :mod:`symlandscape.verify`).
"""

from __future__ import annotations

import sympy

__all__ = ["certificate", "optimum"]

_SCALE = {"half": sympy.Rational(1, 2), "sum": sympy.Integer(1)}


def certificate(landscape, point):
    """The ``global`` sub-certificate ``eckart_young`` at ``point``, or None.

    None unless ``landscape`` is a :func:`~symlandscape.deep_linear` network whose X has full
    row rank, the optimum is rational and the value at ``point`` equals it.

    >>> from symlandscape import deep_linear
    >>> L = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
    >>> cert = certificate(L, L.point_from_matrices([[[0, 2]], [[0], [1]]]))
    >>> cert["bound"], cert["widths"], cert["layers"]
    ('1/2', [2, 1, 2], [[['W1_1_1', 'W1_1_2']], [['W2_1_1'], ['W2_2_1']]])
    >>> certificate(L, L.point_from_matrices([[[2, 0]], [[1], [0]]])) is None   # value 2: a saddle
    True
    """
    best = optimum(landscape)
    if best is None or landscape.value(point) != best:
        return None
    names = iter(str(v) for v in landscape.variables)
    layers = [[[next(names) for _ in range(cols)] for _ in range(rows)] for rows, cols in landscape.shapes]
    return {
        "type": "eckart_young",
        "theorem": "Eckart-Young-Mirsky",
        "scale": str(_SCALE[landscape.scale]),
        "X": _text(landscape.X),
        "Y": _text(landscape.Y),
        "widths": list(landscape.widths),
        "layers": layers,
        "bound": str(best),
    }


def optimum(landscape):
    """``s (tr YYᵀ − λ_1 − ... − λ_p)`` as a Rational, or None when it is not rational or not known.

    None also for a landscape that is not a deep linear network, or whose X lacks full row rank.

    >>> import sympy
    >>> from symlandscape import deep_linear
    >>> optimum(deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2]))    # (14 − 9 − 4) / 2
    1/2
    >>> optimum(deep_linear(sympy.eye(3), [[1, 0, 0], [1, 1, 1]], hidden=[1])) is None   # 2 ± √2
    True
    """
    from .deep_linear import DeepLinearLandscape

    if not isinstance(landscape, DeepLinearLandscape):
        return None
    X, Y = landscape.X, landscape.Y
    gram = X * X.T
    if gram.det() == 0:
        return None
    sigma = Y * X.T * gram.inv() * X * Y.T
    top = _top_eigenvalue_sum(sigma, min(landscape.widths))
    if top is None:
        return None
    return _SCALE[landscape.scale] * ((Y * Y.T).trace() - top)


def _top_eigenvalue_sum(sigma, p):
    """λ_1 + ... + λ_p (with multiplicity), or None when it is irrational.

    SymPy isolates the real roots of the characteristic polynomial exactly (rationals and
    ``CRootOf``); the sum is rational when every irreducible factor contributes all its roots
    equally often, c times, and is then Σ c · (the factor's root sum from its coefficients).
    """
    if p >= sigma.rows:
        return sigma.trace()
    lam = sympy.Dummy("lambda")
    characteristic = sigma.charpoly(lam)
    roots = characteristic.real_roots()          # ascending, with multiplicity
    taken = {}
    for r in roots[len(roots) - p:]:
        taken[r] = taken.get(r, 0) + 1
    total = sympy.Integer(0)
    for factor, _ in characteristic.factor_list()[1]:
        counts = {taken.get(r, 0) for r in factor.real_roots()}
        if len(counts) > 1:
            return None
        coefficients = factor.all_coeffs()
        total += counts.pop() * (-coefficients[1] / coefficients[0])
    return total


def _text(matrix):
    return [[str(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
