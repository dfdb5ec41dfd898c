"""Sums of squares: exact certificates that L - L0 (or L0 - L) is nonnegative, everywhere or on a region.

Pairs with the checker's ``_Checker.check_bound`` and ``_Checker.check_sos`` (an identity
``±(L - L0) = Σ c_k q_k²`` with ``c_k >= 0``, plus region multipliers on a piece) and
``_Checker.check_structural`` (the loss's own form, :func:`symlandscape.verify.structural_lower_bound`).

The engines are tried in the order of :data:`SOS_ENGINES`: the loss's own weighted
squares, a Gram matrix with an exact LDLᵀ, and a semidefinite program on Clarabel
(:mod:`symlandscape.sos`), rounded and checked exactly.  Where none holds everywhere, a
sum of squares with the multiplier r² − |θ − θ0|² may still prove a bound on a ball
(:func:`ball_bound`).  A new engine is one function
``engine(search, expression, polynomial, sense) -> terms or None`` added to that tuple.

>>> from symlandscape import Landscape
>>> L = Landscape.from_expression("x^2 - 2*x*y + 2*y^2", "x,y")
>>> _gram_sos(L.polynomial, L.variables, [flint.fmpq(0), flint.fmpq(0)])  # 2 (y - x/2)² + x²/2
[{'coefficient': '2', 'polynomial': 'y - x/2'}, {'coefficient': '1/2', 'polynomial': 'x'}]
"""

from __future__ import annotations

import itertools

import flint
import numpy
import sympy

from .. import sos as sos_engine
from ..deep_linear import DeepLinearLandscape
from ..polynomial import NotPolynomial, to_mpoly
from ..verify import structural_lower_bound
from .congruence import Congruence
from .scalars import _poly_text, _sign, _sub, _sympy, _text

# Candidate Gram bases larger than this are not pruned (the search gives up at once).
_BASIS_LIMIT = 300
# Gram-matrix sums of squares are attempted up to this many monomials.
_GRAM_SIZE = 40
# Sums of squares and numeric witness searches are attempted up to this many parameters.
_SEARCH_SIZE = 40
# The generic semidefinite sum-of-squares search runs up to this many parameters and
# this many basis monomials.
_SDP_SIZE = 8
_SDP_BASIS = 30
# Sums of squares on a ball (local minima and maxima) are attempted up to this many parameters
# and Gram blocks of this many monomials.
_LOCAL_SIZE = 6
_LOCAL_BASIS = 30
# At a kink every adjacent piece needs its own identity, with its constraints as multipliers:
# smaller problems, so that the exact rounding stays quick (it is not interruptible).
_LOCAL_PIECE_SIZE = 3
_LOCAL_PIECE_BASIS = 20


# ---------------------------------------------------------------------------------------
# the search's certificates: a local bound, per piece at a kink


def bound(search, sense):
    """A lower (upper) bound certificate valid everywhere or on each adjacent region: sums of squares,
    the loss's own form, or (deep linear networks) the Eckart–Young optimum; or None."""
    # a deep linear network's global minimum is settled by its Eckart–Young optimum in
    # milliseconds, before any semidefinite program
    found = eckart_young_bound(search) if sense == "lower" else None
    if found is None:
        found = sos_bound(search, sense)
    if found is None and sense == "lower":
        found = structural_bound(search)
    return found


def eckart_young_bound(search):
    """The Eckart–Young optimum of a deep linear network, equal to the value here: a global minimum.

    It decides the global minima through a bottleneck (narrowest width below d_y), where no
    low-degree sum of squares exists (:mod:`symlandscape.eckart_young`).
    """
    if not isinstance(search.L, DeepLinearLandscape):
        return None
    from .. import eckart_young

    found = eckart_young.certificate(search.L, search.pt)
    if found is not None:
        search.notes.append(f"Every end-to-end product has rank at most the narrowest width, and the least value "
                            f"over such products is {found['bound']} (Eckart–Young–Mirsky), the value here.")
    return found


