"""Global lower bounds on piecewise losses: closed cells covering all of space, an identity on each.

Pairs with the checker's ``_Checker.check_cover`` (:class:`symlandscape.regions.Cover`,
:func:`symlandscape.regions.check_cover`).  For a loss ``K + Σ_j s_j r_j²`` (``s_j > 0``) whose
units are hinges of affine functions (relu, leaky_relu, abs, max and min of two), the cells
are every branch of every unit times a sign of each *split*, a variable that multiplies a
unit (the output weight ``v`` of ``v relu(w x + b)``).  Empty cells are cut by the exact simplex
method of :mod:`symlandscape.arrangement`, each with its Farkas combination.

On a cell each residual ``r_j`` is affine in a vector φ of *features*, the monomials of the
residuals (``vw``, ``vb``, ``c``), and so are some products of two of the cell's constraints
(``v·(w x_i + b)``, nonnegative on the cell).  Minimising the convex quadratic
``f(φ) = K + Σ s_j (a_j·φ + a_j0)²`` over ``{φ : h_m(φ) >= 0}``, with those products h_m, is a
relaxation of the piece's minimum over the cell; its KKT point φ̂ with multipliers λ >= 0 gives

    f(φ) − bound = Σ_j s_j (a_j·(φ − φ̂))² + Σ_m λ_m h_m(φ) + (f(φ̂) − bound),

an identity in θ once φ = φ(θ) is substituted: the piece is at least ``bound`` on the cell when
``f(φ̂) >= bound``.  The KKT point is found exactly, by solving the stationarity equations on
each set of active products (smallest first); by Carathéodory's theorem some linearly
independent active set carries the optimum, so for these sizes the enumeration is complete.
With five samples and one hidden unit (SCP16) that is 64 cells of at most 5 products each.
"""

from __future__ import annotations

import itertools

import flint
import sympy

from .. import regions
from .. import sos as sos_engine
from ..arrangement import maximize, strictly_feasible
from ..errors import InvalidArgument
from ..exact import solve_linear
from ..polynomial import NotPolynomial, polynomial_context, to_mpoly
from .positivity import _weighted_squares
from .scalars import _text

#: The most cells (leaves of the tree of branches and signs) a cover may have.
MAX_CELLS = 64
# Covers are tried up to this many parameters, units, splits, and products per cell (each cell tries at
# most 2^products active sets), so that classify stays quick elsewhere.
_COVER_SIZE = 6
# A cell whose piece is not a sum of squares of affine functions of its monomials goes to the
# semidefinite search of :mod:`symlandscape.sos` up to this many parameters, with Gram blocks of this size.
_SOS_SIZE = 3
_SOS_BASIS = 20
_MAX_UNITS = 12
_MAX_SPLITS = 2
_MAX_PRODUCTS = 8


def cover_bound(search):
    """A ``cell_cover`` certificate that ``L >= L(θ0)`` on all of space, or None (with a note)."""
    L = search.L
    if (not L.is_piecewise or not L.rational_valued or search.n > _COVER_SIZE or tuple(getattr(L, "domain", ()))
            or not isinstance(search.value, flint.fmpq)):
        return None
    expr, variables = L.expression, tuple(L.variables)
    split = _splits(expr, variables)
    squares = _weighted_squares(expr, 1)  # expr = K + Σ s_j r_j², every s_j > 0
    if split is None or (squares is None and search.n > _SOS_SIZE):
        return None
    ctx = polynomial_context([str(v) for v in variables])
    index = {v: i for i, v in enumerate(variables)}
    cover = regions.Cover(expr, variables, split)
    if len(cover.units) > _MAX_UNITS:
        return None

    def poly(e):
        return to_mpoly(sympy.expand(e), ctx, index)

    try:
        tree = _cells(cover, poly, len(variables))
    except NotPolynomial:
        return None
    if tree is None:
        search.notes.append(f"No cover by cells: more than {MAX_CELLS} cells.")
        return None
    cells, empty = tree
    if squares is not None:
        constant = flint.fmpq(int(squares[1].p), int(squares[1].q))
        weights = [flint.fmpq(int(s.p), int(s.q)) for s, _ in squares[0]]
        bases = [base for _, base in squares[0]]
    entries, solver = [], False
    for pattern in cells:
        choice, memo = dict(zip(cover.units, pattern)), {}
        try:
            constraints = [poly(g) for g in cover.constraints(pattern)]
            piece = poly(cover.piece(pattern))
            terms = None
            if squares is not None:
                residuals = [poly(regions.resolve(base, choice, memo)) for base in bases]
                terms = _cell_identity(ctx, constant, weights, residuals, constraints, search.value)
        except NotPolynomial:
            return None
        if terms is None and search.n <= _SOS_SIZE:
            terms, solver = _cell_sos(piece - ctx.constant(search.value), constraints, search), True
        if terms is None or _residual(ctx, piece - ctx.constant(search.value), terms, constraints) != 0:
            search.notes.append(f"No cover by cells: on the cell {list(pattern)} no identity shows L >= "
                                f"{_text(search.value)}.")
            return None
        entries.append({"pattern": list(pattern), "terms": [
            {"coefficient": _text(c), "polynomial": str(q), **({"constraints": list(ks)} if ks else {})}
            for c, q, ks in terms]})
    signs = f" and a sign of {', '.join(map(str, split))}" if split else ""
    engine = f" (some found by Clarabel in floats, rounded and checked exactly; seed={search.seed})" if solver else ""
    search.notes.append(f"{len(cells)} closed cells (a branch of every unit{signs}; {len(empty)} empty prefixes cut "
                        f"by exact Farkas combinations) cover all of space, and on each an exact identity{engine} "
                        f"shows L >= {_text(search.value)}: a global minimum.")
    return {"type": "cell_cover", "bound": _text(search.value), "splits": [str(p) for p in split],
            "cells": entries, "empty": [{"prefix": list(p), "multipliers": [_text(x) for x in m]} for p, m in empty]}


