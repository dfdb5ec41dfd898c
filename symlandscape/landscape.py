"""The loss landscape: an exact function of an ordered tuple of real parameters.

:class:`Landscape` is the public face.  Subclasses are *engines* that implement four
private methods on exact inputs (tuples of ``flint.fmpq``):

- ``_value(pt)``, ``_gradient(pt)`` (a list), ``_hessian(pt)`` (``fmpq_mat`` or SymPy
  ``Matrix``) and ``_along(curve, order)``: the coefficients of ``L(θ(t))`` for the
  polynomial curve ``θ(t) = Σ_k curve[k] t^k``, up to ``t^order``.

Polynomial losses use :class:`PolynomialLandscape` (flint sparse polynomials, results
are ``fmpq``); losses with ``exp``, ``log``, ``tanh`` or ``sigmoid`` use
:class:`SymbolicLandscape` (exact SymPy numbers such as ``3*exp(1/2)``); losses with
ReLU-type kinks use :class:`~symlandscape.piecewise.PiecewiseLandscape`; deep linear
networks have their own closed-form engine in :mod:`symlandscape.deep_linear`.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy
from sympy.core.function import AppliedUndef

from . import budget
from .errors import DomainError, InvalidArgument, NotExactError
from .exact import evaluate_at, rational_vector, to_sympy, to_sympy_matrix
from .polynomial import (NotPolynomial, curve_polynomials, polynomial_context, second_order, series_along,
                         to_mpoly, univariate_coefficients)

__all__ = ["Landscape", "PolynomialLandscape", "SymbolicLandscape", "Piece", "MAX_ORDER"]

#: Largest Taylor order accepted by :meth:`Landscape.taylor` and :meth:`Landscape.along`.
MAX_ORDER = 64


@dataclass(frozen=True)
class Piece:
    """A smooth piece of a landscape: ``landscape`` equals the loss on the closed region
    where every expression in ``constraints`` is ``>= 0``.

    ``pattern`` names the branch taken by each nonsmooth unit (empty for smooth losses).
    """

    pattern: tuple
    landscape: "Landscape"
    constraints: tuple = ()
    #: At a kink: the branch of each kink unit, in the order of :mod:`symlandscape.regions`.
    branches: tuple = ()
    #: At a kink: an interior curve ``[d_1, ...]`` of the region (it has interior near the point).
    interior: tuple = ()

    def contains(self, point):
        """True if ``point`` lies in this piece's closed region (exact test)."""
        pt = self.landscape.coerce_point(point)
        subs = dict(zip(self.landscape.variables, (to_sympy(v) for v in pt)))
        return all(_exact_sign(g.xreplace(subs)) >= 0 for g in self.constraints)


def _exact_sign(number):
    """Sign of an exact SymPy number; raise if SymPy cannot decide it."""
    if number.is_Rational:
        return int(number.p > 0) - int(number.p < 0)
    if number.is_zero:
        return 0
    if number.is_positive:
        return 1
    if number.is_negative:
        return -1
    raise InvalidArgument(f"cannot decide the sign of {number} exactly")


