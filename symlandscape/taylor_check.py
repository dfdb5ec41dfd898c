"""Taylor models of a smooth transcendental loss: exact Taylor polynomials, ball enclosures of the
remainder, and the checker of ``taylor_model`` bounds.

With h = θ − θ0 and L smooth on the segment [θ0, θ0 + h], Taylor's theorem (Lagrange form)
gives

    L(θ0 + h) = Σ_{|α| <= k} a_α h^α + Σ_{|α| = k+1} c_α(ξ) h^α,   ξ = θ0 + s h, 0 < s < 1,

with a_α = ∂^αL(θ0)/α! and c_α(ξ) = ∂^αL(ξ)/α!.  Both come from one walk of the loss's
expression in *truncated multivariate Taylor arithmetic*: every subexpression f carries the
coefficients of its Taylor polynomial in h up to a total degree N, and products, ``exp``,
``log``, integer and rational powers act on these truncated series (``tanh`` and
``sigmoid`` are written with ``exp`` and a reciprocal).  Truncated series form a ring in
which these operations are exact for the coefficients of degree <= N, so

- over exact rationals at θ0 (N = k) the walk gives the a_α exactly
  (:func:`taylor_polynomial`); a coefficient that is not rational (``exp(1/2)``) stops it;
- over ``arb`` balls at the box B = θ0 + [−r, r]^n (N = k + 1) the coefficient of h^α
  *encloses* ∂^αL(ξ)/α! for every ξ in B (:func:`remainder_bound`): at each single ξ the exact
  walk at ξ gives the exact coefficients, and every ball operation returns a ball that
  contains the exact operation's result for every choice of points in its input balls
  (inclusion monotonicity of ball arithmetic), so by induction over the expression every
  ball holds the exact value at ξ.  A reciprocal needs a constant term that excludes 0, a
  logarithm or a non-integer power a positive one, on all of B: the loss is then analytic
  on B, and Taylor's theorem applies on every segment inside it.

With j = ⌊(k+1)/2⌋ and |h|₂ <= r: |h^α| <= |h|₂^{k+1} <= (Σ h_i²)^j r^{k+1−2j}, so the
remainder is at most M (Σ h_i²)^j in absolute value whenever
M >= Σ_{|α|=k+1} sup_B |c_α| · r^{k+1−2j}.  An identity ±(Q − L0) − M (Σ h_i²)^j =
σ0 + σ1 (r² − Σ h_i²) with sums of squares σ0, σ1 (Q the Taylor polynomial of degree k)
then shows ±(L − L0) >= 0 on the ball |h|₂ <= r.
"""

from __future__ import annotations

import math

import flint
import sympy

from . import budget, jets
from .activations import sigmoid
from .errors import EvaluationError
from .verify import _dyadic, _fail, _fields, _integer, _mapping, _rational

__all__ = ["taylor_polynomial", "taylor_part", "remainder_bound", "check", "MAX_ORDER", "PRECISION"]

#: The largest order k of a Taylor model (the remainder has order k + 1).
MAX_ORDER = 8
#: The working precision, in bits, of the ball arithmetic of the remainder.
PRECISION = 128

_FIELDS = {"type", "order", "radius", "bound", "certificate"}


# ---------------------------------------------------------------------------------------
# the coefficient rings: exact rationals at a point, arb balls on a box