def ball_bound(search, sense):
    """``±(L − L0) = σ0 + σ1 (r² − |θ − θ0|²)``: a minimum (maximum) on a ball only, or None.

    For a smooth polynomial loss of at most ``_LOCAL_SIZE`` parameters, after the bounds
    valid everywhere and the curves have failed (``x² + y⁴ − y⁵`` at 0 is a minimum on the
    unit ball, not a global one).
    """
    L = search.L
    if L.is_piecewise and L.rational_valued and search.n <= _LOCAL_PIECE_SIZE:
        return _ball_on_pieces(search, sense)
    if L.is_piecewise or not L.rational_valued or not hasattr(L, "polynomial") or search.n > _LOCAL_SIZE:
        return None
    attempt = sos_engine.local_attempt(L.polynomial, search.pt, sense=sense, variables=[str(v) for v in L.variables],
                                       max_basis=_LOCAL_BASIS, time_limit=None, seed=search.seed)
    if attempt.found is None:
        search.notes.append(f"No sum of squares on a ball around the point ({'lower' if sense == 'lower' else 'upper'}"
                            f" bound; seed={search.seed}): {attempt.reason}.")
        return None
    r2 = attempt.found["region"]["ball"]
    search.notes.append(f"A sum of squares with the multiplier r² − |θ − θ0|², r² = {r2}, proves "
                        f"L {'>=' if sense == 'lower' else '<='} L(θ0) on that ball (Clarabel in floats, exact "
                        f"rounding and check; seed={search.seed}).")
    return attempt.found


def _ball_on_pieces(search, sense):
    """At a kink: for every adjacent piece P, ``±(L_P − L0) = σ0 + Σ σ_k g_k + σ (r² − |θ − θ0|²)`` with the
    piece's active constraints g_k >= 0; the pieces cover a neighbourhood of θ0, so a local bound.

    ``abs(x) + abs(y) - x*y`` at 0: on the quadrant x, y >= 0 the piece x + y - xy needs the
    ball (it is negative at (2, 2)).
    """
    names = [str(v) for v in search.L.variables]
    index = {v: i for i, v in enumerate(search.L.variables)}
    blocks = []
    for piece in search.L.pieces(search.pt):
        if not hasattr(piece.landscape, "polynomial"):
            return None
        polynomial = piece.landscape.polynomial
        ctx = polynomial.context()
        active = []
        for k, g in enumerate(piece.constraints):
            try:
                g = to_mpoly(g, ctx, index)
            except NotPolynomial:
                continue
            if g(*search.pt) == 0:
                active.append((k, g))
        R = excess(search, polynomial, sense)
        shift = sum(((x - ctx.constant(c)) ** 2 for x, c in zip(ctx.gens(), search.pt)), ctx.constant(0))
        top = int(max([R.total_degree()] + [g.total_degree() for _, g in active] + [2]))
        top += top % 2
        found = None
        for r2 in (flint.fmpq(1), flint.fmpq(1, 4), flint.fmpq(1, 16)):
            for degree in (top, top + 2):
                found = sos_engine.decompose(R, multipliers=[g for _, g in active] + [ctx.constant(r2) - shift],
                                             degree=degree, zeros=[search.pt], max_basis=_LOCAL_PIECE_BASIS,
                                             time_limit=None, seed=search.seed)
                if found is not None:
                    break
            if found is not None:
                break
        if found is None:
            search.notes.append(f"No sum of squares on a ball was found on the piece {', '.join(piece.pattern)}.")
            return None
        # the certificate's constraint numbers: the piece's own, then the ball after them
        numbers = [k for k, _ in active] + [len(piece.constraints)]
        terms = []
        for c, q, k in found.terms:
            term = {"coefficient": _text(c), "polynomial": sos_engine.polynomial_text(q, names)}
            if k is not None:
                term["constraint"] = numbers[k]
            terms.append(term)
        blocks.append({"type": "sos", "region": {"pattern": list(piece.branches), "ball": _text(r2)},
                       "sense": sense, "terms": terms})
    search.notes.append("On every adjacent piece a sum of squares with the piece's constraints and the multiplier "
                        f"r² − |θ − θ0|² as multipliers (Clarabel in floats, exact rounding and check; "
                        f"seed={search.seed}) bounds the loss near the point.")
    return {"type": "pieces", "pieces": blocks}


