"""The checker's own exact evaluation of a loss, from its defining expression.

:mod:`symlandscape.verify` learns everything about a loss here, by code the search does not
use: the engines of :mod:`~symlandscape.landscape`, :mod:`~symlandscape.deep_linear` and
:mod:`~symlandscape.piecewise` are never consulted.  One memoised walk over the SymPy
expression tree (a DAG: equal subexpressions are evaluated once) computes

- :func:`value`: ``L(θ0)``, nonsmooth units included (``relu(z)`` is ``z`` or ``0`` by the
  sign of ``z``);
- :func:`first_order`: value and gradient (all a point that is not critical needs);
- :func:`second_order`: value, gradient and Hessian at once, by second-order *jets* —
  each subexpression ``f`` carries ``f(θ0) + f_1(ε) + f_2(ε)``, its Taylor polynomial of
  degree 2 in the displacement ``ε`` (flint sparse polynomials when every number is
  rational), with the product rule truncated at degree 2;
- :func:`series`: the Taylor coefficients of ``L(θ(t))`` along a polynomial curve, by
  truncated power series (recurrences for ``exp`` and ``log``; ``tanh`` and ``sigmoid`` are
  written with ``exp``);
- :func:`polynomial`: the loss expanded into an ``fmpq_mpoly`` (for sums of squares).

It fails closed: a division by zero, the logarithm of a nonpositive number or a real power
of a negative one is a :class:`~symlandscape.errors.DomainError`; a pole or a fractional
power of a vanishing series (a Puiseux term such as ``t^(9/2)``: no Taylor series exists)
or a nonsmooth unit where derivatives are needed is an
:class:`~symlandscape.errors.EvaluationError`.  Sizes are bounded by
:mod:`symlandscape.budget`.

>>> import sympy
>>> x, y = sympy.symbols("x y", real=True)
>>> value((1 - x*y)**2, (x, y), [2, 1])
1
>>> v, g, H = second_order((1 - x*y)**2, (x, y), [0, 0])
>>> v, g, H.tolist()
(1, [0, 0], [[0, -2], [-2, 0]])
>>> series((1 - x*y)**2, (x, y), [[0, 0], [1, 1]], 4)
[1, 0, -2, 0, 1]
"""

from __future__ import annotations

import flint
import sympy

from . import budget
from .activations import leaky_relu, relu, sigmoid
from .errors import DomainError, EvaluationError
from .signs import exact_sign, short_text

__all__ = ["value", "first_order", "second_order", "series", "polynomial", "is_polynomial", "nodes",
           "NONSMOOTH_FUNCTIONS"]

#: Functions whose value is defined everywhere but whose derivatives jump (see regions.py).
NONSMOOTH_FUNCTIONS = (relu, leaky_relu, sympy.Abs, sympy.Max, sympy.Min)

_LOG10_2 = 0.30103


# ---------------------------------------------------------------------------------------
# exact numbers: fmpq where rational, SymPy constants otherwise


def _number(x):
    """``x`` as ``fmpq`` when rational, else as a SymPy constant."""
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, (int, flint.fmpz)):
        return flint.fmpq(int(x))
    if isinstance(x, sympy.Rational):
        return flint.fmpq(int(x.p), int(x.q))
    if isinstance(x, sympy.Basic):
        return x
    raise EvaluationError(f"{x!r} is not an exact number")


def _sympy(x):
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, flint.fmpq) else x


