"""The checker of ``algebraic_classification`` certificates: a nondegenerate critical point at a real algebraic point.

Part of the trusted kernel (called by :func:`symlandscape.verify.verify`): it imports nothing from
the search, and re-derives every fact from the loss's defining expression with
:func:`symlandscape.jets.polynomial`, exact ``fmpq_poly`` arithmetic over Q, and ``arb`` ball
arithmetic (certified enclosures, never a float).  The format is in ``verify``'s module docstring.

The point is ``θ = q(α)/d(α)``, ``α`` the one real root of ``f`` in ``[a, b]``.  Every identity is
checked in Q[t] modulo ``f``: an identity that holds modulo ``f`` holds at every root of ``f``, in
particular at ``α``; so ``f`` need not be irreducible, and nothing about the other roots matters.
The Hessian's signs need ``α`` itself: it is enclosed by exact bisection (the sign of ``f`` at
rational points), and the pivots of a symmetric elimination are enclosed in ``arb``.
"""

from __future__ import annotations

import flint
import sympy

from . import budget, jets
from .errors import SymlandscapeError
# the checker's readers of JSON data and its messages (verify imports this module only when a
# certificate of this type arrives, so the import is not circular)
from .verify import _clip, _fail, _fields, _integer, _list, _mapping, _rational, _same_inertia, _show

__all__ = ["check", "KINDS", "MAX_PRECISION"]

#: The kinds an algebraic certificate can state: a nonsingular Hessian decides each of them.
KINDS = ("strict_local_min", "strict_local_max", "strict_saddle")
#: Highest precision (bits) of the enclosure of α and of the ball arithmetic; beyond it a pivot
#: that still meets 0 is reported as not verified (the Hessian may be singular).
MAX_PRECISION = 4096
_FIRST_PRECISION = 64

_FIELDS = {"type", "kind", "field", "point", "denominator", "value", "critical", "hessian_inertia", "evidence",
           "global_min", "global"}
_T = sympy.Symbol("t")


def check(certificate, expression, variables, domain):
    """Check an ``algebraic_classification`` certificate against the loss ``expression`` in ``variables``.

    Returns True or raises :class:`~symlandscape.errors.CertificateError` naming the first
    condition that failed.  Proves, when it returns: ``α`` (the one real root of the field
    polynomial in the interval) is well defined, the point ``q(α)/d(α)`` is a critical point of
    the loss, the loss there is ``v(α)``, and the Hessian there is nonsingular with the stated
    inertia, hence the stated kind (second-order conditions; Sylvester's law of inertia).

    >>> x = sympy.Symbol("x")
    >>> cert = {"type": "algebraic_classification", "kind": "strict_local_min",
    ...         "field": {"polynomial": "t^2 - 2", "interval": ["1", "2"]}, "point": ["t"],
    ...         "denominator": None, "value": "-1", "critical": True,
    ...         "hessian_inertia": {"positive": 1, "negative": 0, "zero": 0},
    ...         "evidence": {"inertia": {"type": "interval_congruence", "order": [0], "pairs": []}},
    ...         "global_min": None, "global": None}
    >>> check(cert, x**4 / 4 - x**2, (x,), ())
    True
    >>> cert["field"]["interval"] = ["-2", "2"]
    >>> check(cert, x**4 / 4 - x**2, (x,), ())
    Traceback (most recent call last):
    ...
    symlandscape.errors.CertificateError: field.interval: f(-2) and f(2) must have opposite signs (f(-2) = 2, f(2) = 2)
    """
    deadline = budget.Deadline()
    _Algebraic(certificate, expression, tuple(variables), tuple(domain), deadline).run()
    return True