def _splits(expr, variables):
    """The variables that multiply a unit somewhere in ``expr`` (in variable order), or None if too many."""
    classes = tuple(regions.BRANCHES)
    found = set()
    for node in sympy.preorder_traversal(expr):
        if node.is_Mul and any(isinstance(a, classes) for a in node.args):
            found.update(a for a in node.args if a in variables)
    split = tuple(v for v in variables if v in found)
    return split if len(split) <= _MAX_SPLITS else None


def _affine(g, n):
    """``(a, a0)`` with ``g = a·θ + a0`` for an affine ``fmpq_mpoly``, or None."""
    if g.total_degree() > 1:
        return None
    terms = g.to_dict()
    zero = (0,) * n
    return tuple(terms.get(tuple(int(i == j) for j in range(n)), flint.fmpq(0)) for i in range(n)), \
        terms.get(zero, flint.fmpq(0))


def _cells(cover, poly, n):
    """``(cells, empty)``: the patterns of the nonempty closed cells, and ``(prefix, Farkas multipliers)``
    for each empty prefix cut; None beyond :data:`MAX_CELLS` cells or for a constraint that is not affine."""
    cells, empty = [], []

    def walk(prefix):
        if len(cells) > MAX_CELLS:
            return
        if prefix:
            rows = [_affine(poly(g), n) for g in cover.constraints(prefix)]
            if any(r is None for r in rows):
                raise NotPolynomial
            if strictly_feasible(n, weak=rows) is None:
                empty.append((prefix, _farkas(rows, n)))
                return
        if len(prefix) == len(cover.arities):
            cells.append(prefix)
            return
        for b in range(cover.arities[len(prefix)]):
            walk(prefix + (b,))

    walk(())
    return None if len(cells) > MAX_CELLS else (cells, empty)


def _farkas(rows, n):
    """λ >= 0 with Σ λ_j (a_j·θ + a0_j) = −1 identically, for affine rows with no common point."""
    # Σ λ_j a_j = 0 and Σ λ_j a0_j = −1, as inequalities for the simplex method (x >= 0 is λ >= 0)
    zero = flint.fmpq(0)
    A, b = [], []
    for i in range(n):
        A.append([a[i] for a, _ in rows])
        A.append([-a[i] for a, _ in rows])
        b.extend([zero, zero])
    A.append([a0 for _, a0 in rows])
    A.append([-a0 for _, a0 in rows])
    b.extend([flint.fmpq(-1), flint.fmpq(1)])
    status, _, lam = maximize([zero] * len(rows), A, b)
    if status != "optimal":  # pragma: no cover - an empty polyhedron always has one (Farkas' lemma)
        raise ArithmeticError("no Farkas combination for an empty cell")
    return lam


