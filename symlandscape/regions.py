"""Activation regions: the smooth pieces a nonsmooth loss has near a point, the cells covering space, and the proofs.

A nonsmooth *unit* — an occurrence of ``relu(z)``, ``leaky_relu(z, s)``, ``abs``, ``max`` or
``min`` — has *branches* ``(label, constraints, replacement)``: on the closed set where every
constraint is ``>= 0`` the unit equals the smooth replacement.  Units are ordered inner ones
first (by how many units they contain), then by SymPy's canonical sort key, so that a unit's
arguments only involve units before it.

At a point θ0 a branch is *active* when its constraints hold there; a unit with more than one
active branch sits on a *kink*.  A *pattern* picks one active branch per kink unit; with the
others' only active branch it defines the *region* ``R_P`` (all chosen constraints ``>= 0``)
on which the loss equals the smooth *piece* ``L_P``.  The regions of all patterns contain θ0
and cover a neighbourhood of it (every nearby point's own branches are active at θ0, by
continuity).  The *adjacent pieces* are the patterns whose region has nonempty interior in
every neighbourhood of θ0; the others are nowhere dense there, so the closed regions of the
adjacent pieces alone still cover a neighbourhood.  This module checks a certificate of that
split (:func:`check_pieces`):

- a pattern is full-dimensional by an *interior curve* ``θ(t) = θ0 + t d_1 + ... + t^r d_r``
  along which every *binding* constraint (one that vanishes at θ0) has a positive leading
  Taylor coefficient: ``θ(t)`` is an interior point of ``R_P`` for all small ``t > 0``;
- a *prefix* (the branches of the first kink units) has a region with empty interior near θ0
  by constants ``λ_j >= 0`` and a sum of squares ``σ = Σ c_i q_i²`` with
  ``Σ λ_j g_j + σ = 0`` identically over its binding constraints ``g_j``, some ``λ_k > 0``
  and ``g_k`` not the zero polynomial: on the region every ``λ_j g_j`` is ``>= 0`` and they sum
  to ``-σ <= 0``, so the region lies in the zero set of the nonzero polynomial ``g_k``;
- the pruned prefixes and the listed patterns account for every pattern.

Over all of space (:class:`Cover`), the *cells* pick a branch of every unit and a sign of some
split polynomials; their closed sets cover space, and :func:`check_cover` checks a global
lower bound stated cell by cell (an identity per cell, a Farkas combination per empty prefix).

This module is part of the checker's trusted base: it evaluates with :mod:`symlandscape.jets`
only, and the engines (:mod:`symlandscape.piecewise`) use its definitions, not the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy

from . import budget, jets
from .jets import _number as _exact  # the checker's one flint/SymPy number conversion
from .jets import _sympy
from .activations import leaky_relu, relu
from .errors import EvaluationError
from .signs import exact_sign, short_text

__all__ = ["BRANCHES", "branches", "units", "resolve", "Kinks", "check_pieces", "PieceProof", "Cover", "check_cover",
           "check_farkas", "check_identity", "MAX_PRODUCT"]


def _relu_branches(z):
    return (("active", (z,), z), ("inactive", (-z,), sympy.S.Zero))


def _leaky_relu_branches(z, slope):
    return (("active", (z,), z), ("inactive", (-z,), slope * z))


def _abs_branches(z):
    return (("nonnegative", (z,), z), ("nonpositive", (-z,), -z))


def _max_branches(*args):
    return tuple((f"argument {i + 1} is largest", tuple(a - b for j, b in enumerate(args) if j != i), a)
                 for i, a in enumerate(args))


def _min_branches(*args):
    return tuple((f"argument {i + 1} is smallest", tuple(b - a for j, b in enumerate(args) if j != i), a)
                 for i, a in enumerate(args))


#: Nonsmooth SymPy function -> its branches ``(label, constraints >= 0, replacement)``.
BRANCHES = {
    relu: _relu_branches,
    leaky_relu: _leaky_relu_branches,
    sympy.Abs: _abs_branches,
    sympy.Max: _max_branches,
    sympy.Min: _min_branches,
}


def branches(func, args):
    """The branches of the nonsmooth function ``func`` applied to ``args``.

    >>> z = sympy.Symbol("z", real=True)
    >>> [(label, c, r) for label, c, r in branches(relu, (z,))]
    [('active', (z,), z), ('inactive', (-z,), 0)]
    """
    return BRANCHES[func](*args)


def units(expr):
    """The nonsmooth units of ``expr``, inner ones first, then in SymPy's canonical order."""
    classes = tuple(BRANCHES)
    found = [node for node in jets.nodes(expr) if isinstance(node, classes)]
    return tuple(sorted(found, key=lambda u: (len(u.atoms(*classes)), sympy.default_sort_key(u))))