class _Algebraic:
    def __init__(self, cert, expression, variables, domain, deadline):
        self.cert, self.expr, self.variables, self.domain, self.deadline = cert, expression, variables, domain, deadline
        self.n = len(variables)

    def run(self):
        cert = self.cert
        _fields(cert, _FIELDS, "an algebraic_classification certificate")
        if cert["kind"] not in KINDS:
            _fail(f"kind={_show(cert['kind'])}: an algebraic certificate states one of {list(KINDS)} (a "
                  "nondegenerate critical point)")
        if cert["critical"] is not True:
            _fail("critical must be true: an algebraic certificate is for a critical point")
        if cert["global_min"] is not None or cert["global"] is not None:
            _fail("global_min and global must be null: global status is not certified at an algebraic point")
        loss = self.loss()
        f, a, b = self.field(cert["field"])
        d = self.denominator(cert["denominator"], f, a, b)
        q = [self.polynomial(text, f"point[{i}]") for i, text in enumerate(_list(cert["point"], "point", self.n))]
        self.critical(loss, q, d, f)
        self.value(loss, q, d, f, cert["value"])
        counts = self.inertia(loss, q, d, f, a, b, cert["evidence"])
        self.compare(counts, cert["hessian_inertia"], cert["kind"])

    # -- reading -------------------------------------------------------------------------
    def loss(self):
        """The loss as an ``fmpq_mpoly``: it must be a polynomial, defined everywhere."""
        if self.domain:
            _fail("the loss is written with domain conditions (a division, a root or a logarithm): an algebraic "
                  "certificate needs a polynomial loss")
        ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(max(self.n, 1))), "lex")
        try:
            return jets.polynomial(self.expr, self.variables, ctx)
        except SymlandscapeError as exc:
            _fail(f"an algebraic certificate needs a polynomial loss ({_clip(exc)})")

    def polynomial(self, text, name):
        """A polynomial in ``t`` over Q (``fmpq_poly``), read with the safe grammar, degree within the budget."""
        from .expression import parse_expression

        if not isinstance(text, str):
            _fail(f"{name}={_show(text)} must be a polynomial in t written as a string")
        try:
            expr = parse_expression(text, [_T])
            ctx = flint.fmpq_mpoly_ctx.get(("t",), "lex")
            p = jets.polynomial(expr, (_T,), ctx)
        except SymlandscapeError as exc:
            _fail(f"{name}={_show(text)} is not a polynomial in t over Q ({_clip(exc)})")
        coefficients = [flint.fmpq(0)] * (p.total_degree() + 1 if not p.is_zero() else 1)
        for (k,), c in p.terms():
            coefficients[k] = c
        return flint.fmpq_poly(coefficients)

    def field(self, data):
        """``f`` and ``[a, b]``: f(a)·f(b) < 0 and f has one distinct real root in [a, b].

        The second fact is shown by an ``arb`` enclosure of f' on [a, b] that excludes 0 (f is
        then strictly monotone there), or else by Sturm's theorem.  The sign change makes the
        root of odd multiplicity, so bisection on the sign of f keeps it.
        """
        data = _mapping(data, "field")
        if set(data) != {"polynomial", "interval"}:
            _fail("field has exactly the fields polynomial and interval")
        f = self.polynomial(data["polynomial"], "field.polynomial")
        if f.degree() < 1:
            _fail("field.polynomial must have degree at least 1")
        ends = _list(data["interval"], "field.interval", 2)
        a, b = (_rational(v, f"field.interval[{i}]") for i, v in enumerate(ends))
        if not a < b:
            _fail(f"field.interval=[{a}, {b}] must have its lower end first")
        fa, fb = f(a), f(b)
        if fa * fb >= 0:
            _fail(f"field.interval: f({a}) and f({b}) must have opposite signs (f({a}) = {fa}, f({b}) = {fb})")
        if _nonzero_on(f.derivative(), a, b):
            return f, a, b
        count = _root_count(f, a, b, self.deadline)
        if count != 1:
            _fail(f"field.interval: f has {count} distinct real roots in [{a}, {b}] (Sturm's theorem); it must "
                  "isolate exactly one")
        return f, a, b

    def denominator(self, text, f, a, b):
        """``d`` (1 when null) with d(α) ≠ 0: an ``arb`` enclosure of d on [a, b] excludes 0, or
        [a, b] is bisected (on the sign of f, so that it keeps α) until, by Sturm's theorem, d has
        no root in the part that holds α (or α is found rational and d is nonzero there).  After
        :data:`MAX_PRECISION` halvings d may vanish at α: rejected."""
        if text is None:
            return flint.fmpq_poly([1])
        d = self.polynomial(text, "denominator")
        if d.is_zero():
            _fail("denominator is 0")
        if d.degree() <= 0 or _nonzero_on(d, a, b):
            return d
        budget.check("max_degree", d.degree(), "the denominator")
        sequence = _sturm_sequence(d, self.deadline)
        lo, hi, low_sign = a, b, (f(a) > 0) - (f(a) < 0)
        for _ in range(MAX_PRECISION):
            self.deadline.check("the separation of the denominator's roots from the point")
            if d(lo) != 0 and d(hi) != 0 and _variations(sequence, lo) == _variations(sequence, hi):
                return d
            mid = (lo + hi) / 2
            s = (f(mid) > 0) - (f(mid) < 0)
            if s == 0:
                if d(mid) == 0:
                    break
                return d
            lo, hi = (mid, hi) if s == low_sign else (lo, mid)
        _fail("denominator: d vanishes at the root (no subinterval of the field interval separates them)")

    # -- the facts -----------------------------------------------------------------------
    def critical(self, loss, q, d, f):
        """For every i, ``d^k ∂L/∂θ_i(q/d) ≡ 0 (mod f)``, k = deg ∂L/∂θ_i: as d(α) ≠ 0, ∇L(θ(α)) = 0."""
        for i in range(self.n):
            gradient = loss.derivative(i)
            if not _compose(gradient, q, d, _degree(gradient), f, self.deadline).is_zero():
                _fail(f"the point is not critical: d^k dL/d{self.variables[i]}(q/d) is not 0 modulo the field "
                      "polynomial")

    def value(self, loss, q, d, f, text):
        """``d^D L(q/d) ≡ d^D v (mod f)``, D = deg L: the loss at the point is v(α)."""
        v = self.polynomial(text, "value")
        D = _degree(loss)
        if _compose(loss, q, d, D, f, self.deadline) != (_power(d, D, f) * v) % f:
            _fail("value: the loss at the point is not the stated polynomial at the root")

    def inertia(self, loss, q, d, f, a, b, data):
        """The Hessian's inertia from a symmetric elimination whose pivots have certified signs.

        The entries are ``h_ij(t) = d^k ∂²L/∂θ_i∂θ_j(q/d) mod f`` with k even, so
        ``h(α) = d(α)^k H(θ(α))`` is a positive multiple of the Hessian.  ``α`` is enclosed in
        ``[lo, hi]`` by exact bisection on the sign of f, the entries in ``arb`` balls, and the
        elimination follows ``order``; ``pairs`` are the positions of 2x2 pivots, each needing a
        certified negative determinant (one positive and one negative eigenvalue).  The
        enclosures contain the exact elimination of ``h(α)``, so every pivot is nonzero with the
        certified sign, and Sylvester's law gives the inertia.  Enclosures are refined up to
        :data:`MAX_PRECISION` bits; a pivot still meeting 0 is not verified.
        """
        order, pairs = read_congruence(data, self.n)
        n = self.n
        k = _degree(loss) + _degree(loss) % 2
        h = {}
        for i in range(n):
            for j in range(i, n):
                self.deadline.check("the Hessian at the algebraic point")
                h[i, j] = h[j, i] = _compose(loss.derivative(i).derivative(j), q, d, k, f, self.deadline)
        lo, hi = a, b
        scale = max(abs(a), abs(b), flint.fmpq(1))
        precision, failed = _FIRST_PRECISION, 0
        while precision <= MAX_PRECISION:
            self.deadline.check("the enclosure of the Hessian's pivots")
            lo, hi = _bisect(f, lo, hi, scale / flint.fmpz(2) ** precision, self.deadline)
            with flint.ctx.workprec(precision + 32):
                t = flint.arb(lo).union(flint.arb(hi))
                matrix = [[_horner(h[order[r], order[c]], t) for c in range(n)] for r in range(n)]
                signs, failed = pivot_signs(matrix, pairs)
            if signs is not None:
                return {"positive": signs.count(1), "negative": signs.count(-1), "zero": 0}
            precision *= 2
        _fail(f"not verified: pivot {failed} of the Hessian's elimination cannot be separated from 0 with α "
              f"enclosed to {MAX_PRECISION} bits (the Hessian may be singular there, which an algebraic certificate "
              "does not cover; or another pivot order is needed)")

    def compare(self, counts, stated, kind):
        compare_inertia(counts, stated, kind)