class Landscape:
    """A loss ``L(θ)`` of parameters ``θ`` ordered as :attr:`variables`.

    >>> L = Landscape.from_expression("(1 - w1*w2)^2", ["w1", "w2"])
    >>> L.value([2, "1/2"]), list(L.gradient([0, 0])), L.hessian([0, 0]).tolist()
    (0, [0, 0], [[0, -2], [-2, 0]])
    >>> L.taylor([0, 0], [1, 1], 4)
    [1, 0, -2, 0, 1]
    """

    #: True when exact results are rationals (``fmpq``), not general SymPy numbers.
    rational_valued = True
    is_piecewise = False
    #: The network that defined this landscape, if any (see :func:`symlandscape.mlp`).
    model = None
    #: The text the loss was written as, if it was given as text (kept for display: the
    #: parser reorders nothing in it, SymPy would).
    source = None
    #: Where the loss is defined: ``(expression, relation)`` pairs, relation one of
    #: ``"nonzero"``, ``"positive"``, ``"nonnegative"`` (from :meth:`from_expression`;
    #: empty for losses defined everywhere).  Every public evaluation checks its point.
    domain = ()
    _domain_where = ()  # for each condition of the domain: the operation that needs it
    _domain_checked = None  # the last point found inside the domain

    def __init__(self, variables):
        self._variables = tuple(variables)

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_expression(cls, expr, variables):
        """Landscape of a SymPy expression or a string in the safe expression grammar.

        ``variables`` (names, Symbols, or a comma-separated string) fixes the order of
        the parameters in a point.  The conditions under which what was written is defined
        become :attr:`domain`.

        >>> L = Landscape.from_expression("relu(x)/x + log(y)", "x,y")
        >>> L.domain
        ((y, 'positive'), (x, 'nonzero'))
        >>> L.value([0, 1])
        Traceback (most recent call last):
        ...
        symlandscape.errors.DomainError: the point is outside the domain of the loss: the division by x at column 8 needs x != 0, and x = 0 there
        """
        from .expression import domain_of, parse_variables, parse_with_domain

        symbols = _variables_for(expr, variables, parse_variables)
        text = expr if isinstance(expr, str) else None
        if isinstance(expr, str):
            expr, domain = parse_with_domain(expr, symbols)
        elif not isinstance(expr, sympy.Basic):
            if isinstance(expr, (int,)) and not isinstance(expr, bool):
                expr, domain = sympy.Integer(expr), ()
            else:
                raise InvalidArgument(
                    f"expr={_short(repr(expr))} has type {type(expr).__name__}; expected a SymPy expression or a string"
                )
        else:
            domain = domain_of(expr)
        landscape = compile_landscape(_checked_expression(expr, symbols), symbols)
        landscape.source = text
        if domain:
            landscape.domain = tuple((e, relation) for e, relation, _ in domain)
            landscape._domain_where = tuple(where for _, _, where in domain)
        return landscape

    # -- the public API -----------------------------------------------------------
    @property
    def variables(self):
        """The parameters, as SymPy Symbols, in the order that defines a point."""
        return self._variables

    @property
    def expression(self):
        """The loss as a SymPy expression (for display)."""
        raise NotImplementedError

    def coerce_point(self, point, name="point"):
        """``point`` as a tuple of exact ``fmpq`` of the right length, inside :attr:`domain`."""
        pt = rational_vector(point, len(self._variables), name)
        if self.domain and pt != self._domain_checked:
            self._check_domain(pt)
            self._domain_checked = pt
        return pt

    def _check_domain(self, pt, domain=None, wheres=None):
        """Raise DomainError naming the first condition of ``domain`` (:attr:`domain`) failing at ``pt``, exactly."""
        if domain is None:
            domain, wheres = self.domain, self._domain_where
        values = dict(zip(self._variables, (to_sympy(v) for v in pt)))
        for (expr, relation), where in zip(domain, wheres or ("the loss",) * len(domain)):
            value = evaluate_at(expr, values)
            stated = f"{where} needs {_short(expr)} {_RELATION_TEXT[relation]} 0"
            sign = _domain_sign(value, stated)
            if not (sign != 0 if relation == "nonzero" else sign > 0 if relation == "positive" else sign >= 0):
                raise DomainError(f"the point is outside the domain of the loss: {stated}, and {_short(expr)} = "
                                  f"{_short(value)} there")

    def value(self, point):
        """Exact ``L(point)``."""
        return _public(self._value(self.coerce_point(point)))

    def gradient(self, point):
        """Exact gradient at ``point`` as a column ``Matrix``."""
        return sympy.Matrix([_public(g) for g in self._gradient(self.coerce_point(point))])

    def hessian(self, point):
        """Exact Hessian at ``point`` as a ``Matrix``."""
        hessian = self._hessian(self.coerce_point(point))
        if isinstance(hessian, flint.fmpq_mat):
            return to_sympy_matrix(hessian)
        return hessian

    def taylor(self, point, direction, order):
        """Exact coefficients ``[c_0, ..., c_order]`` of ``L(point + t*direction)``."""
        return self.along([point, direction], order)

    def taylor_polynomial(self, point, order):
        """The Taylor polynomial of ``L(point + h)`` in ``h`` up to total degree ``order``.

        The increments are Symbols named ``d_<variable>``.

        >>> L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
        >>> L.taylor_polynomial([0, 0], 2)
        -2*d_w1*d_w2 + 1
        """
        pt = self.coerce_point(point)
        order = _checked_order(order)
        increments = [sympy.Symbol(f"d_{v}", real=True) for v in self._variables]
        return self._taylor_polynomial(pt, order, increments)

    def _taylor_polynomial(self, pt, order, increments):
        # generic route: L(pt + t h) as a series in t, then t = 1 (exact for any smooth engine)
        t = sympy.Dummy("t")
        shifted = self.expression.xreplace(
            {v: to_sympy(x) + t * h for v, x, h in zip(self._variables, pt, increments)}
        )
        series = sympy.series(shifted, t, 0, order + 1).removeO()
        return sympy.expand(series.xreplace({t: 1}))

    def along(self, curve, order):
        """Coefficients of ``L(θ(t))`` up to ``t^order`` for ``θ(t) = Σ_k curve[k] t^k``.

        For a piecewise landscape this is the expansion for ``t -> 0+``.
        """
        return [_public(c) for c in self._along(self.coerce_curve(curve), _checked_order(order))]

    def coerce_curve(self, curve):
        """``curve`` (a point followed by coefficient vectors) as tuples of ``fmpq``."""
        if isinstance(curve, (str, bytes)) or not hasattr(curve, "__iter__"):
            raise InvalidArgument(f"curve={curve!r} must be a list [point, d1, d2, ...]")
        curve = list(curve)
        if not curve:
            raise InvalidArgument("curve=[] is empty; give at least the base point")
        budget.check("max_terms", len(curve), "the curve")
        return [self.coerce_point(v) if k == 0 else rational_vector(v, len(self._variables), f"curve[{k}]")
                for k, v in enumerate(curve)]

    # piecewise interface; smooth landscapes have one piece everywhere
    def activation_pattern(self, point):
        """The branch of every nonsmooth unit at ``point`` (empty for smooth losses)."""
        from .piecewise import ActivationPattern

        self.coerce_point(point)
        return ActivationPattern(())

    def kinks(self, point):
        """The nonsmooth units whose argument sits exactly on a kink at ``point``."""
        return self.activation_pattern(point).kinks

    def pieces(self, point):
        """The smooth pieces on closed regions containing ``point``; they cover a neighbourhood."""
        self.coerce_point(point)
        return (Piece((), self, ()),)

    def __repr__(self):
        names = ", ".join(str(v) for v in self._variables[:6])
        more = ", ..." if len(self._variables) > 6 else ""
        return f"<{type(self).__name__} in ({names}{more}), {len(self._variables)} parameters>"

    def document(self):
        """The loss and its parameters as a :class:`~symlandscape.document.Document`."""
        from . import notation
        from .document import Document, Math

        doc = Document()
        lines, data = notation.loss_lines(self)
        doc.display(*lines)
        if data is not None:
            header, rows = data
            doc.table([Math(h) for h in header], [tuple(Math(c) for c in row) for row in rows],
                      align="r" * len(header))
        names = [notation.symbol(s.name) for s in self._variables]
        shown = ", ".join(names[:12]) + (r", \dots" if len(names) > 12 else "")
        doc.paragraph(f"{len(names)} parameters: ", Math(shown), ".")
        return doc

    def _repr_markdown_(self):
        return self.document().render("markdown")

    def _repr_latex_(self):
        return self.document().render("markdown")

    def _repr_html_(self):
        return self.document().html_fragment()

    # -- the engine interface --------------------------------------------------------
    def _value(self, pt):
        raise NotImplementedError

    def _gradient(self, pt):
        raise NotImplementedError

    def _hessian(self, pt):
        raise NotImplementedError

    def _along(self, curve, order):
        raise NotImplementedError


