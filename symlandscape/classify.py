"""Certified classification of a point: the search for the certificate that ``verify`` re-checks.

:func:`classify` decides what a point of a landscape is and returns a
:class:`~symlandscape.verdict.Verdict` whose certificate has already passed the
independent checker :func:`symlandscape.verify`.  The search, in order:

1. The exact gradient, before any Hessian.  A nonzero component: ``not_critical``.  At a kink, where the
   adjacent pieces' gradients differ, *critical* means Clarke-critical: 0 lies in the
   convex hull of those gradients.  Otherwise the minimum-norm point p of the hull
   separates: every adjacent piece descends at first order along -p and ascends along p,
   so the point is ``not_critical`` (neither a minimum nor a maximum).
2. The exact Hessian, diagonalised by a canonical congruence (symmetric Gaussian
   elimination with 1x1 pivots and, where every remaining diagonal entry is zero, 2x2
   pivots; :func:`symlandscape.inertia.ldl_congruence`): positive definite, negative
   definite or indefinite decide at once.
3. Otherwise (a semidefinite singular Hessian, or a kink) a degenerate analysis:
   minimum and maximum certificates by exact sums of squares (the loss's own
   weighted-square structure, e.g. least squares in the residuals; a Gram-matrix
   decomposition; a small semidefinite program solved in floats, rounded and checked
   exactly, with the known zeros of the loss as facial constraints — for deep linear
   networks in the factors through the narrowest layer), one per adjacent piece at a
   kink, where the piece's region constraints may enter as multipliers, and, failing those,
   the loss's own form (a constant plus terms nonnegative by their form, equal to the
   value: :func:`symlandscape.verify.structural_lower_bound`); descent and ascent curves from
   lines in the kernel of the Hessian (path directions through the layers of a deep linear
   network, then small integer combinations of a kernel basis; Taylor order up to
   ``max_order``, or up to the degree of a polynomial loss whose expansion is in hand),
   parabolas θ0 + t d1 + t² d2 whose t⁴ coefficient, a quadratic in d2, is optimised
   exactly (this finds saddles such as (y - x²)(y - 2x²) where every line goes up), and
   curves solved order by order (:meth:`_Search.higher_order_curve`: (y - x² - x³)² - x⁸
   descends only along y = x² + x³, at order 8).  If nothing decides: ``undetermined``.
4. Global status: a point of exactly lower value (from a descent curve, far along a line
   where the leading form of a polynomial loss is negative, or from seeded numeric
   descents rationalised and polished exactly), a sum of squares valid everywhere, or a
   structural lower bound equal to the value.  The search for a lower point has a budget of exact evaluations
   (``global_search``, default :data:`GLOBAL_SEARCH_BUDGET`), counted rather than timed so
   that verdicts do not depend on the machine; when it runs out, the global status is
   unknown and the explanation says the search was cut short.

Exact numbers that are not rational (landscapes with exp, log, tanh, sigmoid) are written
in the safe grammar (``"3*exp(1) - 3*exp(-1)"``) and their signs decided by the checker's
own sign rule (:func:`symlandscape.verify.exact_sign`: exact zero tests, interval
enclosures); where that rule cannot decide, the verdict is ``undetermined`` and says why.

Floats only propose candidates; every claim is an exact check, and ``verify`` re-checks
the whole certificate before :func:`classify` returns.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction

import flint
import numpy
import sympy

from .activations import sigmoid
from .deep_linear import DeepLinearLandscape
from .errors import CertificateError, DomainError, EvaluationError, InvalidArgument, KinkError, SymlandscapeError
from .exact import format_rational, solve_linear
from .landscape import MAX_ORDER, Landscape
from .polynomial import NotPolynomial, to_mpoly
from .expression import parse_expression
from .inertia import ldl_congruence
from .convex import min_norm_point
from .verdict import Verdict, number_text
from .verify import MAX_SIGN_PRECISION, exact_sign, structural_lower_bound, verify

__all__ = ["classify", "DEFAULT_MAX_ORDER", "GLOBAL_SEARCH_BUDGET"]

#: Highest Taylor order searched along lines by default.
DEFAULT_MAX_ORDER = 12
# Kernel dimensions up to which every {-1, 0, 1} combination of the basis is tried.
_FULL_COMBINATIONS = 6
# Seeded random directions tried when the systematic ones run out.
_RANDOM_DIRECTIONS = 48
# Lines tried on landscapes with exp, log, tanh or sigmoid, whose Taylor expansions are
# SymPy series (orders of magnitude dearer than polynomial ones).
_TRANSCENDENTAL_LINES = 16
# A gradient component with a rational of more than this many digits under exp, log, tanh
# or sigmoid is not given to the sign rule (its enclosures of exp(10^1000) take minutes).
_SIGN_DIGITS = 1000
# Path directions (one unit entry per weight matrix) tried on deep linear networks.
_PATHS = 32
# Curves solved order by order: kernel lines to start from, trial terms a·t^j·e_i in all,
# and the size of the expansion they are tried on.
_CURVE_STARTS = 8
_CURVE_STEPS = 400
_CURVE_TERMS = 300
_CURVE_DEGREE = 24
# Parabolic curves: at most this many kernel directions d1 get the exact t^4 analysis.
_PARABOLAS = 40
# Candidate Gram bases larger than this are not pruned (the search gives up at once).
_BASIS_LIMIT = 300
# Gram-matrix sums of squares are attempted up to this many monomials.
_GRAM_SIZE = 40
# Sums of squares and numeric witness searches are attempted up to this many parameters.
_SEARCH_SIZE = 40
# Up to this size the inertia is cross-checked with inertia.py (exact charpoly).
_CROSS_CHECK_SIZE = 48
# The generic semidefinite sum-of-squares search runs up to this many parameters and
# this many basis monomials.
_SDP_SIZE = 8
_SDP_BASIS = 30
# Smooth polynomial landscapes up to this many parameters are expanded around the point
# for the line search.
_EXPAND_SIZE = 16
# Gradient-descent steps per start of the numeric witness search.
_DESCENT_STEPS = 300
# Doublings of the distance along a line where the loss's leading form is negative, on
# expansions of at most this many terms.
_DOUBLINGS = 200
_UNBOUNDED_TERMS = 2000
# Halvings of t when looking for a point of lower value along a descent curve.
_HALVINGS = 400
# Seeded float descents of the numeric witness search: perturbations of the point at these
# relative scales (three each), then wide random starts.
_PERTURBATIONS = (0.1, 0.5, 1.0, 2.0)
_WIDE_STARTS = 4
#: Exact landscape evaluations (a value, or a Taylor expansion along a line) that the search
#: for a point of lower value may spend by default (``global_search="auto"``).  Counting
#: evaluations rather than seconds keeps verdicts independent of the machine's speed.
GLOBAL_SEARCH_BUDGET = 100

_MIN_KINDS = ("strict_local_min", "local_min")


def classify(landscape, point, *, seed=0, max_order=DEFAULT_MAX_ORDER, global_search="auto"):
    """Classify ``point`` of ``landscape`` exactly, with a verified certificate.

    ``seed`` fixes every random choice of the search (reported in the explanation);
    ``max_order`` bounds the Taylor order searched along lines (a polynomial loss's lines
    are read up to its degree) and the degree in t of the curves solved order by order.  ``global_search`` bounds
    the search for the global status: ``"auto"`` allows :data:`GLOBAL_SEARCH_BUDGET`
    exact evaluations of the landscape for a point of lower value (after a fixed number of
    seeded float descents), an integer allows that many, and ``"off"`` only uses what the
    local analysis already holds (a sum of squares valid everywhere, a descent curve).  When
    the budget runs out first, ``global_min`` is None and the explanation says so.

    >>> from symlandscape import Landscape
    >>> lee = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    >>> v = classify(lee, [0, 0])
    >>> v.kind, v.value, v.hessian_inertia, v.global_min, v.verified
    ('strict_saddle', 1, {'positive': 1, 'negative': 1, 'zero': 0}, False, True)
    >>> classify(lee, [2, "1/2"]).kind, classify(lee, [2, "1/2"]).global_min
    ('local_min', True)
    """
    if not isinstance(landscape, Landscape):
        raise InvalidArgument(
            f"landscape={landscape!r} is not a Landscape; build one with Landscape.from_expression, "
            "mlp or deep_linear"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgument(f"seed={seed!r} must be a non-negative integer")
    if isinstance(max_order, bool) or not isinstance(max_order, int) or not 2 <= max_order <= MAX_ORDER // 2:
        raise InvalidArgument(f"max_order={max_order!r} must be an integer from 2 to {MAX_ORDER // 2}")
    if global_search == "auto":
        budget = GLOBAL_SEARCH_BUDGET
    elif global_search == "off":
        budget = None
    elif isinstance(global_search, int) and not isinstance(global_search, bool) and global_search >= 0:
        budget = global_search
    else:
        raise InvalidArgument(f"global_search={global_search!r} must be 'auto', 'off' or a non-negative "
                              "integer (a budget of exact evaluations)")
    pt = landscape.coerce_point(point)
    try:
        verdict = _Search(landscape, pt, seed, max_order, budget).run()
    except _Undecided as exc:
        # a number of the verdict that the safe grammar cannot write exactly: nothing to state
        raise EvaluationError(f"cannot state the verdict exactly: {_undecided(exc)}") from None
    try:
        verify(verdict.certificate, landscape)
    except CertificateError as exc:
        if not str(exc).startswith("not verified:"):  # pragma: no cover - a bug, never an answer
            raise RuntimeError(
                f"internal error: classify built a certificate that verify rejects ({exc}); please report it"
            ) from exc
        # the checker's own evaluation cannot establish a fact the search relied on (a Taylor
        # expansion it cannot form, a budget): claim nothing
        verdict = _unverifiable(verdict, str(exc)[len("not verified:"):].strip())
        try:
            verify(verdict.certificate, landscape)
        except CertificateError as again:
            raise EvaluationError(f"the checker cannot evaluate the loss at this point: {again}") from None
    return replace(verdict, verified=True)


def _unverifiable(verdict, reason):
    """An ``undetermined`` verdict that states nothing, for a search result the checker cannot check."""
    certificate = {"type": "classification", "kind": "undetermined", "point": list(verdict.certificate["point"]),
                   "value": verdict.certificate["value"], "critical": None, "hessian_inertia": None,
                   "global_min": None, "evidence": {}, "global": None}
    explanation = (f"Undetermined: the search proposed {verdict.kind}, but the independent checker cannot "
                   f"establish the facts it relies on ({reason}); nothing is claimed.")
    return replace(verdict, kind="undetermined", critical=None, hessian_inertia=None, global_min=None,
                   certificate=certificate, explanation=explanation)


# ---------------------------------------------------------------------------------------
# exact scalars: flint rationals, or SymPy numbers for non-rational landscapes


class _Undecided(Exception):
    """The sign rule could not decide the sign of an exact number."""


def _undecided(exc):
    return (f"the sign of {exc} is undecided (no exact zero test succeeds and its interval enclosure "
            f"contains 0 up to {MAX_SIGN_PRECISION} bits)")


# the functions of the safe grammar that exact numbers may contain (the checker reads them)
_GRAMMAR_FUNCTIONS = (sympy.exp, sympy.log, sympy.tanh, sigmoid)


def _simplify(x):
    """``sympy.simplify`` kept inside the safe grammar (it may write exp(2) + exp(-2) as 2 cosh(2))."""
    if isinstance(x, flint.fmpq):
        return x
    form = sympy.simplify(x)
    if any(not isinstance(f, _GRAMMAR_FUNCTIONS) for f in form.atoms(sympy.Function)):
        form = form.rewrite(sympy.exp)
        if any(not isinstance(f, _GRAMMAR_FUNCTIONS) for f in form.atoms(sympy.Function)):
            return x
    return form


def _exact(x):
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, (int, flint.fmpz)):
        return flint.fmpq(int(x))
    if isinstance(x, sympy.Rational):
        return flint.fmpq(int(x.p), int(x.q))
    return x


def _outsized(x):
    """True for a SymPy number with a rational of more than ``_SIGN_DIGITS`` digits under exp, log, tanh or sigmoid."""
    if isinstance(x, flint.fmpq) or not isinstance(x, sympy.Basic):
        return False
    for f in x.atoms(*_GRAMMAR_FUNCTIONS):
        for r in f.atoms(sympy.Rational):
            if max(abs(int(r.p)), int(r.q)).bit_length() > 3.33 * _SIGN_DIGITS:
                return True
    return False


def _sympy(x):
    return sympy.Rational(int(x.p), int(x.q)) if isinstance(x, flint.fmpq) else x


def _sign(x):
    """The sign of an exact number by the checker's own rule (:func:`~symlandscape.verify.exact_sign`).

    The search decides signs exactly as :func:`verify` will (exact zero tests, interval
    enclosures, never a float), so that it only states what the checker accepts; where the
    rule cannot decide, the search stops with ``_Undecided`` and says so.
    """
    if isinstance(x, flint.fmpq):
        return (x > 0) - (x < 0)
    try:
        return exact_sign(x)
    except SymlandscapeError:
        raise _Undecided(x) from None


def _sub(a, b):
    if isinstance(a, flint.fmpq) and isinstance(b, flint.fmpq):
        return a - b
    return _exact(_sympy(a) - _sympy(b))


def _text(x):
    """Exact number as certificate text: ``"-3/2"``, or the safe grammar (``"exp(1/2) - 1"``).

    A non-rational number is read back with the checker's grammar and compared exactly, so
    the certificate never states a number its text does not denote.
    """
    if isinstance(x, flint.fmpq):
        return str(x)  # flint prints "p/q" in lowest terms, or "p"
    if isinstance(x, (int, flint.fmpz)):
        return str(int(x))
    if isinstance(x, sympy.Rational):
        return format_rational(flint.fmpq(int(x.p), int(x.q)))
    text = number_text(x)
    try:
        same = not _sign(_sub(_exact(parse_expression(text)), x))
    except SymlandscapeError:  # e.g. a function outside the grammar
        same = False
    if not same:
        raise _Undecided(x)
    return text


def _primitive(vector):
    """A rational vector scaled to a primitive integer vector (same direction)."""
    vector = [flint.fmpq(v) for v in vector]
    lcm = 1
    for v in vector:
        lcm = lcm * int(v.q) // _gcd(lcm, int(v.q))
    ints = [int(v.p) * (lcm // int(v.q)) for v in vector]
    g = 0
    for x in ints:
        g = _gcd(g, x)
    return [flint.fmpq(x // g) if g > 1 else flint.fmpq(x) for x in ints]


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


def _poly_text(expr):
    """A SymPy polynomial expression in the safe grammar (``^`` for powers)."""
    return number_text(expr)


# ---------------------------------------------------------------------------------------
# the canonical congruence S H Sᵀ = diag(d)


class _Congruence:
    """Symmetric elimination in the canonical form that :func:`verify` checks.

    The pivot is the first remaining coordinate with a nonzero diagonal entry of the
    Schur complement; when every remaining diagonal entry is zero but an off-diagonal one
    is not, the first such pair (i, j) is eliminated as a 2x2 block and diagonalised by
    [[1, 1], [-1/2, 1/2]].  Coordinates left when the complement vanishes span the kernel.
    """

    def __init__(self, H):
        if isinstance(H, flint.fmpq_mat):
            self.order, self.pairs, self.rows, self.d = ldl_congruence(H)
        else:
            self.order, self.pairs, self.rows, self.d = _eliminate_symbolic(H)
        signs = [_sign(v) for v in self.d]
        self.counts = {"positive": signs.count(1), "negative": signs.count(-1), "zero": signs.count(0)}
        self.signs = signs

    def certificate(self):
        return {
            "type": "congruence",
            "order": list(self.order),
            "pairs": list(self.pairs),
            "rows": [[_text(e) for e in row] for row in self.rows],
            "diagonal": [_text(e) for e in self.d],
        }

    def rows_with_sign(self, sign):
        return [row for row, s in zip(self.rows, self.signs) if s == sign]


def _eliminate_symbolic(H):
    """The same elimination on a SymPy matrix with exact (possibly irrational) entries."""
    n = H.rows
    A = [[_exact(H[i, j]) for j in range(n)] for i in range(n)]
    S = [[sympy.S.One if i == j else sympy.S.Zero for j in range(n)] for i in range(n)]
    order, pairs, d = [], [], []
    remaining = list(range(n))

    def simp(x):
        return x if isinstance(x, flint.fmpq) else _simplify(_sympy(x))

    while remaining:
        k = next((i for i in remaining if _sign(A[i][i])), None)
        if k is not None:
            p = _sympy(A[k][k])
            col = [_sympy(A[m][k]) for m in range(n)]
            for a in range(n):
                for b in range(n):
                    A[a][b] = simp(_sympy(A[a][b]) - col[a] * col[b] / p)
            for m in range(n):
                if m != k and col[m] != 0:
                    S[m] = [simp(x - col[m] / p * y) for x, y in zip(S[m], S[k])]
            order.append(k)
            d.append(_exact(simp(p)))
            remaining.remove(k)
            continue
        pair = next(((i, j) for a, i in enumerate(remaining) for j in remaining[a + 1:] if _sign(A[i][j])), None)
        if pair is None:
            break
        i, j = pair
        b = _sympy(A[i][j])
        ci = [_sympy(A[m][i]) for m in range(n)]
        cj = [_sympy(A[m][j]) for m in range(n)]
        for a in range(n):
            for c in range(n):
                A[a][c] = simp(_sympy(A[a][c]) - (ci[a] * cj[c] + cj[a] * ci[c]) / b)
        si, sj = list(S[i]), list(S[j])
        for m in range(n):
            if m not in (i, j):
                S[m] = [simp(x - cj[m] / b * y - ci[m] / b * z) for x, y, z in zip(S[m], si, sj)]
        S[i] = [simp(x + y) for x, y in zip(si, sj)]
        S[j] = [simp((y - x) / 2) for x, y in zip(si, sj)]
        order += [i, j]
        pairs.append(len(order) - 2)
        d += [_exact(simp(2 * b)), _exact(simp(-b / 2))]
        remaining.remove(i)
        remaining.remove(j)
    order += remaining
    d += [flint.fmpq(0)] * len(remaining)
    rows = [[_exact(e) for e in S[k]] for k in order]
    return order, pairs, rows, d


# ---------------------------------------------------------------------------------------
# sums of squares


def _weighted_squares(expr, sign):
    """``expr = K + sign · Σ c_k b_k²`` with every ``c_k > 0``, read off the expression tree.

    Returns ``([(c_k, b_k)], K)`` or None.  A squared loss is written this way by
    construction (one square per residual), and so are Lee's ``(1 - w1 w2)^2``,
    ``x^2 y^2`` and ``x^2 + y^4``.
    """
    squares, constant = [], sympy.S.Zero
    for term in sympy.Add.make_args(expr):
        if term.is_Rational:
            constant += term
            continue
        coefficient, factors = term.as_coeff_mul()
        if not coefficient.is_Rational or sign * coefficient <= 0:
            return None
        base = sympy.S.One
        for factor in factors:
            b, e = factor.as_base_exp()
            if not (e.is_Integer and e > 0 and e % 2 == 0):
                return None
            base *= b ** (e // 2)
        squares.append((sign * coefficient, base))
    return squares, constant


def _structural_sos(expression, polynomial, variables, pt, value, sense):
    """Terms ``(c, q)`` with ``±(L - L0) = Σ c q²`` from the loss's own squares, or None.

    With ``L = K ± Σ c_k b_k²`` and ``b_k0 = b_k(θ0)``:
    ``±(L - L0) = Σ c_k (b_k - b_k0)² + 2 Σ c_k b_k0 (b_k - b_k0)``; the identity holds
    when the cross term vanishes as a polynomial, i.e. the residual at θ0 is orthogonal
    to every change the parameters allow (least squares in the residuals' features).
    """
    parsed = _weighted_squares(expression, 1 if sense == "lower" else -1)
    if parsed is None:
        return None
    squares, _ = parsed
    ctx = polynomial.context()
    index = {v: i for i, v in enumerate(variables)}
    cross = ctx.constant(0)
    terms = []
    for c, base in squares:
        try:
            b = to_mpoly(base, ctx, index)
        except NotPolynomial:
            return None
        b0 = b(*pt) if pt else flint.fmpq(b.to_dict().get((), 0))
        cq = flint.fmpq(int(c.p), int(c.q))
        q = b - ctx.constant(b0)
        cross += ctx.constant(cq * b0) * q
        if q != 0:
            terms.append((cq, q, base - sympy.Rational(int(b0.p), int(b0.q))))
    if cross != 0:
        return None
    target = polynomial - ctx.constant(value) if sense == "lower" else ctx.constant(value) - polynomial
    total = ctx.constant(0)
    for c, q, _ in terms:
        total += ctx.constant(c) * q * q
    if total != target:  # the constant did not match: not an identity
        return None
    return [{"coefficient": _text(c), "polynomial": _poly_text(text)} for c, _, text in terms]


def _gram_sos(R, variables, pt):
    """Terms with ``R = Σ d_i q_i²`` (R an ``fmpq_mpoly``) from an exact LDLᵀ of a Gram matrix, or None.

    In the shifted variables h = θ - θ0, R(h) = zᵀ G z over half-degree monomials z; each
    monomial's coefficient goes to the diagonal when it is a square of a basis monomial,
    else it is split equally over the pairs that produce it.  G positive semidefinite (all
    pivots of its congruence >= 0) gives the sum of squares.  A heuristic: it may fail on
    nonnegative polynomials whose Gram matrix needs other choices.
    """
    ctx = R.context()
    gens = ctx.gens()
    n = len(gens)
    terms = (R.compose(*[g + ctx.constant(p) for g, p in zip(gens, pt)]) if n else R).to_dict()
    if not terms:
        return []
    if min(sum(e) for e in terms) == 0:
        return None
    basis = _gram_basis(terms, n)
    if not basis or len(basis) > _GRAM_SIZE:
        return None
    position = {m: i for i, m in enumerate(basis)}
    size = len(basis)
    G = [[flint.fmpq(0)] * size for _ in range(size)]
    for exponent, coefficient in terms.items():
        coefficient = flint.fmpq(coefficient)
        half = tuple(e // 2 for e in exponent)
        if all(e % 2 == 0 for e in exponent) and half in position:
            G[position[half]][position[half]] += coefficient
            continue
        producers = [(a, tuple(e - x for e, x in zip(exponent, a))) for a in basis]
        producers = [(position[a], position[b]) for a, b in producers if b in position and a < b]
        if not producers:
            return None
        share = coefficient / (2 * len(producers))
        for i, j in producers:
            G[i][j] += share
            G[j][i] += share
    congruence = _Congruence(flint.fmpq_mat(G))
    if congruence.counts["negative"]:
        return None
    # G = S⁻¹ D S⁻ᵀ, so zᵀ G z = Σ d_i ((S⁻ᵀ z)_i)²; rows of S are in pivot order
    S = flint.fmpq_mat(size, size, [e for row in congruence.rows for e in row])
    Sinv = S.inv()
    symbols = [v - sympy.Rational(int(p.p), int(p.q)) for v, p in zip(variables, pt)]
    monomials = [sympy.Mul(*[s ** e for s, e in zip(symbols, m)]) for m in basis]
    result = []
    for i, d in enumerate(congruence.d):
        if d == 0:
            continue
        q = sympy.Add(*[_sympy(Sinv[j, i]) * monomials[j] for j in range(size) if Sinv[j, i] != 0])
        result.append({"coefficient": _text(d), "polynomial": _poly_text(q)})
    return result


# ---------------------------------------------------------------------------------------
# sums of squares by semidefinite programming: a float proposal, an exact certificate
#
# R = zᵀ G z with G ⪰ 0 over a monomial basis z is a linear feasibility problem in G plus
# the cone constraint.  The affine space of Gram matrices (coefficient matching) is solved
# exactly; known zeros θ* of R force G z(θ*) = 0 (facial reduction: zᵀGz = 0 with G ⪰ 0
# means Gz = 0), also solved exactly.  Only the remaining free parameters are found in
# floating point (a barrier method maximising the smallest eigenvalue on the complement of
# the known kernel), then rounded to rationals; the rounded G satisfies every linear
# constraint exactly by construction, and is accepted only if its exact congruence has
# no negative pivot.


def _gram_basis(terms, nvars, limit=_BASIS_LIMIT):
    """Monomials that can appear in a Gram decomposition (half the Newton box, pruned), or None if too many."""
    degrees = [sum(e) for e in terms]
    low, high = min(degrees), max(degrees)
    if low % 2 or high % 2:
        return None
    caps = [max(e[i] for e in terms) // 2 for i in range(nvars)]
    box = 1
    for c in caps:
        box *= c + 1
        if box > 50 * limit:
            return None
    basis = {m for m in itertools.product(*[range(c + 1) for c in caps]) if low // 2 <= sum(m) <= high // 2}
    if len(basis) > limit:
        return None
    support = set(terms)
    changed = True
    while changed:
        # G[m, m] contributes to m²; if m² is absent and no other pair of the basis makes it,
        # then G[m, m] = 0, so the whole row of m vanishes in any positive semidefinite G
        changed = False
        for m in sorted(basis):
            square = tuple(2 * x for x in m)
            if square in support:
                continue
            if any(a != m and tuple(s - x for s, x in zip(square, a)) in basis for a in basis):
                continue
            basis.discard(m)
            changed = True
    return sorted(basis, key=lambda m: (sum(m), m))


def _affine_solution(rows, rhs, unknowns):
    """Exact particular solution and nullspace basis of ``rows · g = rhs`` (rows sparse dicts), or None."""
    if not rows:
        return [flint.fmpq(0)] * unknowns, [[flint.fmpq(int(i == j)) for j in range(unknowns)] for i in range(unknowns)]
    A = flint.fmpq_mat(len(rows), unknowns)
    for r, row in enumerate(rows):
        for c, x in row.items():
            A[r, c] = x
    return solve_linear(A, list(rhs))  # None: inconsistent, no Gram matrix satisfies the constraints


def _max_min_eigenvalue(G0, E, Q, target, iterations=60):
    """Float y maximising λ_min(Qᵀ(G0 + Σ y_k E_k)Q) until it exceeds ``target`` (barrier Newton), or None."""
    M0 = Q.T @ G0 @ Q
    if not len(E):
        return None  # nothing to optimise: the caller tries the unique candidate itself
    Es = numpy.array([Q.T @ Ek @ Q for Ek in E])
    size = M0.shape[0]
    if size == 0:
        return numpy.zeros(len(E))
    identity = numpy.eye(size)

    def matrix(y, s):
        return M0 + numpy.tensordot(y, Es, axes=1) + s * identity if len(E) else M0 + s * identity

    y = numpy.zeros(len(E))
    s = max(0.0, -float(numpy.linalg.eigvalsh(M0)[0])) + 1.0
    tau = 1.0
    for _ in range(iterations):
        # Newton on f(y, s) = τ s - log det(M(y) + s I): minimising s maximises λ_min
        for _ in range(30):
            M = matrix(y, s)
            try:
                W = numpy.linalg.inv(M)
            except numpy.linalg.LinAlgError:
                return None
            directions = numpy.concatenate([Es, identity[None]], axis=0)
            WE = numpy.einsum("ij,kjl->kil", W, directions)
            gradient = -numpy.einsum("kii->k", WE)
            gradient[-1] += tau
            hessian = numpy.einsum("kij,lji->kl", WE, WE)
            try:
                step = -numpy.linalg.solve(hessian + 1e-12 * numpy.eye(len(gradient)), gradient)
            except numpy.linalg.LinAlgError:
                return None
            decrement = float(-gradient @ step)
            alpha = 1.0
            current = tau * s - numpy.linalg.slogdet(M)[1]
            while alpha > 1e-12:
                y2, s2 = y + alpha * step[:-1], s + alpha * step[-1]
                M2 = matrix(y2, s2)
                sign, logdet = numpy.linalg.slogdet(M2)
                if sign > 0 and numpy.linalg.eigvalsh(M2)[0] > 0 and tau * s2 - logdet <= current - 0.25 * alpha * decrement:
                    break
                alpha *= 0.5
            else:
                break
            y, s = y2, s2
            if decrement < 1e-10:
                break
        if -s > target:
            return y
        tau *= 4.0
        if tau > 1e14:
            break
    return None


def _sdp_sos(R, zeros, *, max_basis=48):
    """``[(d_i, q_i)]`` with ``R = Σ d_i q_i²`` exactly (``fmpq``, ``fmpq_mpoly``), or None.

    ``zeros`` are exact points where R vanishes; their monomial vectors span part of the
    kernel of every Gram matrix of R (facial reduction).
    """
    ctx = R.context()
    nvars = len(ctx.gens())
    terms = {e: flint.fmpq(c) for e, c in R.to_dict().items()}
    if not terms:
        return []
    basis = _gram_basis(terms, nvars)
    if not basis or len(basis) > max_basis:
        return None
    N = len(basis)
    slots = [(a, b) for a in range(N) for b in range(a, N)]
    slot_index = {ab: k for k, ab in enumerate(slots)}
    by_monomial = {}
    for k, (a, b) in enumerate(slots):
        mu = tuple(x + y for x, y in zip(basis[a], basis[b]))
        by_monomial.setdefault(mu, []).append((k, 1 if a == b else 2))
    if any(mu not in by_monomial for mu in terms):
        return None
    rows, rhs = [], []
    for mu, entries in by_monomial.items():
        rows.append({k: flint.fmpq(w) for k, w in entries})
        rhs.append(terms.get(mu, flint.fmpq(0)))
    kernel = []
    for point in zeros:
        v = [_monomial_value(m, point) for m in basis]
        if any(v):
            kernel.append(v)
            for a in range(N):  # (G v)_a = 0
                row = {}
                for b in range(N):
                    if v[b] != 0:
                        k = slot_index[(min(a, b), max(a, b))]
                        row[k] = row.get(k, flint.fmpq(0)) + v[b]
                rows.append(row)
                rhs.append(flint.fmpq(0))
    solved = _affine_solution(rows, rhs, len(slots))
    if solved is None:
        return None
    particular, null = solved

    def gram(values):
        G = [[flint.fmpq(0)] * N for _ in range(N)]
        for k, (a, b) in enumerate(slots):
            G[a][b] = G[b][a] = values[k]
        return G

    def floats(values):
        return numpy.array([[float(int(x.p)) / float(int(x.q)) for x in row] for row in gram(values)])

    G0 = floats(particular)
    E = [floats(v) for v in null]
    if kernel:
        V = numpy.array([[float(int(x.p)) / float(int(x.q)) for x in v] for v in kernel]).T
        U, sigma, _ = numpy.linalg.svd(V, full_matrices=True)
        rank = int(numpy.sum(sigma > 1e-9 * sigma[0]))
        Q = U[:, rank:]
    else:
        Q = numpy.eye(N)
    scale = 1.0 + float(numpy.max(numpy.abs(G0)))
    candidates = [numpy.zeros(len(null))]
    y = _max_min_eigenvalue(G0, E, Q, 1e-7 * scale)
    if y is not None:
        candidates.append(y)
    for y in candidates:
        for D in (1, 2, 4, 16, 256, 10**4, 10**6, 10**9):
            coefficients = [flint.fmpq(f.numerator, f.denominator)
                            for f in (Fraction(float(x)).limit_denominator(D) for x in y)]
            values = list(particular)
            for c, v in zip(coefficients, null):
                if c != 0:
                    values = [a + c * b for a, b in zip(values, v)]
            congruence = _Congruence(flint.fmpq_mat(gram(values)))
            if congruence.counts["negative"]:
                continue
            S = flint.fmpq_mat(N, N, [e for row in congruence.rows for e in row])
            Sinv = S.inv()
            monomials = [_monomial(ctx, m) for m in basis]
            result = []
            for i, d in enumerate(congruence.d):
                if d != 0:
                    q = sum((ctx.constant(Sinv[j, i]) * monomials[j] for j in range(N) if Sinv[j, i] != 0),
                            ctx.constant(0))
                    result.append((d, q))
            return result
    return None


def _mpoly_expr(q, symbols):
    """An ``fmpq_mpoly`` as a SymPy expression in ``symbols`` (its generators, in order)."""
    return sympy.Add(*[sympy.Rational(int(c.p), int(c.q)) * sympy.Mul(*[s ** e for s, e in zip(symbols, exponents)])
                       for exponents, c in ((e, flint.fmpq(c)) for e, c in q.to_dict().items())])


def _monomial_value(exponents, point):
    value = flint.fmpq(1)
    for x, e in zip(point, exponents):
        if e:
            value *= x ** e
    return value


def _monomial(ctx, exponents):
    result = ctx.constant(1)
    for g, e in zip(ctx.gens(), exponents):
        if e:
            result *= g ** e
    return result


# ---------------------------------------------------------------------------------------
# the search


class _OutOfBudget(Exception):
    """The global search spent its budget of exact evaluations."""


class _Search:
    def __init__(self, landscape, pt, seed, max_order, budget=GLOBAL_SEARCH_BUDGET):
        self.L = landscape
        self.pt = pt
        self.n = len(pt)
        self.seed = seed
        self.max_order = max_order
        self.budget = budget  # exact evaluations left for the global search; None: no search
        self.budget_given = budget
        self.evidence = {}
        self.notes = []
        self.congruence = None
        self.inertia = None
        self.critical = False

    # -- the flow ---------------------------------------------------------------------------
    def run(self):
        try:
            return self.analyse()
        except (_Undecided, SymlandscapeError) as exc:
            if not hasattr(self, "value"):  # the loss cannot even be evaluated at the point
                raise exc if isinstance(exc, SymlandscapeError) else EvaluationError(
                    f"cannot evaluate the loss exactly at the point: {_undecided(exc)}") from None
            # a sign the rule cannot decide, or a quantity the landscape cannot evaluate, in a
            # step without its own fallback: keep only the facts already decided (criticality)
            # and say what stopped the search
            reason = _undecided(exc) if isinstance(exc, _Undecided) else f"{type(exc).__name__}: {exc}"
            self.notes.append(f"The search stopped: {reason}.")
            self.evidence = {k: v for k, v in self.evidence.items() if k in ("critical", "clarke")}
            self.congruence = None
            return self.verdict("undetermined")

    def analyse(self):
        L, pt = self.L, self.pt
        self.value = _exact(L._value(pt))
        try:
            self.gradient = [_exact(g) for g in L._gradient(pt)]
        except KinkError:
            self.gradient = None
        self.hessian = None
        if self.gradient is not None:
            # the gradient decides first: a nonzero component is `not_critical` at once, and the
            # Hessian (a cubic exact elimination with growing entries) is never formed; a sign the
            # rule cannot decide leaves criticality open, which no Hessian can settle either
            signs = self.gradient_signs()
            nonzero = next((i for i, s in enumerate(signs) if s), None)
            if nonzero is not None:
                return self.not_critical_smooth(nonzero)
            undecided = next((g for g, s in zip(self.gradient, signs) if s is None), None)
            if undecided is not None:
                self.notes.append("Criticality is undecided: " + (
                    "the sign of a gradient component was not attempted." if _outsized(undecided)
                    else f"{_undecided(undecided)}."))
                return self.verdict("undetermined")
            try:
                self.hessian = L._hessian(pt)
            except KinkError:
                self.notes.append("The gradient exists but the adjacent pieces' Hessians differ: "
                                  "the Hessian does not exist.")
        if self.hessian is not None:
            try:
                self.congruence = _Congruence(self.hessian)
                self.evidence["inertia"] = self.congruence.certificate()
                self._cross_check_inertia()
            except _Undecided as exc:
                self.notes.append(f"The inertia of the Hessian is undecided: {_undecided(exc)}.")
        try:
            if self.gradient is not None:  # every component is decidedly zero (above)
                self.evidence["critical"] = {"type": "critical"}
                self.critical = True
            else:
                decided = self.clarke()
                if decided is not None:
                    return decided
        except _Undecided as exc:
            self.evidence.pop("inertia", None)
            self.congruence = None
            self.notes.append(f"Criticality is undecided: {_undecided(exc)}.")
            return self.verdict("undetermined")
        if self.congruence is not None:
            counts = self.congruence.counts
            if not counts["zero"] and not counts["negative"]:
                return self.finish("strict_local_min")
            if not counts["zero"] and not counts["positive"]:
                return self.finish("strict_local_max")
            if counts["positive"] and counts["negative"]:
                self.evidence["indefinite"] = self.indefinite()
                return self.finish("strict_saddle")
        elif self.hessian is not None:
            return self.verdict("undetermined")
        try:
            return self.degenerate()
        except _Undecided as exc:
            self.notes.append(f"The degenerate analysis stopped: {_undecided(exc)}.")
            for role in ("descent", "ascent", "minimum", "maximum"):
                self.evidence.pop(role, None)
            return self.verdict("undetermined")

    def gradient_signs(self):
        """The sign of each gradient component by the checker's rule, None where it is undecided.

        Each sign is decided once: an undecided one may have cost seconds of interval
        arithmetic.  After the first nonzero component the rest are not needed.
        """
        signs = []
        for g in self.gradient:
            if _outsized(g):
                # the sign rule's interval enclosures of exp(10^1000) cost minutes before they
                # give up: an exact number this large is left undecided at once
                self.notes.append(f"A gradient component holds a number of more than {_SIGN_DIGITS} digits "
                                  "inside exp, log, tanh or sigmoid; its sign is not attempted.")
                signs.append(None)
                continue
            try:
                signs.append(_sign(g))
            except _Undecided:
                signs.append(None)
            if signs[-1]:
                break
        return signs + [None] * (len(self.gradient) - len(signs))

    def _cross_check_inertia(self):
        # Two independent exact methods must agree: the congruence, and inertia.py's
        # characteristic polynomial with Descartes' rule.  Above inertia.py's charpoly size
        # it would use a float eigendecomposition first, which costs more than the whole
        # classification of a large point; the congruence alone is then the evidence.
        self.inertia = None
        if isinstance(self.hessian, flint.fmpq_mat) and self.n <= _CROSS_CHECK_SIZE:
            from .inertia import inertia

            self.inertia = inertia(self.hessian)
            if self.inertia.as_dict() != self.congruence.counts:  # pragma: no cover
                raise RuntimeError(f"internal error: inertia {self.inertia.as_dict()} disagrees with the "
                                   f"congruence {self.congruence.counts}")

    # -- not critical ------------------------------------------------------------------------
    def not_critical_smooth(self, i):
        self.evidence = {"gradient": {"type": "gradient", "gradient": [_text(g) for g in self.gradient]}}
        name = self.L.variables[i]
        self.notes.insert(0, f"The gradient is not zero: ∂L/∂{name} = {_text(self.gradient[i])}.")
        direction = [flint.fmpq(0)] * self.n
        direction[i] = flint.fmpq(-_sign(self.gradient[i]))
        self.witness_curve = [direction]
        return self.finish("not_critical")

    def clarke(self):
        """At a kink without a gradient: decide 0 ∈ conv{∇L_P} exactly (min-norm point)."""
        pieces = self.L.pieces(self.pt)
        self.pieces = pieces
        gradients = [[_exact(g) for g in p.landscape._gradient(self.pt)] for p in pieces]
        try:
            weights, p = min_norm_point(gradients)
        except SymlandscapeError as exc:
            self.notes.append(f"Criticality at the kink is undecided: {exc}.")
            return self.verdict("undetermined")
        names = "; ".join(", ".join(p.pattern) for p in pieces)
        entries = [{"pattern": list(piece.branches), "weight": _text(w)} for piece, w in zip(pieces, weights)]
        kinks = ", ".join(u.description for u in self.L.kinks(self.pt))
        if all(_sign(c) == 0 for c in p):
            self.evidence["clarke"] = {"type": "clarke", "weights": entries}
            self.critical = True
            self.notes.append(f"The point is on a kink of {kinks}; the gradient and Hessian do not exist. "
                              f"It is critical in Clarke's sense: a convex combination of the gradients of "
                              f"the {len(pieces)} adjacent pieces ({names}) vanishes.")
            return None
        self.evidence = {"separation": {"type": "separation", "weights": entries}}
        self.notes.insert(0, f"The point is on a kink of {kinks} and is not critical: 0 is not in the convex "
                             f"hull of the adjacent pieces' gradients (Clarke's subdifferential). With p the "
                             f"nearest point of that hull to 0, every adjacent piece descends at first order "
                             f"along -p and ascends along p, so it is neither a minimum nor a maximum.")
        if all(isinstance(c, flint.fmpq) for c in p):
            self.witness_curve = [[-c for c in p]]
        return self.finish("not_critical")

    # -- strict kinds ------------------------------------------------------------------------
    def indefinite(self):
        if self.inertia is not None:
            u = [flint.fmpq(int(x)) for x in self.inertia.negative_witness]
            v = [flint.fmpq(int(x)) for x in self.inertia.positive_witness]
        else:
            u = self.simple_witness(-1) or self.congruence.rows_with_sign(-1)[0]
            v = self.simple_witness(1) or self.congruence.rows_with_sign(1)[0]
        u, v = self.orthogonal_to_kernel(u), self.orthogonal_to_kernel(v)
        uHu, vHv = self.quadratic_form(u), self.quadratic_form(v)
        self.witness_curve = [u]
        self.notes.append(f"The Hessian is indefinite: uᵀHu = {_text(uHu)} < 0 < vᵀHv = {_text(vHv)} with "
                          f"u = ({', '.join(map(_text, u))}), v = ({', '.join(map(_text, v))}).")
        return {"type": "indefinite", "u": [_text(x) for x in u], "Hu": [_text(x) for x in self.times_hessian(u)],
                "uHu": _text(uHu), "v": [_text(x) for x in v], "Hv": [_text(x) for x in self.times_hessian(v)],
                "vHv": _text(vHv)}

    def times_hessian(self, u):
        H = self.hessian
        if isinstance(H, flint.fmpq_mat) and all(isinstance(x, flint.fmpq) for x in u):
            product = H * flint.fmpq_mat(self.n, 1, u)
            return [product[i, 0] for i in range(self.n)]
        Hs = H if not isinstance(H, flint.fmpq_mat) else sympy.Matrix(self.n, self.n, [_sympy(e) for e in H.entries()])
        return [_exact(_simplify(e)) for e in Hs * sympy.Matrix([_sympy(x) for x in u])]

    def orthogonal_to_kernel(self, u):
        """``u`` minus its projection on the kernel of H (same uᵀHu), as a primitive integer vector.

        The certificate's normal form: witnesses are orthogonal to the kernel, so that no
        entry of them can change without changing uᵀHu or the orthogonality.
        """
        kernel = self.congruence.rows_with_sign(0)
        if not kernel:
            return u
        if not all(isinstance(e, flint.fmpq) for row in (*kernel, u) for e in row):
            K = sympy.Matrix([[_sympy(e) for e in row] for row in kernel])
            x = sympy.Matrix([_sympy(e) for e in u])
            projected = (x - K.T * (K * K.T).inv() * (K * x)).applyfunc(_simplify)
            return [_exact(e) for e in projected]
        K = flint.fmpq_mat(len(kernel), self.n, [_exact(e) for row in kernel for e in row])
        x = flint.fmpq_mat(self.n, 1, [_exact(e) for e in u])
        coefficients = (K * K.transpose()).solve(K * x)
        projected = x - K.transpose() * coefficients
        return _primitive([projected[i, 0] for i in range(self.n)])

    def simple_witness(self, sign):
        """``e_i`` with ``sign·H_ii > 0``, or ``e_i ± e_j`` where ``H_ii = H_jj = 0 ≠ H_ij``."""
        if not isinstance(self.hessian, flint.fmpq_mat):
            return None
        table = self.hessian.table()
        n = self.n
        unit = [flint.fmpq(0)] * n
        for i in range(n):
            if _sign(table[i][i]) == sign:
                u = list(unit)
                u[i] = flint.fmpq(1)
                return u
        zeros = [i for i in range(n) if table[i][i] == 0]
        for a, i in enumerate(zeros):
            for j in zeros[a + 1:]:
                if table[i][j] != 0:
                    # (e_i + s e_j)ᵀ H (e_i + s e_j) = 2 s H_ij
                    u = list(unit)
                    u[i] = flint.fmpq(1)
                    u[j] = flint.fmpq(sign * _sign(table[i][j]))
                    return u
        return None

    def quadratic_form(self, u):
        H = self.hessian
        if isinstance(H, flint.fmpq_mat) and all(isinstance(x, flint.fmpq) for x in u):
            x = flint.fmpq_mat(self.n, 1, u)
            return (x.transpose() * H * x)[0, 0]
        x = sympy.Matrix([_sympy(e) for e in u])
        Hs = H if not isinstance(H, flint.fmpq_mat) else sympy.Matrix(
            self.n, self.n, [_sympy(e) for e in H.entries()])
        return _exact(_simplify((x.T * Hs * x)[0, 0]))

    # -- degenerate --------------------------------------------------------------------------
    def degenerate(self):
        counts = self.congruence.counts if self.congruence is not None else None
        can_min = counts is None or not counts["negative"]
        can_max = counts is None or not counts["positive"]
        if can_min:
            bound = self.bound("lower")
            if bound is not None:
                self.evidence["minimum"] = bound
                return self.finish("local_min")
        if can_max:
            bound = self.bound("upper")
            if bound is not None:
                self.evidence["maximum"] = bound
                return self.finish("local_max")
        curves = self.curves({-1, 1})
        for sign, role in ((-1, "descent"), (1, "ascent")):
            if sign in curves:
                self.evidence[role] = curves[sign]
        if -1 in curves and 1 in curves:
            self.witness_curve = curves[-1]["curve"]
            return self.finish("degenerate_saddle")
        # an undetermined verdict keeps at most one curve and says what was tried; a descent
        # curve still shows that the point is not a global minimum
        if -1 in curves:
            self.witness_curve = curves[-1]["curve"]
            return self.verdict("undetermined", *self.global_certificate("undetermined"))
        # no descent curve: the kind stays open, but a point of lower value far away still
        # settles the global status (x² + y⁴ - y⁵ at 0: (0, 2) has value -16)
        return self.verdict("undetermined", *self.global_certificate("undetermined_local"))

    def bound(self, sense):
        """A local lower (upper) bound certificate: sums of squares, or the loss's own form; or None."""
        found = self.sos_bound(sense)
        if found is None and sense == "lower":
            found = self.structural_bound()
        return found

    def structural_bound(self):
        """The loss is K plus terms nonnegative by their form, with value K here: a minimum everywhere.

        Tried after the sums of squares (whose certificates say more, e.g. per piece): it
        decides a hinge or ReLU network at an exact fit, on a kink or not, at any size.
        """
        K = structural_lower_bound(self.L.expression, self.L.variables)
        if K is not None and _sign(_sub(self.value, K)) == 0:
            return {"type": "structural_lower_bound", "bound": _text(K)}
        return None

    def sos_bound(self, sense):
        """A local lower (upper) bound certificate by sums of squares, or None."""
        L = self.L
        if not L.rational_valued or self.n > _SEARCH_SIZE:
            self.notes.append("No sum-of-squares search: it needs a rational-valued polynomial loss"
                              + (f" of at most {_SEARCH_SIZE} parameters." if L.rational_valued else "."))
            return None
        if not L.is_piecewise:
            if not hasattr(L, "polynomial"):
                self.notes.append("No sum-of-squares search: the loss is not a polynomial.")
                return None
            terms = self.sos(L.expression, L.polynomial, sense)
            if terms is None and sense == "lower" and isinstance(L, DeepLinearLandscape):
                terms = self.deep_linear_sos()
            if terms is None:
                self.notes.append(f"No {'lower' if sense == 'lower' else 'upper'} sum of squares was found "
                                  "(the loss's own squares, a Gram matrix, a semidefinite program).")
                return None
            return {"type": "sos", "region": "everywhere", "sense": sense, "terms": terms}
        blocks = []
        for piece in L.pieces(self.pt):
            if not hasattr(piece.landscape, "polynomial"):
                return None
            terms = self.sos(piece.landscape.expression, piece.landscape.polynomial, sense)
            if terms is None:
                terms = self.sos_on_region(piece, sense)
            if terms is None:
                self.notes.append(f"No {'lower' if sense == 'lower' else 'upper'} sum of squares was found "
                                  f"on the piece {', '.join(piece.pattern)}.")
                return None
            blocks.append({"type": "sos", "region": {"pattern": list(piece.branches)}, "sense": sense,
                           "terms": terms})
        return {"type": "pieces", "pieces": blocks}

    def sos(self, expression, polynomial, sense):
        terms = _structural_sos(expression, polynomial, self.L.variables, self.pt, self.value, sense)
        if terms is None:
            terms = _gram_sos(self.excess(polynomial, sense), self.L.variables, self.pt)
        if terms is None and self.n <= _SDP_SIZE:
            found = _sdp_sos(self.excess(polynomial, sense), [self.pt], max_basis=_SDP_BASIS)
            if found is not None:
                self.notes.append("The sum of squares comes from a semidefinite program (float search, "
                                  "exact rounding, exact check).")
                symbols = self.L.variables
                terms = [{"coefficient": _text(d), "polynomial": _poly_text(_mpoly_expr(q, symbols))}
                         for d, q in found]
        return terms

    def deep_linear_sos(self):
        """``L - L0`` as a sum of squares in the factors through the narrowest hidden layer.

        With k the narrowest hidden layer (width p), ``L = F(A, B) = s ||A B X - Y||²`` for
        ``A = W_{H+1}⋯W_{k+1}`` and ``B = W_k⋯W_1``; every point of the orbit
        ``(A C⁻¹, C B)``, C invertible, has the same value, which the semidefinite program
        uses as known zeros.  A sum of squares in (A, B) is one in the weights.
        """
        L = self.L
        widths = L.widths
        hidden = list(widths[1:-1])
        k = 1 + hidden.index(min(hidden))
        p, d_x, d_y = widths[k], widths[0], widths[-1]
        if p * (d_x + d_y) > 16:
            return None
        symbols, offset = [], 0
        for rows, cols in L.shapes:
            names = L.variables[offset:offset + rows * cols]
            symbols.append(sympy.Matrix(rows, cols, list(names)))
            offset += rows * cols
        values = [sympy.Matrix(M) for M in L.matrices(self.pt)]

        def chain(mats, size):
            product = sympy.eye(size)
            for M in mats:
                product = M * product
            return product

        A_sym, B_sym = chain(symbols[k:], p), chain(symbols[:k], d_x)
        A0, B0 = chain(values[k:], p), chain(values[:k], d_x)
        names = [f"a{i}_{r}" for i in range(d_y) for r in range(p)] + [f"b{r}_{j}" for r in range(p) for j in range(d_x)]
        ctx = flint.fmpq_mpoly_ctx.get(tuple(names), "lex")
        gens = ctx.gens()
        A = [[gens[i * p + r] for r in range(p)] for i in range(d_y)]
        B = [[gens[d_y * p + r * d_x + j] for j in range(d_x)] for r in range(p)]
        X = [[flint.fmpq(int(e.p), int(e.q)) for e in row] for row in L.X.tolist()]
        Y = [[flint.fmpq(int(e.p), int(e.q)) for e in row] for row in L.Y.tolist()]
        m = len(X[0])
        BX = [[sum((B[r][j] * X[j][c] for j in range(d_x) if X[j][c] != 0), ctx.constant(0)) for c in range(m)]
              for r in range(p)]
        s = flint.fmpq(1, 2) if L.scale == "half" else flint.fmpq(1)
        F = ctx.constant(0)
        for i in range(d_y):
            for c in range(m):
                entry = sum((A[i][r] * BX[r][c] for r in range(p)), ctx.constant(0)) - ctx.constant(Y[i][c])
                F += entry * entry
        R = ctx.constant(s) * F - ctx.constant(self.value)

        def flat(Am, Bm):
            return tuple(flint.fmpq(int(e.p), int(e.q)) for e in list(Am) + list(Bm))

        zeros = [flat(A0, B0)]
        rng = numpy.random.default_rng(self.seed)
        while len(zeros) < 2 * p * p + 6:
            C = sympy.Matrix(p, p, [int(x) for x in rng.integers(-2, 3, size=p * p)])
            if C.det() != 0:
                zeros.append(flat(A0 * C.inv(), C * B0))
        if any(R(*z) != 0 for z in zeros):  # pragma: no cover - the orbit keeps the value
            return None
        found = _sdp_sos(R, zeros)
        if found is None:
            return None
        substitution = {sympy.Symbol(name): value for name, value in zip(names, list(A_sym) + list(B_sym))}
        self.notes.append(f"The sum of squares is found in the factors A = W_{{H+1}}⋯W_{k + 1}, B = W_{k}⋯W_1 "
                          f"through the narrowest hidden layer (width {p}) by a semidefinite program whose "
                          f"known zeros are the orbit (A C⁻¹, C B) (seed={self.seed}), rounded and checked exactly.")
        return [{"coefficient": _text(d),
                 "polynomial": _poly_text(_mpoly_expr(q, [sympy.Symbol(n) for n in names]).xreplace(substitution))}
                for d, q in found]

    def excess(self, polynomial, sense):
        """``L - L0`` (``sense`` lower) or ``L0 - L`` as a polynomial."""
        ctx = polynomial.context()
        return polynomial - ctx.constant(self.value) if sense == "lower" else ctx.constant(self.value) - polynomial

    def sos_on_region(self, piece, sense):
        """``±(L_P - L0) = Σ λ_k g_k + Σ d_i q_i²`` with the piece's constraints g_k >= 0, λ_k >= 0.

        The multipliers are the KKT multipliers of the active constraints at θ0 (so that the
        remainder has no linear part there), or, for up to three active constraints, small
        constants; the remainder must then be a Gram sum of squares.
        """
        polynomial = piece.landscape.polynomial
        ctx = polynomial.context()
        index = {v: i for i, v in enumerate(self.L.variables)}
        constraints = []
        for k, g in enumerate(piece.constraints):
            try:
                constraints.append((k, to_mpoly(g, ctx, index)))
            except NotPolynomial:
                continue
        active = [(k, g) for k, g in constraints if g(*self.pt) == 0]
        if not active:
            return None
        R = self.excess(polynomial, sense)
        gradient = [R.derivative(i)(*self.pt) for i in range(self.n)]
        normals = [[g.derivative(i)(*self.pt) for i in range(self.n)] for _, g in active]
        choices = []
        kkt = _nonnegative_combination(normals, gradient)
        if kkt is not None:
            choices.append(kkt)
        if len(active) <= 3 and not any(gradient):
            grid = (flint.fmpq(0), flint.fmpq(1, 2), flint.fmpq(1), flint.fmpq(2))
            choices += [list(c) for c in itertools.product(grid, repeat=len(active)) if any(c)]
        for weights in choices:
            remainder = R
            for w, (_, g) in zip(weights, active):
                remainder = remainder - ctx.constant(w) * g
            terms = _gram_sos(remainder, self.L.variables, self.pt)
            if terms is not None:
                return terms + [{"coefficient": _text(w), "polynomial": "1", "constraint": k}
                                for w, (k, _) in zip(weights, active) if w != 0]
        return None

    # -- curves -------------------------------------------------------------------------------
    def curves(self, wanted):
        """Descent (-1) and ascent (+1) curve certificates found, by sign."""
        found = {}
        tried = 0
        if self.congruence is not None:
            for sign in wanted:
                rows = self.congruence.rows_with_sign(sign)
                if rows and all(isinstance(x, flint.fmpq) for x in rows[0]):
                    found[sign] = self.curve_certificate([_primitive(rows[0])])
        one_sided = self.L.is_piecewise
        parts = self.homogeneous_parts()
        # with the expansion in hand, a line's coefficients are exact up to the loss's degree:
        # y² - x¹⁴ needs order 14 (capped so that the certificate's 2k coefficients stay in bounds)
        line_order = max(self.max_order, min(max(parts, default=0), MAX_ORDER // 2)) if parts else self.max_order
        unresolved = None
        limit = _TRANSCENDENTAL_LINES if self.transcendental() else None
        for d in self.directions():
            if wanted <= set(found) or tried == limit:
                break
            tried += 1
            if parts is not None:
                # L(θ0 + t d) - L0 = Σ_j T_j(d) t^j with T_j the degree-j part of L(θ0 + h) - L0
                coefficients = [flint.fmpq(0)] + [parts[j](*d) if j in parts else flint.fmpq(0)
                                                  for j in range(1, line_order + 1)]
            else:
                try:
                    coefficients = self.series([d], self.max_order)
                except SymlandscapeError as exc:  # e.g. a kink the landscape cannot resolve along d
                    unresolved = exc
                    continue
            k = next((j for j in range(1, len(coefficients)) if _sign(coefficients[j])), None)
            if k is None:
                continue
            s = _sign(coefficients[k])
            if s in wanted and s not in found:
                found[s] = self.curve_certificate([d], leading=k)
            if not one_sided and k % 2 and -s in wanted and -s not in found:
                found[-s] = self.curve_certificate([[-x for x in d]], leading=k)
        self.notes.append(f"Lines tried: {tried} direction{'' if tried == 1 else 's'} up to Taylor order {line_order}"
                          + (" (one-sided, t -> 0+)" if one_sided else "")
                          + (f", at most {limit} on a landscape with exp, log, tanh or sigmoid" if limit else "") + "."
                          + (f" The landscape could not expand along some of them ({unresolved})." if unresolved else ""))
        if not wanted <= set(found) and self.congruence is not None and isinstance(self.hessian, flint.fmpq_mat):
            for sign in wanted - set(found):
                curve = self.parabola(sign)
                if curve is not None:
                    found[sign] = curve
        if not wanted <= set(found) and parts is not None:
            for sign in wanted - set(found):
                curve = self.higher_order_curve(sign)
                if curve is not None:
                    found[sign] = curve
        return found

    def higher_order_curve(self, sign):
        """A curve θ0 + t d1 + … + t^r d_r whose first nonzero Taylor coefficient has ``sign``, solved order by order.

        For a polynomial loss, R(h) = L(θ0 + h) - L0 is in hand.  Start from a kernel line
        whose first coefficient c_m t^m has the other sign; add one term a·t^j·e_i and read the
        coefficients of R(γ(t) + a t^j e_i) up to t^m as polynomials in a: if one value of a
        keeps the lower ones zero and makes c_m(a) have ``sign``, that is the curve; if c_m(a)
        has a rational root (the curve can follow the zero set of the leading form, as
        y = x² + x³ does in (y - x² - x³)² - x⁸), take it and go on at the next order.  This
        is Newton–Puiseux's solving for the curve's coefficients order by order, restricted
        to rational coefficients and one new term per order.  Curves have degree at most
        ``max_order`` in t and orders at most ``MAX_ORDER // 2``; every candidate is checked
        exactly, and the certificate by ``verify``.
        """
        parts = self.homogeneous_parts()
        ctx = next(iter(parts.values())).context() if parts else None
        if ctx is None:
            return None
        R = sum(parts.values(), ctx.constant(0))
        if len(R) > _CURVE_TERMS or max(parts) > _CURVE_DEGREE:
            # each trial composes R with a curve of degree up to max_order: keep it small
            self.notes.append(f"No curves solved order by order: the expansion has {len(R)} terms of degree up to "
                              f"{max(parts)} (at most {_CURVE_TERMS} terms of degree {_CURVE_DEGREE} are tried).")
            return None
        n = self.n
        pair = flint.fmpq_mpoly_ctx.get(("t", "a"), "lex")
        t, a = pair.gens()
        top = MAX_ORDER // 2
        steps = 0

        def expansion(curve, extra=None):
            """R along the curve (+ a t^j e_i): {order: polynomial in a}, orders up to ``top``."""
            images = []
            for i in range(n):
                image = pair.constant(0)
                for k, d in enumerate(curve, start=1):
                    if d[i] != 0:
                        image += pair.constant(d[i]) * t ** k
                if extra is not None and extra[1] == i:
                    image += a * t ** extra[0]
                images.append(image)
            composed = R.compose(*images, ctx=pair) if n else R
            orders = {}
            for (et, ea), c in composed.to_dict().items():
                if et <= top:
                    orders.setdefault(et, {})[ea] = flint.fmpq(c)
            return orders

        # depth-first over partial curves; each step adds one term that cancels the leading
        # coefficient (a rational root of c_m(a)) and so raises the order
        stack = [[list(d)] for d in itertools.islice(self.directions(), _CURVE_STARTS)][::-1]
        seen = set()
        while stack:
            curve = stack.pop()
            key = tuple(tuple(d) for d in curve)
            if key in seen:
                continue
            seen.add(key)
            orders = expansion(curve)
            m = min(orders, default=None)
            if m is None:
                continue  # the curve lies in the zero set of R (or is constant): nothing to read
            if _sign(orders[m][0]) == sign:
                return self.finish_curve(curve, sign, m)
            extensions = []
            for j in range(1, min(m, self.max_order) + 1):  # a term beyond t^m cannot change c_m
                for i in range(n):
                    steps += 1
                    if steps > _CURVE_STEPS:
                        return self.curve_note(sign, steps)
                    table = expansion(curve, (j, i))
                    lower = [table.get(k, {}) for k in range(1, m)]
                    at_m = _univariate(table.get(m, {}))
                    roots = None  # no condition below m ...
                    if any(lower):  # ... unless the new term reaches below it: then a must cancel it
                        roots = _common_rational_roots([_univariate(q) for q in lower])
                        if roots is None:
                            continue
                    for value in _sign_candidates(at_m, roots):
                        if value != 0 and _sign(at_m(value)) == sign:
                            return self.finish_curve(_add_term(curve, j, i, value, n), sign, m)
                    for value in _rational_roots(at_m):
                        if value != 0 and (roots is None or value in roots):
                            candidate = _add_term(curve, j, i, value, n)
                            if any(any(d) for d in candidate) and len(candidate) <= self.max_order:
                                extensions.append(candidate)
            stack.extend(reversed(extensions))
        return self.curve_note(sign, steps)

    def finish_curve(self, curve, sign, order):
        while curve and not any(curve[-1]):
            curve = curve[:-1]
        self.notes.append(f"A {'descent' if sign < 0 else 'ascent'} curve of degree {len(curve)} in t and order "
                          f"{order} was solved order by order (Newton–Puiseux, rational coefficients).")
        return self.curve_certificate(curve, leading=order)

    def curve_note(self, sign, steps):
        self.notes.append(f"Curves solved order by order (Newton–Puiseux, rational coefficients, degree at most "
                          f"{self.max_order} in t): no {'descent' if sign < 0 else 'ascent'} in {steps} trial terms.")
        return None

    def transcendental(self):
        """True for a landscape with exp, log, tanh or sigmoid (its line search is limited)."""
        if not hasattr(self, "_transcendental"):
            self._transcendental = not isinstance(self.L, DeepLinearLandscape) and bool(
                self.L.expression.has(*_GRAMMAR_FUNCTIONS))
        return self._transcendental

    def homogeneous_parts(self):
        """Degree -> homogeneous part of L(θ0 + h) - L0, for small smooth polynomial landscapes, else None.

        Evaluating T_j(d) is much cheaper than a Taylor expansion along each candidate line.
        """
        if hasattr(self, "_parts"):
            return self._parts
        L = self.L
        self._parts = None
        # the size test first: hasattr forms the expansion, a million terms for 192 deep linear weights
        if L.is_piecewise or self.n > _EXPAND_SIZE or not hasattr(L, "polynomial"):
            return None
        P = L.polynomial
        ctx = P.context()
        gens = ctx.gens()
        shifted = P.compose(*[g + ctx.constant(p) for g, p in zip(gens, self.pt)]) if self.n else P
        parts = {}
        for exponents, c in shifted.to_dict().items():
            degree = sum(exponents)
            if degree:
                parts.setdefault(degree, {})[exponents] = c
        self._parts = {j: ctx.from_dict(terms) for j, terms in parts.items()}
        return self._parts

    def series(self, curve, order):
        """Coefficients c_0.. of L(θ0 + Σ_k t^k curve[k-1]) up to ``order``, or fewer: up to the first nonzero one.

        For landscapes expanded by SymPy series (exp, log, tanh, sigmoid) the cost grows fast
        with the order, so orders 4 and 8 are tried first; the first nonzero coefficient and
        its sign are the same either way.
        """
        curve = [self.pt, *map(tuple, curve)]
        symbolic = not self.L.is_piecewise and not self.L.rational_valued
        for step in ((4, 8) if symbolic else ()) + (order,):
            coefficients = [_exact(c) for c in self.L._along(curve, min(step, order))]
            if step >= order or any(_sign(c) for c in coefficients[1:]):
                return coefficients
        return coefficients  # pragma: no cover - the loop always returns at step == order

    def curve_certificate(self, curve, order=None, *, leading=None):
        """The ``curve`` certificate: coefficients up to twice the leading order (each one is checked).

        ``leading``, when the caller already knows it, is the first nonzero Taylor order.
        """
        curve = [list(map(flint.fmpq, d)) for d in curve]
        order = max(self.max_order, order or 0)
        if leading is not None:
            order = min(2 * leading, MAX_ORDER)
        coefficients = self.series(curve, order)
        k = next(j for j in range(1, len(coefficients)) if _sign(coefficients[j]))
        top = min(2 * k, MAX_ORDER)
        if len(coefficients) <= top:
            coefficients = [_exact(c) for c in self.L._along([self.pt, *map(tuple, curve)], top)]
        return {"type": "curve", "curve": [[_text(x) for x in d] for d in curve], "order": k,
                "coefficients": [_text(c) for c in coefficients[:top + 1]]}

    def kernel(self):
        """Primitive integer vectors spanning the kernel of H (its rational part, when H is not rational)."""
        if self.congruence is None:
            return []
        rows = self.congruence.rows_with_sign(0)
        rational = [r for r in rows if all(isinstance(x, flint.fmpq) for x in r)]
        if len(rational) < len(rows):
            self.notes.append(f"{len(rows) - len(rational)} of the {len(rows)} kernel vectors of the Hessian are "
                              "irrational: lines are searched in the rational part of the kernel only.")
        return [_primitive(r) for r in rational]

    def directions(self):
        """Candidate line directions: kernel combinations (smooth) or axes and more (kinks)."""
        rng = numpy.random.default_rng(self.seed)
        seen = set()

        def fresh(d):
            d = tuple(flint.fmpq(x) for x in d)
            key = tuple(int(x.p) for x in _primitive(d)) if any(d) else None
            if key is None or key in seen:
                return None
            seen.add(key)
            return list(d)

        if self.congruence is not None:
            basis = self.kernel()
            m = len(basis)
            if m == 0:
                return
            for d in self.path_directions():
                d = fresh(d)
                if d is not None:
                    yield d
            ranges = [(-1, 0, 1)] * m if m <= _FULL_COMBINATIONS else None
            combos = sorted(itertools.product(*ranges), key=lambda a: (sum(map(bool, a)), a)) if ranges else []
            if m <= 3:
                combos += sorted((a for a in itertools.product(range(-2, 3), repeat=m) if 2 in map(abs, a)),
                                 key=lambda a: (sum(map(bool, a)), a))
            if not ranges:
                combos += [tuple(int(i == j) for i in range(m)) for j in range(m)]
                combos += [tuple(int(i == j) + s * int(i == k) for i in range(m))
                           for j in range(m) for k in range(j + 1, m) for s in (1, -1)]
            combos += [tuple(int(x) for x in rng.integers(-3, 4, size=m)) for _ in range(_RANDOM_DIRECTIONS)]
            for a in combos:
                if not any(a):
                    continue
                d = [sum((c * b[i] for c, b in zip(a, basis) if c), flint.fmpq(0)) for i in range(self.n)]
                d = fresh(d)
                if d is not None:
                    yield d
            return
        # at a kink: axes, pairs of axes, the pieces' gradients, random integer vectors
        n = self.n
        candidates = []
        for i in range(n):
            for s in (1, -1):
                candidates.append([s * int(j == i) for j in range(n)])
        for i in range(n):
            for j in range(i + 1, n):
                for s, t in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    candidates.append([s * int(k == i) + t * int(k == j) for k in range(n)])
        for piece in getattr(self, "pieces", None) or self.L.pieces(self.pt):
            g = [_exact(x) for x in piece.landscape._gradient(self.pt)]
            if all(isinstance(x, flint.fmpq) for x in g) and any(g):
                candidates += [[-x for x in g], list(g)]
        candidates += [[int(x) for x in rng.integers(-2, 3, size=n)] for _ in range(_RANDOM_DIRECTIONS)]
        for d in candidates:
            d = fresh(d)
            if d is not None:
                yield d
                neg = fresh([-x for x in d])
                if neg is not None:
                    yield neg

    def path_directions(self):
        """Kernel directions of a deep linear network with one unit entry per weight matrix.

        The loss depends on the weights through W_{H+1}⋯W_1, which is multilinear in the
        blocks: a line that leaves one block at θ0 moves the product only through the
        others, and at zero weights every term of order below H + 1 vanishes.  A path
        a_0 → a_1 → … → a_{H+1} through the layers (entry (a_k, a_{k-1}) of W_k set to 1,
        and the same with the last entry -1) moves the product along e_{a_{H+1}} e_{a_0}ᵀ,
        which no line supported on fewer blocks reaches.  Only paths in the kernel of the
        Hessian are kept, at most ``_PATHS``.
        """
        L = self.L
        if not isinstance(L, DeepLinearLandscape) or not isinstance(self.hessian, flint.fmpq_mat):
            return
        widths = L.widths
        offsets, offset = [], 0
        for rows, cols in L.shapes:
            offsets.append(offset)
            offset += rows * cols
        kept = tried = 0
        for middle in itertools.product(*[range(w) for w in widths[1:-1]]):
            for first in range(widths[0]):
                for last in range(widths[-1]):
                    if kept >= _PATHS or tried >= 8 * _PATHS:
                        return
                    tried += 1
                    path = (first, *middle, last)
                    d = [flint.fmpq(0)] * self.n
                    for k, (rows, cols) in enumerate(L.shapes):
                        d[offsets[k] + path[k + 1] * cols + path[k]] = flint.fmpq(1)
                    product = self.hessian * flint.fmpq_mat(self.n, 1, d)
                    if any(product.entries()):
                        continue
                    kept += 1
                    yield d
                    d = list(d)
                    d[offsets[-1] + path[-1] * L.shapes[-1][1] + path[-2]] = flint.fmpq(-1)
                    yield d

    def parabola(self, sign):
        """θ0 + t d1 + t² d2 with the t⁴ coefficient, a quadratic in d2, optimised exactly.

        For d1 in the kernel of H with vanishing t³ term, the t⁴ coefficient of
        L(θ0 + t d1 + t² d2) is q(d2) = ½ d2ᵀ H d2 + bᵀ d2 + T4 (b = ½ D³L[d1, d1, ·]).
        If b has a component along the kernel, q is unbounded in the wanted direction;
        otherwise its extreme value T4 + ½ bᵀx at H x = -b decides.
        """
        H = self.hessian
        n = self.n
        S = flint.fmpq_mat(n, n, [e for row in self.congruence.rows for e in row])
        d = self.congruence.d
        parts = self.homogeneous_parts()
        cubic_gradient = None
        if parts is not None:
            # with L(θ0 + h) - L0 = Σ T_j(h): the t⁴ coefficient is T2(d2) + ∇T3(d1)·d2 + T4(d1)
            cubic = parts.get(3)
            cubic_gradient = [cubic.derivative(i) for i in range(n)] if cubic is not None else None
        tried = 0
        for d1 in self.directions():
            if tried >= _PARABOLAS:
                break
            if parts is not None:
                line = [flint.fmpq(0)] + [parts[j](*d1) if j in parts else flint.fmpq(0) for j in (1, 2, 3, 4)]
            else:
                line = [_exact(c) for c in self.L._along([self.pt, tuple(d1)], 4)]
            if any(_sign(c) for c in line[1:4]):
                continue
            tried += 1
            T4 = line[4]
            if parts is not None:
                b = [g(*d1) for g in cubic_gradient] if cubic_gradient is not None else [flint.fmpq(0)] * n
            else:
                b = []
                for i in range(n):
                    e = tuple(flint.fmpq(int(j == i)) for j in range(n))
                    c4 = _exact(self.L._along([self.pt, tuple(d1), e], 4)[4])
                    b.append(c4 - T4 - H[i, i] / 2)
            Sb = S * flint.fmpq_mat(n, 1, b)
            unbounded = next((t for t in range(n) if d[t] == 0 and Sb[t, 0] != 0), None)
            if unbounded is not None:
                k = [S[unbounded, j] for j in range(n)]
                bk = Sb[unbounded, 0]
                scale = (abs(T4) + 1) / abs(bk)
                # q(s k) = T4 + s bᵀk: pick s so that it has the wanted sign
                s = scale * (1 if (bk > 0) == (sign > 0) else -1)
                d2 = [s * x for x in k]
            else:
                y = [(-Sb[t, 0] / d[t]) if d[t] != 0 else flint.fmpq(0) for t in range(n)]
                x = S.transpose() * flint.fmpq_mat(n, 1, y)
                d2 = [x[i, 0] for i in range(n)]
                extreme = T4 + sum((bi * xi for bi, xi in zip(b, d2)), flint.fmpq(0)) / 2
                if _sign(extreme) != sign:
                    continue
            coefficients = [_exact(c) for c in self.L._along([self.pt, tuple(d1), tuple(d2)], 4)]
            if not any(_sign(c) for c in coefficients[1:4]) and _sign(coefficients[4]) == sign:
                self.notes.append(f"Parabolic curves θ0 + t d1 + t² d2 tried for {tried} kernel directions d1; "
                                  f"one gives a {'descent' if sign < 0 else 'ascent'} at order 4.")
                return self.curve_certificate([d1, d2], leading=4)
        self.notes.append(f"Parabolic curves θ0 + t d1 + t² d2 (t⁴ coefficient optimised exactly over d2) "
                          f"tried for {tried} kernel directions d1: no {'descent' if sign < 0 else 'ascent'}.")
        return None

    # -- global status --------------------------------------------------------------------------
    def global_certificate(self, kind):
        """``(global_min, certificate)``: a global lower bound, a point of lower value, or ``(None, None)``."""
        if kind in _MIN_KINDS:
            minimum = self.evidence.get("minimum")
            if minimum is not None and minimum.get("type") == "sos":
                return True, {"type": "global_lower_bound", "certificate": minimum}
            if minimum is not None and minimum.get("type") == "structural_lower_bound":
                self.notes.append(f"The loss is {minimum['bound']} plus terms that are nonnegative by their form: "
                                  "the point is a global minimum.")
                return True, dict(minimum)
        if self.budget is None:
            if kind in _MIN_KINDS and self.structural_bound() is not None:
                return self.structural_global()
            witness = self.curve_witness(search=False) if kind not in (*_MIN_KINDS, "undetermined_local") else None
            if witness is None:
                self.notes.append("No global search (global_search='off').")
            return self.witness_certificate(witness)
        try:
            if kind in _MIN_KINDS:
                if (not self.L.is_piecewise and self.n <= _SEARCH_SIZE and self.L.rational_valued
                        and hasattr(self.L, "polynomial")):
                    terms = self.sos(self.L.expression, self.L.polynomial, "lower")
                    if terms is not None:
                        self.notes.append("A sum of squares valid everywhere makes it a global minimum.")
                        return True, {"type": "global_lower_bound", "certificate": {
                            "type": "sos", "region": "everywhere", "sense": "lower", "terms": terms}}
                if self.structural_bound() is not None:
                    return self.structural_global()
                witness = self.unbounded_witness() or self.numeric_witness()
            elif kind == "undetermined_local":  # no descent curve to follow
                witness = self.unbounded_witness() or (self.numeric_witness() if self.n <= _SEARCH_SIZE else None)
            else:
                witness = self.curve_witness()
                if witness is None:
                    witness = self.unbounded_witness()
                if witness is None and self.n <= _SEARCH_SIZE:
                    witness = self.numeric_witness()
        except _OutOfBudget:
            self.notes.append(f"The global search was cut short: it spent its budget of {self.budget_given} exact "
                              "evaluations of the landscape (classify's global_search) before finding a point of "
                              "lower value.")
            witness = None
        return self.witness_certificate(witness)

    def structural_global(self):
        bound = self.structural_bound()
        self.notes.append(f"The loss is {bound['bound']} plus terms that are nonnegative by their form, and its "
                          f"value here is {bound['bound']}: a global minimum.")
        return True, bound

    def unbounded_witness(self):
        """A point of lower value far along a line on which the loss's leading form is negative, or None.

        For a polynomial loss of degree D with top homogeneous part T_D, L(θ0 + s d) =
        T_D(d) s^D + O(s^(D-1)), so T_D(d) < 0 sends the loss to -∞ along d: doubling s
        reaches a point below L(θ0) (x² - x³/1000 at 0: s = 1024 gives 1024² - 1024³/1000 < 0).
        The search uses the expansion; the witness's value is one exact evaluation.
        """
        parts = self.homogeneous_parts()
        if not parts or sum(len(p) for p in parts.values()) > _UNBOUNDED_TERMS:
            return None
        top = max(parts)
        T = parts[top]
        n = self.n
        rng = numpy.random.default_rng(self.seed)
        candidates = [[s * int(j == i) for j in range(n)] for i in range(n) for s in (1, -1)]
        candidates += [[s * int(k == i) + u * int(k == j) for k in range(n)]
                       for i in range(n) for j in range(i + 1, n) for s in (1, -1) for u in (1, -1)]
        candidates += [[int(x) for x in rng.integers(-2, 3, size=n)] for _ in range(_RANDOM_DIRECTIONS)]
        R = None
        for d in candidates:
            d = [flint.fmpq(x) for x in d]
            if not any(d) or not T(*d) < 0:
                continue
            if R is None:
                R = sum(parts.values(), T.context().constant(0))
            scale = flint.fmpq(1)
            for _ in range(_DOUBLINGS):
                if R(*[scale * x for x in d]) < 0:
                    point = tuple(p + scale * x for p, x in zip(self.pt, d))
                    self.spend()
                    value = self.value_at(point)
                    if value is not None and _sign(_sub(value, self.value)) < 0:
                        self.notes.append(f"The leading form of degree {top} is negative along "
                                          f"({', '.join(map(_text, d))}); at distance factor {_text(scale)} the "
                                          f"loss is {_text(value)} < {_text(self.value)}.")
                        return point, value
                    break
                scale *= 2
        return None

    def witness_certificate(self, witness):
        if witness is None:
            return None, None
        point, value = witness
        return False, {"type": "witness", "point": [_text(x) for x in point], "value": _text(value)}

    def spend(self, evaluations=1):
        """Charge exact evaluations to the global search's budget (``_OutOfBudget`` when it is spent)."""
        if self.budget is not None:
            if self.budget < evaluations:
                self.budget = 0
                raise _OutOfBudget
            self.budget -= evaluations

    def curve_witness(self, search=True):
        """A point of lower value on a descent curve (the one in hand, or one searched for), or None."""
        curve = getattr(self, "witness_curve", None)
        if curve is None:
            if self.congruence is not None and self.congruence.counts["negative"]:
                row = self.congruence.rows_with_sign(-1)[0]
                if all(isinstance(x, flint.fmpq) for x in row):
                    curve = [row]
            if curve is None:
                found = self.curves({-1}) if search and self.n <= _SEARCH_SIZE else {}
                if -1 not in found:
                    return None
                curve = found[-1]["curve"]
        curve = [[_parse_rational(x) if isinstance(x, str) else _rational_near(x) for x in d] for d in curve]
        t = flint.fmpq(1)
        for _ in range(_HALVINGS):
            point = tuple(p + sum((t ** (j + 1) * d[i] for j, d in enumerate(curve)), flint.fmpq(0))
                          for i, p in enumerate(self.pt))
            if t != 1:  # the first value is free: a curve in hand needs no search
                self.spend()
            value = self.value_at(point)
            if value is not None and _sign(_sub(value, self.value)) < 0:
                self.notes.append(f"A point of lower value, {_text(value)}, lies on the descent curve at "
                                  f"t = {_text(t)}.")
                return point, value
            t = t / 2
        return None  # pragma: no cover - a descent curve always descends for small t

    def value_at(self, point):
        """The exact value at a candidate witness, or None outside the domain of the loss."""
        try:
            self.L.coerce_point(point)
        except DomainError:
            return None
        return _exact(self.L._value(point))

    def numeric_witness(self):
        """Seeded float descents from perturbed starts, rationalised and polished exactly.

        The float descents (a fixed number of starts and steps) only propose candidates;
        their exact evaluations are charged to the budget (``_OutOfBudget`` when it is spent).
        """
        if self.n > _SEARCH_SIZE:
            return None
        try:
            from .numeric import descend, numeric_twin

            twin = numeric_twin(self.L)
            x0 = numpy.array([float(_sympy(x)) for x in self.pt])
            f0 = float(_sympy(self.value))
        except Exception as exc:  # a numeric twin may not exist for every landscape
            self.notes.append(f"No numeric witness search ({type(exc).__name__}: {exc}).")
            return None
        if not (numpy.all(numpy.isfinite(x0)) and numpy.isfinite(f0)):
            self.notes.append("No numeric witness search: the point or its value is beyond the float range.")
            return None
        rng = numpy.random.default_rng(self.seed)
        scale = 1.0 + float(numpy.max(numpy.abs(x0))) if self.n else 1.0
        # perturbations of growing size first (nearby basins), then wide random starts
        starts = [x0 + rng.normal(0.0, s * scale, self.n) for s in _PERTURBATIONS for _ in range(3)]
        starts += [rng.normal(0.0, 2.0 * scale, self.n) for _ in range(_WIDE_STARTS)]
        margin = 1e-9 * (1.0 + abs(f0))
        best, below, tried = None, 0, 0
        try:
            for x in starts:
                tried += 1
                try:
                    with numpy.errstate(all="ignore"):
                        run = descend(twin.value, twin.gradient, x, steps=_DESCENT_STEPS)
                except (ArithmeticError, ValueError, TypeError):
                    continue
                if not (numpy.isfinite(run.value) and run.value < f0 - margin):
                    continue
                below += 1
                best = self.rationalise(run.point)
                if best is not None:
                    break  # one exact witness is all the certificate needs
        finally:
            self.notes.append(f"Global search: {tried} of {len(starts)} seeded gradient descents (seed={self.seed}) "
                              f"from perturbed and random starts; {below} ended below the value at the point.")
        if best is not None:
            self.notes.append(f"Rationalised and polished exactly, one gives the point "
                              f"({', '.join(map(_text, best[0]))}) of value {_text(best[1])} < {_text(self.value)}.")
        return best

    def rationalise(self, x):
        """The first rounding of ``x`` (denominators growing) that polishes to a point of lower value."""
        tried = set()
        for D in (1, 2, 3, 4, 6, 8, 12, 16, 100, 1000, 10**4, 10**6):
            q = tuple(flint.fmpq(f.numerator, f.denominator)
                      for f in (Fraction(float(v)).limit_denominator(D) for v in x))
            if q in tried:
                continue
            tried.add(q)
            found = self.polish(q)
            if found is not None:
                return found
        return None

    def polish(self, q):
        """Exact coordinate steps to the minimum of a univariate quadratic, while the value drops."""
        self.spend()
        try:
            value = self.value_at(q)
        except SymlandscapeError:
            return None
        if value is None:
            return None
        for _ in range(3):
            improved = False
            for i in range(self.n):
                for s in (1, -1):
                    e = tuple(flint.fmpq(s * int(j == i)) for j in range(self.n))
                    self.spend()
                    c = [_exact(x) for x in self.L._along([q, e], 2)]
                    if not all(isinstance(x, flint.fmpq) for x in c) or c[2] <= 0 or c[1] >= 0:
                        continue
                    step = -c[1] / (2 * c[2])
                    candidate = tuple(x + step * y for x, y in zip(q, e))
                    self.spend()
                    new = self.value_at(candidate)
                    if new is not None and _sign(_sub(new, value)) < 0:
                        q, value, improved = candidate, new, True
            if not improved:
                break
        if _sign(_sub(value, self.value)) < 0:
            return q, value
        return None

    # -- the verdict ---------------------------------------------------------------------------
    def finish(self, kind):
        try:
            global_min, data = self.global_certificate(kind)
        except _Undecided as exc:
            self.notes.append(f"The global search stopped: {_undecided(exc)}.")
            global_min, data = None, None
        return self.verdict(kind, global_min, data)

    def verdict(self, kind, global_min=None, data=None):
        if kind == "undetermined":
            # keep only evidence that does not decide the kind (verify insists on it)
            self.evidence = {k: v for k, v in self.evidence.items()
                             if k in ("critical", "clarke", "inertia", "descent", "ascent", "pieces")}
        if self.L.is_piecewise and "pieces" not in self.evidence:
            try:
                proof = self.L.pieces_certificate(self.pt)
            except SymlandscapeError as exc:
                # the adjacent pieces are undecided: nothing that depends on them can be stated
                self.notes.append(f"The adjacent pieces are undecided: {exc}.")
                kind, self.evidence, self.congruence, self.critical = "undetermined", {}, None, None
                if data is not None and data.get("type") != "witness":
                    global_min, data = None, None
                proof = None
            if proof is not None:
                self.evidence["pieces"] = proof
        inertia = self.congruence.counts if self.congruence is not None and "inertia" in self.evidence else None
        if inertia is None:
            self.evidence.pop("inertia", None)
        certificate = {
            "type": "classification",
            "kind": kind,
            "point": [_text(x) for x in self.pt],
            "value": _text(self.value),
            # an undetermined verdict that did not establish criticality says so (null), never "no"
            "critical": False if kind == "not_critical" else (True if self.critical else None),
            "hessian_inertia": inertia,
            "global_min": global_min,
            "evidence": self.evidence,
            "global": data,
        }
        explanation = self.explain(kind, inertia, global_min)
        return Verdict(
            kind=kind,
            value=_sympy(self.value),
            critical=certificate["critical"],
            hessian_inertia=inertia,
            global_min=global_min,
            certificate=certificate,
            verified=False,
            explanation=explanation,
            point=tuple(_text(x) for x in self.pt),
            variables=tuple(str(v) for v in self.L.variables),
            landscape=self.L,
        )

    def explain(self, kind, inertia, global_min):
        lines = []
        if inertia is not None:
            lines.append(f"Hessian inertia (exact congruence): {inertia['positive']} positive, "
                         f"{inertia['negative']} negative, {inertia['zero']} zero.")
        ev = self.evidence
        summary = {
            "strict_local_min": "The gradient is zero and the Hessian is positive definite: a strict local minimum.",
            "strict_local_max": "The gradient is zero and the Hessian is negative definite: a strict local maximum.",
            "strict_saddle": "The gradient is zero and the Hessian has eigenvalues of both signs: a strict saddle.",
            "local_min": ("The loss is its constant term plus terms that are nonnegative by their form, and "
                          "that constant is its value here: L >= L(θ0) everywhere, a minimum (possibly non-strict)."
                          if ev.get("minimum", {}).get("type") == "structural_lower_bound" else
                          "An exact sum-of-squares identity shows L >= L(θ0) near the point"
                          + (" on every adjacent piece" if ev.get("minimum", {}).get("type") == "pieces" else "")
                          + ": a local minimum (possibly non-strict)."),
            "local_max": "An exact sum-of-squares identity shows L <= L(θ0) near the point"
                         + (" on every adjacent piece" if ev.get("maximum", {}).get("type") == "pieces" else "")
                         + ": a local maximum (possibly non-strict).",
        }
        if kind == "degenerate_saddle":
            down, up = ev["descent"], ev["ascent"]
            summary[kind] = (f"A descent curve (order {down['order']}, coefficient {down['coefficients'][down['order']]}) "
                             f"and an ascent curve (order {up['order']}, coefficient {up['coefficients'][up['order']]}) "
                             "show a saddle"
                             + (", although the Hessian has no eigenvalue of one sign (a degenerate saddle)."
                                if inertia is not None else " at a kink where no Hessian exists."))
        if kind == "undetermined":
            summary[kind] = "Undetermined: no certificate decided the kind; this is what was tried."
            if "descent" in ev or "ascent" in ev:
                role = "descent" if "descent" in ev else "ascent"
                curve = ev[role]
                summary[kind] += (f" Found {'a descent' if role == 'descent' else 'an ascent'} curve (order {curve['order']}) but no "
                                  f"{'ascent' if role == 'descent' else 'descent'} curve and no "
                                  f"{'maximum' if role == 'descent' else 'minimum'} certificate.")
        if kind in summary:
            lines.append(summary[kind])
        lines.extend(dict.fromkeys(self.notes))  # each note once, in order
        lines.append({True: "Global minimum: yes (certificate valid everywhere).",
                      False: "Global minimum: no (a point of exactly lower value is given).",
                      None: "Global minimum: unknown."}[global_min])
        lines.append(f"Random choices used seed={self.seed}.")
        return " ".join(lines)


def _rational_near(x):
    """``x`` itself if rational, else a nearby rational: only a candidate, every use is checked exactly."""
    if isinstance(x, flint.fmpq):
        return x
    f = Fraction(str(sympy.N(_sympy(x), 30))).limit_denominator(10**6)
    return flint.fmpq(f.numerator, f.denominator)


def _parse_rational(text):
    numerator, _, denominator = text.partition("/")
    return flint.fmpq(int(numerator), int(denominator or 1))


def _nonnegative_combination(vectors, target):
    """Rational λ >= 0 with Σ λ_k vectors[k] = target, exactly, or None (supports by size)."""
    m = len(vectors)
    if not any(target):
        return [flint.fmpq(0)] * m
    for size in range(1, min(m, len(target)) + 1):
        for support in itertools.combinations(range(m), size):
            A = sympy.Matrix([[_sympy(vectors[k][i]) for k in support] for i in range(len(target))])
            b = sympy.Matrix([_sympy(x) for x in target])
            try:
                solution, params = A.gauss_jordan_solve(b)
            except ValueError:
                continue
            if params.shape[0]:
                solution = solution.subs({p: 0 for p in params})
            if any(x < 0 for x in solution):
                continue
            weights = [flint.fmpq(0)] * m
            for k, x in zip(support, solution):
                weights[k] = flint.fmpq(int(x.p), int(x.q))
            return weights
    return None


def _univariate(coefficients):
    """A univariate ``fmpq_poly`` from ``{exponent: coefficient}``."""
    if not coefficients:
        return flint.fmpq_poly([0])
    top = max(coefficients)
    return flint.fmpq_poly([coefficients.get(k, flint.fmpq(0)) for k in range(top + 1)])


def _rational_roots(p):
    """The distinct rational roots of the ``fmpq_poly`` p (empty for the zero polynomial), sorted."""
    if p == 0 or p.degree() < 1:
        return []
    _, factors = p.factor()
    roots = set()
    for f, _ in factors:
        if f.degree() == 1:
            c = f.coeffs()
            roots.add(-flint.fmpq(c[0]) / flint.fmpq(c[1]))
    return sorted(roots)


def _common_rational_roots(polynomials):
    """Rational values where every polynomial vanishes: a set, or None if there are none."""
    common = None
    for p in polynomials:
        if p == 0:
            continue
        roots = set(_rational_roots(p))
        common = roots if common is None else common & roots
        if not common:
            return None
    return common


def _sign_candidates(p, allowed):
    """Rational values to test for the sign of p: the allowed roots, or a grid and points between real roots."""
    if allowed is not None:
        return sorted(allowed)
    grid = [flint.fmpq(k, 2) for k in range(-6, 7)]
    if p != 0 and p.degree() >= 1:
        real = sorted(float(r.real) for r in numpy.roots([float(c) for c in reversed(p.coeffs())])
                      if abs(r.imag) < 1e-9)
        for x, y in zip(real, real[1:]):
            f = Fraction((x + y) / 2).limit_denominator(1000)
            grid.append(flint.fmpq(f.numerator, f.denominator))
        if real:
            for x in (real[0] - 1, real[-1] + 1):
                f = Fraction(x).limit_denominator(1000)
                grid.append(flint.fmpq(f.numerator, f.denominator))
    return grid


def _add_term(curve, j, i, value, n):
    """``curve`` (coefficient vectors of t, t², …) plus value·t^j·e_i."""
    curve = [list(d) for d in curve]
    while len(curve) < j:
        curve.append([flint.fmpq(0)] * n)
    curve[j - 1][i] += value
    return curve