def _add(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return a + b
    return _number(_sympy(a) + _sympy(b))


def _mul(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return _bounded(a * b)
    return _number(_sympy(a) * _sympy(b))


def _sign(x):
    return exact_sign(x)


def _inverse(a, what):
    if not _sign(a):
        raise DomainError(f"the point is outside the domain of the loss: {what} divides by zero")
    if isinstance(a, flint.fmpq):
        return 1 / a
    return _number(1 / _sympy(a))


def _bounded(q):
    bits = max(q.p.bit_length(), q.q.bit_length())
    if bits * _LOG10_2 > budget.current().max_digits:
        budget.check("max_digits", int(bits * _LOG10_2), "a number computed at the point")
    return q


def _binary_power(one, base, k, times):
    """``base**k`` (k >= 0) by repeated squaring with the product ``times``; ``one`` is its unit."""
    result, square = one, base
    while k:
        if k & 1:
            result = times(result, square)
        k >>= 1
        if k:
            square = times(square, square)
    return result


def _power_bits(base, k):
    """Check before computing ``base**k`` (``base`` rational) that the result stays in budget."""
    if isinstance(base, flint.fmpq) and base != 0:
        bits = max(base.p.bit_length(), base.q.bit_length()) * abs(k)
        budget.check("max_digits", int(bits * _LOG10_2), "a power computed at the point")


# ---------------------------------------------------------------------------------------
# the walk


class _Walk:
    """A memoised post-order walk of an expression; ``leaf``/``node`` are the evaluation rules."""

    def __init__(self, variables):
        self.index = {v: i for i, v in enumerate(variables)}
        self.by_name = {str(v): i for i, v in enumerate(variables)}
        self.memo = {}
        self.limit = budget.current().max_nodes

    def variable(self, node):
        i = self.index.get(node, self.by_name.get(node.name))
        if i is None:
            raise EvaluationError(f"{node} is not a variable of the landscape")
        return i

    def __call__(self, root):
        memo = self.memo
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in memo:
                continue
            if ready or not node.args or node.is_Rational:
                memo[node] = self.evaluate(node)
                if len(memo) > self.limit:
                    budget.check("max_nodes", len(memo), "the expression")
                continue
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in memo)
        return memo[root]

    def evaluate(self, node):
        if node.is_Symbol:
            return self.symbol(self.variable(node))
        if node.is_Rational:
            return self.constant(_number(node))
        if node is sympy.S.Exp1:
            return self.constant(sympy.E)
        args = [self.memo[a] for a in node.args]
        if node.is_Add:
            return self.add(args)
        if node.is_Mul:
            return self.mul(args)
        if node.is_Pow:
            return self.power(node, args[0], args[1])
        if isinstance(node, (sympy.exp, sympy.log, sympy.tanh, sigmoid)):
            return self.function(type(node), args[0], node)
        if isinstance(node, NONSMOOTH_FUNCTIONS):
            return self.nonsmooth(node, args)
        raise EvaluationError(f"cannot evaluate {_short(node)}: {type(node).__name__} is not an operation "
                              "of the expression grammar")


def _short(node, limit=80):
    return short_text(node, limit)


# ---------------------------------------------------------------------------------------
# values


class _Values(_Walk):
    def __init__(self, variables, point):
        super().__init__(variables)
        self.point = [_number(v) for v in point]

    def symbol(self, i):
        return self.point[i]

    def constant(self, c):
        return c

    def add(self, args):
        total = args[0]
        for a in args[1:]:
            total = _add(total, a)
        return total

    def mul(self, args):
        total = args[0]
        for a in args[1:]:
            total = _mul(total, a)
        return total

    def power(self, node, base, exponent):
        if isinstance(exponent, flint.fmpq) and exponent.q == 1:
            k = int(exponent.p)
            _power_bits(base, k)
            power = base ** abs(k) if isinstance(base, flint.fmpq) else _number(_sympy(base) ** abs(k))
            return power if k >= 0 else _inverse(power, _short(node))
        sign = _sign(base)
        if sign < 0 or (sign == 0 and _sign(exponent) <= 0):
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its base "
                              f"{_short(node.base)} {'>' if sign == 0 else '>='} 0, and it is {_sympy(base)} there")
        if isinstance(exponent, flint.fmpq) and isinstance(base, flint.fmpq):
            _power_bits(base, max(1, abs(int(exponent.p)) // int(exponent.q) + 1))
        return _number(_sympy(base) ** _sympy(exponent))

    def function(self, kind, a, node):
        if kind is sympy.log and _sign(a) <= 0:
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs "
                              f"{_short(node.args[0])} > 0, and it is {_sympy(a)} there")
        return _number(kind(_sympy(a)))

    def nonsmooth(self, node, args):
        if isinstance(node, relu):
            return args[0] if _sign(args[0]) >= 0 else flint.fmpq(0)
        if isinstance(node, leaky_relu):
            return args[0] if _sign(args[0]) >= 0 else _mul(args[1], args[0])
        if isinstance(node, sympy.Abs):
            return args[0] if _sign(args[0]) >= 0 else _mul(flint.fmpq(-1), args[0])
        best = args[0]
        for a in args[1:]:
            difference = _sign(_add(a, _mul(flint.fmpq(-1), best)))
            if (difference > 0) == isinstance(node, sympy.Max) and difference:
                best = a
        return best


def value(expr, variables, point):
    """Exact ``expr`` at ``point`` (``fmpq`` when rational, else a SymPy constant)."""
    return _public(_Values(variables, point)(expr))


def _public(x):
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, flint.fmpq) else x


