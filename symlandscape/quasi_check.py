"""Semi-quasihomogeneous extrema: a definite initial form and a bound on the higher terms, and the
checker of ``quasi_homogeneous`` bounds.

With h = θ − θ0 and f(h) = L(θ0 + h) − L(θ0) a polynomial, positive integer weights w_i and an
even weighted degree d with 2 w_i | d, put k_i = d/(2 w_i) and N(h) = Σ h_i^{2 k_i}, weighted
homogeneous of degree d.  A monomial h^α has weighted degree w·α.  If no monomial of f has
weighted degree below d, then f = f_0 + f_+ with f_0 the part of weighted degree d and f_+ the
rest.  Since h_i^{2 k_i} <= N, |h_i| <= N^{w_i/d}, so |h^α| <= N^{w·α/d}.  Given ε > 0 with
f_0 − ε N >= 0 everywhere (a sum of squares) and 0 < η <= 1 with

    S = Σ_{c h^α in f_+} |c| η^{w·α − d} < ε,

on the neighbourhood N(h) <= η^d of 0 every term of f_+ is at most |c| N · N^{(w·α − d)/d}
<= |c| N η^{w·α − d}, so |f_+| <= S N < ε N <= f_0 and f > 0 for h ≠ 0: a strict local
minimum (the criterion for semiquasihomogeneous functions of Arnold, Gusein-Zade and Varchenko,
*Singularities of Differentiable Maps*, vol. I, 1985, with explicit constants).
A maximum is the same with −f_0 − ε N a sum of squares.

>>> ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
>>> x, y = ctx.gens()
>>> initial, higher, lower = weighted_parts(x**2 + y**4 - y**5 + x*y**3, (2, 1), 4)
>>> initial, higher, lower
(x^2 + y^4, [((1, 3), 1), ((0, 5), -1)], [])
>>> tail_sum(higher, (2, 1), 4, flint.fmpq(1, 2))   # |−1|·(1/2)^(5−4) + |1|·(1/2)^(5−4)
1
"""

from __future__ import annotations

import math

import flint

from . import budget, jets
from .errors import SymlandscapeError
from .verify import _fail, _fields, _integer, _list, _mapping, _rational

__all__ = ["weighted_parts", "tail_sum", "check", "MAX_DEGREE", "MAX_WEIGHT"]

#: The largest weighted degree d of an initial form.
MAX_DEGREE = 64
#: The largest weight of a variable.
MAX_WEIGHT = 32

_FIELDS = {"type", "weights", "degree", "epsilon", "eta", "certificate"}


def weighted_parts(f, weights, d):
    """``(f_0, higher, lower)``: the part of ``f`` of weighted degree ``d`` (an ``fmpq_mpoly``),
    and the terms ``(exponents, coefficient)`` of weighted degree above and below ``d``."""
    ctx = f.context()
    initial, higher, lower = {}, [], []
    for e, c in f.terms():
        degree = sum(w * a for w, a in zip(weights, e))
        if degree == d:
            initial[e] = c
        elif degree > d:
            higher.append((e, c))
        else:
            lower.append((e, c))
    return ctx.from_dict(initial) if initial else ctx.constant(0), higher, lower


def tail_sum(higher, weights, d, eta):
    """``Σ |c| η^(w·α − d)`` over the terms ``(α, c)`` of weighted degree above ``d``, exactly."""
    total = flint.fmpq(0)
    size = max(int(eta.p).bit_length(), int(eta.q).bit_length())
    for e, c in higher:
        power = int(sum(w * a for w, a in zip(weights, e))) - d
        # a stated η of many digits raised to a high power: bounded before it is formed
        budget.check_bits(power * size, "a power of eta in the bound of the higher terms")
        total += abs(c) * eta ** power
    return total


def shifted(P, point):
    """``P(θ0 + h)`` as a polynomial in h (the same generators), after a bound on its size.

    Each monomial x^α expands into Π (α_i + 1) monomials: their sum bounds the result.
    """
    budget.check("max_terms", sum(math.prod(a + 1 for a in e) for e in P.monoms()),
                 "the loss expanded about the point (an estimate)")
    ctx = P.context()
    return P.compose(*(x + ctx.constant(c) for x, c in zip(ctx.gens(), point)))


