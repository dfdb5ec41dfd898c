"""Sparse exact polynomials: SymPy expressions to flint ``fmpq_mpoly``, and series along curves.

Polynomial losses are never differentiated as SymPy trees at run time: they are
converted once to flint's sparse multivariate polynomials, whose derivatives and
evaluations are orders of magnitude faster (see ``benchmarks/``).  Every expansion is
bounded by the budget in force (:mod:`symlandscape.budget`): the degree and the number of
terms are checked *before* a product or a power is formed.

Smooth non-polynomial losses (``exp``, ``log``, ``tanh``, ``sigmoid``, real powers) are
expanded along a polynomial curve by :func:`series_along`: truncated power series with
the classical recurrences, never ``sympy.series`` or ``sympy.simplify`` (both can run for
minutes, or fail, on innocent inputs); :func:`second_order` gives their gradient and
Hessian at a point by second-order jets, without symbolic differentiation.
"""

from __future__ import annotations

import math

import flint
import sympy

from . import budget
from .activations import sigmoid
from .errors import DomainError, EvaluationError, InvalidArgument

__all__ = ["NotPolynomial", "polynomial_context", "to_mpoly", "curve_polynomials", "series_along", "second_order",
           "MAX_DEGREE"]

#: Largest exponent accepted in a polynomial by default (the budget's ``max_degree`` bounds the degree).
MAX_DEGREE = 10_000


class NotPolynomial(Exception):
    """Internal signal: the expression is not a polynomial with rational coefficients."""


def polynomial_context(names):
    """The flint context of polynomials in ``names`` (cached by flint)."""
    return flint.fmpq_mpoly_ctx.get(tuple(str(n) for n in names), "lex")


def to_mpoly(expr, ctx, index):
    """Convert a SymPy expression to an ``fmpq_mpoly`` in ``ctx``.

    ``index`` maps each Symbol to its generator number.  Raises :class:`NotPolynomial`
    when ``expr`` is not a polynomial with rational coefficients in those symbols.
    """
    gens = ctx.gens()
    cache = {}
    limits = budget.current()
    n = len(gens)

    def terms_bound(degree):
        # no polynomial of this degree in n variables has more terms
        return math.comb(n + degree, n) if degree <= limits.max_degree else limits.max_terms + 1

    def checked(result, what):
        if result.total_degree() > limits.max_degree:
            budget.check("max_degree", result.total_degree(), what)
        if len(result) > limits.max_terms:
            budget.check("max_terms", len(result), what)
        return result

    def convert(node):
        hit = cache.get(node)
        if hit is not None:
            return hit
        if node.is_Symbol:
            if node not in index:
                raise NotPolynomial(node)
            result = gens[index[node]]
        elif node.is_Rational:
            result = ctx.constant(flint.fmpq(int(node.p), int(node.q)))
        elif node.is_Add:
            result = ctx.constant(0)
            for arg in node.args:
                result = checked(result + convert(arg), "the expanded polynomial")
        elif node.is_Mul:
            result = ctx.constant(1)
            for arg in node.args:
                factor = convert(arg)
                degree = result.total_degree() + factor.total_degree()
                if degree > limits.max_degree:
                    budget.check("max_degree", degree, "a product in the polynomial")
                # the work of a product is the number of pairs of terms; its result is below
                # both that and the bound of its degree
                if len(result) * len(factor) > 16 * limits.max_terms:
                    budget.check("max_terms", min(len(result) * len(factor), terms_bound(degree)),
                                 "a product in the polynomial")
                result = checked(result * factor, "a product in the polynomial")
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            if node.exp > MAX_DEGREE:
                raise InvalidArgument(
                    f"exponent {_short(node.exp)} in {_short(node)} is larger than {MAX_DEGREE}; "
                    "it cannot be expanded exactly in reasonable time"
                )
            base, k = convert(node.base), int(node.exp)
            degree = base.total_degree() * k
            if degree > limits.max_degree:
                budget.check("max_degree", degree, f"the power {_short(node)}")
            if len(base) > 1 and k > 1:
                bound = min(math.comb(len(base) + k - 1, k), terms_bound(degree))
                if bound > limits.max_terms:
                    budget.check("max_terms", bound, f"the power {_short(node)}")
            result = checked(base**k, f"the power {_short(node)}")
        else:
            raise NotPolynomial(node)
        cache[node] = result
        return result

    return convert(sympy.sympify(expr) if not isinstance(expr, sympy.Basic) else expr)


def curve_polynomials(curve, ctx_t):
    """Coordinates of the polynomial curve ``θ(t) = Σ_k curve[k] t^k`` as polynomials in t."""
    (t,) = ctx_t.gens()
    length = len(curve[0])
    return [
        sum((ctx_t.constant(vec[i]) * t**k for k, vec in enumerate(curve) if vec[i] != 0), ctx_t.constant(0))
        for i in range(length)
    ]