# ---------------------------------------------------------------------------------------
# second-order jets


def nodes(expr):
    """The distinct subexpressions of ``expr``, each once (a walk of the DAG, not of the tree).

    A loss built from shared parts (a deep network's products) is a small DAG and a huge
    tree: SymPy's ``preorder_traversal`` and ``atoms`` revisit every shared subtree.

    >>> x = sympy.Symbol("x")
    >>> sorted(map(str, nodes((x + 1)**2 * (x + 1))))
    ['(x + 1)**3', '1', '3', 'x', 'x + 1']
    """
    seen = {expr}
    stack = [expr]
    limit = budget.current().max_nodes
    while stack:
        for a in stack.pop().args:
            if a not in seen:
                seen.add(a)
                stack.append(a)
        if len(seen) > limit:
            budget.check("max_nodes", len(seen), "the expression")
    return seen


def is_polynomial(expr):
    """True when ``expr`` uses only ``+``, ``*``, nonnegative integer powers, rationals and symbols."""
    for node in nodes(expr):
        if node.is_Symbol or node.is_Rational or node.is_Add or node.is_Mul:
            continue
        if node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            continue
        return False
    return True


def _rational_form(expr):
    """True when every number the jets meet is rational: no exp/log/tanh/sigmoid, no E, no roots."""
    for node in nodes(expr):
        if node.is_Symbol or node.is_Rational or node.is_Add or node.is_Mul:
            continue
        if node.is_Pow and node.exp.is_Integer:
            continue
        return False
    return True


class _RationalJets(_Walk):
    """Jets ``(c, f1, f2)``: ``c`` an ``fmpq``, ``f1``/``f2`` homogeneous ``fmpq_mpoly`` in ε of degree 1/2."""

    def __init__(self, variables, point):
        super().__init__(variables)
        n = len(variables)
        self.ctx = flint.fmpq_mpoly_ctx.get(tuple(f"e{i}" for i in range(max(n, 1))), "lex")
        self.gens = self.ctx.gens()
        self.zero = self.ctx.from_dict({})
        self.point = [_number(v) for v in point]

    def symbol(self, i):
        return (self.point[i], self.gens[i], self.zero)

    def constant(self, c):
        return (c, self.zero, self.zero)

    def add(self, args):
        c, f1, f2 = args[0]
        for a in args[1:]:
            c, f1, f2 = c + a[0], f1 + a[1], f2 + a[2]
        return (c, f1, f2)

    def mul(self, args):
        result = args[0]
        for a in args[1:]:
            result = self.times(result, a)
        return result

    @staticmethod
    def times(a, b):
        return (_bounded(a[0] * b[0]), a[1] * b[0] + b[1] * a[0], a[2] * b[0] + b[2] * a[0] + a[1] * b[1])

    def power(self, node, base, exponent):
        k = int(node.exp)  # an integer: see _rational_form
        if k < 0:
            c = base[0]
            if c == 0:
                raise DomainError(f"the point is outside the domain of the loss: {_short(node)} divides by zero")
            inv = 1 / c
            # 1/(c + f1 + f2) = 1/c - f1/c² - f2/c² + f1²/c³ + O(ε³)
            base = (inv, base[1] * (-inv * inv), base[2] * (-inv * inv) + base[1] * base[1] * (inv * inv * inv))
            k = -k
        _power_bits(base[0], k)
        return _binary_power((flint.fmpq(1), self.zero, self.zero), base, k, self.times)

    def function(self, kind, a, node):  # pragma: no cover - excluded by _rational_form
        raise EvaluationError(f"{kind.__name__} is not rational")

    def nonsmooth(self, node, args):
        raise EvaluationError(f"{_short(node)} has no derivatives here: resolve the nonsmooth units first")