def resolve(node, choice, memo, regions=None):
    """``node`` with every unit in ``choice`` replaced by its chosen branch, inner units first.

    ``memo`` caches rebuilt subexpressions; ``regions``, if given, receives each replaced
    unit's constraints (with inner units already replaced).
    """
    if node in memo:
        return memo[node]
    if not node.args or not node.has(*BRANCHES):
        return node
    args = [resolve(a, choice, memo, regions) for a in node.args]
    if node in choice:
        label, region, replacement = branches(node.func, args)[choice[node]]
        if regions is not None:
            regions[node] = region
        result = replacement
    else:
        result = node.func(*args)
    memo[node] = result
    return result


@dataclass(frozen=True)
class PieceProof:
    """A full-dimensional pattern: the smooth piece, its region's constraints, and the binding ones."""

    pattern: tuple
    expression: sympy.Expr
    constraints: tuple
    binding: tuple


class Kinks:
    """The units of ``expr`` at ``point``: their active branches, the kink units, and patterns.

    >>> x = sympy.Symbol("x", real=True)
    >>> K = Kinks(relu(x) - relu(-x), (x,), [0])
    >>> [str(u) for u in K.kink_units], K.active
    (['relu(-x)', 'relu(x)'], ((0, 1), (0, 1)))
    >>> str(K.piece((0, 1)).expression), str(K.piece((1, 0)).expression)   # both are x
    ('x', 'x')
    >>> K.binding((0, 0))
    (-x, x)
    """

    def __init__(self, expr, variables, point):
        self.expr = expr
        self.variables = tuple(variables)
        self.point = list(point)
        self.units = units(expr)
        budget.check("max_terms", len(self.units), "the number of nonsmooth units")
        active, base = {}, {}
        for unit in self.units:
            signs = []
            for label, constraints, replacement in branches(unit.func, unit.args):
                signs.append([exact_sign(_exact(jets.value(g, self.variables, self.point))) for g in constraints])
            active[unit] = tuple(b for b, s in enumerate(signs) if all(v >= 0 for v in s))
            if not active[unit]:  # pragma: no cover - every unit has an active branch at a real point
                raise EvaluationError(f"no branch of {unit} holds at the point")
            if len(active[unit]) == 1:
                base[unit] = active[unit][0]
        self.kink_units = tuple(u for u in self.units if len(active[u]) > 1)
        self.active = tuple(active[u] for u in self.kink_units)
        self.base = base

    @property
    def smooth(self):
        """True when no unit sits on a kink: the loss equals one smooth piece near the point."""
        return not self.kink_units

    def choice(self, prefix):
        choice = dict(self.base)
        choice.update(zip(self.kink_units, prefix))
        return choice

    def binding(self, prefix):
        """The constraints of the prefix's kink branches that vanish at the point, in unit order."""
        choice, memo = self.choice(prefix), {}
        out = []
        for unit, b in zip(self.kink_units, prefix):
            args = [resolve(a, choice, memo) for a in unit.args]
            for g in branches(unit.func, args)[b][1]:
                if not exact_sign(_exact(jets.value(g, self.variables, self.point))):
                    out.append(g)
        return tuple(out)

    def piece(self, pattern):
        """The smooth piece of a full pattern: expression, all region constraints, binding ones."""
        if len(pattern) != len(self.kink_units) or any(b not in a for b, a in zip(pattern, self.active)):
            raise EvaluationError(f"pattern {list(pattern)} is not a pattern of active branches at the point")
        choice, regions = self.choice(pattern), {}
        # without units there is nothing to replace (and a large loss need not be walked again)
        expression = resolve(self.expr, choice, {}, regions) if self.units else self.expr
        constraints = tuple(g for unit in self.units for g in regions.get(unit, ()))
        return PieceProof(tuple(pattern), expression, constraints, self.binding(pattern))

    def smooth_expression(self):
        """The loss near a point without kinks: every unit replaced by its active branch."""
        if not self.smooth:
            raise EvaluationError("the point sits on a kink: the loss is not one smooth piece near it")
        return resolve(self.expr, dict(self.base), {})




