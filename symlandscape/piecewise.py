"""Piecewise-smooth landscapes (ReLU, leaky ReLU, max, min, abs), kept exact.

The definitions — units, branches, patterns, regions and what makes a piece *adjacent* —
are the checker's, in :mod:`symlandscape.regions`.  This engine *searches* for the proof
that :func:`symlandscape.regions.check_pieces` checks: for every pattern of active branches
at a point, either an interior curve (its region has nonempty interior near the point: it
is an adjacent piece) or, for a prefix of the pattern, multipliers and squares showing that
the region lies in the zero set of a nonzero polynomial.  Only the adjacent pieces enter
gradients, Hessians and Clarke's subdifferential: a pattern such as ``{x >= 0, -x >= 0}`` =
``{0}`` has no gradient worth the name.  Where neither proof is found the engine says so
(:class:`~symlandscape.errors.EvaluationError`) rather than guess.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import flint
import sympy

from . import jets
from .convex import min_norm_point
from .errors import EvaluationError, InvalidArgument, KinkError
from .exact import to_sympy
from .inertia import primitive_vector
from .landscape import Landscape, Piece, _exact_sign, compile_smooth
from .regions import BRANCHES, Kinks, branches, resolve
from .signs import exact_sign

__all__ = ["NONSMOOTH", "branches", "UnitState", "ActivationPattern", "PiecewiseLandscape", "find_pieces"]

#: Nonsmooth SymPy function -> its branches (the checker's table, :data:`symlandscape.regions.BRANCHES`).
NONSMOOTH = BRANCHES

#: Random directions tried for an interior curve when the linearisation does not decide.
_RANDOM_DIRECTIONS = 24


@dataclass(frozen=True)
class UnitState:
    """One nonsmooth unit at a point: its description, argument values and active branches."""

    unit: sympy.Expr
    description: str
    arguments: tuple
    active: tuple

    @property
    def on_kink(self):
        return len(self.active) > 1


@dataclass(frozen=True)
class ActivationPattern:
    """The state of every nonsmooth unit at a point."""

    units: tuple

    @property
    def kinks(self):
        """The units sitting exactly on a kink."""
        return tuple(u for u in self.units if u.on_kink)

    def __str__(self):
        if not self.units:
            return "smooth (no nonsmooth units)"
        lines = []
        for u in self.units:
            args = ", ".join(str(a) for a in u.arguments)
            state = " | ".join(u.active) + ("   <- kink" if u.on_kink else "")
            lines.append(f"{u.description}: argument {args}: {state}")
        return "\n".join(lines)


class PiecewiseLandscape(Landscape):
    """A loss with ReLU-type units, split exactly into smooth pieces.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("relu(x)^2 + y^2", "x,y")
    >>> [u.description for u in L.kinks([0, 1])]
    ['relu(x)']
    >>> sorted(str(p.landscape.expression) for p in L.pieces([0, 1]))
    ['x**2 + y**2', 'y**2']
    """

    is_piecewise = True

    def __init__(self, variables, expression, labels=None):
        super().__init__(variables)
        self._expression = expression
        classes = tuple(NONSMOOTH)
        units = expression.atoms(*classes)
        self._labels = dict(labels or {})
        order = {unit: i for i, unit in enumerate(self._labels)}
        # inner units first (a unit's arguments may contain other units), then network order
        self._units = tuple(sorted(
            units, key=lambda u: (len(u.atoms(*classes)), order.get(u, len(order)), sympy.default_sort_key(u))
        ))
        self._pieces = {}
        self._kinks = None  # (point, Kinks) of the last point asked about
        self._adjacent = {}  # point -> (adjacent pieces, their certificate), a few points kept
        # every piece is a polynomial iff the expression is one once each unit is read as a
        # new variable and each unit's arguments are polynomials (branches are polynomial)
        self.rational_valued = _piecewise_polynomial(expression)

    @property
    def expression(self):
        return self._expression

    @property
    def units(self):
        """The nonsmooth units, inner ones first."""
        return self._units

    def describe(self, unit):
        return self._labels.get(unit, str(unit))

    # -- patterns and pieces -------------------------------------------------------
    def piece_expression(self, pattern):
        """The smooth expression and region constraints for a pattern (branch indices)."""
        regions = {}
        expression = resolve(self._expression, dict(zip(self._units, pattern)), {}, regions)
        return expression, tuple(g for unit in self._units for g in regions.get(unit, ()))

    def _piece(self, pattern):
        if pattern not in self._pieces:
            expr, constraints = self.piece_expression(pattern)
            labels = tuple(branches(u.func, u.args)[b][0] for u, b in zip(self._units, pattern))
            self._pieces[pattern] = Piece(labels, compile_smooth(expr, self._variables), constraints)
        return self._pieces[pattern]

    def _active_patterns(self, decide):
        """Patterns whose branches are all active, with ``decide(g) -> sign`` per constraint."""
        results = []

        def extend(i, prefix):
            if i == len(self._units):
                results.append(tuple(prefix))
                return
            unit = self._units[i]
            choice, memo = dict(zip(self._units, prefix)), {}
            resolved = [resolve(a, choice, memo) for a in unit.args]
            for b, (label, region, replacement) in enumerate(branches(unit.func, resolved)):
                if all(decide(g) >= 0 for g in region):
                    extend(i + 1, prefix + [b])

        extend(0, [])
        return results

    def activation_pattern(self, point):
        pt = self.coerce_point(point)
        kinks = self._kinks_at(pt)
        active = dict(zip(kinks.kink_units, kinks.active))
        # argument values do not depend on the branch taken by inner units on a kink
        states = []
        for unit in self._units:
            args = tuple(_exact_value(a, self._variables, pt) for a in unit.args)
            chosen = active.get(unit, (kinks.base.get(unit),))
            labels = tuple(branches(unit.func, unit.args)[b][0] for b in chosen)
            states.append(UnitState(unit, self.describe(unit), args, labels))
        return ActivationPattern(tuple(states))

    def pieces(self, point):
        """The adjacent pieces: the patterns whose closed region has interior near ``point``."""
        return tuple(self._pieces_at(self.coerce_point(point)))

    def pieces_certificate(self, point):
        """The proof that :meth:`pieces` are exactly the adjacent pieces (``None`` off the kinks)."""
        pt = self.coerce_point(point)
        self._pieces_at(pt)
        return self._adjacent[pt][1]

    # -- the engine interface --------------------------------------------------------
    def _kinks_at(self, pt):
        if self._kinks is None or self._kinks[0] != pt:
            self._kinks = (pt, Kinks(self._expression, self._variables, pt))
        return self._kinks[1]

    def _pieces_at(self, pt):
        cache = self._adjacent
        if pt not in cache:
            kinks = self._kinks_at(pt)
            if kinks.smooth:
                piece = self._piece(tuple(kinks.base[u] for u in self._units))
                # the region's constraints in the checker's order: a certificate refers to them by index
                cache[pt] = ([Piece(piece.pattern, piece.landscape, kinks.piece(()).constraints)], None)
            else:
                certificate, proofs = find_pieces(kinks)
                pieces = []
                for proof, entry in zip(proofs, certificate["full"]):
                    choice = kinks.choice(proof.pattern)
                    piece = self._piece(tuple(choice[u] for u in self._units))
                    pieces.append(Piece(piece.pattern, piece.landscape, proof.constraints, proof.pattern,
                                        tuple(tuple(flint.fmpq(v) for v in d) for d in entry["interior"])))
                value = self._value(pt)
                for piece in pieces:
                    if not _same(piece.landscape._value(pt), value):
                        raise EvaluationError(
                            f"the loss is discontinuous at the point: the piece ({', '.join(piece.pattern)}) "
                            f"has value {piece.landscape._value(pt)} there, the loss {value}")
                cache[pt] = (pieces, certificate)
            if len(cache) > 64:  # points come and go: keep the cache small
                cache.pop(next(iter(cache)))
        return cache[pt][0]

    def _value(self, pt):
        return _exact_value(self._expression, self._variables, pt)

    def _common(self, pt, what):
        pieces = self._pieces_at(pt)
        results = [getattr(p.landscape, "_" + what)(pt) for p in pieces]
        if all(_same(r, results[0]) for r in results[1:]):
            return results[0]
        kinks = ", ".join(u.description for u in self.activation_pattern(pt).kinks)
        raise KinkError(
            f"the {what} does not exist at this point: it sits on a kink of {kinks}, and the "
            f"{len(pieces)} adjacent smooth pieces disagree; use landscape.pieces(point) to get "
            "each piece (with its region), or landscape.along(curve, order) for one-sided expansions"
        )

    def _gradient(self, pt):
        return self._common(pt, "gradient")

    def _hessian(self, pt):
        return self._common(pt, "hessian")

    def _taylor_polynomial(self, pt, order, increments):
        pieces = self._pieces_at(pt)
        if len(pieces) > 1:
            if order >= 1:
                self._common(pt, "gradient")
            if order >= 2:
                self._common(pt, "hessian")
            if order > 2:
                raise KinkError(
                    "a Taylor polynomial of order > 2 is not defined on a kink; use landscape.pieces(point)"
                )
        return pieces[0].landscape._taylor_polynomial(pt, order, increments)

    def _along(self, curve, order):
        pattern = self._pattern_along(curve)
        return self._piece(pattern).landscape._along(curve, order)

    def _pattern_along(self, curve):
        """The pattern that holds on ``θ(t)`` for all small ``t > 0``."""

        def decide(g):
            smooth = compile_smooth(g, self._variables)
            # a polynomial constraint along a polynomial curve is a polynomial in t:
            # its sign for small t > 0 is the sign of its lowest nonzero coefficient
            if smooth.rational_valued:
                degree = smooth.polynomial.total_degree() * (len(curve) - 1)
                coefficients = smooth._along(curve, max(degree, 0))
            else:
                coefficients = smooth._along(curve, 16)
            for c in coefficients:
                sign = _exact_sign(to_sympy(c) if isinstance(c, flint.fmpq) else c)
                if sign:
                    return sign
            if smooth.rational_valued:
                return 0
            raise InvalidArgument(f"cannot decide the sign of {g} along the curve up to order 16")

        return self._active_patterns(decide)[0]


def _piecewise_polynomial(node):
    if node.is_Symbol or node.is_Rational:
        return True
    if node.is_Add or node.is_Mul or node.func in NONSMOOTH:
        return all(_piecewise_polynomial(a) for a in node.args)
    if node.is_Pow:
        return node.exp.is_Integer and node.exp >= 0 and _piecewise_polynomial(node.base)
    return False


def _same(a, b):
    if isinstance(a, flint.fmpq_mat) or isinstance(b, flint.fmpq_mat):
        return a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(sympy.simplify(to_sympy(x) - to_sympy(y)) == 0 for x, y in zip(a, b))
    if isinstance(a, sympy.MatrixBase):
        return (a - b).applyfunc(sympy.simplify).is_zero_matrix
    return sympy.simplify(to_sympy(a) - to_sympy(b)) == 0


def _exact_value(expr, variables, pt):
    """``expr`` at ``pt`` by the checker's evaluation (``fmpq`` when rational)."""
    value = jets.value(expr, variables, pt)
    return flint.fmpq(int(value.p), int(value.q)) if isinstance(value, sympy.Rational) else value