def read_congruence(data, n):
    """``order`` and ``pairs`` of the evidence ``{"inertia": {"type": "interval_congruence", ...}}``."""
    data = _mapping(data, "evidence")
    if set(data) != {"inertia"}:
        _fail("evidence has exactly the field inertia")
    data = _mapping(data["inertia"], "evidence.inertia")
    if set(data) != {"type", "order", "pairs"} or data["type"] != "interval_congruence":
        _fail("evidence.inertia has exactly the fields type ('interval_congruence'), order and pairs")
    order = [_integer(v, f"inertia.order[{i}]") for i, v in enumerate(_list(data["order"], "inertia.order", n))]
    if sorted(order) != list(range(n)):
        _fail("inertia.order must be a permutation of the coordinates 0..n-1")
    pairs = [_integer(v, f"inertia.pairs[{i}]") for i, v in enumerate(_list(data["pairs"], "inertia.pairs"))]
    if pairs != sorted(set(pairs)) or any(not 0 <= t < n - 1 for t in pairs) or any(
            y - x < 2 for x, y in zip(pairs, pairs[1:])):
        _fail("inertia.pairs must be increasing, non-overlapping positions 0..n-2")
    return order, pairs


def compare_inertia(counts, stated, kind):
    """The certified ``counts`` must be the stated ``hessian_inertia``, and decide ``kind``."""
    _same_inertia(stated, counts, "the certified elimination")
    if kind == "strict_local_min" and counts["negative"]:
        _fail("strict_local_min needs a positive definite Hessian")
    if kind == "strict_local_max" and counts["positive"]:
        _fail("strict_local_max needs a negative definite Hessian")
    if kind == "strict_saddle" and not (counts["positive"] and counts["negative"]):
        _fail("strict_saddle needs a Hessian with eigenvalues of both signs")