# ---------------------------------------------------------------------------------------
# the check of a pieces certificate


def check_pieces(data, kinks, read_number, read_polynomial, fail):
    """Check a ``pieces`` certificate at a kink; return the adjacent pieces as :class:`PieceProof`.

    ``read_number(text, name)`` reads an exact rational, ``read_polynomial(text, name, ctx)``
    a polynomial of ``ctx``, ``fail(message)`` raises; they are the checker's own readers.
    """
    if not isinstance(data, dict) or data.get("type") != "adjacent_pieces":
        fail("evidence.pieces must be an object of type 'adjacent_pieces'")
    full, empty = data.get("full"), data.get("empty")
    if not isinstance(full, list) or not isinstance(empty, list):
        fail("pieces.full and pieces.empty must be lists")
    budget.check("max_terms", len(full) + len(empty), "pieces.full and pieces.empty")
    depth = len(kinks.kink_units)
    listed = {}
    for i, entry in enumerate(full):
        pattern = _branch_indices(entry, "pattern", f"pieces.full[{i}]", fail)
        if pattern in listed:
            fail(f"pieces.full lists the pattern {list(pattern)} twice")
        listed[pattern] = entry
    pruned = {}
    for i, entry in enumerate(empty):
        prefix = _branch_indices(entry, "prefix", f"pieces.empty[{i}]", fail)
        if prefix in pruned or not 1 <= len(prefix) <= depth:
            fail(f"pieces.empty[{i}].prefix={list(prefix)} is repeated or has the wrong length")
        pruned[prefix] = entry

    proofs = []
    _walk_tree(listed, pruned, depth, lambda level: kinks.active[level],
               lambda entry, pattern: proofs.append(_check_full(entry, pattern, kinks, read_number, fail)),
               lambda entry, prefix: _check_empty(entry, prefix, kinks, read_number, read_polynomial, fail), fail,
               lambda prefix: f"the pattern {list(prefix)} is neither listed as a piece nor inside a pruned prefix: "
                              "the pieces do not cover a neighbourhood",
               lambda extra: f"pieces lists {extra} that are not reached (inactive branches or inside a pruned "
                             "prefix)")
    if not proofs:
        fail("pieces: no full-dimensional piece is listed")
    return proofs


def _branch_indices(entry, key, name, fail):
    """``entry[key]``, a list of branch indices, as a tuple."""
    if not isinstance(entry, dict):
        fail(f"{name} must be an object")
    value = entry.get(key)
    if not isinstance(value, list) or not all(isinstance(b, int) and not isinstance(b, bool) for b in value):
        fail(f"{name}.{key} must be a list of branch indices")
    return tuple(value)