class _RationalFirstJets(_RationalJets):
    """Jets ``(c, f1, 0)``: the second-order walk with the quadratic part left out."""

    @staticmethod
    def times(a, b):
        return (_bounded(a[0] * b[0]), a[1] * b[0] + b[1] * a[0], a[2])

    def power(self, node, base, exponent):
        k = int(node.exp)
        if k < 0:
            c = base[0]
            if c == 0:
                raise DomainError(f"the point is outside the domain of the loss: {_short(node)} divides by zero")
            inv = 1 / c
            base, k = (inv, base[1] * (-inv * inv), self.zero), -k
        _power_bits(base[0], k)
        return _binary_power((flint.fmpq(1), self.zero, self.zero), base, k, self.times)


class _SymbolicJets(_Walk):
    """Jets ``(c, g, h)`` over exact constants: ``g`` a dict i -> c_i, ``h`` a dict (i, j), i <= j -> c_ij.

    ``f = c + Σ g_i ε_i + Σ_{i<=j} h_ij ε_i ε_j``.
    """

    def __init__(self, variables, point):
        super().__init__(variables)
        self.point = [_number(v) for v in point]

    def symbol(self, i):
        return (self.point[i], {i: flint.fmpq(1)}, {})

    def constant(self, c):
        return (c, {}, {})

    @staticmethod
    def combine(*terms):
        """Σ s · jet-part over ``(s, dict)`` pairs."""
        out = {}
        for s, part in terms:
            for key, v in part.items():
                out[key] = _add(out[key], _mul(s, v)) if key in out else _mul(s, v)
        return out

    @staticmethod
    def outer(g1, g2):
        out = {}
        for i, a in g1.items():
            for j, b in g2.items():
                key = (i, j) if i <= j else (j, i)
                product = _mul(a, b)
                out[key] = _add(out[key], product) if key in out else product
        return out

    def add(self, args):
        one = flint.fmpq(1)
        c = args[0][0]
        for a in args[1:]:
            c = _add(c, a[0])
        return (c, self.combine(*((one, a[1]) for a in args)), self.combine(*((one, a[2]) for a in args)))

    def mul(self, args):
        result = args[0]
        for a in args[1:]:
            result = self.times(result, a)
        return result

    def times(self, a, b):
        one = flint.fmpq(1)
        return (_mul(a[0], b[0]), self.combine((b[0], a[1]), (a[0], b[1])),
                self.combine((b[0], a[2]), (a[0], b[2]), (one, self.outer(a[1], b[1]))))

    def compose(self, a, f0, f1, f2):
        """``φ(a)`` for a jet ``a`` from ``φ(a0), φ'(a0), φ''(a0)``: f0 + f1 (a1 + a2) + f2/2 a1²."""
        half = _mul(f2, flint.fmpq(1, 2))
        return (f0, self.combine((f1, a[1])), self.combine((f1, a[2]), (half, self.outer(a[1], a[1]))))

    def power(self, node, base, exponent):
        if exponent[1] or exponent[2]:  # a variable exponent: b^e = exp(e log b)
            return self.function(sympy.exp, self.times(exponent, self.function(sympy.log, base, node)), node)
        r = exponent[0]
        c = base[0]
        if isinstance(r, flint.fmpq) and r.q == 1 and r >= 0:
            k = int(r.p)
            _power_bits(c, k)
            result = (flint.fmpq(1), {}, {})
            for _ in range(k):
                result = self.times(result, base)
            return result
        sign = _sign(c)
        if sign == 0:
            return self.vanishing_power(node, base, r)
        if sign < 0 and not (isinstance(r, flint.fmpq) and r.q == 1):
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its base "
                              f"positive, and it is {_sympy(c)} there")
        rs = _sympy(r)
        cs = _sympy(c)
        return self.compose(base, _number(cs**rs), _number(rs * cs**(rs - 1)), _number(rs * (rs - 1) * cs**(rs - 2)))

    def vanishing_power(self, node, base, r):
        """``a^r`` for a non-integer r at a point where the base ``a`` vanishes.

        When ``a = q(ε) + o(|ε|²)`` with ``q`` a positive definite quadratic form, ``a > 0`` near
        the point (so the power is real there) and ``|a|^r <= C |ε|^(2r) = o(|ε|²)`` for ``r > 1``:
        its second-order expansion is 0.  Anything else is not decided here.
        """
        n = len(self.index)
        if any(_sign(v) for v in base[1].values()):
            raise EvaluationError(f"{_short(node)}: its base vanishes and changes sign at the point, "
                                  "which lies on the boundary of the domain")
        entries = [[flint.fmpq(0)] * n for _ in range(n)]
        for (i, j), v in base[2].items():
            if not isinstance(v, flint.fmpq):
                raise EvaluationError(f"{_short(node)}: its base vanishes at the point with a non-rational curvature")
            if i == j:
                entries[i][i] = v
            else:
                entries[i][j] = entries[j][i] = v / 2
        Q = flint.fmpq_mat(entries) if n else flint.fmpq_mat(0, 0)
        definite = all(_leading_minor(Q, k) > 0 for k in range(1, n + 1))
        if not definite or not _sympy(r) > 1:
            raise EvaluationError(f"{_short(node)} has no second-order Taylor expansion that the checker can "
                                  "establish here: its base vanishes at the point")
        return (flint.fmpq(0), {}, {})

    def function(self, kind, a, node):
        c = _sympy(a[0])
        if kind is sympy.exp:
            e = _number(sympy.exp(c))
            return self.compose(a, e, e, e)
        if kind is sympy.log:
            if _sign(a[0]) <= 0:
                raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its argument "
                                  f"> 0, and it is {c} there")
            return self.compose(a, _number(sympy.log(c)), _number(1 / c), _number(-1 / c**2))
        if kind is sympy.tanh:
            T = sympy.tanh(c)
            return self.compose(a, _number(T), _number(1 - T**2), _number(-2 * T * (1 - T**2)))
        S = sigmoid(c)
        return self.compose(a, _number(S), _number(S * (1 - S)), _number(S * (1 - S) * (1 - 2 * S)))

    def nonsmooth(self, node, args):
        raise EvaluationError(f"{_short(node)} has no derivatives here: resolve the nonsmooth units first")