class _Rationals:
    """Exact coefficients; anything irrational is refused."""

    exact = True

    @staticmethod
    def number(q):
        return q

    @staticmethod
    def e():
        raise EvaluationError("a Taylor coefficient involves e, which is not rational")

    @staticmethod
    def exp(c, node):
        if c != 0:
            raise EvaluationError(f"{jets._short(node)}: exp({c}) is not rational, so the Taylor coefficients are not")
        return flint.fmpq(1)

    @staticmethod
    def log(c, node):
        if c <= 0:
            raise EvaluationError(f"{jets._short(node)}: the logarithm of {c} <= 0 is not defined")
        if c != 1:
            raise EvaluationError(f"{jets._short(node)}: log({c}) is not rational, so the Taylor coefficients are not")
        return flint.fmpq(0)

    @staticmethod
    def inverse(c, node):
        if c == 0:
            raise EvaluationError(f"{jets._short(node)} divides by zero at the point")
        return 1 / c

    @staticmethod
    def power(c, e, node):
        """c^e for a rational e that is not a nonnegative integer; c ≠ 0 (> 0 unless e is an integer)."""
        if e.q == 1:
            return _Rationals.inverse(c, node) ** int(-e.p) if e < 0 else c ** int(e.p)
        if c <= 0:
            raise EvaluationError(f"{jets._short(node)}: a non-integer power needs a positive base, it is {c}")
        value = sympy.Rational(int(c.p), int(c.q)) ** sympy.Rational(int(e.p), int(e.q))
        if not value.is_Rational:
            raise EvaluationError(f"{jets._short(node)}: {c}^({e}) is not rational, so the Taylor coefficients are not")
        return flint.fmpq(int(value.p), int(value.q))

    @staticmethod
    def check_size(c):
        budget.check_bits(max(c.p.bit_length(), c.q.bit_length()), "a Taylor coefficient")


class _Balls:
    """``arb`` balls: each operation encloses the exact one at every point of its input balls."""

    exact = False

    @staticmethod
    def number(q):
        return flint.arb(q)

    @staticmethod
    def e():
        return flint.arb.const_e()

    @staticmethod
    def exp(c, node):
        return c.exp()

    @staticmethod
    def log(c, node):
        if not c > 0:
            raise EvaluationError(f"{jets._short(node)}: the argument of the logarithm is not shown positive on "
                                  "the box")
        return c.log()

    @staticmethod
    def inverse(c, node):
        if 0 in c:
            raise EvaluationError(f"{jets._short(node)}: a denominator is not shown nonzero on the box")
        return 1 / c

    @staticmethod
    def power(c, e, node):
        if e.q == 1:
            return _Balls.inverse(c, node) ** int(-e.p) if e < 0 else c ** int(e.p)
        if not c > 0:
            raise EvaluationError(f"{jets._short(node)}: the base of a non-integer power is not shown positive on "
                                  "the box")
        return (flint.arb(e) * c.log()).exp()

    @staticmethod
    def check_size(c):
        if not c.is_finite():
            raise EvaluationError("a ball of a Taylor coefficient is not finite")


# ---------------------------------------------------------------------------------------
# truncated multivariate Taylor series: dicts exponent tuple -> coefficient, total degree <= N