def _walk_tree(listed, pruned, depth, branches, check_leaf, check_prefix, fail, uncovered, unreached):
    """Walk the tree of branch indices (``branches(level)`` at each level) down to ``depth``: every
    leaf must be in ``listed`` or below a prefix in ``pruned``, each reached entry is checked
    (``check_leaf(entry, pattern)``, ``check_prefix(entry, prefix)``) exactly once, and an entry
    the walk does not reach is an error.  ``uncovered(prefix)`` and ``unreached(entries)`` word
    the failures."""
    reached = set()

    def walk(prefix):
        if prefix in pruned:
            reached.add(("pruned", prefix))
            check_prefix(pruned[prefix], prefix)
            return
        if len(prefix) == depth:
            if prefix not in listed:
                fail(uncovered(prefix))
            reached.add(("listed", prefix))
            check_leaf(listed[prefix], prefix)
            return
        for b in branches(len(prefix)):
            walk(prefix + (b,))

    walk(())
    extra = [list(p) for p in listed if ("listed", p) not in reached] + [
        list(p) for p in pruned if ("pruned", p) not in reached]
    if extra:
        fail(unreached(extra[:3]))


def _check_full(entry, pattern, kinks, read_number, fail):
    name = f"pieces.full[{list(pattern)}]"
    piece = kinks.piece(pattern)
    curve = entry.get("interior")
    n = len(kinks.variables)
    if not isinstance(curve, list) or not curve or not all(isinstance(d, list) and len(d) == n for d in curve):
        fail(f"{name}.interior must be a nonempty list of vectors of length {n}")
    budget.check("max_terms", len(curve) * n, f"{name}.interior")
    vectors = [[read_number(v, f"{name}.interior[{k}][{i}]") for i, v in enumerate(d)] for k, d in enumerate(curve)]
    path = [list(kinks.point), *vectors]
    for g in piece.binding:
        if _leading_sign(g, kinks.variables, path) != 1:
            fail(f"{name}: the binding constraint {_short(g)} >= 0 is not positive along the interior curve "
                 "for small t > 0")
    return piece


def _leading_sign(g, variables, path, orders=(8, 64)):
    """Sign of the first nonzero Taylor coefficient of g along the path (0: none found)."""
    for order in orders:
        order = min(order, budget.current().max_order)
        coefficients = jets.series(g, variables, path, order)
        for c in coefficients[1:]:
            s = exact_sign(_exact(c))
            if s:
                return s
    return 0


def _check_empty(entry, prefix, kinks, read_number, read_polynomial, fail):
    name = f"pieces.empty[{list(prefix)}]"
    constraints = kinks.binding(prefix)
    multipliers = entry.get("multipliers")
    if not isinstance(multipliers, list) or len(multipliers) != len(constraints):
        fail(f"{name}.multipliers must list one number per binding constraint ({len(constraints)})")
    lambdas = [read_number(v, f"{name}.multipliers[{j}]") for j, v in enumerate(multipliers)]
    if any(v < 0 for v in lambdas):
        fail(f"{name}.multipliers must be >= 0")
    if not all(jets.is_polynomial(g) for g in constraints):
        # analytic constraints (exp, tanh, ... inside a unit): Σ λ_j g_j must vanish identically in
        # SymPy's canonical form (no squares), and a weighted g_k must have a nonzero gradient at
        # the point, so that its zero set, which holds the region, has empty interior
        if entry.get("squares", []):
            fail(f"{name}: squares are only for polynomial constraints")
        total = sympy.expand(sum((_sympy(lam) * g for lam, g in zip(lambdas, constraints)), sympy.S.Zero))
        if total != 0:
            fail(f"{name}: Σ λ_j g_j is not identically zero")
        if not any(lam > 0 and any(exact_sign(_exact(x)) for x in jets.second_order(g, kinks.variables,
                                                                                   kinks.point)[1])
                   for lam, g in zip(lambdas, constraints)):
            fail(f"{name}: no weighted constraint has a nonzero gradient at the point")
        return
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(len(kinks.variables), 1))), "lex")
    polynomials = [jets.polynomial(g, kinks.variables, ctx) for g in constraints]
    if not any(lam > 0 and g != 0 for lam, g in zip(lambdas, polynomials)):
        fail(f"{name}: some multiplier must be positive on a constraint that is not identically zero")
    total = ctx.constant(0)
    for lam, g in zip(lambdas, polynomials):
        total = total + ctx.constant(lam) * g
    squares = entry.get("squares", [])
    if not isinstance(squares, list):
        fail(f"{name}.squares must be a list")
    budget.check("max_terms", len(squares), f"{name}.squares")
    for i, term in enumerate(squares):
        if not isinstance(term, dict):
            fail(f"{name}.squares[{i}] must be an object")
        c = read_number(term.get("coefficient"), f"{name}.squares[{i}].coefficient")
        if c <= 0:
            fail(f"{name}.squares[{i}].coefficient must be positive")
        q = read_polynomial(term.get("polynomial"), f"{name}.squares[{i}].polynomial", ctx)
        total = total + ctx.constant(c) * q * q
    if total != 0:
        fail(f"{name}: Σ λ_j g_j + Σ c_i q_i² is not identically zero")