# ---------------------------------------------------------------------------------------
# the search for the pieces certificate


def find_pieces(kinks, seed=0):
    """``(certificate, proofs)``: the adjacent pieces at a kink with the proof that
    :func:`symlandscape.regions.check_pieces` accepts, found by a walk over the prefixes of
    the patterns that prunes every prefix whose region is shown to have empty interior.

    Each prefix is linearised: the nearest point ``p`` of the hull of the binding constraints'
    gradients is an interior direction when it is nonzero (``∇g·p >= p·p > 0``); when it is 0
    and the constraints it weighs are affine, the weights are the multipliers of an emptiness
    proof (Gordan's alternative).  Constraints whose linearisation does not decide (a zero
    gradient, curvature) are tried along further directions and by exact factoring of
    ``-Σ λ_j g_j`` into a square.
    """
    rng = random.Random(seed)
    depth = len(kinks.kink_units)
    full, empty, proofs = [], [], []

    def walk(prefix):
        if prefix:
            status, data = _decide(kinks, prefix, rng, leaf=len(prefix) == depth)
            if status == "empty":
                empty.append({"prefix": list(prefix), **data})
                return
            if len(prefix) == depth:
                full.append({"pattern": list(prefix), "interior": data})
                proofs.append(kinks.piece(prefix))
                return
        for b in kinks.active[len(prefix)]:
            walk(prefix + (b,))

    walk(())
    if not full:  # pragma: no cover - the regions cover a neighbourhood
        raise EvaluationError("no activation region with interior was found at the point")
    return {"type": "adjacent_pieces", "full": full, "empty": empty}, proofs


