"""Sums of squares with multipliers: a conic solver proposes, exact arithmetic decides.

:func:`decompose` looks for an exact identity

    R = Σ_i c_i q_i² + Σ_k Σ_j c_kj q_kj² g_k,      every c > 0,

for a polynomial R and given multiplier polynomials g_k (so R ≥ 0 wherever every g_k ≥ 0),
and :func:`local_certificate` uses it on a ball around a point,
``L − L0 = σ0 + σ1 (r² − |θ − θ0|²)``: a minimum (or maximum) on that ball.

The search, in order:

1. *Bases.*  Without multipliers, the monomials m with 2m in the Newton polytope of R
   (Reznick, "Extremal PSD forms with few terms", 1978, Theorem 1): a monomial is dropped
   only when a rational linear functional, checked exactly, separates 2m from the
   polytope.  With multipliers, the degree bounds deg σ0 ≤ 2d, deg σ_k ≤ 2d − deg g_k.
   Then *diagonal consistency*: a monomial μ that only diagonal Gram entries of one sign
   produce, with coefficient 0 in R, forces those entries, hence their rows, to vanish
   (a positive semidefinite matrix with a zero diagonal entry has a zero row).  Last, the
   sign symmetries θ_i → −θ_i shared by R and every g_k split each Gram block into parity
   classes (:func:`_symmetry_classes`).
2. *Known zeros.*  Where R(z) = 0 and every g_k(z) ≥ 0, each square that can be nonzero
   at z must vanish there: the basis of σ0 (and of σ_k where g_k(z) > 0) is replaced by
   an exact basis of the polynomials of its span that vanish at every such z (facial
   reduction; without it the Gram matrices have no interior and rounding cannot succeed).
3. *Float proposal.*  Clarabel (Goulart & Chen, "Clarabel: an interior-point solver for
   conic programs with quadratic objectives", 2024) maximises t with every Gram matrix
   minus t·I positive semidefinite, t ≤ 1.  If rounding fails, the bases are cut down by
   the numerical kernels of the float Gram matrices (rationalised: hidden zeros, such as a
   point where R and a multiplier vanish together) and the program solved again; then once
   more with a seeded random perturbation of the objective.
4. *Exact rounding.*  The Gram entries are rounded to rationals with growing
   denominators and projected exactly (orthogonally, over ``fmpq``) onto the affine space
   of coefficient matching (Peyrl & Parrilo, "Computing sum of squares decompositions with
   rational coefficients", 2008); a projected matrix is accepted when its exact LDLᵀ
   congruence (:func:`symlandscape.inertia.congruence_diagonalization`) has no negative
   pivot, and its pivots give the squares.  The identity is then checked with ``fmpq_mpoly``
   before anything is returned.

Floats only propose; a decomposition is returned only after the exact identity holds, and
everything else is ``None`` with the reason in :class:`Attempt`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real

import flint
import numpy

from .errors import InvalidArgument
from .exact import format_rational, rational, rational_vector, solve_linear
from .inertia import congruence_diagonalization

__all__ = ["Attempt", "Decomposition", "attempt", "decompose", "local_attempt", "local_certificate",
           "DEFAULT_RADII", "MAX_BASIS"]

#: Ball radii squared tried by :func:`local_certificate` when none is given.
DEFAULT_RADII = ("1", "1/4", "1/16", "1/64")
#: Largest basis (monomials per Gram block) given to the conic solver.
MAX_BASIS = 300
# Largest number of Gram unknowns (entries of all blocks) set up at all.
_MAX_UNKNOWNS = 60_000
# Denominators tried when rounding the float Gram matrices: small ones first, since a
# certificate on the boundary of the cone (a singular Gram matrix) is often the nearest
# simple rational point.
_DENOMINATORS = (1, 2, 4, 8, 16, 64, 256, 2**12, 2**16, 2**20, 2**26, 2**32, 2**40)
# Below this denominator, best rational approximations (1/3 is found); above, nearest multiples.
_BEST_APPROXIMATION = 256
# A best least eigenvalue below -_MARGIN (R scaled to largest coefficient 1) means no certificate.
_MARGIN = 1e-6
# A rounded and projected Gram matrix whose float least eigenvalue is below -_FLOAT_SLACK times its
# largest entry (below +_FLOAT_SLACK for roundings with large denominators, which are almost never
# exactly singular) is not given to the exact LDLᵀ, which would find a negative pivot, in seconds.
_FLOAT_SLACK = 1e-9
# Random directions along which local_certificate samples the loss to choose its radii.
_DIRECTIONS = 256
# Scale of the seeded objective perturbation of the second solve, relative to the margin's weight.
_PERTURBATION = 1e-3


@dataclass(frozen=True)
class Decomposition:
    """An exact identity ``R = Σ c q² g_k``: ``terms`` are ``(c, q, k)`` (``k`` None for no multiplier).

    ``c`` is a positive ``fmpq``, ``q`` an ``fmpq_mpoly`` in R's context, ``k`` the index of
    the multiplier.  The identity was checked with exact arithmetic before it was built.
    """

    terms: tuple
    seed: int

    def certificate_terms(self, names=None):
        """The terms as certificate entries ``{"coefficient", "polynomial"[, "constraint"]}``.

        ``names`` are the variable names to write (default: the context's own).
        """
        result = []
        for c, q, k in self.terms:
            entry = {"coefficient": format_rational(c), "polynomial": polynomial_text(q, names)}
            if k is not None:
                entry["constraint"] = k
            result.append(entry)
        return result

    def residual(self, R, multipliers=()):
        """``R − Σ c q² g_k``, exactly (zero for a valid decomposition)."""
        total = R
        one = R.context().constant(1)
        for c, q, k in self.terms:
            total = total - R.context().constant(c) * q * q * (one if k is None else multipliers[k])
        return total


@dataclass(frozen=True)
class Attempt:
    """The outcome of a search: the decomposition or certificate found (or None) and why.

    ``basis_sizes`` are the sizes of the Gram blocks given to the solver (σ0's parity classes
    first, then each multiplier's), ``seconds`` the wall time, ``seed`` the seed of the
    objective perturbation and of :func:`local_certificate`'s sampling of radii.
    """

    found: object
    reason: str
    seed: int
    basis_sizes: tuple = ()
    seconds: float = 0.0


def polynomial_text(q, names=None):
    """``q`` in the safe grammar, in the variables ``names`` (default: its context's).

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x0", "x1"), "lex")
    >>> x, y = ctx.gens()
    >>> polynomial_text(x**2 / 2 - x * y + 3, ["a", "b"])
    '1/2*a^2 - a*b + 3'
    """
    ctx = q.context()
    if names is None:
        return str(q)
    names = tuple(str(n) for n in names)
    if len(names) != len(ctx.gens()):
        raise InvalidArgument(f"names has {len(names)} entries; the polynomial has {len(ctx.gens())} variables")
    return str(flint.fmpq_mpoly_ctx.get(names, "lex").from_dict(q.to_dict()))


# ---------------------------------------------------------------------------------------
# the public searches


def decompose(R, *, multipliers=(), zeros=(), basis=None, degree=None, max_basis=MAX_BASIS, time_limit=5.0, seed=0):
    """An exact :class:`Decomposition` ``R = Σ c q² + Σ c q² g_k``, or None.

    ``R`` and the multipliers ``g_k`` are ``fmpq_mpoly`` of one context; ``zeros`` exact points
    where R vanishes; ``basis`` exponent tuples for σ0 (default: from the Newton polytope);
    ``degree`` the degree 2d of the certificate with multipliers (default: deg R rounded up
    to even); ``max_basis`` the largest Gram block (monomials) given to the solver (at most
    :data:`MAX_BASIS`); ``time_limit`` in seconds, or None for none (then ``max_basis`` and
    the solver's iteration limit bound the work).  :func:`attempt` gives the reason for a None.

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
    >>> x, y = ctx.gens()
    >>> decompose(x**2 + 2*x*y + y**2).certificate_terms()
    [{'coefficient': '1', 'polynomial': 'x + y'}]
    >>> decompose(x**2 - y**2) is None
    True
    """
    return attempt(R, multipliers=multipliers, zeros=zeros, basis=basis, degree=degree, max_basis=max_basis,
                   time_limit=time_limit, seed=seed).found


def attempt(R, *, multipliers=(), zeros=(), basis=None, degree=None, max_basis=MAX_BASIS, time_limit=5.0, seed=0):
    """The search of :func:`decompose`, with its reason, bases, seed and time (:class:`Attempt`).

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
    >>> x, y = ctx.gens()
    >>> attempt(x**3 + y**2).reason
    'the highest homogeneous part of R has odd degree 3: no sum of squares'
    >>> attempt(x**4*y**2 + x**2*y**4 - 3*x**2*y**2 + 1).reason[:52]   # Motzkin's form
    'the monomial x^2*y^2 of R cannot be matched by any G'
    """
    R, multipliers, zeros, time_limit, seed = _validated(R, multipliers, zeros, time_limit, seed)
    start = time.monotonic()
    deadline = start + time_limit
    max_basis = _validated_size(max_basis)
    found, reason, sizes = _search(R, multipliers, zeros, basis, degree, deadline, seed, max_basis)
    return Attempt(found, reason, seed, tuple(sizes), time.monotonic() - start)


def local_certificate(P, point, *, sense="lower", radius2=None, variables=None, max_basis=MAX_BASIS, time_limit=5.0,
                      seed=0):
    """A certificate that ``P ≥ P(θ0)`` (``sense`` "upper": ``≤``) on a ball around θ0, or None.

    ``P − P(θ0) = σ0 + σ1 (r² − |θ − θ0|²)`` with sums of squares σ0, σ1: the dict
    ``{"type": "sos", "region": {"ball": r²}, "sense", "terms"}``, the σ1 terms with
    ``"constraint": 0``.  ``P`` is an ``fmpq_mpoly`` or a polynomial landscape;
    ``radius2`` fixes r² (default: 1, 1/4, 1/16, 1/64 in turn, or, where a seeded sampling finds
    a lower (higher) value than θ0's at distance ρ ≤ 1, the first four powers of 1/4 below ρ²); ``variables`` names the
    variables in the terms.  :func:`local_attempt` gives the reason for a None.

    Here ``x² − x³ = ½ (x² − x)² + ½ x² (1 − x²)``, the unique certificate on the unit ball:

    >>> ctx = flint.fmpq_mpoly_ctx.get(("x",), "lex")
    >>> x, = ctx.gens()
    >>> certificate = local_certificate(x**2 - x**3, [0])
    >>> certificate["region"], certificate["terms"]
    ({'ball': '1'}, [{'coefficient': '1/2', 'polynomial': 'x^2 - x'}, \
{'coefficient': '1/2', 'polynomial': 'x', 'constraint': 0}])
    """
    return local_attempt(P, point, sense=sense, radius2=radius2, variables=variables, max_basis=max_basis,
                         time_limit=time_limit, seed=seed).found


def local_attempt(P, point, *, sense="lower", radius2=None, variables=None, max_basis=MAX_BASIS, time_limit=5.0,
                  seed=0):
    """The search of :func:`local_certificate`, with its reason, bases, seed and time (:class:`Attempt`)."""
    if hasattr(P, "polynomial") and hasattr(P, "variables"):  # a polynomial landscape
        variables = P.variables if variables is None else variables
        P = P.polynomial
    if not isinstance(P, flint.fmpq_mpoly):
        raise InvalidArgument(f"P has type {type(P).__name__}; expected a flint fmpq_mpoly or a polynomial landscape")
    if sense not in ("lower", "upper"):
        raise InvalidArgument(f"sense={sense!r} must be 'lower' (a minimum) or 'upper' (a maximum)")
    ctx = P.context()
    gens = ctx.gens()
    n = len(gens)
    if n == 0:
        raise InvalidArgument("P has no variables; a ball certificate needs at least one")
    pt = rational_vector(point, n, "point")
    names = None if variables is None else [str(v) for v in variables]
    if names is not None:
        if len(names) != n:
            raise InvalidArgument(f"variables has {len(names)} entries; P has {n} variables")
        ctx = flint.fmpq_mpoly_ctx.get(tuple(names), "lex")  # reasons and terms in the caller's names
        P = ctx.from_dict(P.to_dict())
        gens = ctx.gens()
    if radius2 is not None:
        radii = [rational(radius2, "radius2")]
        if radii[0] <= 0:
            raise InvalidArgument(f"radius2={radius2!r} must be positive")
    _, _, _, time_limit, seed = _validated(P, (), (), time_limit, seed)
    max_basis = _validated_size(max_basis)
    start = time.monotonic()
    deadline = start + time_limit
    value = P(*pt)
    shifted = P.compose(*[g + ctx.constant(p) for g, p in zip(gens, pt)])
    R = shifted - ctx.constant(value) if sense == "lower" else ctx.constant(value) - shifted
    if any(sum(e) == 1 for e in R.to_dict()):
        return Attempt(None, "the gradient is not zero at the point: no local extremum", seed, (),
                       time.monotonic() - start)
    if radius2 is None:
        radii = _radii(R, seed)
    square = sum((g * g for g in gens), ctx.constant(0))
    back = [g - ctx.constant(p) for g, p in zip(gens, pt)]  # h = θ − θ0
    reasons, sizes = [], ()
    for r2 in radii:
        if time.monotonic() >= deadline:
            reasons.append("time ran out")
            break
        g = ctx.constant(r2) - square
        found, reason, sizes = _search(R, (g,), (), None, None, deadline, seed, max_basis)
        if found is None:
            reasons.append(f"r²={format_rational(r2)}: {reason}")
            continue
        terms = tuple((c, q.compose(*back), k) for c, q, k in found.terms)
        certificate = {"type": "sos", "region": {"ball": format_rational(r2)}, "sense": sense,
                       "terms": Decomposition(terms, seed).certificate_terms(names)}
        return Attempt(certificate, f"found on the ball |θ − θ0|² ≤ {format_rational(r2)}", seed, tuple(sizes),
                       time.monotonic() - start)
    return Attempt(None, "; ".join(reasons), seed, tuple(sizes), time.monotonic() - start)


def _radii(R, seed):
    """Ball radii squared to try: :data:`DEFAULT_RADII`, or powers of 1/4 below a sampled negative point.

    A certificate on a ball that holds a point where R < 0 cannot exist, and each failed
    attempt costs a conic solve; so R is sampled (in floats, seeded) along the coordinate
    axes and random directions, and only radii that exclude every negative point seen are tried.
    """
    terms = R.to_dict()
    exponents = numpy.array([[int(e) for e in m] for m in terms], dtype=float)
    coefficients = numpy.array([float(c) for c in terms.values()])
    n = exponents.shape[1]
    rng = numpy.random.default_rng(seed)
    directions = numpy.vstack([numpy.eye(n), -numpy.eye(n), rng.standard_normal((_DIRECTIONS, n))])
    directions /= numpy.linalg.norm(directions, axis=1, keepdims=True)
    steps = numpy.geomspace(1 / 4096, 1, 64)
    points = (steps[None, :, None] * directions[:, None, :]).reshape(-1, n)
    with numpy.errstate(all="ignore"):
        monomials = numpy.prod(points[:, None, :] ** exponents[None, :, :], axis=2) * coefficients[None, :]
    values, sizes = monomials.sum(axis=1), numpy.abs(monomials).sum(axis=1)
    negative = values < -1e-9 * sizes  # below float rounding: R < 0 there
    if not negative.any():
        return [rational(r) for r in DEFAULT_RADII]
    nearest = float(numpy.linalg.norm(points[negative], axis=1).min())
    radii = [flint.fmpq(1, 4**k) for k in range(24) if 1 / 4**k < nearest**2]
    return radii[:len(DEFAULT_RADII)]


def _validated_size(max_basis):
    if isinstance(max_basis, bool) or not isinstance(max_basis, int) or not 1 <= max_basis <= MAX_BASIS:
        raise InvalidArgument(f"max_basis={max_basis!r} must be an integer from 1 to {MAX_BASIS}")
    return max_basis


def _validated(R, multipliers, zeros, time_limit, seed):
    if not isinstance(R, flint.fmpq_mpoly):
        raise InvalidArgument(f"R has type {type(R).__name__}; expected a flint fmpq_mpoly")
    ctx = R.context()
    multipliers = tuple(multipliers)
    for k, g in enumerate(multipliers):
        if not isinstance(g, flint.fmpq_mpoly) or g.context() is not ctx:
            raise InvalidArgument(f"multipliers[{k}] must be an fmpq_mpoly in the context of R")
        if g == 0:
            raise InvalidArgument(f"multipliers[{k}] is zero; a multiplier must be a nonzero polynomial")
    n = len(ctx.gens())
    zeros = tuple(rational_vector(z, n, f"zeros[{i}]") for i, z in enumerate(zeros))
    for i, z in enumerate(zeros):
        if (R(*z) if n else R) != 0:
            raise InvalidArgument(f"zeros[{i}]={[str(x) for x in z]} is not a zero of R; pass points where R = 0")
    if time_limit is None:
        time_limit = float("inf")  # no wall clock: the outcome does not depend on the machine's speed
    elif isinstance(time_limit, bool) or not isinstance(time_limit, Real) or not time_limit > 0:
        raise InvalidArgument(f"time_limit={time_limit!r} must be a positive number of seconds, or None")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgument(f"seed={seed!r} must be a nonnegative integer")
    return R, multipliers, zeros, float(time_limit), seed


# ---------------------------------------------------------------------------------------
# bases


def _monomials(nvars, low, high, caps, floors):
    """Exponent tuples with total degree in [low, high] and floors[i] <= m_i <= caps[i]."""
    result = []

    def extend(prefix, i, total):
        if i == nvars:
            if total >= low:
                result.append(tuple(prefix))
            return
        rest_cap = sum(caps[i + 1:])
        for e in range(floors[i], caps[i] + 1):
            if total + e > high:
                break
            if total + e + rest_cap < low:
                continue
            prefix.append(e)
            extend(prefix, i + 1, total + e)
            prefix.pop()

    extend([], 0, 0)
    return result


def _newton_basis(support, nvars, deadline):
    """Monomials m with 2m in the Newton polytope of ``support``; a removal is proven exactly.

    None if the time runs out.  A monomial is dropped when a rational functional w has
    w·2m > max_s w·s (checked in exact integers); the functional comes from a float LP, which
    can only fail to drop a monomial, never drop a wrong one.
    """
    degrees = [sum(s) for s in support]
    caps = [max(s[i] for s in support) // 2 for i in range(nvars)]
    floors = [-(-min(s[i] for s in support) // 2) for i in range(nvars)]
    candidates = _monomials(nvars, -(-min(degrees) // 2), max(degrees) // 2, caps, floors)
    if len(candidates) > 20 * MAX_BASIS:
        return candidates
    support_set = set(support)
    kept, separators = [], []
    for m in candidates:
        double = tuple(2 * e for e in m)
        if double in support_set:
            kept.append(m)
            continue
        if any(_separates(w, double, support) for w in separators):
            continue
        if time.monotonic() > deadline:
            return None
        w = _separating_functional(double, support)
        if w is not None:
            scale = math.lcm(*(a.denominator for a in w))
            w = [int(a * scale) for a in w]  # the same functional, in integers
            if _separates(w, double, support):
                separators.append(w)
                continue
        kept.append(m)
    return kept


def _separating_functional(point, support):
    """A rational w with (in floats) w·point > max_s w·s, or None: maximise w·point − t, w·s <= t, |w_i| <= 1."""
    import clarabel
    import scipy.sparse

    n = len(point)
    S = numpy.array(support, dtype=float)
    A = numpy.vstack([numpy.hstack([S, -numpy.ones((len(S), 1))]),
                      numpy.hstack([numpy.eye(n), numpy.zeros((n, 1))]),
                      numpy.hstack([-numpy.eye(n), numpy.zeros((n, 1))])])
    b = numpy.concatenate([numpy.zeros(len(S)), numpy.ones(2 * n)])
    q = numpy.concatenate([-numpy.array(point, dtype=float), [1.0]])
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.max_threads = 1
    solution = clarabel.DefaultSolver(scipy.sparse.csc_matrix((n + 1, n + 1)), q, scipy.sparse.csc_matrix(A), b,
                                      [clarabel.NonnegativeConeT(len(b))], settings).solve()
    if str(solution.status) != "Solved" or -solution.obj_val <= 1e-7:
        return None
    return [Fraction(float(v)).limit_denominator(1 << 20) for v in solution.x[:n]]


def _separates(w, point, support):
    """``w·point > max_s w·s`` exactly; ``w`` is scaled to integers first (Fractions are slow here)."""
    if any(isinstance(a, Fraction) for a in w):
        scale = math.lcm(*(a.denominator for a in w))
        w = [int(a * scale) for a in w]
    value = sum(a * b for a, b in zip(w, point))
    return all(sum(a * b for a, b in zip(w, s)) < value for s in support)


def _add(a, b):
    return tuple(x + y for x, y in zip(a, b))


def _symmetry_classes(target, multipliers, owners, blocks):
    """Blocks split by the sign symmetries of R and the multipliers: ``(owners, blocks)``.

    A sign change θ_i → −θ_i (i in a set S) that leaves R and every g_k unchanged maps a
    certificate to another; their average has a Gram matrix with no entry between monomials
    of different parity on S, so each block splits into parity classes (Gatermann & Parrilo,
    "Symmetry groups, semidefinite programs, and sums of squares", 2004, §5; Löfberg 2009).
    The symmetries are the vectors s over GF(2) with s·μ even for every monomial μ.
    """
    supports = list(target) + [tuple(int(x) for x in e) for g in multipliers for e in g.to_dict()]
    n = len(supports[0])
    # the nullspace over GF(2) of the supports' parities, by elimination on bit masks
    pivots = {}
    for mu in supports:
        row = sum(1 << i for i, e in enumerate(mu) if e % 2)
        for bit, other in pivots.items():
            if row >> bit & 1:
                row ^= other
        if row:
            bit = row.bit_length() - 1
            for b, other in list(pivots.items()):
                if other >> bit & 1:
                    pivots[b] = other ^ row
            pivots[bit] = row
    free = [i for i in range(n) if i not in pivots]
    symmetries = []
    for f in free:
        s = 1 << f
        for bit, row in pivots.items():
            if row >> f & 1:
                s |= 1 << bit
        symmetries.append(s)
    if not symmetries:
        return owners, blocks
    split_owners, split_blocks = [], []
    for owner, (g, basis) in zip(owners, blocks):
        classes = {}
        for m in basis:
            mask = sum(1 << i for i, e in enumerate(m) if e % 2)
            key = tuple(bin(mask & s).count("1") % 2 for s in symmetries)
            classes.setdefault(key, set()).add(m)
        for key in sorted(classes):
            split_owners.append(owner)
            split_blocks.append((g, classes[key]))
    return split_owners, split_blocks


def _prune(target, blocks):
    """Diagonal consistency: drop monomials whose Gram rows must vanish; None and a reason if infeasible.

    ``blocks`` are ``(multiplier terms {exponent: fmpq}, set of basis monomials)``.
    """
    while True:
        off_diagonal, diagonal = set(), {}
        for k, (g, basis) in enumerate(blocks):
            ordered = sorted(basis)
            for i, a in enumerate(ordered):
                for e, c in g.items():
                    diagonal.setdefault(_add(_add(a, a), e), []).append((k, a, c))
                for b in ordered[i + 1:]:
                    ab = _add(a, b)
                    for e in g:
                        off_diagonal.add(_add(ab, e))
        for mu in target:
            if mu not in off_diagonal and mu not in diagonal:
                return None, mu
        changed = False
        for mu, entries in diagonal.items():
            if mu in off_diagonal:
                continue
            signs = {1 if c > 0 else -1 for _, _, c in entries}
            value = target.get(mu, 0)
            if len(signs) == 1 and value == 0:
                for k, a, _ in entries:
                    blocks[k][1].discard(a)
                changed = True
            elif len(signs) == 1 and value != 0 and (value > 0) != (signs == {1}):
                return None, mu
        if not changed:
            return blocks, None


# ---------------------------------------------------------------------------------------
# the search


def _search(R, multipliers, zeros, basis, degree, deadline, seed, max_basis=MAX_BASIS):
    """``(Decomposition or None, reason, basis sizes)``."""
    ctx = R.context()
    nvars = len(ctx.gens())
    target = {tuple(int(x) for x in e): flint.fmpq(c) for e, c in R.to_dict().items()}
    if not target:
        return Decomposition((), seed), "R is zero", []
    if nvars == 0 or R.total_degree() == 0:
        c = target.get(tuple([0] * nvars), flint.fmpq(0))
        if c > 0:
            return Decomposition(((c, ctx.constant(1), None),), seed), "R is a positive constant", [1]
        return None, "R is a negative constant", []
    one = {tuple([0] * nvars): flint.fmpq(1)}
    if degree is not None and not multipliers:
        raise InvalidArgument(f"degree={degree!r} applies to certificates with multipliers; none were given")
    if basis is not None:
        basis0 = {tuple(int(e) for e in m) for m in basis}
        if any(len(m) != nvars or min(m) < 0 for m in basis0):
            raise InvalidArgument(f"basis must hold exponent tuples of {nvars} nonnegative integers")
    elif not multipliers:
        # the highest and lowest homogeneous parts of a sum of squares are sums of squares, so
        # both have even degree: an exact test that saves the Newton polytope's linear programs
        degrees = [sum(e) for e in target]
        for which, d in (("highest", max(degrees)), ("lowest", min(degrees))):
            if d % 2:
                return None, f"the {which} homogeneous part of R has odd degree {d}: no sum of squares", []
        basis0 = _newton_basis(list(target), nvars, deadline)
        if basis0 is None:
            return None, "time ran out while reducing the basis by the Newton polytope", []
        basis0 = set(basis0)
    if multipliers:
        top = max([R.total_degree()] + [g.total_degree() for g in multipliers])
        top += top % 2
        if degree is not None:
            if isinstance(degree, bool) or not isinstance(degree, int) or degree < top or degree % 2:
                raise InvalidArgument(f"degree={degree!r} must be an even integer >= {top}")
            top = degree
        zeros_n = [0] * nvars
        if basis is None:
            basis0 = set(_monomials(nvars, 0, top // 2, [top // 2] * nvars, zeros_n))
        blocks = [(one, basis0)]
        for g in multipliers:
            half = (top - g.total_degree()) // 2
            blocks.append(({tuple(int(x) for x in e): flint.fmpq(c) for e, c in g.to_dict().items()},
                           set(_monomials(nvars, 0, half, [half] * nvars, zeros_n))))
    else:
        blocks = [(one, basis0)]
    if any(len(b) > 4 * max_basis for _, b in blocks):
        return None, f"the basis has more than {4 * max_basis} monomials before pruning", [len(b) for _, b in blocks]
    blocks, missing = _prune(target, blocks)
    if blocks is None:
        return None, (f"the monomial {_monomial_text(missing, ctx)} of R cannot be matched by any "
                      "Gram matrices of the bases: no certificate of this form exists"), []
    owners = [None] + list(range(len(multipliers)))
    owners, blocks = _symmetry_classes(target, multipliers, owners, blocks)
    sizes = [len(b) for _, b in blocks]
    if max(sizes) > max_basis or sum(s * (s + 1) // 2 for s in sizes) > _MAX_UNKNOWNS:
        return None, f"the Gram basis is too large ({sizes} monomials; at most max_basis={max_basis} per block)", sizes
    if time.monotonic() > deadline:
        return None, "time ran out after the basis reduction", sizes
    problem = _GramProblem(R, target, multipliers, owners,
                           *_facial_bases(R.context(), blocks, owners, zeros, multipliers))
    sizes = [len(p) for p in problem.bases]
    if problem.infeasible:
        return None, problem.infeasible, sizes
    reasons, x = [], None
    # the plain program; then the bases cut down by the kernels it found; then a perturbed objective
    for step in ("plain", "kernel", "perturbed"):
        if time.monotonic() > deadline:
            reasons.append("time ran out")
            break
        if step == "kernel":
            smaller = problem.reduced(x) if x is not None else None
            if smaller is None:
                continue
            problem = smaller
        x, margin, status = problem.solve(deadline, seed if step == "perturbed" else None)
        if x is None:
            reasons.append(f"the conic solver returned {status} ({step})")
            if step == "plain" and status in ("PrimalInfeasible", "AlmostPrimalInfeasible"):
                break
            continue
        if status in ("Solved", "AlmostSolved") and margin < -_MARGIN:
            # the best margin is negative: no Gram matrices are positive semidefinite (in floats;
            # a restriction of the bases or another objective cannot help)
            reasons.append(f"the conic solver found no positive semidefinite Gram matrices (best least "
                           f"eigenvalue {margin:.2g}, relative to R's largest coefficient)")
            break
        found = problem.round(x, deadline)
        if found is not None:
            return Decomposition(found, seed), "found", [len(p) for p in problem.bases]
        reasons.append(f"rounding failed ({step} program, solver status {status})")
    return None, "; ".join(reasons) or "no certificate", sizes


def _monomial_text(exponents, ctx):
    return str(ctx.from_dict({tuple(exponents): 1}))


class _GramProblem:
    """The coefficient-matching equations in the Gram entries, their float solve and exact rounding."""

    def __init__(self, R, target, multipliers, owners, bases, monomial_blocks):
        self.R = R
        self.ctx = ctx = R.context()
        nvars = len(ctx.gens())
        self.target = target
        self.multipliers = tuple(multipliers)
        self.infeasible = None
        kept = [k for k, b in enumerate(bases) if b]  # a block reduced to nothing holds no square
        owners = self.owners = [owners[k] for k in kept]  # per block: its multiplier's index, None for σ0
        bases = self.bases = [bases[k] for k in kept]  # per block: its basis polynomials (fmpq_mpoly)
        monomial_blocks = self.monomial_blocks = [monomial_blocks[k] for k in kept]  # its monomials, or None
        # unknowns: per block, entries (i, j), i <= j, in Clarabel's column-major triangle order
        self.columns = []
        for k, basis in enumerate(self.bases):
            for j in range(len(basis)):
                for i in range(j + 1):
                    self.columns.append((k, i, j))
        rows = {}
        for col, (k, i, j) in enumerate(self.columns):
            weight = 1 if i == j else 2
            g = None if owners[k] is None else self.multipliers[owners[k]]
            if monomial_blocks[k] is not None and g is None:
                mu = _add(monomial_blocks[k][i], monomial_blocks[k][j])
                rows.setdefault(mu, {})[col] = flint.fmpq(weight)
                continue
            product = self.bases[k][i] * self.bases[k][j]
            if g is not None:
                product = product * g
            for mu, c in product.to_dict().items():
                rows.setdefault(tuple(int(e) for e in mu), {})[col] = weight * flint.fmpq(c)
        for mu in target:
            if mu not in rows:
                self.infeasible = (f"the monomial {_monomial_text(mu, ctx)} of R cannot be formed from the "
                                   "basis vanishing at the known zeros")
        self.monomials = sorted(rows)
        self.rows = [rows[mu] for mu in self.monomials]
        self.rhs = [target.get(mu, flint.fmpq(0)) for mu in self.monomials]
        self.nvars = nvars
        self._normal = None

    def reduced(self, x):
        """The problem on the bases cut down by the numerical kernels of the float Gram matrices ``x``, or None.

        A kernel vector v of a Gram matrix means the squares vanish along v (a hidden zero, such
        as a point where R and a multiplier vanish together).  The kernel's reduced row echelon
        basis is rationalised; a wrong guess can only make the search fail, since every
        identity is checked exactly.
        """
        blocks = [numpy.zeros((len(b), len(b))) for b in self.bases]
        for v, (k, i, j) in zip(x, self.columns):
            blocks[k][i, j] = blocks[k][j, i] = v
        bases, changed = [], False
        for k, G in enumerate(blocks):
            basis = self.bases[k]
            if not len(G):
                bases.append(basis)
                continue
            eigenvalues, vectors = numpy.linalg.eigh(G)
            top = max(abs(eigenvalues[-1]), 1e-300)
            kernel = vectors[:, eigenvalues < 1e-6 * top]
            if kernel.shape[1] == 0:
                bases.append(basis)
                continue
            rows = _rational_rref(kernel.T)
            solved = solve_linear(flint.fmpq_mat(rows), [flint.fmpq(0)] * len(rows))
            if solved is None:
                return None
            bases.append([sum((c * p for c, p in zip(column, basis) if c != 0), self.ctx.constant(0))
                          for column in solved[1]])
            changed = True
        if not changed:
            return None
        problem = _GramProblem(self.R, self.target, self.multipliers, self.owners, bases, [None] * len(bases))
        return None if problem.infeasible else problem

    # -- the float proposal ---------------------------------------------------------------
    def solve(self, deadline, seed):
        """Float Gram entries maximising the least eigenvalue margin (``seed``: perturbed objective)."""
        import clarabel
        import scipy.sparse

        ncol = len(self.columns)
        scale = max(abs(float(c)) for c in self.rhs if c != 0)
        data, ri, ci = [], [], []
        for r, row in enumerate(self.rows):
            for col, c in row.items():
                data.append(float(c))
                ri.append(r)
                ci.append(col)
        m = len(self.rows)
        b = [float(c) / scale for c in self.rhs]
        # PSD cones: s = svec(M_k) − t svec(I); off-diagonal entries scaled by √2 (Clarabel's svec)
        r = m
        cones = [clarabel.ZeroConeT(m)]
        for col, (k, i, j) in enumerate(self.columns):
            data.append(-1.0 if i == j else -numpy.sqrt(2.0))
            ri.append(r + col)
            ci.append(col)
            if i == j:
                data.append(1.0)
                ri.append(r + col)
                ci.append(ncol)
            b.append(0.0)
        for basis in self.bases:
            cones.append(clarabel.PSDTriangleConeT(len(basis)))
        data.append(1.0)  # t <= 1
        ri.append(r + ncol)
        ci.append(ncol)
        b.append(1.0)
        cones.append(clarabel.NonnegativeConeT(1))
        A = scipy.sparse.csc_matrix((data, (ri, ci)), shape=(r + ncol + 1, ncol + 1))
        q = numpy.zeros(ncol + 1)
        q[-1] = -1.0
        if seed is not None:
            # a small random linear objective picks another point of the optimal face
            rng = numpy.random.default_rng(seed)
            q[:-1] = _PERTURBATION * rng.standard_normal(ncol)
        P = scipy.sparse.csc_matrix((ncol + 1, ncol + 1))
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        settings.max_threads = 1
        if deadline != float("inf"):
            settings.time_limit = max(deadline - time.monotonic(), 0.01)
        solution = clarabel.DefaultSolver(P, q, A, numpy.array(b), cones, settings).solve()
        status = str(solution.status)
        x = numpy.array(solution.x)
        if status not in ("Solved", "AlmostSolved", "MaxIterations", "MaxTime", "InsufficientProgress") or \
                not numpy.all(numpy.isfinite(x)):
            return None, None, status
        return x[:-1] * scale, float(x[-1]), status

    # -- exact rounding -------------------------------------------------------------------
    def _normal_equations(self):
        """``(independent rows, A Aᵀ on them)``: the data of the orthogonal projection."""
        if self._normal is None:
            m = len(self.rows)
            by_column = {}
            for r, row in enumerate(self.rows):
                for col, c in row.items():
                    by_column.setdefault(col, []).append((r, c))
            gram = {}
            for entries in by_column.values():
                for r1, c1 in entries:
                    for r2, c2 in entries:
                        gram[(r1, r2)] = gram.get((r1, r2), flint.fmpq(0)) + c1 * c2
            diagonal = all(r1 == r2 for r1, r2 in gram)
            if diagonal:
                self._normal = ("diagonal", [gram.get((r, r), flint.fmpq(0)) for r in range(m)])
            else:
                M = flint.fmpq_mat(m, m)
                for (r1, r2), c in gram.items():
                    M[r1, r2] = c
                reduced, rank = M.rref()
                # the pivot columns of A Aᵀ are independent rows of A (A Aᵀ is a Gram matrix)
                pivots, col = [], 0
                for i in range(rank):
                    while reduced[i, col] == 0:
                        col += 1
                    pivots.append(col)
                sub = flint.fmpq_mat(rank, rank, [M[a, b] for a in pivots for b in pivots])
                self._normal = ("dense", pivots, sub)
        return self._normal

    def _project(self, values):
        """The exact orthogonal projection of ``values`` onto {A x = b}, or None if inconsistent."""
        residual = [sum((c * values[col] for col, c in row.items()), flint.fmpq(0)) - b
                    for row, b in zip(self.rows, self.rhs)]
        normal = self._normal_equations()
        values = list(values)
        if normal[0] == "diagonal":
            for row, res, d in zip(self.rows, residual, normal[1]):
                if res == 0:
                    continue
                if d == 0:
                    return None
                lam = res / d
                for col, c in row.items():
                    values[col] -= c * lam
            return values
        _, pivots, sub = normal
        lam = sub.solve(flint.fmpq_mat(len(pivots), 1, [residual[r] for r in pivots])) if pivots else None
        for t, r in enumerate(pivots):
            if lam[t, 0] != 0:
                for col, c in self.rows[r].items():
                    values[col] -= c * lam[t, 0]
        for row, b in zip(self.rows, self.rhs):  # the dropped rows must hold too
            if sum((c * values[col] for col, c in row.items()), flint.fmpq(0)) != b:
                return None
        return values

    def round(self, x, deadline):
        """Exact ``(c, q, k)`` terms from the float Gram entries ``x``, or None."""
        for D in _DENOMINATORS:
            if time.monotonic() > deadline:
                return None
            if D <= _BEST_APPROXIMATION:
                rounded = [Fraction(float(v)).limit_denominator(D) for v in x]
                values = [flint.fmpq(f.numerator, f.denominator) for f in rounded]
            else:
                values = [flint.fmpq(int(round(float(v) * D)), D) for v in x]
            projected = self._project(values)
            if projected is None:
                return None  # the equations are inconsistent: no Gram matrix exists
            terms = self._squares(projected, singular=D <= _BEST_APPROXIMATION)
            if terms is not None:
                return terms
        return None

    def _squares(self, values, singular=True):
        """``(c, q, k)`` from the exact Gram matrices, if all are positive semidefinite and the identity holds.

        Without ``singular``, a matrix whose float least eigenvalue is not clearly positive is
        refused before its exact LDLᵀ: a rounding with a large denominator is almost never exactly
        singular, so such a matrix would show a negative pivot, after seconds of exact elimination.
        """
        ctx = self.ctx
        approximations = [numpy.zeros((len(b), len(b))) for b in self.bases]
        for v, (k, i, j) in zip(values, self.columns):
            approximations[k][i, j] = approximations[k][j, i] = float(v)
        for G in approximations:
            slack = _FLOAT_SLACK * max(1.0, float(numpy.abs(G).max()))
            if len(G) and numpy.linalg.eigvalsh(G)[0] < (-slack if singular else slack):
                return None
        blocks = [[[flint.fmpq(0)] * len(b) for _ in b] for b in self.bases]
        for v, (k, i, j) in zip(values, self.columns):
            blocks[k][i][j] = blocks[k][j][i] = v
        terms = []
        for k, G in enumerate(blocks):
            N = len(G)
            if N == 0:
                continue
            M = flint.fmpq_mat(G)
            S, d = congruence_diagonalization(M)
            if any(x < 0 for x in d):
                return None
            # S G Sᵀ = diag(d), so G = Σ_{d_i ≠ 0} d_i l_i l_iᵀ with l_i = G s_iᵀ / d_i (the columns of
            # S⁻¹ that matter, without inverting S: an exact inverse costs seconds at N = 55)
            L = M * S.transpose()
            basis = self.bases[k]
            for i, di in enumerate(d):
                if di == 0:
                    continue
                q = ctx.constant(0)
                for j in range(N):
                    if L[j, i] != 0:
                        q += ctx.constant(L[j, i] / di) * basis[j]
                if q == 0:
                    continue
                lead = q.leading_coefficient()
                terms.append((di * lead * lead, q / lead, self.owners[k]))
        residual = self.R
        one = ctx.constant(1)
        for c, q, k in terms:
            g = one if k is None else self.multipliers[k]
            residual = residual - ctx.constant(c) * q * q * g
        if residual != 0:  # pragma: no cover - the projection makes the identity exact
            return None
        return tuple(terms)


def _facial_bases(ctx, blocks, owners, zeros, multipliers):
    """Per block, the basis polynomials vanishing at the zeros that bind it, and its monomials (None if reduced)."""
    bases, monomial_blocks = [], []
    for k, (_, basis) in enumerate(blocks):
        ordered = sorted(basis, key=lambda m: (sum(m), m))
        g = None if owners[k] is None else multipliers[owners[k]]
        binding = []
        for z in zeros:
            if any(gk(*z) < 0 for gk in multipliers):
                continue  # R(z) = 0 says nothing about the squares where a multiplier is negative
            if g is not None and g(*z) == 0:
                continue
            row = [_monomial_value(m, z) for m in ordered]
            if any(row):
                binding.append(row)
        if not binding:
            bases.append([ctx.from_dict({m: 1}) for m in ordered])
            monomial_blocks.append(ordered)
            continue
        _, null = solve_linear(flint.fmpq_mat(binding), [flint.fmpq(0)] * len(binding))
        bases.append([ctx.from_dict({m: c for m, c in zip(ordered, column) if c != 0}) for column in null])
        monomial_blocks.append(None)
    return bases, monomial_blocks


def _rational_rref(matrix, denominator=1000):
    """Rows of the reduced row echelon form of a float matrix, rationalised (partial pivoting)."""
    A = numpy.array(matrix, dtype=float)
    rows, cols = A.shape
    r = 0
    for c in range(cols):
        if r == rows:
            break
        p = r + int(numpy.argmax(numpy.abs(A[r:, c])))
        if abs(A[p, c]) < 1e-8:
            continue
        A[[r, p]] = A[[p, r]]
        A[r] /= A[r, c]
        for i in range(rows):
            if i != r:
                A[i] -= A[i, c] * A[r]
        r += 1
    result = []
    for row in A[:r]:
        fractions = [Fraction(float(v)).limit_denominator(denominator) for v in row]
        result.append([flint.fmpq(f.numerator, f.denominator) for f in fractions])
    return result


def _monomial_value(exponents, point):
    value = flint.fmpq(1)
    for x, e in zip(point, exponents):
        if e:
            value *= x ** e
    return value