class PolynomialLandscape(Landscape):
    """A polynomial loss held as a flint ``fmpq_mpoly``; all results are exact rationals."""

    def __init__(self, variables, polynomial, expression=None):
        super().__init__(variables)
        self.polynomial = polynomial
        self._expression = expression
        self._first = None
        self._second = {}

    @property
    def expression(self):
        if self._expression is None:
            gens = sympy.symbols(self.polynomial.context().names())
            self._expression = sympy.Poly.from_dict(
                {k: sympy.Rational(int(v.p), int(v.q)) for k, v in self.polynomial.to_dict().items()}, gens
            ).as_expr().xreplace(dict(zip(gens, self._variables)))
        return self._expression

    def _derivatives(self):
        if self._first is None:
            self._first = [self.polynomial.derivative(i) for i in range(len(self._variables))]
        return self._first

    def _value(self, pt):
        return self.polynomial(*pt) if pt else flint.fmpq(self.polynomial.to_dict().get((), 0))

    def _gradient(self, pt):
        return [d(*pt) for d in self._derivatives()]

    def _hessian(self, pt):
        n = len(self._variables)
        first = self._derivatives()
        entries = [[None] * n for _ in range(n)]
        for i in range(n):
            for j in range(i, n):
                key = (i, j)
                if key not in self._second:
                    self._second[key] = first[i].derivative(j)
                entries[i][j] = entries[j][i] = self._second[key](*pt)
        return flint.fmpq_mat(entries) if n else flint.fmpq_mat(0, 0)

    def _taylor_polynomial(self, pt, order, increments):
        ctx = self.polynomial.context()
        shifted = self.polynomial.compose(*(g + x for g, x in zip(ctx.gens(), pt)), ctx=ctx) if pt else self.polynomial
        terms = {m: c for m, c in shifted.to_dict().items() if sum(m) <= order}
        return sympy.Add(*(
            to_sympy(flint.fmpq(c)) * sympy.Mul(*(h**e for h, e in zip(increments, m))) for m, c in terms.items()
        ))

    def _along(self, curve, order):
        ctx_t = polynomial_context(("t",))
        composed = self.polynomial.compose(*curve_polynomials(curve, ctx_t), ctx=ctx_t)
        return univariate_coefficients(composed, order)


