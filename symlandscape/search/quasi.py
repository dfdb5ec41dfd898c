"""Strict local minima and maxima from a definite quasi-homogeneous initial form.

Pairs with :mod:`symlandscape.quasi_check` (the mathematics is stated there).  With
f(h) = L(θ0 + h) − L(θ0) and g = f (a minimum) or −f (a maximum):

*Weights.*  They are forced.  A certificate needs g_0 − ε N >= 0 with N = Σ h_i^{d/w_i}, so
along the axis of h_i the initial form g_0 contains c·h_i^{d/w_i} with c >= ε > 0, and no
monomial of g may have weighted degree below d: d/w_i is the *smallest* power a_i of h_i
alone in g, its coefficient is positive and a_i is even (otherwise g < 0 or g = 0 on
that axis near 0, and no such certificate exists).  The least choice is d = lcm(a_i),
w_i = d/a_i; any other is a multiple of it and splits g the same way.

*Constants.*  For ε = 2^j (the largest power of two at most the least coefficient of the
h_i^{a_i}), then ε/4 and ε/16: a sum of squares of g_0 − ε N in h (Clarabel in floats, exact
rounding and check, :func:`symlandscape.sos.attempt`), moved to θ by h = θ − θ0.  Then η = 1
if g has no higher terms, else the first of 1/2, 1/4, ... with Σ |c| η^{w·α − d} < ε (this
sum is at most η Σ|c|, so some η works).

>>> from symlandscape import Landscape, classify
>>> verdict = classify(Landscape.from_expression("x^2 + y^4 - y^5", "x,y"), (0, 0), global_search="off")
>>> bound = quasi_bound_of(verdict)
>>> bound["weights"], bound["degree"], bound["epsilon"], bound["eta"], bound["certificate"]["terms"]
([2, 1], 4, '1', '1/2', [])
"""

from __future__ import annotations

import math

import flint

from .. import quasi_check, sos as sos_engine
from ..errors import SymlandscapeError
from ..exact import format_rational

# Quasi-homogeneous bounds are attempted up to this many parameters, with Gram blocks of this
# many monomials (the initial form is a weighted homogeneous polynomial: small Newton polytopes).
_QUASI_SIZE = 40
_QUASI_BASIS = 60
# Sums of squares tried per bound: ε, ε/4, ε/16.
_EPSILON_STEPS = 3


def quasi_bound_of(verdict):
    """The ``quasi_homogeneous`` evidence of a verdict, or None (for examples)."""
    evidence = verdict.certificate["evidence"]
    for role in ("minimum", "maximum"):
        if evidence.get(role, {}).get("type") == "quasi_homogeneous":
            return evidence[role]
    return None


def axis_powers(g):
    """For each generator i: ``(a_i, c_i)``, the smallest power of h_i alone in ``g`` and its
    coefficient, or None where ``g`` has no such term."""
    n = len(g.context().gens())
    found = [None] * n
    for e, c in g.terms():
        support = [i for i, a in enumerate(e) if a]
        if len(support) == 1:
            i = support[0]
            if found[i] is None or e[i] < found[i][0]:
                found[i] = (int(e[i]), c)
    return found


def quasi_bound(search, sense):
    """A ``quasi_homogeneous`` certificate of a strict local minimum (``sense`` lower) or maximum, or None.

    For smooth polynomial losses with a rational value whose Hessian is singular.
    """
    L = search.L
    if L.is_piecewise or not L.rational_valued or not hasattr(L, "polynomial") or search.n > _QUASI_SIZE:
        return None
    counts = search.congruence.counts if search.congruence is not None else None
    if counts is None or not counts["zero"]:
        return None
    word = "lower" if sense == "lower" else "upper"
    names = [str(v) for v in L.variables]
    pt = [flint.fmpq(v) if not isinstance(v, flint.fmpq) else v for v in search.pt]
    try:
        P = L.polynomial
        ctx = P.context()
        f = quasi_check.shifted(P, pt) - ctx.constant(search.value)
    except SymlandscapeError as exc:
        search.notes.append(f"No quasi-homogeneous bound: {exc}.")
        return None
    g = f if sense == "lower" else -f
    powers = axis_powers(g)
    for i, found in enumerate(powers):
        if found is None or found[0] % 2 or found[1] <= 0:
            first = "no term" if found is None else f"the first term {found[1]}·h^{found[0]}"
            search.notes.append(f"No quasi-homogeneous {word} bound: along {names[i]} alone ±(L − L0) has "
                                f"{first}, not a positive even power.")
            return None
    d = math.lcm(*(a for a, _ in powers))
    if d > quasi_check.MAX_DEGREE:
        search.notes.append(f"No quasi-homogeneous {word} bound: the weighted degree {d} is above "
                            f"{quasi_check.MAX_DEGREE}.")
        return None
    weights = [d // a for a, _ in powers]
    initial, higher, lower = quasi_check.weighted_parts(g, weights, d)
    if lower:
        search.notes.append(f"No quasi-homogeneous {word} bound: with weights {weights} a term has weighted degree "
                            f"below {d}.")
        return None
    h = ctx.gens()
    norm = sum((x ** a for x, (a, _) in zip(h, powers)), ctx.constant(0))
    least = min(c for _, c in powers)
    epsilon = flint.fmpq(1)  # the largest power of two at most `least`
    while epsilon > least:
        epsilon /= 2
    while 2 * epsilon <= least:
        epsilon *= 2
    for _ in range(_EPSILON_STEPS):
        R = initial - ctx.constant(epsilon) * norm
        if R == 0:
            terms = []
        else:
            try:
                attempt = sos_engine.attempt(R, zeros=[[0] * search.n], max_basis=_QUASI_BASIS, time_limit=None,
                                             seed=search.seed)
            except SymlandscapeError as exc:
                search.notes.append(f"No quasi-homogeneous {word} bound: {exc}.")
                return None
            if attempt.found is None:
                reason = attempt.reason
                epsilon /= 4
                continue
            terms = attempt.found.terms
        eta = flint.fmpq(1)
        try:
            if higher:
                eta = flint.fmpq(1, 2)
                while not quasi_check.tail_sum(higher, weights, d, eta) < epsilon:
                    eta /= 2
        except SymlandscapeError as exc:  # η^(w·α − d) beyond the budget: no certificate the checker takes
            search.notes.append(f"No quasi-homogeneous {word} bound: {exc}.")
            return None
        back = [x - ctx.constant(c) for x, c in zip(h, pt)]  # h = θ − θ0
        certificate = {"type": "sos", "sense": sense, "region": "everywhere",
                       "terms": [{"coefficient": format_rational(c),
                                  "polynomial": sos_engine.polynomial_text(q.compose(*back), names)}
                                 for c, q, _ in terms]}
        search.notes.append(
            f"With weights {weights} the initial form of {'L − L0' if sense == 'lower' else 'L0 − L'} has weighted "
            f"degree {d} and exceeds {epsilon}·Σ h_i^(d/w_i) (a sum of squares; Clarabel in floats, exact rounding "
            f"and check; seed={search.seed}); the higher terms are smaller where Σ h_i^(d/w_i) <= {eta}^{d}: "
            f"a strict local {'minimum' if sense == 'lower' else 'maximum'}.")
        return {"type": "quasi_homogeneous", "weights": weights, "degree": d, "epsilon": format_rational(epsilon),
                "eta": format_rational(eta), "certificate": certificate}
    search.notes.append(f"No quasi-homogeneous {word} bound with weights {weights}: {reason}.")
    return None
