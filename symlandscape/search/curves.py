"""Descent and ascent curves: lines, path directions, parabolas and curves solved order by order.

Pairs with the checker's ``_Checker.check_curve``: a curve θ0 + Σ_k t^k d_k, its Taylor
coefficients up to twice the first nonzero order, each checked exactly.  Lines come first
(kernel combinations of the Hessian, path directions through the layers of a deep linear
network, axes and gradients at a kink), then parabolas whose t⁴ coefficient is optimised
exactly, then curves solved order by order (Newton–Puiseux, rational coefficients).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import flint
import numpy

from ..deep_linear import DeepLinearLandscape
from ..errors import SymlandscapeError
from ..landscape import MAX_ORDER
from .congruence import kernel
from .scalars import _GRAMMAR_FUNCTIONS, _exact, _primitive, _sign, _text

# Kernel dimensions up to which every {-1, 0, 1} combination of the basis is tried.
_FULL_COMBINATIONS = 6
# Seeded random directions tried when the systematic ones run out.
_RANDOM_DIRECTIONS = 48
# Lines tried on landscapes with exp, log, tanh or sigmoid, whose Taylor expansions are
# SymPy series (orders of magnitude dearer than polynomial ones).
_TRANSCENDENTAL_LINES = 16
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
# Smooth polynomial landscapes up to this many parameters are expanded around the point
# for the line search.
_EXPAND_SIZE = 16


def curves(search, wanted):
    """Descent (-1) and ascent (+1) curve certificates found, by sign."""
    found = {}
    tried = 0
    if search.congruence is not None:
        for sign in wanted:
            rows = search.congruence.rows_with_sign(sign)
            if rows and all(isinstance(x, flint.fmpq) for x in rows[0]):
                found[sign] = curve_certificate(search, [_primitive(rows[0])])
    one_sided = search.L.is_piecewise
    parts = homogeneous_parts(search)
    # with the expansion in hand, a line's coefficients are exact up to the loss's degree:
    # y² - x¹⁴ needs order 14 (capped so that the certificate's 2k coefficients stay in bounds)
    line_order = max(search.max_order, min(max(parts, default=0), MAX_ORDER // 2)) if parts else search.max_order
    unresolved = None
    limit = _TRANSCENDENTAL_LINES if transcendental(search) else None
    for d in directions(search):
        if wanted <= set(found) or tried == limit:
            break
        tried += 1
        if parts is not None:
            # L(θ0 + t d) - L0 = Σ_j T_j(d) t^j with T_j the degree-j part of L(θ0 + h) - L0
            coefficients = [flint.fmpq(0)] + [parts[j](*d) if j in parts else flint.fmpq(0)
                                              for j in range(1, line_order + 1)]
        else:
            try:
                coefficients = series(search, [d], search.max_order)
            except SymlandscapeError as exc:  # e.g. a kink the landscape cannot resolve along d
                unresolved = exc
                continue
        k = next((j for j in range(1, len(coefficients)) if _sign(coefficients[j])), None)
        if k is None:
            continue
        s = _sign(coefficients[k])
        if s in wanted and s not in found:
            found[s] = curve_certificate(search, [d], leading=k)
        if not one_sided and k % 2 and -s in wanted and -s not in found:
            found[-s] = curve_certificate(search, [[-x for x in d]], leading=k)
    search.notes.append(f"Lines tried: {tried} direction{'' if tried == 1 else 's'} up to Taylor order {line_order}"
                        + (" (one-sided, t -> 0+)" if one_sided else "")
                        + (f", at most {limit} on a landscape with exp, log, tanh or sigmoid" if limit else "") + "."
                        + (f" The landscape could not expand along some of them ({unresolved})." if unresolved else ""))
    if not wanted <= set(found) and search.congruence is not None and isinstance(search.hessian, flint.fmpq_mat):
        for sign in wanted - set(found):
            curve = parabola(search, sign)
            if curve is not None:
                found[sign] = curve
    if not wanted <= set(found) and parts is not None:
        for sign in wanted - set(found):
            curve = higher_order_curve(search, sign)
            if curve is not None:
                found[sign] = curve
    return found


def higher_order_curve(search, sign):
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
    parts = homogeneous_parts(search)
    ctx = next(iter(parts.values())).context() if parts else None
    if ctx is None:
        return None
    R = sum(parts.values(), ctx.constant(0))
    if len(R) > _CURVE_TERMS or max(parts) > _CURVE_DEGREE:
        # each trial composes R with a curve of degree up to max_order: keep it small
        search.notes.append(f"No curves solved order by order: the expansion has {len(R)} terms of degree up to "
                            f"{max(parts)} (at most {_CURVE_TERMS} terms of degree {_CURVE_DEGREE} are tried).")
        return None
    n = search.n
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
    stack = [[list(d)] for d in itertools.islice(directions(search), _CURVE_STARTS)][::-1]
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
            return _finish_curve(search, curve, sign, m)
        extensions = []
        for j in range(1, min(m, search.max_order) + 1):  # a term beyond t^m cannot change c_m
            for i in range(n):
                steps += 1
                if steps > _CURVE_STEPS:
                    return _curve_note(search, sign, steps)
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
                        return _finish_curve(search, _add_term(curve, j, i, value, n), sign, m)
                for value in _rational_roots(at_m):
                    if value != 0 and (roots is None or value in roots):
                        candidate = _add_term(curve, j, i, value, n)
                        if any(any(d) for d in candidate) and len(candidate) <= search.max_order:
                            extensions.append(candidate)
        stack.extend(reversed(extensions))
    return _curve_note(search, sign, steps)


def _finish_curve(search, curve, sign, order):
    while curve and not any(curve[-1]):
        curve = curve[:-1]
    search.notes.append(f"A {'descent' if sign < 0 else 'ascent'} curve of degree {len(curve)} in t and order "
                        f"{order} was solved order by order (Newton–Puiseux, rational coefficients).")
    return curve_certificate(search, curve, leading=order)


def _curve_note(search, sign, steps):
    search.notes.append(f"Curves solved order by order (Newton–Puiseux, rational coefficients, degree at most "
                        f"{search.max_order} in t): no {'descent' if sign < 0 else 'ascent'} in {steps} trial terms.")
    return None


def transcendental(search):
    """True for a landscape with exp, log, tanh or sigmoid (its line search is limited)."""
    if "transcendental" not in search.cache:
        search.cache["transcendental"] = not isinstance(search.L, DeepLinearLandscape) and bool(
            search.L.expression.has(*_GRAMMAR_FUNCTIONS))
    return search.cache["transcendental"]


def homogeneous_parts(search):
    """Degree -> homogeneous part of L(θ0 + h) - L0, for small smooth polynomial landscapes, else None.

    Evaluating T_j(d) is much cheaper than a Taylor expansion along each candidate line.
    """
    if "parts" in search.cache:
        return search.cache["parts"]
    L = search.L
    search.cache["parts"] = None
    # the size test first: hasattr forms the expansion, a million terms for 192 deep linear weights
    if L.is_piecewise or search.n > _EXPAND_SIZE or not hasattr(L, "polynomial"):
        return None
    P = L.polynomial
    ctx = P.context()
    gens = ctx.gens()
    shifted = P.compose(*[g + ctx.constant(p) for g, p in zip(gens, search.pt)]) if search.n else P
    parts = {}
    for exponents, c in shifted.to_dict().items():
        degree = sum(exponents)
        if degree:
            parts.setdefault(degree, {})[exponents] = c
    search.cache["parts"] = {j: ctx.from_dict(terms) for j, terms in parts.items()}
    return search.cache["parts"]


def series(search, curve, order):
    """Coefficients c_0.. of L(θ0 + Σ_k t^k curve[k-1]) up to ``order``, or fewer: up to the first nonzero one.

    For landscapes expanded by SymPy series (exp, log, tanh, sigmoid) the cost grows fast
    with the order, so orders 4 and 8 are tried first; the first nonzero coefficient and
    its sign are the same either way.
    """
    curve = [search.pt, *map(tuple, curve)]
    symbolic = not search.L.is_piecewise and not search.L.rational_valued
    for step in ((4, 8) if symbolic else ()) + (order,):
        coefficients = [_exact(c) for c in search.L._along(curve, min(step, order))]
        if step >= order or any(_sign(c) for c in coefficients[1:]):
            return coefficients
    return coefficients  # pragma: no cover - the loop always returns at step == order


def curve_certificate(search, curve, order=None, *, leading=None):
    """The ``curve`` certificate: coefficients up to twice the leading order (each one is checked).

    ``leading``, when the caller already knows it, is the first nonzero Taylor order.
    """
    curve = [list(map(flint.fmpq, d)) for d in curve]
    order = max(search.max_order, order or 0)
    if leading is not None:
        order = min(2 * leading, MAX_ORDER)
    coefficients = series(search, curve, order)
    k = next(j for j in range(1, len(coefficients)) if _sign(coefficients[j]))
    top = min(2 * k, MAX_ORDER)
    if len(coefficients) <= top:
        coefficients = [_exact(c) for c in search.L._along([search.pt, *map(tuple, curve)], top)]
    return {"type": "curve", "curve": [[_text(x) for x in d] for d in curve], "order": k,
            "coefficients": [_text(c) for c in coefficients[:top + 1]]}


def directions(search):
    """Candidate line directions: kernel combinations (smooth) or axes and more (kinks)."""
    rng = numpy.random.default_rng(search.seed)
    seen = set()

    def fresh(d):
        d = tuple(flint.fmpq(x) for x in d)
        key = tuple(int(x.p) for x in _primitive(d)) if any(d) else None
        if key is None or key in seen:
            return None
        seen.add(key)
        return list(d)

    if search.congruence is not None:
        basis = kernel(search)
        m = len(basis)
        if m == 0:
            return
        for d in path_directions(search):
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
            d = [sum((c * b[i] for c, b in zip(a, basis) if c), flint.fmpq(0)) for i in range(search.n)]
            d = fresh(d)
            if d is not None:
                yield d
        return
    # at a kink: axes, pairs of axes, the pieces' gradients, random integer vectors
    n = search.n
    candidates = []
    for i in range(n):
        for s in (1, -1):
            candidates.append([s * int(j == i) for j in range(n)])
    for i in range(n):
        for j in range(i + 1, n):
            for s, t in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                candidates.append([s * int(k == i) + t * int(k == j) for k in range(n)])
    for piece in search.pieces or search.L.pieces(search.pt):
        g = [_exact(x) for x in piece.landscape._gradient(search.pt)]
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


def path_directions(search):
    """Kernel directions of a deep linear network with one unit entry per weight matrix.

    The loss depends on the weights through W_{H+1}⋯W_1, which is multilinear in the
    blocks: a line that leaves one block at θ0 moves the product only through the
    others, and at zero weights every term of order below H + 1 vanishes.  A path
    a_0 → a_1 → … → a_{H+1} through the layers (entry (a_k, a_{k-1}) of W_k set to 1,
    and the same with the last entry -1) moves the product along e_{a_{H+1}} e_{a_0}ᵀ,
    which no line supported on fewer blocks reaches.  Only paths in the kernel of the
    Hessian are kept, at most ``_PATHS``.
    """
    L = search.L
    if not isinstance(L, DeepLinearLandscape) or not isinstance(search.hessian, flint.fmpq_mat):
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
                d = [flint.fmpq(0)] * search.n
                for k, (rows, cols) in enumerate(L.shapes):
                    d[offsets[k] + path[k + 1] * cols + path[k]] = flint.fmpq(1)
                product = search.hessian * flint.fmpq_mat(search.n, 1, d)
                if any(product.entries()):
                    continue
                kept += 1
                yield d
                d = list(d)
                d[offsets[-1] + path[-1] * L.shapes[-1][1] + path[-2]] = flint.fmpq(-1)
                yield d


def parabola(search, sign):
    """θ0 + t d1 + t² d2 with the t⁴ coefficient, a quadratic in d2, optimised exactly.

    For d1 in the kernel of H with vanishing t³ term, the t⁴ coefficient of
    L(θ0 + t d1 + t² d2) is q(d2) = ½ d2ᵀ H d2 + bᵀ d2 + T4 (b = ½ D³L[d1, d1, ·]).
    If b has a component along the kernel, q is unbounded in the wanted direction;
    otherwise its extreme value T4 + ½ bᵀx at H x = -b decides.
    """
    H = search.hessian
    n = search.n
    S = flint.fmpq_mat(n, n, [e for row in search.congruence.rows for e in row])
    d = search.congruence.d
    parts = homogeneous_parts(search)
    cubic_gradient = None
    if parts is not None:
        # with L(θ0 + h) - L0 = Σ T_j(h): the t⁴ coefficient is T2(d2) + ∇T3(d1)·d2 + T4(d1)
        cubic = parts.get(3)
        cubic_gradient = [cubic.derivative(i) for i in range(n)] if cubic is not None else None
    tried = 0
    for d1 in directions(search):
        if tried >= _PARABOLAS:
            break
        if parts is not None:
            line = [flint.fmpq(0)] + [parts[j](*d1) if j in parts else flint.fmpq(0) for j in (1, 2, 3, 4)]
        else:
            line = [_exact(c) for c in search.L._along([search.pt, tuple(d1)], 4)]
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
                c4 = _exact(search.L._along([search.pt, tuple(d1), e], 4)[4])
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
        coefficients = [_exact(c) for c in search.L._along([search.pt, tuple(d1), tuple(d2)], 4)]
        if not any(_sign(c) for c in coefficients[1:4]) and _sign(coefficients[4]) == sign:
            search.notes.append(f"Parabolic curves θ0 + t d1 + t² d2 tried for {tried} kernel directions d1; "
                                f"one gives a {'descent' if sign < 0 else 'ascent'} at order 4.")
            return curve_certificate(search, [d1, d2], leading=4)
    search.notes.append(f"Parabolic curves θ0 + t d1 + t² d2 (t⁴ coefficient optimised exactly over d2) "
                        f"tried for {tried} kernel directions d1: no {'descent' if sign < 0 else 'ascent'}.")
    return None


# ---------------------------------------------------------------------------------------
# univariate helpers of the order-by-order solving


def _univariate(coefficients):
    """A univariate ``fmpq_poly`` from ``{exponent: coefficient}``."""
    if not coefficients:
        return flint.fmpq_poly([0])
    top = max(coefficients)
    return flint.fmpq_poly([coefficients.get(k, flint.fmpq(0)) for k in range(top + 1)])


def _rational_roots(p):
    """The distinct rational roots of the ``fmpq_poly`` p (empty for the zero polynomial), sorted.

    >>> [str(r) for r in _rational_roots(flint.fmpq_poly([-1, 0, 4]))]
    ['-1/2', '1/2']
    """
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
