"""Piecewise-smooth landscapes (ReLU, leaky ReLU, max, min, abs), kept exact.

A nonsmooth unit — an occurrence of ``relu(z)``, ``leaky_relu(z, s)``, ``Max``,
``Min`` or ``Abs`` — has *branches*: on the closed region where the branch's
constraints are ``>= 0`` the unit equals a smooth replacement.  An *activation
pattern* picks one branch per unit; the loss restricted to that pattern is a smooth
*piece*.  At a point where some unit sits exactly on a kink, several patterns are
active; their closed regions all contain the point and together cover a
neighbourhood of it (each nearby point's own pattern is active at the point, by
continuity).  That covering is what makes per-piece reasoning at a kink sound, and it
needs no convention for ``relu'(0)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy

from .activations import leaky_relu, relu
from .errors import InvalidArgument, KinkError
from .exact import to_sympy
from .landscape import Landscape, Piece, _exact_sign, compile_smooth

__all__ = ["NONSMOOTH", "branches", "UnitState", "ActivationPattern", "PiecewiseLandscape"]


def _relu_branches(z):
    return (("active", (z,), z), ("inactive", (-z,), sympy.S.Zero))


def _leaky_relu_branches(z, slope):
    return (("active", (z,), z), ("inactive", (-z,), slope * z))


def _abs_branches(z):
    return (("nonnegative", (z,), z), ("nonpositive", (-z,), -z))


def _max_branches(*args):
    return tuple(
        (f"argument {i + 1} is largest", tuple(a - b for j, b in enumerate(args) if j != i), a)
        for i, a in enumerate(args)
    )


def _min_branches(*args):
    return tuple(
        (f"argument {i + 1} is smallest", tuple(b - a for j, b in enumerate(args) if j != i), a)
        for i, a in enumerate(args)
    )


#: Nonsmooth SymPy function -> its branches ``(label, constraints >= 0, replacement)``.
NONSMOOTH = {
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
    return NONSMOOTH[func](*args)


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
        expression = _resolve(self._expression, dict(zip(self._units, pattern)), {}, regions)
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
            resolved = [_resolve(a, choice, memo) for a in unit.args]
            for b, (label, region, replacement) in enumerate(branches(unit.func, resolved)):
                if all(decide(g) >= 0 for g in region):
                    extend(i + 1, prefix + [b])

        extend(0, [])
        return results

    def activation_pattern(self, point):
        pt = self.coerce_point(point)
        subs = self._subs(pt)
        patterns = self._patterns_at(pt)
        # argument values are the same under every active pattern: read them under the first
        choice, memo = dict(zip(self._units, patterns[0])), {}
        states = []
        for i, unit in enumerate(self._units):
            active = sorted({p[i] for p in patterns})
            args = tuple(_resolve(a, choice, memo).xreplace(subs) for a in unit.args)
            labels = tuple(branches(unit.func, unit.args)[b][0] for b in active)
            states.append(UnitState(unit, self.describe(unit), args, labels))
        return ActivationPattern(tuple(states))

    def pieces(self, point):
        return tuple(self._pieces_at(self.coerce_point(point)))

    # -- the engine interface --------------------------------------------------------
    def _subs(self, pt):
        return dict(zip(self._variables, (to_sympy(v) for v in pt)))

    def _patterns_at(self, pt):
        subs = self._subs(pt)
        return self._active_patterns(lambda g: _exact_sign(g.xreplace(subs)))

    def _pieces_at(self, pt):
        return [self._piece(p) for p in self._patterns_at(pt)]

    def _value(self, pt):
        return self._pieces_at(pt)[0].landscape._value(pt)

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


def _resolve(node, choice, memo, regions=None):
    """``node`` with every unit in ``choice`` replaced by its chosen branch, inner units first.

    ``memo`` caches rebuilt subexpressions; ``regions``, if given, receives each replaced
    unit's region constraints.
    """
    if node in memo:
        return memo[node]
    if not node.args or not node.has(*NONSMOOTH):
        return node
    args = [_resolve(a, choice, memo, regions) for a in node.args]
    if node in choice:
        label, region, replacement = branches(node.func, args)[choice[node]]
        if regions is not None:
            regions[node] = region
        result = replacement
    else:
        result = node.func(*args)
    memo[node] = result
    return result


def _same(a, b):
    if isinstance(a, flint.fmpq_mat) or isinstance(b, flint.fmpq_mat):
        return a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(sympy.simplify(to_sympy(x) - to_sympy(y)) == 0 for x, y in zip(a, b))
    if isinstance(a, sympy.MatrixBase):
        return (a - b).applyfunc(sympy.simplify).is_zero_matrix
    return sympy.simplify(to_sympy(a) - to_sympy(b)) == 0