def univariate_coefficients(poly, order):
    """Coefficients ``[c_0, ..., c_order]`` of a one-variable ``fmpq_mpoly``."""
    coefficients = [flint.fmpq(0)] * (order + 1)
    for (exponent,), coefficient in poly.to_dict().items():
        if exponent <= order:
            coefficients[exponent] = flint.fmpq(coefficient)
    return coefficients


def _short(x, limit=60):
    # SymPy's default printing order evaluates numbers to sort them: unbounded on towers
    text = sympy.sstr(x, order="none") if isinstance(x, sympy.Basic) else str(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# truncated power series along a curve
#
# A smooth loss along θ(t) = Σ_k curve[k] t^k is expanded bottom-up over its expression
# DAG: every node becomes its truncated series [a_0, ..., a_K].  Sums and products are
# plain; the rest are the classical recurrences (exp: k b_k = Σ j a_j b_{k-j}; log:
# k a_0 b_k = k a_k - Σ j b_j a_{k-j}; a^r: J. C. P. Miller's k a_0 b_k = Σ ((r+1) j - k)
# a_j b_{k-j}; 1/a by the usual division), with tanh = 1 - 2/(1 + exp(2z)) and
# sigmoid = 1/(1 + exp(-z)).  That costs O(K^2) exact operations per node, against the
# unbounded time of sympy.series followed by sympy.simplify (hours, or a
# NotImplementedError, on the cases in tests/test_landscape.py).


class _Fraction:
    """``num/den``: a nonzero exact constant, polynomials over Q in the generators."""

    __slots__ = ("num", "den")

    def __init__(self, num, den):
        self.num, self.den = num, den


class _Constants:
    """The exact constants of one expansion: ``fmpq``, or fractions of polynomials in generators.

    A generator stands for one number (``exp(1/3)``, ``log(2)``, ``2^(1/2)``) or one symbol
    (an increment of a Taylor polynomial).  Arithmetic is that of rational functions, with
    gcds, so an identity such as ``tanh(z) = 2 sigmoid(2z) - 1`` comes out as an exact 0:
    ``exp(p/q)`` is always written ``exp(1/q)^p``.  Relations between generators are not
    used (``2^(1/2)`` squared is not reduced to 2): a zero they hide is left to the sign rule.
    """

    #: ``exp(p/q)`` is ``exp(1/q)^p`` up to this ``|p|``; beyond, a generator of its own.
    MAX_EXP_POWER = 64

    def __init__(self, size, symbols=(), deadline=None):
        self.deadline = deadline or budget.Deadline()
        names = tuple(f"g{i}" for i in range(max(size + len(symbols), 1)))
        self.ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
        self.gens = self.ctx.gens()
        self.values = []  # the SymPy number (or Symbol) of each generator in use
        self.keys = {}
        self.limit = budget.current().max_terms
        self.symbols = [self.generator(("symbol", s), s) for s in symbols]

    # -- generators
    def generator(self, key, value):
        """The element standing for ``value`` (one generator per key)."""
        index = self.keys.get(key)
        if index is None:
            if len(self.values) == len(self.gens):  # pragma: no cover - sized by the caller
                raise EvaluationError("too many distinct constants in the expansion")
            index = self.keys[key] = len(self.values)
            self.values.append(value)
        return _Fraction(self.gens[index], self.ctx.constant(1))

    def exp(self, c):
        """``exp(c)`` of an exact constant ``c`` (``|c|`` within the budget: :func:`check_exponent`)."""
        from .exact import check_exponent

        if isinstance(c, flint.fmpq):
            if c == 0:
                return flint.fmpq(1)
            p, q = int(c.p), int(c.q)
            check_exponent(sympy.Rational(p, q), lambda: f"exp({c})")
            if abs(p) <= self.MAX_EXP_POWER:
                power = self.power(self.generator(("exp", q), sympy.exp(sympy.Rational(1, q))), abs(p))
            else:
                power = self.generator(("exp", abs(c)), sympy.exp(sympy.Rational(abs(p), q)))
            return power if p > 0 else self.inverse(power)
        value = self.sympy(c)
        check_exponent(value, lambda: f"exp({_short(value)})")
        negated = self.keys.get(("exp", -value))
        if negated is not None:
            return self.inverse(_Fraction(self.gens[negated], self.ctx.constant(1)))
        # kept as written: SymPy would evaluate the argument numerically to simplify
        return self.generator(("exp", value), sympy.exp(value, evaluate=False))

    def log(self, c):
        """``log(c)`` of an exact constant ``c > 0``."""
        if isinstance(c, flint.fmpq):
            return flint.fmpq(0) if c == 1 else self.generator(("log", c), sympy.log(self.sympy(c)))
        value = self.sympy(c)
        return self.generator(("log", value), sympy.log(value, evaluate=False))

    def root(self, c, r):
        """``c^r`` for an exact constant ``c > 0`` and a non-integer rational ``r``."""
        exponent = sympy.Rational(int(r.p), int(r.q))
        if int(r.q) > budget.current().max_degree:  # an algebraic number of degree up to r.q
            budget.check("max_degree", int(r.q), f"a root of index {_short(r.q)} at the point")
        if not isinstance(c, flint.fmpq):
            value = sympy.Pow(self.sympy(c), exponent, evaluate=False)
            return self.generator(("pow", value), value)
        ceiling = -(-abs(int(r.p)) // int(r.q))  # SymPy computes c^floor(r) on the way
        budget.check_bits(_fmpq_bits(c) * ceiling, lambda: f"({c})^({r})")
        value = sympy.Pow(self.sympy(c), exponent)
        if isinstance(value, sympy.Rational):
            return flint.fmpq(int(value.p), int(value.q))
        return self.generator(("pow", value), value)

    def constant(self, number):
        """A SymPy number outside the grammar's operations (``pi``, ``EulerGamma``...)."""
        return self.generator(("number", number), number)

    # -- field arithmetic
    def fraction(self, a):
        return a if isinstance(a, _Fraction) else _Fraction(self.ctx.constant(a), self.ctx.constant(1))

    def make(self, num, den):
        if num.is_zero():
            return flint.fmpq(0)
        if not den.is_constant():
            g = num.gcd(den)
            if not g.is_constant():
                num, den = num / g, den / g
        lead = den.leading_coefficient()
        if lead != 1:
            num, den = num * (1 / lead), den * (1 / lead)
        if den.is_constant() and num.is_constant():
            return flint.fmpq(num.leading_coefficient())
        if len(num) + len(den) > self.limit:
            budget.check("max_terms", len(num) + len(den), "a coefficient of the expansion")
        return _Fraction(num, den)

    def add(self, a, b):
        if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
            return a + b
        if isinstance(a, flint.fmpq) and a == 0:
            return b
        if isinstance(b, flint.fmpq) and b == 0:
            return a
        a, b = self.fraction(a), self.fraction(b)
        if a.den == b.den:
            return self.make(a.num + b.num, a.den)
        return self.make(a.num * b.den + b.num * a.den, a.den * b.den)

    def mul(self, a, b):
        if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
            return a * b
        if isinstance(a, flint.fmpq) or isinstance(b, flint.fmpq):
            scalar, other = (a, b) if isinstance(a, flint.fmpq) else (b, a)
            return flint.fmpq(0) if scalar == 0 else _Fraction(other.num * scalar, other.den)
        return self.make(a.num * b.num, a.den * b.den)

    def inverse(self, a):
        if isinstance(a, flint.fmpq):
            return 1 / a
        return self.make(a.den, a.num)

    def power(self, a, k):
        result = flint.fmpq(1)
        for _ in range(k):
            result = self.mul(result, a)
        return result

    # -- back to SymPy, and signs
    def polynomial_sympy(self, poly):
        terms = []
        for exponents, coefficient in poly.to_dict().items():
            self.deadline.check("writing the expansion's coefficients as SymPy numbers")
            factors = [self.values[i] ** e for i, e in enumerate(exponents) if e]
            terms.append(sympy.Rational(int(coefficient.p), int(coefficient.q)) * sympy.Mul(*factors))
        return sympy.Add(*terms)

    def denominator_sympy(self, den):
        """A denominator, factored when small: ``(1 + exp(2/3))**3`` reads better than its expansion."""
        if den.is_one():
            return sympy.S.One
        if len(den) > 200:
            return self.polynomial_sympy(den)
        content, factors = den.factor()
        return sympy.Rational(int(content.p), int(content.q)) * sympy.Mul(
            *(self.polynomial_sympy(f) ** e for f, e in factors))

    def sympy(self, a):
        if isinstance(a, flint.fmpq):
            return sympy.Rational(int(a.p), int(a.q))
        return self.polynomial_sympy(a.num) / self.denominator_sympy(a.den)

    def split(self, a):
        """``a`` by monomials in the symbol generators: ``{exponents: SymPy constant}``."""
        if isinstance(a, flint.fmpq):
            return {(0,) * len(self.gens): self.sympy(a)} if a != 0 else {}
        positions = {index for key, index in self.keys.items() if key[0] == "symbol"}
        groups = {}
        for exponents, coefficient in a.num.to_dict().items():
            key = tuple(e if i in positions else 0 for i, e in enumerate(exponents))
            rest = tuple(0 if i in positions else e for i, e in enumerate(exponents))
            groups.setdefault(key, {})[rest] = coefficient
        return {key: self.sympy(self.make(self.ctx.from_dict(part), a.den)) for key, part in groups.items()}

    def sympy_in_symbols(self, a):
        """``a`` as a polynomial in the symbol generators, with constant coefficients."""
        if isinstance(a, flint.fmpq) or not self.symbols:
            return self.sympy(a)
        return sympy.Add(*(value * sympy.Mul(*(self.values[i] ** e for i, e in enumerate(key) if e))
                           for key, value in self.split(a).items()))

    def sign(self, a, what):
        """The exact sign of a constant, by the checker's sign rule; EvaluationError if undecided."""
        if isinstance(a, flint.fmpq):
            return (a > 0) - (a < 0)
        from .verify import exact_sign

        value = self.sympy(a)
        try:
            return exact_sign(value)
        except Exception as exc:  # noqa: BLE001 - undecided (or SymPy failed): say so, never guess
            raise EvaluationError(f"cannot decide the sign of {_short(value)} ({what() if callable(what) else what}) "
                                  f"exactly: {_short(exc, 120)}") from None


class _Series:
    """The truncated series ``[a_0, ..., a_K]`` of every node of an expression along a curve."""

    def __init__(self, variables, paths, order, constants, deadline):
        self.index = {v: i for i, v in enumerate(variables)}
        self.paths = paths  # per variable: its coefficients [θ_i(0), θ_i'(0), ...] as constants
        self.K = order
        self.C = constants
        self.deadline = deadline
        self.bits = budget.current().max_digits * math.log2(10)
        self.memo = {}

    def __call__(self, root):
        memo, limit = self.memo, budget.current().max_nodes
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in memo:
                continue
            if ready or not node.args or node.is_Rational:
                self.deadline.check(lambda: f"the expansion of the loss to order {self.K} (at {_short(node)})")
                memo[node] = self.evaluate(node)
                if len(memo) > limit:
                    budget.check("max_nodes", len(memo), "the expression")
                continue
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in memo)
        return memo[root]

    # -- series arithmetic
    def pad(self, coefficients):
        out = list(coefficients[: self.K + 1])
        return out + [flint.fmpq(0)] * (self.K + 1 - len(out))

    def constant(self, c):
        return self.pad([c])

    def add(self, a, b):
        return [self.C.add(x, y) for x, y in zip(a, b)]

    def scale(self, s, a):
        return [self.C.mul(s, x) for x in a]

    def times(self, a, b):
        if all(isinstance(x, flint.fmpq) for x in a) and all(isinstance(x, flint.fmpq) for x in b):
            product = self.pad((flint.fmpq_poly(a) * flint.fmpq_poly(b)).coeffs())
            for c in product:
                if _fmpq_bits(c) > self.bits:
                    budget.check_bits(_fmpq_bits(c), "a coefficient of the expansion")
            return product
        out = []
        for k in range(self.K + 1):
            total = flint.fmpq(0)
            for j in range(k + 1):
                if not _is_zero(a[j]) and not _is_zero(b[k - j]):
                    total = self.C.add(total, self.C.mul(a[j], b[k - j]))
            out.append(total)
            self.deadline.check(lambda: f"the expansion of the loss to order {self.K} (a product)")
        return out

    def reciprocal(self, a, node):
        a0 = a[0]
        if not self.C.sign(a0, lambda: f"the value of the divisor in {_short(node)}"):
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} divides by "
                              "zero there")
        inv = self.C.inverse(a0)
        out = [inv]
        for k in range(1, self.K + 1):
            total = flint.fmpq(0)
            for j in range(1, k + 1):
                if not _is_zero(a[j]):
                    total = self.C.add(total, self.C.mul(a[j], out[k - j]))
            out.append(self.C.mul(-inv, total) if isinstance(inv, flint.fmpq) else
                       self.C.mul(self.C.mul(flint.fmpq(-1), inv), total))
            self.deadline.check(lambda: f"the expansion of the loss to order {self.K} (at {_short(node)})")
        return out

    def integer_power(self, a, k, node):
        if k < 0:
            a, k = self.reciprocal(a, node), -k
        if isinstance(a[0], flint.fmpq) and a[0] != 0:
            budget.check_bits(_fmpq_bits(a[0]) * k, lambda: f"{_short(node)} at the point")
        result, square = self.constant(flint.fmpq(1)), a
        while k:
            if k & 1:
                result = self.times(result, square)
            k >>= 1
            if k:
                square = self.times(square, square)
        return result

    def exp(self, a, node):
        out = [self.C.exp(a[0])]
        for k in range(1, self.K + 1):
            total = flint.fmpq(0)
            for j in range(1, k + 1):
                if not _is_zero(a[j]):
                    total = self.C.add(total, self.C.mul(self.C.mul(flint.fmpq(j), a[j]), out[k - j]))
            out.append(self.C.mul(total, flint.fmpq(1, k)))
            self.deadline.check(lambda: f"the expansion of the loss to order {self.K} (at {_short(node)})")
        return out

    def log(self, a, node):
        sign = self.C.sign(a[0], lambda: f"the argument of {_short(node)}")
        if sign <= 0:
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs "
                              f"{_short(node.args[0])} > 0, and it is {_short(self.C.sympy(a[0]))} there")
        inv = self.C.inverse(a[0])
        out = [self.C.log(a[0])]
        for k in range(1, self.K + 1):
            total = self.C.mul(flint.fmpq(k), a[k])
            for j in range(1, k):
                if not _is_zero(a[k - j]):
                    total = self.C.add(total, self.C.mul(flint.fmpq(-j), self.C.mul(out[j], a[k - j])))
            out.append(self.C.mul(total, self.C.mul(inv, flint.fmpq(1, k))))
            self.deadline.check(lambda: f"the expansion of the loss to order {self.K} (at {_short(node)})")
        return out

    def real_power(self, a, r, node):
        """``a^r`` for a non-integer rational ``r``."""
        sign = self.C.sign(a[0], lambda: f"the base of {_short(node)}")
        if sign < 0 or (sign == 0 and r < 0):
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its base "
                              f"{'>' if r < 0 else '>='} 0, and it is {_short(self.C.sympy(a[0]))} there")
        if sign == 0:
            return self.vanishing_power(a, r, node)
        # J. C. P. Miller's recurrence: k a_0 b_k = Σ_{j=1..k} ((r+1) j - k) a_j b_{k-j}
        inv = self.C.inverse(a[0])
        out = [self.C.root(a[0], r)]
        for k in range(1, self.K + 1):
            total = flint.fmpq(0)
            for j in range(1, k + 1):
                if not _is_zero(a[j]):
                    factor = (r + 1) * j - k
                    total = self.C.add(total, self.C.mul(self.C.mul(factor, a[j]), out[k - j]))
            out.append(self.C.mul(total, self.C.mul(inv, flint.fmpq(1, k))))
            self.deadline.check(lambda: f"the expansion of the loss to order {self.K} (at {_short(node)})")
        return out

    def vanishing_power(self, a, r, node):
        """``a^r`` where ``a(0) = 0``: ``a = t^v u(t)``; a Taylor series only if ``t^v >= 0`` and ``v r`` is even."""
        v = next((k for k in range(1, self.K + 1) if self.C.sign(a[k], lambda: f"the base of {_short(node)}")), None)
        if v is None:
            raise EvaluationError(f"the base of {_short(node)} vanishes to order above {self.K} along the curve: "
                                  "the expansion cannot be computed to this order")
        exponent = r * v
        if exponent.q != 1:
            raise EvaluationError(f"the expansion along the curve has a term t^({exponent}): not a Taylor series "
                                  f"({_short(node)} with its base vanishing to order {v} at the point)")
        u = a[v:] + [flint.fmpq(0)] * v
        if v % 2 or exponent.p % 2 or self.C.sign(u[0], lambda: f"the base of {_short(node)}") < 0:
            raise EvaluationError(f"the expansion along the curve has a term |t|^{exponent}: not a Taylor series "
                                  f"({_short(node)} with its base vanishing to order {v} at the point)")
        shift = int(exponent.p)
        if shift > self.K:
            return self.constant(flint.fmpq(0))
        inner = _Series.real_power(self, u, r, node)
        return self.pad([flint.fmpq(0)] * shift + inner[: self.K + 1 - shift])

    # -- the nodes
    def evaluate(self, node):
        if node.is_Symbol:
            i = self.index.get(node)
            if i is None:
                raise EvaluationError(f"{node} is not a variable of the landscape")
            return self.pad(self.paths[i])
        if node.is_Rational:
            return self.constant(flint.fmpq(int(node.p), int(node.q)))
        if node is sympy.S.Exp1:
            return self.constant(self.C.exp(flint.fmpq(1)))
        if not node.args:
            if node.is_number and node.is_extended_real and node.is_finite:
                return self.constant(self.C.constant(node))
            raise EvaluationError(f"{_short(node)} is not a finite real number")
        args = [self.memo[a] for a in node.args]
        if node.is_Add:
            total = args[0]
            for a in args[1:]:
                total = self.add(total, a)
            return total
        if node.is_Mul:
            total = args[0]
            for a in args[1:]:
                total = self.times(total, a)
            return total
        if node.is_Pow:
            base, exponent = args
            constant_exponent = all(_is_zero(x) for x in exponent[1:])
            if constant_exponent and isinstance(exponent[0], flint.fmpq):
                r = exponent[0]
                if r.q == 1:
                    return self.integer_power(base, int(r.p), node)
                return self.real_power(base, r, node)
            # a variable or irrational exponent: b^e = exp(e log b)
            return self.exp(self.times(exponent, self.log(base, node)), node)
        if isinstance(node, sympy.exp):
            return self.exp(args[0], node)
        if isinstance(node, sympy.log):
            return self.log(args[0], node)
        if isinstance(node, sympy.tanh):  # tanh(z) = 1 - 2/(1 + exp(2z))
            e = self.exp(self.scale(flint.fmpq(2), args[0]), node)
            one = self.constant(flint.fmpq(1))
            return self.add(one, self.scale(flint.fmpq(-2), self.reciprocal(self.add(one, e), node)))
        if isinstance(node, sigmoid):  # sigmoid(z) = 1/(1 + exp(-z))
            e = self.exp(self.scale(flint.fmpq(-1), args[0]), node)
            return self.reciprocal(self.add(self.constant(flint.fmpq(1)), e), node)
        raise EvaluationError(f"cannot expand {_short(node)} along a curve: {type(node).__name__} is not one of "
                              "+ - * / ^, exp, log, tanh, sigmoid")