def _leading_minor(Q, k):
    return flint.fmpq_mat([[Q[i, j] for j in range(k)] for i in range(k)]).det()


def first_order(expr, variables, point):
    """``(value, gradient)`` of ``expr`` at ``point``, exactly; no Hessian is formed.

    >>> x, y = sympy.symbols("x y")
    >>> first_order((1 - x*y)**2 + 1/x, (x, y), [1, 2])
    (2, [3, 2])
    """
    if _rational_form(expr):
        c, f1, _ = _RationalFirstJets(variables, point)(expr)
        gradient = [flint.fmpq(0)] * len(variables)
        for monomial, coefficient in f1.to_dict().items():
            gradient[monomial.index(1)] = flint.fmpq(coefficient)
        return _public(c), [_public(g) for g in gradient]
    # exp, log, tanh, sigmoid and real powers: the second-order walk, whose rules for them are
    # the checked ones (a vanishing base needs its quadratic part)
    return second_order(expr, variables, point)[:2]


def second_order(expr, variables, point):
    """``(value, gradient, hessian)`` of ``expr`` at ``point``, exactly.

    The Hessian is an ``fmpq_mat`` when every entry is rational, else a SymPy ``Matrix`` of
    exact constants.  ``expr`` must be smooth (no ``relu``-type unit).
    """
    n = len(variables)
    if _rational_form(expr):
        walk = _RationalJets(variables, point)
        c, f1, f2 = walk(expr)
        gradient = [flint.fmpq(0)] * n
        for monomial, coefficient in f1.to_dict().items():
            gradient[monomial.index(1)] = flint.fmpq(coefficient)
        H = flint.fmpq_mat(n, n)
        for monomial, coefficient in f2.to_dict().items():
            # a degree-2 monomial is ε_i² or ε_i ε_j: tuple.index finds them at C speed
            if 2 in monomial:
                i = monomial.index(2)
                H[i, i] = 2 * flint.fmpq(coefficient)
            else:
                i = monomial.index(1)
                j = monomial.index(1, i + 1)
                H[i, j] = H[j, i] = flint.fmpq(coefficient)
        return _public(c), [_public(g) for g in gradient], H
    walk = _SymbolicJets(variables, point)
    c, g, h = walk(expr)
    gradient = [_public(g.get(i, flint.fmpq(0))) for i in range(n)]
    H = sympy.zeros(n, n)
    for (i, j), v in h.items():
        v = _sympy(v)
        if i == j:
            H[i, i] = 2 * v
        else:
            H[i, j] = H[j, i] = v
    return _public(c), gradient, H