def _short(node, limit=80):
    return short_text(node, limit)


# ---------------------------------------------------------------------------------------
# cells covering all of space: the check of a global lower bound on a piecewise loss

#: The most region constraints whose product one term of a cell's identity may carry.
MAX_PRODUCT = 2


class Cover:
    """The closed *cells* of ``expr`` over all of space: one branch per unit, one sign per split.

    The tree of cells branches on every unit (in :func:`units` order, each over all its
    branches) and then on every *split* polynomial ``p`` (branch 0: ``p >= 0``, branch 1:
    ``-p >= 0``).  A cell's constraints are its units' chosen branch constraints (inner units
    resolved first), in unit order, then its splits' ``±p``; on the closed cell the loss
    equals the cell's *piece*.  Every point lies in the cell of its own branches and signs,
    so the cells cover all of space.

    >>> x, y = sympy.symbols("x y", real=True)
    >>> C = Cover(y * relu(x), (x, y), (y,))
    >>> C.arities, C.constraints((1, 0)), C.piece((1, 0))
    ((2, 2), (-x, y), 0)
    """

    def __init__(self, expr, variables, splits):
        self.expr = expr
        self.variables = tuple(variables)
        self.units = units(expr)
        self.splits = tuple(splits)
        budget.check("max_terms", len(self.units) + len(self.splits), "the number of units and splits")
        self.arities = tuple(len(branches(u.func, u.args)) for u in self.units) + (2,) * len(self.splits)

    def constraints(self, prefix):
        """The constraints ``g >= 0`` of the cells below ``prefix``, in unit order, then the splits'."""
        choice, memo, found = dict(zip(self.units, prefix)), {}, {}
        chosen = self.units[:len(prefix)]
        for unit in chosen:
            resolve(unit, choice, memo, found)
        signs = prefix[len(self.units):]
        return tuple(g for unit in chosen for g in found[unit]) + tuple(
            p if s == 0 else -p for p, s in zip(self.splits, signs))

    def piece(self, pattern):
        """The smooth expression equal to the loss on the closed cell ``pattern``."""
        return resolve(self.expr, dict(zip(self.units, pattern)), {}) if self.units else self.expr


def check_cover(data, cover, check_cell, check_empty, fail):
    """Check that the listed cells and pruned prefixes of ``data`` account for every cell of ``cover``.

    ``data["cells"]`` holds entries ``{"pattern": [...], ...}`` (one index per unit and split),
    ``data["empty"]`` entries ``{"prefix": [...], ...}``; ``check_cell(entry, pattern)`` and
    ``check_empty(entry, prefix)`` check each one (the walk reaches each exactly once).  Every
    leaf of the tree must be a listed cell or lie below a pruned prefix, and every entry must
    be reached.
    """
    cells, empty = data["cells"], data["empty"]
    if not isinstance(cells, list) or not isinstance(empty, list):
        fail("cover.cells and cover.empty must be lists")
    budget.check("max_terms", len(cells) + len(empty), "cover.cells and cover.empty")
    depth = len(cover.arities)
    listed, pruned = {}, {}
    for i, entry in enumerate(cells):
        pattern = _branch_indices(entry, "pattern", f"cover.cells[{i}]", fail)
        if pattern in listed or len(pattern) != depth:
            fail(f"cover.cells[{i}].pattern={list(pattern)} is repeated or does not have one index per unit and "
                 f"split ({depth})")
        listed[pattern] = entry
    for i, entry in enumerate(empty):
        prefix = _branch_indices(entry, "prefix", f"cover.empty[{i}]", fail)
        if prefix in pruned or not 1 <= len(prefix) <= depth:
            fail(f"cover.empty[{i}].prefix={list(prefix)} is repeated or has the wrong length")
        pruned[prefix] = entry
    _walk_tree(listed, pruned, depth, lambda level: range(cover.arities[level]), check_cell, check_empty, fail,
               lambda prefix: f"the cell {list(prefix)} is neither listed nor inside a pruned prefix: the cells do "
                              "not cover all of space",
               lambda extra: f"cover lists {extra} that are not reached (no such branch, or inside a pruned prefix)")