class _TaylorWalk(jets._Walk):
    """The walk of :mod:`symlandscape.jets` in truncated Taylor arithmetic over ``ring`` at ``point``.

    ``point`` holds the ring's numbers (rationals, or balls: then each coefficient of h^α
    encloses ∂^αf(ξ)/α! for every ξ in the box of balls).
    """

    def __init__(self, variables, point, order, ring, deadline):
        super().__init__(variables)
        self.n = len(variables)
        self.order = order
        self.ring = ring
        self.point = point
        self.deadline = deadline
        self.zero_exponent = (0,) * self.n

    def unit(self, i):
        return tuple(1 if t == i else 0 for t in range(self.n))

    # -- series operations ------------------------------------------------------------
    def scale(self, s, a):
        return {e: s * c for e, c in a.items()}

    def plus(self, a, b):
        out = dict(a)
        for e, c in b.items():
            out[e] = out[e] + c if e in out else c
        return out

    def times(self, a, b):
        self.deadline.check("the Taylor model's expansion")
        out, order = {}, self.order
        for ea, ca in a.items():
            da = sum(ea)
            for eb, cb in b.items():
                if da + sum(eb) > order:
                    continue
                e = tuple(x + y for x, y in zip(ea, eb))
                product = ca * cb
                out[e] = out[e] + product if e in out else product
        for c in out.values():
            self.ring.check_size(c)
        return out

    def split(self, a):
        """The constant term c and the rest ã of a series."""
        rest = {e: c for e, c in a.items() if e != self.zero_exponent}
        return a.get(self.zero_exponent, self.ring.number(flint.fmpq(0))), rest

    def series_sum(self, coefficients, u):
        """Σ_m coefficients[m] u^m, for a series u without constant term (u^m = 0 beyond the order)."""
        total = {self.zero_exponent: coefficients[0]}
        power = {self.zero_exponent: self.ring.number(flint.fmpq(1))}
        for m in range(1, self.order + 1):
            if not u:
                break
            power = self.times(power, u)
            if not power:
                break
            total = self.plus(total, self.scale(coefficients[m], power))
        return total

    # -- the walk's hooks ---------------------------------------------------------------
    def symbol(self, i):
        series = {self.zero_exponent: self.point[i]}
        if self.order >= 1:
            series[self.unit(i)] = self.ring.number(flint.fmpq(1))
        return series

    def constant(self, c):
        if c is sympy.E:
            return {self.zero_exponent: self.ring.e()}
        return {self.zero_exponent: self.ring.number(c)}

    def add(self, args):
        total = args[0]
        for a in args[1:]:
            total = self.plus(total, a)
        return total

    def mul(self, args):
        total = args[0]
        for a in args[1:]:
            total = self.times(total, a)
        return total

    def power(self, node, base, exponent):
        e = node.exp
        if not e.is_Rational:
            raise EvaluationError(f"{jets._short(node)}: a Taylor model needs a rational exponent")
        e = flint.fmpq(int(e.p), int(e.q))
        if e.q == 1 and e >= 0:
            k = int(e.p)
            budget.check("max_degree", k, f"the power {jets._short(node)}")
            return jets._binary_power({self.zero_exponent: self.ring.number(flint.fmpq(1))}, base, k, self.times)
        # b^e = c^e (1 + ã/c)^e = c^e Σ_m binom(e, m) (ã/c)^m
        c, rest = self.split(base)
        u = self.scale(self.ring.inverse(c, node), rest)
        binomials, b = [], flint.fmpq(1)
        for m in range(self.order + 1):
            binomials.append(self.ring.number(b))
            b = b * (e - m) / (m + 1)
        return self.scale(self.ring.power(c, e, node), self.series_sum(binomials, u))

    def exp(self, a, node):
        # exp(c + ã) = exp(c) Σ ã^m / m!
        c, rest = self.split(a)
        coefficients = [self.ring.number(flint.fmpq(1, math.factorial(m))) for m in range(self.order + 1)]
        return self.scale(self.ring.exp(c, node), self.series_sum(coefficients, rest))

    def log(self, a, node):
        # log(c + ã) = log c + Σ_{m>=1} (−1)^{m+1} (ã/c)^m / m
        c, rest = self.split(a)
        value = self.ring.log(c, node)
        u = self.scale(self.ring.inverse(c, node), rest)
        coefficients = [self.ring.number(flint.fmpq(0))] + [
            self.ring.number(flint.fmpq((-1) ** (m + 1), m)) for m in range(1, self.order + 1)]
        total = self.series_sum(coefficients, u)
        total[self.zero_exponent] = value
        return total

    def reciprocal(self, a, node):
        # 1/(c + ã) = (1/c) Σ (−ã/c)^m
        c, rest = self.split(a)
        inverse = self.ring.inverse(c, node)
        u = self.scale(-inverse, rest)
        one = self.ring.number(flint.fmpq(1))
        return self.scale(inverse, self.series_sum([one] * (self.order + 1), u))

    def function(self, kind, a, node):
        if kind is sympy.exp:
            return self.exp(a, node)
        if kind is sympy.log:
            return self.log(a, node)
        if kind is sympy.tanh:  # tanh a = 1 − 2 / (exp(2a) + 1)
            one = {self.zero_exponent: self.ring.number(flint.fmpq(1))}
            e2 = self.exp(self.scale(self.ring.number(flint.fmpq(2)), a), node)
            fraction = self.reciprocal(self.plus(one, e2), node)
            return self.plus(one, self.scale(self.ring.number(flint.fmpq(-2)), fraction))
        if kind is sigmoid:  # sigmoid a = 1 / (1 + exp(−a))
            one = {self.zero_exponent: self.ring.number(flint.fmpq(1))}
            em = self.exp(self.scale(self.ring.number(flint.fmpq(-1)), a), node)
            return self.reciprocal(self.plus(one, em), node)
        raise EvaluationError(f"{jets._short(node)}: {kind.__name__} is not supported by Taylor models")

    def nonsmooth(self, node, args):
        raise EvaluationError(f"{jets._short(node)} is not smooth: a Taylor model needs a smooth loss")