# ---------------------------------------------------------------------------------------
# truncated power series along a curve


class _Series(_Walk):
    """Truncated series ``[a_0, ..., a_K]`` in t; rational coefficients as ``fmpq``."""

    def __init__(self, variables, curve, order):
        super().__init__(variables)
        self.K = order
        self.paths = [[_number(vec[i]) for vec in curve] for i in range(len(variables))]

    def pad(self, coefficients):
        out = list(coefficients[: self.K + 1])
        return out + [flint.fmpq(0)] * (self.K + 1 - len(out))

    def symbol(self, i):
        return self.pad(self.paths[i])

    def constant(self, c):
        return self.pad([c])

    def add(self, args):
        out = args[0]
        for a in args[1:]:
            out = [_add(x, y) for x, y in zip(out, a)]
        return out

    def mul(self, args):
        out = args[0]
        for a in args[1:]:
            out = self.times(out, a)
        return out

    def times(self, a, b):
        if all(isinstance(x, flint.fmpq) for x in a) and all(isinstance(x, flint.fmpq) for x in b):
            product = (flint.fmpq_poly(a) * flint.fmpq_poly(b)).coeffs()
            return [_bounded(c) for c in self.pad(product)]
        out = []
        for k in range(self.K + 1):
            total = flint.fmpq(0)
            for j in range(k + 1):
                if _nonzero_syntactically(a[j]) and _nonzero_syntactically(b[k - j]):
                    total = _add(total, _mul(a[j], b[k - j]))
            out.append(total)
        return out

    def scale(self, s, a):
        return [_mul(s, x) for x in a]

    def valuation(self, a):
        """Index of the first coefficient that is not exactly zero (K+1 if none)."""
        for k, x in enumerate(a):
            if _sign(x):
                return k
        return self.K + 1

    def reciprocal(self, a, node):
        if not _sign(a[0]):
            raise EvaluationError(f"{_short(node)} has a pole along the curve (its divisor vanishes at t = 0): "
                                  "no Taylor series")
        inv = _inverse(a[0], _short(node))
        out = [inv]
        for k in range(1, self.K + 1):
            total = flint.fmpq(0)
            for j in range(1, k + 1):
                total = _add(total, _mul(a[j], out[k - j]))
            out.append(_mul(_mul(flint.fmpq(-1), inv), total))
        return out

    def power(self, node, base, exponent):
        if any(_sign(x) for x in exponent[1:]):  # a variable exponent: b^e = exp(e log b)
            return self.function(sympy.exp, self.times(exponent, self.function(sympy.log, base, node)), node)
        r = exponent[0]
        if isinstance(r, flint.fmpq) and r.q == 1:
            k = int(r.p)
            if k < 0:
                base, k = self.reciprocal(base, node), -k
            _power_bits(base[0], k)
            return _binary_power(self.pad([flint.fmpq(1)]), base, k, self.times)
        sign = _sign(base[0])
        if sign == 0:
            # a = t^v b(t), b(0) > 0: a^r = t^(rv) b^r, a Taylor series for t > 0 when rv is an
            # integer; b is known to order K - v, enough when rv >= v (r >= 1)
            v = self.valuation(base)
            if v > self.K:
                raise EvaluationError(f"{_short(node)}: its base vanishes to order > {self.K} along the curve: "
                                      "the expansion cannot be computed to this order")
            shift = _sympy(r) * v
            if not shift.is_Integer:
                raise EvaluationError(f"the expansion of {_short(node)} along the curve has a term t^({shift}): "
                                      "not a Taylor series")
            if _sign(base[v]) < 0 or _sympy(r) < 1:
                raise EvaluationError(f"{_short(node)}: its base vanishes at the point and the expansion along "
                                      "the curve is not a real Taylor series")
            tail = self.pad(base[v:])
            known = self.power(node, tail, exponent)
            return self.pad([flint.fmpq(0)] * int(shift) + known[: self.K + 1 - int(shift)])
        if sign < 0:
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its base "
                              f"positive, and it is {_sympy(base[0])} there")
        # J. C. P. Miller's recurrence for b = a^r: k a0 b_k = Σ_{j=1..k} ((r+1) j - k) a_j b_{k-j}
        rs, a0 = _sympy(r), _sympy(base[0])
        out = [_number(a0**rs)]
        inv = _inverse(base[0], _short(node))
        for k in range(1, self.K + 1):
            total = flint.fmpq(0)
            for j in range(1, k + 1):
                factor = _number((rs + 1) * j - k)
                total = _add(total, _mul(_mul(factor, base[j]), out[k - j]))
            out.append(_mul(total, _mul(inv, flint.fmpq(1, k))))
        return out

    def function(self, kind, a, node):
        if kind is sympy.tanh:  # tanh(a) = 1 - 2/(1 + exp(2a))
            e = self.function(sympy.exp, self.scale(flint.fmpq(2), a), node)
            one = self.pad([flint.fmpq(1)])
            return self.add([one, self.scale(flint.fmpq(-2), self.reciprocal(self.add([one, e]), node))])
        if kind is sigmoid:  # sigmoid(a) = 1/(1 + exp(-a))
            e = self.function(sympy.exp, self.scale(flint.fmpq(-1), a), node)
            return self.reciprocal(self.add([self.pad([flint.fmpq(1)]), e]), node)
        if kind is sympy.exp:  # b' = a' b: k b_k = Σ_{j=1..k} j a_j b_{k-j}
            out = [_number(sympy.exp(_sympy(a[0])))]
            for k in range(1, self.K + 1):
                total = flint.fmpq(0)
                for j in range(1, k + 1):
                    if _nonzero_syntactically(a[j]):
                        total = _add(total, _mul(_mul(flint.fmpq(j), a[j]), out[k - j]))
                out.append(_mul(total, flint.fmpq(1, k)))
            return out
        # log: a0 > 0; b' = a'/a: k a0 b_k = k a_k - Σ_{j=1..k-1} j b_j a_{k-j}
        if _sign(a[0]) <= 0:
            if not _sign(a[0]):
                raise EvaluationError(f"{_short(node)} has a logarithmic singularity along the curve: "
                                      "no Taylor series")
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its argument "
                              f"> 0, and it is {_sympy(a[0])} there")
        inv = _inverse(a[0], _short(node))
        out = [_number(sympy.log(_sympy(a[0])))]
        for k in range(1, self.K + 1):
            total = _mul(flint.fmpq(k), a[k])
            for j in range(1, k):
                total = _add(total, _mul(flint.fmpq(-j), _mul(out[j], a[k - j])))
            out.append(_mul(total, _mul(inv, flint.fmpq(1, k))))
        return out

    def nonsmooth(self, node, args):
        raise EvaluationError(f"{_short(node)} has no Taylor series here: resolve the nonsmooth units first")