class SymbolicLandscape(Landscape):
    """A smooth non-polynomial loss (``exp``, ``log``, ``tanh``, ``sigmoid``) held in SymPy.

    Results are exact SymPy numbers, e.g. ``exp(1/2)``; they are not rationals.
    """

    rational_valued = False

    #: Nesting of exp, log, tanh, sigmoid and real powers up to which derivatives are taken by
    #: SymPy's diff (results in their natural form, ``1 - tanh(1/3)**2``); deeper, diff can run
    #: for minutes (x^x^...^x) and one expansion of order 2 gives them instead.
    DIFF_DEPTH = 6
    #: Beyond this many variables the n(n+1)/2 diffs cost far more than one expansion of order 2
    #: (a tanh network with 105 parameters at 0: 19 s by diff, 0.015 s by the expansion).
    DIFF_VARIABLES = 8

    def __init__(self, variables, expression):
        super().__init__(variables)
        self._expression = expression
        self._first = None
        self._second = {}  # second derivatives, by diff
        self._jets = None  # or the point, gradient and Hessian by second-order jets
        self._by_diff = (_function_depth(expression) <= self.DIFF_DEPTH
                         and len(self._variables) <= self.DIFF_VARIABLES)
        self._conditions = None  # the domain the engine itself checks (see _inside)

    @property
    def expression(self):
        return self._expression

    def _subs(self, pt):
        return dict(zip(self._variables, (to_sympy(v) for v in pt)))

    def _derivatives(self):
        if self._first is None:
            self._first = [self._expression.diff(v) for v in self._variables]
        return self._first

    # values are substituted within the budget (2**x at x = 10**9 is refused, not computed)
    # and must be finite reals: zoo or I means the point is outside the domain
    def _at(self, expr, subs, what):
        return _finite_real(evaluate_at(expr, subs), what)

    def _inside(self, pt):
        """Fail closed at points outside the domain, also when called through the engine interface.

        classify evaluates candidate points through ``_value`` and friends: the conditions of
        :attr:`domain` (or, for a piece, those read from its own expression) hold there too.
        """
        if pt == self._domain_checked:
            return
        if self.domain:
            self._check_domain(pt)
        else:
            if self._conditions is None:
                from .expression import domain_of

                conditions = domain_of(self._expression)
                self._conditions = (tuple((e, r) for e, r, _ in conditions), tuple(w for _, _, w in conditions))
            self._check_domain(pt, *self._conditions)
        self._domain_checked = pt

    def _value(self, pt):
        self._inside(pt)
        return self._at(self._expression, self._subs(pt), "the value")

    def _gradient(self, pt):
        self._inside(pt)
        if not self._by_diff:
            return list(self._second_order(pt)["gradient"])
        subs = self._subs(pt)
        return [self._at(d, subs, "the gradient") for d in self._derivatives()]

    def _hessian(self, pt):
        self._inside(pt)
        if not self._by_diff:
            return self._second_order(pt)["hessian"].copy()
        subs = self._subs(pt)
        n = len(self._variables)
        first = self._derivatives()
        matrix = sympy.zeros(n, n)
        for i in range(n):
            for j in range(i, n):
                if (i, j) not in self._second:
                    self._second[(i, j)] = first[i].diff(self._variables[j])
                matrix[i, j] = matrix[j, i] = self._at(self._second[(i, j)], subs, "the Hessian")
        return matrix

    # deep expressions: the gradient and the Hessian from one expansion of order 2 over the
    # expression DAG (polynomial.second_order), bounded by the budget
    def _second_order(self, pt):
        if self._jets is None or self._jets["point"] != pt:
            _, gradient, hessian = second_order(self._expression, self._variables, pt)
            self._jets = {"point": pt, "gradient": [_finite_real(g, "the gradient") for g in gradient],
                          "hessian": sympy.Matrix(hessian).applyfunc(lambda h: _finite_real(h, "the Hessian"))}
        return self._jets

    # Taylor coefficients by truncated power series (polynomial.series_along): exact,
    # unsimplified, bounded by the budget; never sympy.series or sympy.simplify
    def _along(self, curve, order):
        self._inside(tuple(curve[0]))
        return series_along(self._expression, self._variables, curve, order)

    def _taylor_polynomial(self, pt, order, increments):
        self._inside(pt)
        curve = [pt, [("symbol", i) for i in range(len(increments))]]
        return sympy.Add(*series_along(self._expression, self._variables, curve, order, increments))