def _monomials(n, order):
    return math.comb(n + order, n)


def _bounded_order(k, n, what):
    if not 1 <= k <= MAX_ORDER:
        raise EvaluationError(f"{what}: the order {k} must be between 1 and {MAX_ORDER}")
    budget.check("max_order", k + 1, what)
    budget.check("max_terms", _monomials(n, k + 1), f"{what} (its monomials of degree <= {k + 1})")


def taylor_polynomial(expr, variables, point, order):
    """The exact Taylor coefficients ``{α: ∂^αL(θ0)/α!}``, |α| <= ``order``, of ``expr`` at ``point``.

    Every coefficient must be rational, else :class:`~symlandscape.errors.EvaluationError`.

    >>> import sympy
    >>> x, y = sympy.symbols("x y", real=True)
    >>> sorted(taylor_polynomial(sympy.tanh(x) * sympy.exp(y), (x, y), [0, 0], 3).items())
    [((1, 0), 1), ((1, 1), 1), ((1, 2), 1/2), ((3, 0), -1/3)]
    """
    variables = tuple(variables)
    point = [jets._number(v) for v in point]
    if not all(isinstance(v, flint.fmpq) for v in point):
        raise EvaluationError("a Taylor model needs a rational point")
    _bounded_order(order, len(variables), "the Taylor polynomial")
    walk = _TaylorWalk(variables, point, order, _Rationals, budget.Deadline())
    return {e: c for e, c in walk(expr).items() if c != 0}


def taylor_part(coefficients, point, ctx):
    """Σ_{α ≠ 0} a_α h^α, h = θ − θ0: the Taylor polynomial without its constant term, as an
    ``fmpq_mpoly`` of ``ctx`` in θ.

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x",), "lex")
    >>> taylor_part({(0,): flint.fmpq(5), (2,): flint.fmpq(1)}, [flint.fmpq(1)], ctx)
    x^2 - 2*x + 1
    """
    h = [x - ctx.constant(c) for x, c in zip(ctx.gens(), point)]
    Q = ctx.constant(0)
    for e, c in coefficients.items():
        if sum(e):
            term = ctx.constant(c)
            for hi, ei in zip(h, e):
                term = term * hi ** ei
            Q = Q + term
    return Q