def _is_zero(x):
    return isinstance(x, flint.fmpq) and x == 0


def _fmpq_bits(q):
    return max(int(q.p).bit_length(), int(q.q).bit_length())


def _generators_needed(expr):
    """An upper bound on the generators an expansion of ``expr`` can create (two per distinct node)."""
    count, seen, stack = 1, set(), [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if not node.is_Rational and not node.is_Symbol and not node.is_Add and not node.is_Mul:
            count += 2
        stack.extend(node.args)
    return count


def series_along(expr, variables, curve, order, increments=()):
    """Exact coefficients ``[c_0, ..., c_order]`` of ``expr(θ(t))``, ``θ(t) = Σ_k curve[k] t^k``.

    ``curve`` holds rational vectors (``fmpq``); an entry may also be an index into
    ``increments`` given as ``("symbol", j)``, for the increments of a Taylor polynomial.
    Coefficients are SymPy numbers (``Rational`` where rational), unsimplified but exact.
    Fails closed: :class:`~symlandscape.errors.DomainError` where the curve starts outside
    the domain, :class:`~symlandscape.errors.EvaluationError` where no Taylor series exists
    (``(x^2 + y^2)^(9/4)`` along a line through 0 has a ``t^(9/2)`` term) or a sign cannot be
    decided, :class:`~symlandscape.budget.BudgetExceeded` beyond ``max_seconds`` or a size bound.

    >>> x = sympy.Symbol("x", real=True)
    >>> series_along(sympy.exp(x), [x], [[flint.fmpq(0)], [flint.fmpq(1)]], 3)
    [1, 1, 1/2, 1/6]
    >>> series_along(sympy.tanh(x) - 2*sigmoid(2*x) + 1, [x], [[flint.fmpq(1, 3)], [flint.fmpq(1)]], 2)
    [0, 0, 0]
    """
    constants, coefficients = _expand(expr, variables, curve, order, increments)
    return [constants.sympy_in_symbols(c) for c in coefficients]


def _expand(expr, variables, curve, order, increments):
    budget.check("max_order", order, "the expansion")
    deadline = budget.Deadline()
    constants = _Constants(_generators_needed(expr), increments, deadline)
    paths = []
    for i in range(len(variables)):
        path = []
        for vector in curve:
            entry = vector[i]
            path.append(constants.symbols[entry[1]] if isinstance(entry, tuple) else flint.fmpq(entry))
        paths.append(path)
    return constants, _Series(variables, paths, order, constants, deadline)(expr)


def second_order(expr, variables, point):
    """``(value, gradient, hessian)`` of ``expr`` at ``point``: exact SymPy numbers, by second-order jets.

    Every node of the expression DAG carries its value ``c``, its gradient ``g`` and half its
    Hessian ``h`` at the point (forward-mode differentiation, truncated at order 2), so the
    numbers keep their natural form (``1 - tanh(1/3)**2``) and nothing is differentiated
    symbolically (SymPy's ``diff`` of ``x^x^...^x`` or of 60 nested sigmoids runs for
    minutes).  Bounded by the budget like :func:`series_along`.

    >>> x, y = sympy.symbols("x y", real=True)
    >>> second_order(sympy.exp(x) * y**2, [x, y], [flint.fmpq(0), flint.fmpq(3)])
    (9, [9, 6], [[9, 6], [6, 2]])
    >>> second_order(sympy.tanh(x), [x], [flint.fmpq(1, 3)])[1]
    [1 - tanh(1/3)**2]
    """
    jets = _Jets(variables, point, budget.Deadline())
    c, g, h = jets(expr)
    n = len(variables)
    gradient = [g.get(i, sympy.S.Zero) for i in range(n)]
    hessian = [[sympy.S.Zero] * n for _ in range(n)]
    for (i, j), value in h.items():
        if i == j:
            hessian[i][i] = jets.mul(2, value)
        else:
            hessian[i][j] = hessian[j][i] = value
    return c, gradient, hessian


class _Jets:
    """Second-order jets ``(c, g, h)`` of every node.

    ``f(θ0 + ε) = c + Σ g_i ε_i + Σ_{i<=j} h_ij ε_i ε_j + O(ε³)``.
    """

    def __init__(self, variables, point, deadline):
        self.index = {v: i for i, v in enumerate(variables)}
        self.point = [sympy.Rational(int(p.p), int(p.q)) for p in map(flint.fmpq, point)]
        self.deadline = deadline
        self.memo, self.depth = {}, {}
        self.evaluate = True

    def __call__(self, root):
        from .exact import _EVALUATED_DEPTH

        stack = [(root, False)]
        limit = budget.current().max_nodes
        while stack:
            node, ready = stack.pop()
            if node in self.memo:
                continue
            if node.args and not ready:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in self.memo)
                continue
            self.deadline.check(lambda: f"the gradient and Hessian of the loss (at {_short(node)})")
            plain = node.is_Add or node.is_Mul or not node.args or (node.is_Pow and node.exp.is_Integer)
            self.depth[node] = max((self.depth[a] for a in node.args), default=0) + (not plain)
            # SymPy simplifies numbers by evaluating them numerically: beyond this depth that
            # costs minutes (x^x^...^x), and the numbers are kept as written instead
            self.evaluate = self.depth[node] <= _EVALUATED_DEPTH
            self.memo[node] = self.node(node)
            if len(self.memo) > limit:
                budget.check("max_nodes", len(self.memo), "the expression")
        return self.memo[root]

    # -- exact numbers, built cheaply
    def add(self, *terms):
        terms = [t for t in terms if t != 0]
        if not terms:
            return sympy.S.Zero
        if len(terms) == 1:
            return terms[0]
        if all(isinstance(t, sympy.Rational) for t in terms):
            return _checked_rational(sympy.Add(*terms))
        return sympy.Add(*terms, evaluate=self.evaluate)

    def mul(self, *factors):
        factors = [sympy.Integer(f) if isinstance(f, int) else f for f in factors]
        if any(f == 0 for f in factors):
            return sympy.S.Zero
        factors = [f for f in factors if f != 1]
        if not factors:
            return sympy.S.One
        if len(factors) == 1:
            return factors[0]
        if all(isinstance(f, sympy.Rational) for f in factors):
            return _checked_rational(sympy.Mul(*factors))
        return sympy.Mul(*factors, evaluate=self.evaluate)

    def function(self, kind, c):
        if isinstance(c, sympy.Rational):
            return kind(c)
        return kind(c, evaluate=self.evaluate)

    # -- jets
    def combine(self, *parts):
        """``Σ s · part`` over ``(s, dict)`` pairs."""
        out = {}
        for s, part in parts:
            for key, v in part.items():
                out.setdefault(key, []).append(self.mul(s, v))
        return {key: total for key, terms in out.items() if (total := self.add(*terms)) != 0}

    def outer(self, g1, g2):
        out = {}
        for i, a in g1.items():
            for j, b in g2.items():
                out.setdefault((min(i, j), max(i, j)), []).append(self.mul(a, b))
        return {key: self.add(*terms) for key, terms in out.items()}

    def times(self, a, b):
        return (self.mul(a[0], b[0]), self.combine((b[0], a[1]), (a[0], b[1])),
                self.combine((b[0], a[2]), (a[0], b[2]), (1, self.outer(a[1], b[1]))))

    def compose(self, a, f0, f1, f2):
        """``φ(a)`` from ``φ, φ', φ''`` at ``a``'s value: ``f0 + f1 (g + h) + f2/2 g²``."""
        return (f0, self.combine((f1, a[1])),
                self.combine((f1, a[2]), (self.mul(f2, sympy.Rational(1, 2)), self.outer(a[1], a[1]))))

    def sign(self, c, what):
        if isinstance(c, sympy.Rational):
            return (c.p > 0) - (c.p < 0)
        from .verify import exact_sign

        try:
            return exact_sign(c)
        except Exception as exc:  # noqa: BLE001 - undecided (or SymPy failed): say so, never guess
            raise EvaluationError(f"cannot decide the sign of {_short(c)} ({what() if callable(what) else what}) "
                                  f"exactly: {_short(exc, 120)}") from None

    def node(self, node):
        if node.is_Symbol:
            i = self.index.get(node)
            if i is None:
                raise EvaluationError(f"{node} is not a variable of the landscape")
            return (self.point[i], {i: sympy.S.One}, {})
        if not node.args:
            if node.is_number and node.is_extended_real and node.is_finite:
                return (node, {}, {})
            raise EvaluationError(f"{_short(node)} is not a finite real number")
        args = [self.memo[a] for a in node.args]
        if node.is_Add:
            return (self.add(*(a[0] for a in args)), self.combine(*((1, a[1]) for a in args)),
                    self.combine(*((1, a[2]) for a in args)))
        if node.is_Mul:
            total = args[0]
            for a in args[1:]:
                total = self.times(total, a)
            return total
        if node.is_Pow:
            base, exponent = args
            if exponent[1] or not isinstance(exponent[0], sympy.Rational):
                # a variable or irrational exponent: b^e = exp(e log b)
                return self.exp(self.times(exponent, self.log(base, node)), node)
            return self.power(base, exponent[0], node)
        if isinstance(node, sympy.exp):
            return self.exp(args[0], node)
        if isinstance(node, sympy.log):
            return self.log(args[0], node)
        c = args[0][0]
        if isinstance(node, sympy.tanh):
            t = self.function(sympy.tanh, c)
            d = self.add(1, self.mul(-1, t, t))
            return self.compose(args[0], t, d, self.mul(-2, t, d))
        if isinstance(node, sigmoid):
            s = self.function(sigmoid, c)
            d = self.mul(s, self.add(1, self.mul(-1, s)))
            return self.compose(args[0], s, d, self.mul(d, self.add(1, self.mul(-2, s))))
        raise EvaluationError(f"cannot differentiate {_short(node)}: {type(node).__name__} is not one of "
                              "+ - * / ^, exp, log, tanh, sigmoid")

    def exp(self, a, node):
        from .exact import check_exponent

        check_exponent(a[0], lambda: f"{_short(node)} at the point")
        e = self.function(sympy.exp, a[0])
        return self.compose(a, e, e, e)

    def log(self, a, node):
        c = a[0]
        if self.sign(c, lambda: f"the argument of {_short(node)}") <= 0:
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its argument > 0, "
                              f"and it is {_short(c)} there")
        inverse = self.function(lambda z, **kw: sympy.Pow(z, -1, **kw), c)
        return self.compose(a, self.function(sympy.log, c), inverse, self.mul(-1, inverse, inverse))

    def power(self, a, r, node):
        """``a^r`` for a rational ``r``: ``c^r``, ``r c^(r-1)``, ``r (r-1) c^(r-2)``."""
        c = a[0]
        if r == 0:
            return (sympy.S.One, {}, {})
        sign = self.sign(c, lambda: f"the base of {_short(node)}")
        if sign < 0 and r.q != 1 or sign == 0 and r < 0:
            raise DomainError(f"the point is outside the domain of the loss: {_short(node)} needs its base "
                              f"{'>' if r < 0 else '>='} 0, and it is {_short(c)} there")
        if sign == 0 and r.q != 1 and r < 2 and (a[1] or a[2]):
            raise EvaluationError(f"{_short(node)} has no {'first' if r < 1 else 'second'} derivative at the point: "
                                  f"its base vanishes there and {r} < {1 if r < 1 else 2}")
        if isinstance(c, sympy.Rational):
            budget.check_bits(max(_bits(c), 1) * (abs(int(r.p)) // int(r.q) + 1),
                              lambda: f"{_short(node)} at the point")
        # at a vanishing base c^k is 0 for k > 0 and 1 for k = 0; for k < 0 its factor r (r - 1) is 0
        powers = [self.function(lambda z, **kw: sympy.Pow(z, k, **kw), c) if sign else
                  sympy.S.One if k == 0 else sympy.S.Zero for k in (r, r - 1, r - 2)]
        return self.compose(a, powers[0], self.mul(r, powers[1]), self.mul(r * (r - 1), powers[2]))


def _bits(c):
    return max(abs(int(c.p)).bit_length(), int(c.q).bit_length())


def _checked_rational(q):
    if max(abs(int(q.p)).bit_length(), int(q.q).bit_length()) > 3 * budget.current().max_digits:
        budget.check_bits(_bits(q), "a number in the derivatives at the point")
    return q