def _function_depth(expr):
    """The deepest nesting of functions and non-integer powers in ``expr`` (over its DAG)."""
    depth, stack = {}, [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in depth:
            continue
        if node.args and not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in depth)
            continue
        plain = node.is_Add or node.is_Mul or (node.is_Pow and node.exp.is_Integer) or not node.args
        depth[node] = max((depth[a] for a in node.args), default=0) + (0 if plain else 1)
    return depth[expr]


def compile_landscape(expr, symbols, *, model=None, labels=None):
    """Choose the engine for ``expr``: piecewise, polynomial (flint) or symbolic."""
    from .piecewise import NONSMOOTH, PiecewiseLandscape

    if expr.has(*NONSMOOTH):
        landscape = PiecewiseLandscape(symbols, expr, labels=labels)
    else:
        landscape = compile_smooth(expr, symbols)
    landscape.model = model
    return landscape


def compile_smooth(expr, symbols):
    """A smooth engine for ``expr``: flint polynomial if possible, else SymPy."""
    index = {s: i for i, s in enumerate(symbols)}
    ctx = polynomial_context([f"x{i}" for i in range(len(symbols))] or ["x0"])
    try:
        polynomial = to_mpoly(expr, ctx, index)
    except NotPolynomial:
        return SymbolicLandscape(symbols, expr)
    return PolynomialLandscape(symbols, polynomial, expr)


def _variables_for(expr, variables, parse_variables):
    symbols = parse_variables(variables)
    if not isinstance(expr, sympy.Basic):
        return symbols
    # a SymPy expression may use plain Symbols; a variable named like one of them means it
    by_name = {s.name: s for s in expr.free_symbols}
    return tuple(by_name.get(s.name, s) for s in symbols)