def _nonzero_syntactically(x):
    return not (isinstance(x, flint.fmpq) and x == 0)


def series(expr, variables, curve, order):
    """Coefficients ``[c_0, ..., c_order]`` of ``expr(θ(t))``, ``θ(t) = Σ_k curve[k] t^k``, exactly."""
    budget.check("max_order", order, "the expansion")
    budget.check("max_terms", len(curve), "the curve")
    walk = _Series(variables, curve, order)
    return [_public(c) for c in walk(expr)]


# ---------------------------------------------------------------------------------------
# expansion into a polynomial


class _Polynomial(_Walk):
    def __init__(self, variables, ctx):
        super().__init__(variables)
        self.ctx = ctx
        self.gens = ctx.gens()
        self.max_terms = budget.current().max_terms
        self.max_degree = budget.current().max_degree

    def checked(self, p):
        if len(p) > self.max_terms:
            budget.check("max_terms", len(p), "the expanded polynomial")
        return p

    def symbol(self, i):
        return self.gens[i]

    def constant(self, c):
        if not isinstance(c, flint.fmpq):
            raise EvaluationError(f"{c} is not a rational coefficient")
        return self.ctx.constant(c)

    def add(self, args):
        total = args[0]
        for a in args[1:]:
            total = total + a
        return self.checked(total)

    def mul(self, args):
        degree = sum(a.total_degree() for a in args)
        budget.check("max_degree", degree, "the polynomial")
        total = args[0]
        for a in args[1:]:
            if len(total) * len(a) > 4 * self.max_terms:
                budget.check("max_terms", len(total) * len(a), "a product of the expansion")
            total = self.checked(total * a)
        return total

    def power(self, node, base, exponent):
        if not (node.exp.is_Integer and node.exp >= 0):
            raise EvaluationError(f"{_short(node)} is not a polynomial")
        k = int(node.exp)
        budget.check("max_degree", base.total_degree() * k, "the polynomial")
        if len(base) > 1 and k > 1:
            # terms of (a_1 + ... + a_m)^k: at most binomial(m + k - 1, k)
            from math import comb

            bound = comb(len(base) + k - 1, k)
            if bound > self.max_terms:
                budget.check("max_terms", bound, "a power of the expansion")
        return self.checked(base**k)

    def function(self, kind, a, node):
        raise EvaluationError(f"{_short(node)} is not a polynomial")

    def nonsmooth(self, node, args):
        raise EvaluationError(f"{_short(node)} is not a polynomial")


def polynomial(expr, variables, ctx):
    """``expr`` expanded into an ``fmpq_mpoly`` of ``ctx`` (generators in the order of ``variables``)."""
    return _Polynomial(variables, ctx)(expr)