def check_farkas(multipliers, constraints, read_number, fail, name, ctx):
    """``Σ λ_j g_j`` is a negative constant with every ``λ_j >= 0`` (``fmpq_mpoly`` in ``ctx``): no
    point has every ``g_j >= 0``."""
    if not isinstance(multipliers, list) or len(multipliers) != len(constraints):
        fail(f"{name}.multipliers must list one number per constraint of the prefix ({len(constraints)})")
    total = ctx.constant(0)
    for j, (v, g) in enumerate(zip(multipliers, constraints)):
        lam = read_number(v, f"{name}.multipliers[{j}]")
        if lam < 0:
            fail(f"{name}.multipliers[{j}] is negative")
        total = total + ctx.constant(lam) * g
    if not total.is_constant() or not total.to_dict() or not next(iter(total.to_dict().values())) < 0:
        fail(f"{name}: Σ λ_j g_j is not a negative constant, so the prefix is not shown empty")


def check_identity(target, terms, constraints, read_number, read_polynomial, fail, name, ctx):
    """``target = Σ c_i q_i² Π_{k ∈ K_i} g_k`` exactly, every ``c_i > 0``, each ``K_i`` at most
    :data:`MAX_PRODUCT` constraints (``fmpq_mpoly`` in ``ctx``): then ``target >= 0`` wherever
    every ``g_k >= 0``."""
    if not isinstance(terms, list):
        fail(f"{name}.terms must be a list")
    budget.check("max_terms", len(terms), f"{name}.terms")
    residual = target
    for i, term in enumerate(terms):
        where = f"{name}.terms[{i}]"
        if not isinstance(term, dict) or not set(term) <= {"coefficient", "polynomial", "constraints"}:
            fail(f"{where} must be an object with the fields coefficient, polynomial and optionally constraints")
        c = read_number(term.get("coefficient"), f"{where}.coefficient")
        if c <= 0:
            fail(f"{where}.coefficient must be positive")
        q = read_polynomial(term.get("polynomial"), f"{where}.polynomial", ctx)
        if q == 0:
            fail(f"{where}.polynomial is zero")
        chosen = term.get("constraints", [])
        if not isinstance(chosen, list) or len(chosen) > MAX_PRODUCT or not all(
                isinstance(k, int) and not isinstance(k, bool) and 0 <= k < len(constraints) for k in chosen):
            fail(f"{where}.constraints must list at most {MAX_PRODUCT} indices of the cell's "
                 f"{len(constraints)} constraints")
        g = ctx.constant(1)
        for k in chosen:
            g = g * constraints[k]
        # bounded before the product is formed: a certificate may hold huge polynomials
        budget.check("max_degree", 2 * q.total_degree() + g.total_degree(), where)
        budget.check("max_terms", len(q) * len(q) * len(g) // 4, f"{where} (an estimate of its expansion)")
        residual = residual - ctx.constant(c) * q * q * g
    if residual != 0:
        fail(f"{name}: the identity does not hold: the difference is {short_text(str(residual), 200)}")