def structural_bound(search):
    """The loss is K plus terms nonnegative by their form, with value K here: a minimum everywhere.

    Tried after the sums of squares (whose certificates say more, e.g. per piece): it
    decides a hinge or ReLU network at an exact fit, on a kink or not, at any size.
    """
    K = structural_lower_bound(search.L.expression, search.L.variables)
    if K is not None and _sign(_sub(search.value, K)) == 0:
        return {"type": "structural_lower_bound", "bound": _text(K)}
    return None


def sos_bound(search, sense):
    """A local lower (upper) bound certificate by sums of squares, or None."""
    L = search.L
    if not L.rational_valued or search.n > _SEARCH_SIZE:
        search.notes.append("No sum-of-squares search: it needs a rational-valued polynomial loss"
                            + (f" of at most {_SEARCH_SIZE} parameters." if L.rational_valued else "."))
        return None
    if not L.is_piecewise:
        if not hasattr(L, "polynomial"):
            search.notes.append("No sum-of-squares search: the loss is not a polynomial.")
            return None
        terms = sos(search, L.expression, L.polynomial, sense)
        if terms is None and sense == "lower" and isinstance(L, DeepLinearLandscape):
            terms = deep_linear_sos(search)
        if terms is None:
            search.notes.append(f"No {'lower' if sense == 'lower' else 'upper'} sum of squares was found "
                                "(the loss's own squares, a Gram matrix, a semidefinite program).")
            return None
        return {"type": "sos", "region": "everywhere", "sense": sense, "terms": terms}
    blocks = []
    for piece in L.pieces(search.pt):
        if not hasattr(piece.landscape, "polynomial"):
            return None
        terms = sos(search, piece.landscape.expression, piece.landscape.polynomial, sense)
        if terms is None:
            terms = sos_on_region(search, piece, sense)
        if terms is None:
            search.notes.append(f"No {'lower' if sense == 'lower' else 'upper'} sum of squares was found "
                                f"on the piece {', '.join(piece.pattern)}.")
            return None
        blocks.append({"type": "sos", "region": {"pattern": list(piece.branches)}, "sense": sense,
                       "terms": terms})
    return {"type": "pieces", "pieces": blocks}


def sos(search, expression, polynomial, sense):
    """Terms ``[{"coefficient", "polynomial"}]`` of a sum of squares of ``±(L - L0)`` valid everywhere, or None.

    The first engine of :data:`SOS_ENGINES` that finds one answers; the answer is kept, so the
    global step does not repeat a search the local one has made.
    """
    key = (sense, expression)
    if key not in search.sums_of_squares:
        search.sums_of_squares[key] = next(
            (terms for terms in (engine(search, expression, polynomial, sense) for engine in SOS_ENGINES)
             if terms is not None), None)
    return search.sums_of_squares[key]


def excess(search, polynomial, sense):
    """``L - L0`` (``sense`` lower) or ``L0 - L`` as a polynomial."""
    ctx = polynomial.context()
    return polynomial - ctx.constant(search.value) if sense == "lower" else ctx.constant(search.value) - polynomial


def sos_on_region(search, piece, sense):
    """``±(L_P - L0) = Σ λ_k g_k + Σ d_i q_i²`` with the piece's constraints g_k >= 0, λ_k >= 0.

    The multipliers are the KKT multipliers of the active constraints at θ0 (so that the
    remainder has no linear part there), or, for up to three active constraints, small
    constants; the remainder must then be a Gram sum of squares.
    """
    polynomial = piece.landscape.polynomial
    ctx = polynomial.context()
    index = {v: i for i, v in enumerate(search.L.variables)}
    constraints = []
    for k, g in enumerate(piece.constraints):
        try:
            constraints.append((k, to_mpoly(g, ctx, index)))
        except NotPolynomial:
            continue
    active = [(k, g) for k, g in constraints if g(*search.pt) == 0]
    if not active:
        return None
    R = excess(search, polynomial, sense)
    gradient = [R.derivative(i)(*search.pt) for i in range(search.n)]
    normals = [[g.derivative(i)(*search.pt) for i in range(search.n)] for _, g in active]
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
        terms = _gram_sos(remainder, search.L.variables, search.pt)
        if terms is not None:
            return terms + [{"coefficient": _text(w), "polynomial": "1", "constraint": k}
                            for w, (k, _) in zip(weights, active) if w != 0]
    return None