#: The assumptions of ``Symbol(name, real=True)``: a variable may carry these and no others.
_REAL = dict(sympy.Symbol("_", real=True).assumptions0)


def _checked_expression(expr, symbols):
    if expr.has(sympy.Float):
        raise NotExactError(
            f"expr={expr} contains a float; write numbers exactly, e.g. sympy.Rational(1, 10)"
        )
    extra = expr.free_symbols - set(symbols)
    if extra:
        raise InvalidArgument(
            f"expr has free symbols {sorted(map(str, extra))} not listed in "
            f"variables={[str(s) for s in symbols]}"
        )
    # a sign (or integer, nonzero...) assumption lets SymPy rewrite the loss for that set only (|x|
    # becomes x for a positive x) before anything is checked: the loss would be wrong elsewhere
    for symbol in expr.free_symbols:
        extra = {k: v for k, v in symbol.assumptions0.items() if _REAL.get(k, None) != v}
        if extra:
            given = {k: v for k, v in getattr(symbol, "_assumptions_orig", {}).items() if _REAL.get(k) != v}
            key, value = next(iter(sorted((given or extra).items())))
            raise InvalidArgument(
                f"variable {symbol} is a Symbol with the assumption {key}={value}: SymPy may already have rewritten "
                f"the loss under it; use sympy.Symbol({symbol.name!r}) or sympy.Symbol({symbol.name!r}, real=True)")
    undefined = expr.atoms(AppliedUndef)
    if undefined:
        raise InvalidArgument(f"expr uses undefined functions {sorted(map(str, undefined))}")
    if any(a.is_real is False for a in expr.atoms(sympy.Number)) or expr.has(sympy.I):
        raise InvalidArgument(f"expr={expr} is not real")
    return expr


def _checked_order(order):
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise InvalidArgument(f"order={_short(repr(order))} must be an integer from 0 to {budget.current().max_order}")
    budget.check("max_order", order, f"order={order}: the expansion")
    return order


_RELATION_TEXT = {"nonzero": "!=", "positive": ">", "nonnegative": ">="}


def _short(x, limit=60):
    # SymPy's default printing order evaluates numbers to sort them: unbounded on towers
    text = " ".join((sympy.sstr(x, order="none") if isinstance(x, sympy.Basic) else str(x)).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _domain_sign(value, stated):
    """The exact sign of a domain condition's value: rational arithmetic, else the checker's sign rule."""
    if isinstance(value, sympy.Rational):
        return (value.p > 0) - (value.p < 0)
    _finite_real(value, "the condition")
    from .verify import exact_sign

    try:
        return exact_sign(value)
    except Exception as exc:  # noqa: BLE001 - undecided, whatever SymPy raised: the point is refused
        raise DomainError(f"cannot decide exactly whether the point is in the domain of the loss: {stated}, and "
                          f"the sign of {_short(value)} is undecided ({_short(exc, 100)})") from None


_NOT_REAL = frozenset([sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity,
                       sympy.S.ImaginaryUnit])


def _finite_real(value, what):
    """``value``, checked to be a finite real number that prints within the budget's ``max_nodes``.

    One walk over the DAG of ``value``: its written-out size (the tree, every shared part
    counted each time it prints) and any ``zoo``, ``nan``, ``oo`` or ``I`` in it.
    """
    if isinstance(value, sympy.Rational):
        return value
    sizes, stack = {}, [(value, False)]
    while stack:
        node, ready = stack.pop()
        if node in sizes:
            continue
        if node.args and not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in sizes)
            continue
        if node in _NOT_REAL:
            raise DomainError(f"the point is outside the domain of the loss: {what} is {_short(value)} there, "
                              "not a finite real number")
        sizes[node] = 1 + sum(sizes[a] for a in node.args)
    limit = budget.current().max_nodes
    if sizes[value] > limit:
        raise budget.BudgetExceeded(
            f"{what} at the point is an exact number of {sizes[value]} operations written out, above the bound "
            f"max_nodes={limit} (raise it with --max-nodes or budget.limits(max_nodes=...))")
    return value


def _public(value):
    if isinstance(value, (flint.fmpq, flint.fmpz, int)):
        return to_sympy(value)
    return value