def remainder_bound(expr, variables, point, order, radius):
    """An exact rational upper bound of Σ_{|α|=order+1} sup_B |∂^αL/α!| · r^{order+1−2j} (module docstring).

    B = point + [−r, r]^n, r = ``radius``, j = ⌊(order+1)/2⌋; computed in ``arb`` at
    :data:`PRECISION` bits and rounded up to a dyadic rational.

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> b = remainder_bound(sympy.exp(x), (x,), [0], 1, flint.fmpq(1, 2))  # sup exp/2 = e^(1/2)/2 = 0.82436...
    >>> flint.fmpq(8243, 10000) < b < flint.fmpq(8245, 10000)
    True
    """
    variables = tuple(variables)
    n = len(variables)
    r = flint.fmpq(radius)
    if r <= 0:
        raise EvaluationError(f"the radius {r} must be positive")
    _bounded_order(order, n, "the Taylor remainder")
    with flint.ctx.workprec(PRECISION):
        box = []
        for v in point:
            v = flint.fmpq(jets._number(v))
            # the union of the two end balls contains the whole interval [v − r, v + r]
            box.append(flint.arb(v - r).union(flint.arb(v + r)))
        walk = _TaylorWalk(variables, box, order + 1, _Balls, budget.Deadline())
        series = walk(expr)
        total = flint.arb(0)
        for e, c in series.items():
            if sum(e) == order + 1:
                total += c.abs_upper()
        j = (order + 1) // 2
        total *= flint.arb(r) ** (order + 1 - 2 * j)
        upper = total.upper()
        if not upper.is_finite():
            raise EvaluationError("the enclosure of the Taylor remainder is not finite")
        return _dyadic(upper)


# ---------------------------------------------------------------------------------------
# the checker


def check(checker, data, sense, role):
    """Check a ``taylor_model`` bound for ``role`` (``sense`` lower: a minimum) with the checker's state.

    Re-derives the exact Taylor polynomial Q of order ``order`` at the point, a rational
    bound of the remainder on the box of half-width ``radius``, requires ``bound`` >= it, and
    checks the ball sum of squares ``±(Q − L0) − bound·|θ − θ0|^{2j} = σ0 + σ1 (r² − |θ − θ0|²)``
    exactly with :meth:`symlandscape.verify._Checker.check_sos`.
    """
    name = f"evidence.{role}"
    data = _mapping(data, name, "taylor_model")
    _fields(data, _FIELDS, f"{name}: a taylor_model")
    if checker.kinks.units:
        _fail(f"{name}: a Taylor model needs a smooth loss; this one has nonsmooth units (use per-piece bounds)")
    if jets.is_polynomial(checker.expr):
        _fail(f"{name}: the loss is a polynomial; its bound is a sum of squares (type 'sos'), not a Taylor model")
    k = _integer(data["order"], f"{name}.order")
    if not 1 <= k <= MAX_ORDER:
        _fail(f"{name}.order={k} must be between 1 and {MAX_ORDER}")
    r = _rational(data["radius"], f"{name}.radius")
    if r <= 0:
        _fail(f"{name}.radius={data['radius']} must be positive")
    M = _rational(data["bound"], f"{name}.bound")
    if M < 0:
        _fail(f"{name}.bound={data['bound']} must be nonnegative")
    certificate = _mapping(data["certificate"], f"{name}.certificate", "sos")
    region = _mapping(certificate.get("region"), f"{name}.certificate.region")
    if set(region) != {"ball"} or _rational(region["ball"], f"{name}.certificate.region.ball") != r * r:
        _fail(f"{name}.certificate.region must be the ball of the model, {{'ball': {r * r}}} (radius² )")

    variables, pt = checker.variables, checker.pt
    coefficients = taylor_polynomial(checker.expr, variables, pt, k)
    L0 = coefficients.get((0,) * checker.n, flint.fmpq(0))
    if L0 != checker.value:
        _fail(f"{name}: the Taylor polynomial's constant term {L0} is not the value at the point")
    needed = remainder_bound(checker.expr, variables, pt, k, r)
    if M < needed:
        _fail(f"{name}.bound={data['bound']} is below the enclosure {needed} of the order-{k + 1} remainder "
              f"on the box of half-width {r}")

    ctx = checker.context()
    Q = taylor_part(coefficients, pt, ctx)
    h = [x - ctx.constant(c) for x, c in zip(ctx.gens(), pt)]
    squared = sum((hi * hi for hi in h), ctx.constant(0))
    residual = (Q if sense == "lower" else -Q) - ctx.constant(M) * squared ** ((k + 1) // 2)
    checker.check_sos(certificate, sense, f"{name}.certificate", everywhere=True, ball=True, residual=residual)