def deep_linear_sos(search):
    """``L - L0`` as a sum of squares in the factors through the narrowest hidden layer.

    With k the narrowest hidden layer (width p), ``L = F(A, B) = s ||A B X - Y||²`` for
    ``A = W_{H+1}⋯W_{k+1}`` and ``B = W_k⋯W_1``; every point of the orbit
    ``(A C⁻¹, C B)``, C invertible, has the same value, which the semidefinite program
    uses as known zeros.  A sum of squares in (A, B) is one in the weights.
    """
    L = search.L
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
    values = [sympy.Matrix(M) for M in L.matrices(search.pt)]

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
    R = ctx.constant(s) * F - ctx.constant(search.value)

    def flat(Am, Bm):
        return tuple(flint.fmpq(int(e.p), int(e.q)) for e in list(Am) + list(Bm))

    zeros = [flat(A0, B0)]
    rng = numpy.random.default_rng(search.seed)
    while len(zeros) < 2 * p * p + 6:
        C = sympy.Matrix(p, p, [int(x) for x in rng.integers(-2, 3, size=p * p)])
        if C.det() != 0:
            zeros.append(flat(A0 * C.inv(), C * B0))
    if any(R(*z) != 0 for z in zeros):  # pragma: no cover - the orbit keeps the value
        return None
    decomposition = sos_engine.decompose(R, zeros=zeros, max_basis=48, time_limit=None, seed=search.seed)
    if decomposition is None:
        return None
    found = [(c, q) for c, q, _ in decomposition.terms]
    substitution = {sympy.Symbol(name): value for name, value in zip(names, list(A_sym) + list(B_sym))}
    search.notes.append(f"The sum of squares is found in the factors A = W_{{H+1}}⋯W_{k + 1}, B = W_{k}⋯W_1 "
                        f"through the narrowest hidden layer (width {p}) by a semidefinite program whose "
                        f"known zeros are the orbit (A C⁻¹, C B) (seed={search.seed}), rounded and checked exactly.")
    return [{"coefficient": _text(d),
             "polynomial": _poly_text(_mpoly_expr(q, [sympy.Symbol(n) for n in names]).xreplace(substitution))}
            for d, q in found]


# ---------------------------------------------------------------------------------------
# the engines: each ``engine(search, expression, polynomial, sense) -> terms or None``


def structural_engine(search, expression, polynomial, sense):
    """The loss's own weighted squares (:func:`_structural_sos`)."""
    return _structural_sos(expression, polynomial, search.L.variables, search.pt, search.value, sense)


def gram_engine(search, expression, polynomial, sense):
    """A Gram matrix read off the coefficients, with an exact LDLᵀ (:func:`_gram_sos`)."""
    return _gram_sos(excess(search, polynomial, sense), search.L.variables, search.pt)


def sdp_engine(search, expression, polynomial, sense):
    """A semidefinite program on Clarabel, rounded and checked exactly (:mod:`symlandscape.sos`).

    Up to ``_SDP_SIZE`` parameters and Gram blocks of ``_SDP_BASIS`` monomials; no wall clock
    (the sizes bound the work), so that the verdict does not depend on the machine.
    """
    if search.n > _SDP_SIZE:
        return None
    found = sos_engine.attempt(excess(search, polynomial, sense), zeros=[search.pt], max_basis=_SDP_BASIS,
                               time_limit=None, seed=search.seed).found
    if found is None:
        return None
    search.notes.append("The sum of squares comes from a semidefinite program (Clarabel in floats, exact "
                        f"rounding and projection, exact check; seed={search.seed}).")
    return found.certificate_terms([str(v) for v in search.L.variables])


#: The sum-of-squares engines :func:`sos` tries, in order (cheapest and most specific first).
SOS_ENGINES = (structural_engine, gram_engine, sdp_engine)


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
    congruence = Congruence(flint.fmpq_mat(G))
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


def _mpoly_expr(q, symbols):
    """An ``fmpq_mpoly`` as a SymPy expression in ``symbols`` (its generators, in order)."""
    return sympy.Add(*[sympy.Rational(int(c.p), int(c.q)) * sympy.Mul(*[s ** e for s, e in zip(symbols, exponents)])
                       for exponents, c in ((e, flint.fmpq(c)) for e, c in q.to_dict().items())])


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