def check(checker, data, sense, role):
    """Check a ``quasi_homogeneous`` bound for ``role`` (``sense`` lower: a minimum) with the checker's state.

    Re-derives f(h) = L(θ0 + h) − L(θ0) from the loss, splits it by weighted degree, requires
    no term below ``degree``, a nonzero initial form and ``tail_sum < epsilon`` exactly, and
    checks ``±f_0 − ε N = Σ c q²`` (in θ) with :meth:`symlandscape.verify._Checker.check_sos`.
    """
    name = f"evidence.{role}"
    data = _mapping(data, name, "quasi_homogeneous")
    _fields(data, _FIELDS, f"{name}: a quasi_homogeneous bound")
    if checker.kinks.units:
        _fail(f"{name}: a quasi-homogeneous bound needs a smooth polynomial loss; this one has nonsmooth units")
    if not checker.n:
        _fail(f"{name}: a quasi-homogeneous bound needs at least one variable")
    if not isinstance(checker.value, flint.fmpq):
        _fail(f"{name}: a quasi-homogeneous bound needs a rational value at the point")
    weights = _list(data["weights"], f"{name}.weights", checker.n)
    weights = [_integer(w, f"{name}.weights[{i}]") for i, w in enumerate(weights)]
    for i, w in enumerate(weights):
        if not 1 <= w <= MAX_WEIGHT:
            _fail(f"{name}.weights[{i}]={w} must be an integer between 1 and {MAX_WEIGHT}")
    d = _integer(data["degree"], f"{name}.degree")
    if not 2 <= d <= MAX_DEGREE:
        _fail(f"{name}.degree={d} must be between 2 and {MAX_DEGREE}")
    for i, w in enumerate(weights):
        # d = 2 k_i w_i: the pure power h_i^(2 k_i) of N has weighted degree d and is even
        if d % (2 * w):
            _fail(f"{name}.degree={d} is not divisible by 2·weights[{i}] = {2 * w}")
    epsilon = _rational(data["epsilon"], f"{name}.epsilon")
    if epsilon <= 0:
        _fail(f"{name}.epsilon={data['epsilon']} must be positive")
    eta = _rational(data["eta"], f"{name}.eta")
    if not 0 < eta <= 1:
        _fail(f"{name}.eta={data['eta']} must satisfy 0 < eta <= 1")
    certificate = _mapping(data["certificate"], f"{name}.certificate", "sos")

    ctx = checker.context()
    try:
        P = jets.polynomial(checker.expr, checker.variables, ctx)
    except SymlandscapeError as exc:
        _fail(f"{name}: a quasi-homogeneous bound needs a polynomial loss ({exc})")
    f = shifted(P, checker.pt) - ctx.constant(checker.value)
    initial, higher, lower = weighted_parts(f, weights, d)
    if lower:
        e, c = lower[0]
        _fail(f"{name}: the term {c}·h^{list(e)} of L(θ0 + h) − L(θ0) has weighted degree "
              f"{sum(w * a for w, a in zip(weights, e))} < degree={d}")
    if initial == 0:
        _fail(f"{name}: L(θ0 + h) − L(θ0) has no term of weighted degree {d} (the initial form is zero)")
    S = tail_sum(higher, weights, d, eta)
    if not S < epsilon:
        _fail(f"{name}: the higher terms' bound Σ|c|·eta^(w·α − d) = {S} is not below epsilon={epsilon}")

    # ±f_0 − ε N, written in θ: h_i = θ_i − θ0_i
    h = [x - ctx.constant(c) for x, c in zip(ctx.gens(), checker.pt)]
    norm = ctx.constant(0)
    for hi, w in zip(h, weights):
        norm = norm + hi ** (d // w)
    initial_theta = shifted(initial, [-c for c in checker.pt])
    residual = (initial_theta if sense == "lower" else -initial_theta) - ctx.constant(epsilon) * norm
    checker.check_sos(certificate, sense, f"{name}.certificate", everywhere=True, residual=residual)