# ---------------------------------------------------------------------------------------
# exact polynomial arithmetic over Q


def _degree(p):
    return 0 if p.is_zero() else p.total_degree()


def _power(p, k, f):
    result = flint.fmpq_poly([1])
    for _ in range(k):
        result = (result * p) % f
    return result


def _compose(p, q, d, k, f, deadline):
    """``d^k · p(q_1/d, ..., q_n/d)`` reduced modulo f, for p (``fmpq_mpoly``) of total degree <= k."""
    cache = {}

    def power(base, index, e):
        table = cache.setdefault(index, [flint.fmpq_poly([1])])
        while len(table) <= e:
            table.append((table[-1] * base) % f)
        return table[e]

    total = flint.fmpq_poly(0)
    for exponents, c in p.terms():
        deadline.check("the composition with the point's coordinates")
        term = flint.fmpq_poly([c]) * power(d, -1, k - sum(exponents))
        for i, e in enumerate(exponents):
            if e:
                term = (term * power(q[i], i, e)) % f
        total += term
    return total % f


def _sturm_sequence(p, deadline):
    sequence = [p, p.derivative()]
    while sequence[-1].degree() > 0:
        deadline.check("the Sturm sequence")
        r = -(sequence[-2] % sequence[-1])
        if r.is_zero():
            break
        sequence.append(r / abs(r.coeffs()[-1]))  # a positive scale keeps every sign; it keeps sizes down
    return sequence


def _variations(sequence, x):
    signs = [s for s in ((v > 0) - (v < 0) for v in (p(x) for p in sequence)) if s]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def _root_count(p, a, b, deadline):
    """The number of distinct real roots of p in (a, b], for p(a) ≠ 0 ≠ p(b) (Sturm's theorem)."""
    budget.check("max_degree", p.degree(), "a polynomial of the certificate")
    sequence = _sturm_sequence(p, deadline)
    return _variations(sequence, a) - _variations(sequence, b)


def _bisect(f, lo, hi, width, deadline):
    """A subinterval of [lo, hi] of width <= ``width`` where f still changes sign (or a rational root)."""
    low_sign = (f(lo) > 0) - (f(lo) < 0)
    while hi - lo > width:
        deadline.check("the bisection of the field interval")
        mid = (lo + hi) / 2
        s = (f(mid) > 0) - (f(mid) < 0)
        if s == 0:
            return mid, mid
        if s == low_sign:
            lo = mid
        else:
            hi = mid
    return lo, hi


# ---------------------------------------------------------------------------------------
# certified ball arithmetic


def _nonzero_on(p, a, b):
    """True when an ``arb`` enclosure of p on [a, b] excludes 0 (then p has no root there)."""
    bits = max(64, *(int(x.p).bit_length() + int(x.q).bit_length() for x in (a, b)))
    with flint.ctx.workprec(min(bits + 64, 4 * MAX_PRECISION)):
        value = _horner(p, flint.arb(a).union(flint.arb(b)))
    return value > 0 or value < 0


def _horner(p, t):
    result = flint.arb(0)
    for c in reversed(p.coeffs()):
        result = result * t + flint.arb(c)
    return result


def pivot_signs(matrix, pairs):
    """Signs of the pivots of the elimination in the given order, or (None, position) when one meets 0."""
    a = [list(row) for row in matrix]
    n, signs, t = len(a), [], 0
    while t < n:
        if t in pairs:
            x, y = t, t + 1
            det = a[x][x] * a[y][y] - a[x][y] * a[y][x]
            if not det < 0:
                return None, t
            signs += [1, -1]
            inverse = [[a[y][y] / det, -a[x][y] / det], [-a[y][x] / det, a[x][x] / det]]
            for i in range(t + 2, n):
                for j in range(t + 2, n):
                    u, v = (a[i][x], a[i][y]), (a[x][j], a[y][j])
                    a[i][j] -= sum(u[r] * inverse[r][s] * v[s] for r in range(2) for s in range(2))
            t += 2
            continue
        pivot = a[t][t]
        if not (pivot > 0 or pivot < 0):
            return None, t
        signs.append(1 if pivot > 0 else -1)
        for i in range(t + 1, n):
            for j in range(t + 1, n):
                a[i][j] -= a[i][t] * a[t][j] / pivot
        t += 1
    return signs, None