def _cell_identity(ctx, constant, weights, residuals, constraints, bound):
    """Terms ``(c, q, constraints)`` of ``piece − bound = Σ c q² Π g``, or None (see the module docstring)."""
    gens = ctx.gens()
    features = sorted({m for r in residuals for m in r.to_dict() if any(m)})
    position = {m: i for i, m in enumerate(features)}
    F = len(features)
    zero = flint.fmpq(0)

    def linear(p):  # (vector over the features, constant) or None
        vector = [zero] * F
        for m, c in p.to_dict().items():
            if any(m):
                if m not in position:
                    return None
                vector[position[m]] = c
        return vector, p.to_dict().get((0,) * len(gens), zero)

    rows = [linear(r) for r in residuals]
    products, seen = [], set()
    for size in (1, 2):
        for ks in itertools.combinations(range(len(constraints)), size):
            h = constraints[ks[0]] if size == 1 else constraints[ks[0]] * constraints[ks[1]]
            form = linear(h) if not h.is_constant() else None
            key = None if form is None else (tuple(form[0]), form[1])
            if form is not None and any(form[0]) and key not in seen:
                seen.add(key)
                products.append((ks, form))
    if len(products) > _MAX_PRODUCTS:
        return None
    Q = [[sum((s * a[i] * a[j] for s, (a, _) in zip(weights, rows)), zero) for j in range(F)] for i in range(F)]
    q = [sum((s * a0 * a[i] for s, (a, a0) in zip(weights, rows)), zero) for i in range(F)]

    def value(phi):
        return constant + sum((s * (sum((x * y for x, y in zip(a, phi)), zero) + a0) ** 2
                               for s, (a, a0) in zip(weights, rows)), zero)

    for size in range(min(F, len(products)) + 1):
        for active in itertools.combinations(products, size):
            # 2Qφ + 2q = Σ λ_m h_m and h_m(φ) = 0 on the active products
            k = len(active)
            matrix = flint.fmpq_mat(F + k, F + k)
            rhs = [-2 * x for x in q] + [-form[1] for _, form in active]
            for i in range(F):
                for j in range(F):
                    matrix[i, j] = 2 * Q[i][j]
                for m, (_, form) in enumerate(active):
                    matrix[i, F + m] = -form[0][i]
                    matrix[F + m, i] = form[0][i]
            solved = solve_linear(matrix, rhs)
            if solved is None:
                continue
            solution, null = solved
            lam = solution[F:]
            if any(x < 0 for x in lam) or any(any(v[F:]) for v in null):
                continue  # not a KKT point, or its multipliers are not unique (a smaller set has them)
            phi = solution[:F]
            gap = value(phi) - bound
            if gap < 0:
                continue
            monomials = [ctx.from_dict({m: 1}) for m in features]
            terms = []
            for s, (a, _) in zip(weights, rows):
                square = sum((ctx.constant(x) * (mono - ctx.constant(p))
                              for x, mono, p in zip(a, monomials, phi) if x), ctx.constant(0))
                if square != 0:
                    terms.append((s, square, ()))
            terms.extend((x, ctx.constant(1), ks) for x, (ks, _) in zip(lam, active) if x)
            if gap:
                terms.append((gap, ctx.constant(1), ()))
            return terms
    return None


def _cell_sos(R, constraints, search):
    """Terms ``(c, q, constraints)`` of ``R = Σ c q² Π g`` from :func:`symlandscape.sos.attempt`, with the
    cell's constraints and their products of two as multipliers (the point as a known zero where it lies in
    the cell), or None."""
    products = [(k,) for k, g in enumerate(constraints) if not g.is_constant()]
    products += [(k, l) for k, l in itertools.combinations([k for k, in products], 2)]
    multipliers = []
    for ks in products:
        g = constraints[ks[0]] if len(ks) == 1 else constraints[ks[0]] * constraints[ks[1]]
        multipliers.append(g)
    inside = all(g(*search.pt) >= 0 for g in constraints)
    if R.is_constant():  # a constant piece: its own term, or nothing to prove
        value = next(iter(R.to_dict().values()), flint.fmpq(0))
        return None if value < 0 else [(value, R.context().constant(1), ())] if value else []
    top = max([int(R.total_degree())] + [int(g.total_degree()) for g in multipliers])
    try:
        found = sos_engine.attempt(R, multipliers=multipliers, zeros=[search.pt] if inside else [],
                                   degree=top + top % 2, max_basis=_SOS_BASIS, time_limit=None,
                                   seed=search.seed).found
    except InvalidArgument:  # a size the engine refuses
        return None
    if found is None:
        return None
    return [(c, q, () if k is None else products[k]) for c, q, k in found.terms]


def _residual(ctx, target, terms, constraints):
    """``target − Σ c q² Π g``, exactly: the search's own check before the checker's."""
    for c, q, ks in terms:
        product = ctx.constant(1)
        for k in ks:
            product = product * constraints[k]
        target = target - ctx.constant(c) * q * q * product
    return target