def _decide(kinks, prefix, rng, leaf):
    """``("full", interior curve)``, ``("empty", proof)`` or, for an inner prefix, ``("open", None)``."""
    variables, pt = kinks.variables, kinks.point
    n = len(variables)
    constraints = kinks.binding(prefix)
    if not constraints:
        return "full", [["0"] * n]
    exact = [jets.second_order(c, variables, pt)[1] for c in constraints]
    gradients = [[_rational(g) for g in row] for row in exact]
    if any(x is None for g in gradients for x in g):
        return _decide_transcendental(constraints, exact, variables, pt, prefix, leaf)
    nonzero = [i for i, g in enumerate(gradients) if any(g)]
    if nonzero:
        weights, p = min_norm_point([gradients[i] for i in nonzero])
        if any(p):
            direction = _primitive(p)
            if len(nonzero) == len(constraints) or _interior(constraints, variables, pt, direction):
                return "full", [[str(x) for x in direction]]
        elif all(jets.is_polynomial(constraints[i]) and _degree(constraints[i], variables) <= 1 for i in nonzero):
            multipliers = [flint.fmpq(0)] * len(constraints)
            for i, w in zip(nonzero, weights):
                multipliers[i] = w
            return "empty", {"multipliers": [str(m) for m in multipliers], "squares": []}
    # the linearisation does not decide: further directions, then squares
    candidates = [[flint.fmpq(int(i == k) * s) for i in range(n)] for k in range(n) for s in (1, -1)]
    for _ in range(_RANDOM_DIRECTIONS):
        candidates.append([flint.fmpq(rng.randint(-3, 3)) for _ in range(n)])
    for direction in candidates:
        if any(direction) and _interior(constraints, variables, pt, direction):
            return "full", [[str(x) for x in direction]]
    proof = _emptiness_by_squares(constraints, gradients, variables)
    if proof is not None:
        return "empty", proof
    if leaf:
        pattern = ", ".join(str(b) for b in prefix)
        raise EvaluationError(f"cannot decide whether the activation region of pattern ({pattern}) has interior "
                              "near the point (no interior curve and no emptiness proof found)")
    return "open", None


def _decide_transcendental(constraints, gradients, variables, pt, prefix, leaf):
    """The same decision for constraints with non-rational gradients (exp, tanh, ... inside a unit).

    Emptiness: two constraints that cancel exactly (``g`` and ``-g``, SymPy's canonical form of
    their sum is 0).  Interior: rational directions near the constraints' gradients, checked
    exactly along the line.  Floats only propose the directions.
    """
    n = len(variables)
    for i in range(len(constraints)):
        for j in range(i + 1, len(constraints)):
            if sympy.expand(constraints[i] + constraints[j]) == 0 and any(exact_sign(_exact(g)) for g in gradients[i]):
                multipliers = ["1" if k in (i, j) else "0" for k in range(len(constraints))]
                return "empty", {"multipliers": multipliers, "squares": []}
    approximate = [[float(sympy.N(_sympy(g), 30)) for g in row] for row in gradients]
    candidates = [[sum(row[k] / (sum(x * x for x in row) ** 0.5 or 1) for row in approximate) for k in range(n)]]
    candidates += [row for row in approximate]
    for candidate in candidates:
        scale = max((abs(x) for x in candidate), default=0)
        if not scale:
            continue
        direction = [flint.fmpq(round(1000 * x / scale), 1000) for x in candidate]
        if any(direction) and _interior(constraints, variables, pt, direction):
            return "full", [[str(x) for x in direction]]
    if leaf:
        raise EvaluationError(f"cannot decide whether the activation region of pattern "
                              f"({', '.join(map(str, prefix))}) has interior near the point")
    return "open", None


def _sympy(x):
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, flint.fmpq) else x


def _interior(constraints, variables, pt, direction):
    path = [list(pt), list(direction)]
    for g in constraints:
        for c in jets.series(g, variables, path, 8)[1:]:
            s = exact_sign(_exact(c))
            if s:
                if s < 0:
                    return False
                break
        else:
            return False
    return True


def _emptiness_by_squares(constraints, gradients, variables):
    """Multipliers λ (one λ_k = 1, or the hull weights) with -Σ λ_j g_j an exact square, or None."""
    trials = [[int(j == k) for j in range(len(constraints))] for k in range(len(constraints))]
    trials.append([1] * len(constraints))
    for lambdas in trials:
        total = sympy.expand(sum((lam * g for lam, g in zip(lambdas, constraints)), sympy.S.Zero))
        if total == 0:
            continue
        c, factors = sympy.factor_list(-total)
        if c <= 0 or any(e % 2 for _, e in factors) or not all(f.free_symbols <= set(variables) for f, _ in factors):
            continue
        root = sympy.Mul(*(f ** (e // 2) for f, e in factors))
        return {"multipliers": [str(lam) for lam in lambdas],
                "squares": [{"coefficient": str(sympy.Rational(c)), "polynomial": str(root)}]}
    return None


def _degree(expr, variables):
    return sympy.Poly(expr, *variables).total_degree()


def _rational(x):
    if isinstance(x, sympy.Rational):
        return flint.fmpq(int(x.p), int(x.q))
    return x if isinstance(x, flint.fmpq) else None


def _exact(x):
    return flint.fmpq(int(x.p), int(x.q)) if isinstance(x, sympy.Rational) else x


def _primitive(vector):
    """The positive multiple of a rational vector with coprime integer entries."""
    return [flint.fmpq(v) for v in primitive_vector(vector)]
