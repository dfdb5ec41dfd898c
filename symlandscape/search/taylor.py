"""Local minima and maxima of smooth transcendental losses by Taylor models.

Pairs with :mod:`symlandscape.taylor_check`.  For orders k = 3..8 and radii r = 1/2, 1/8,
1/32, 1/128: the exact Taylor polynomial Q of order k at the point and a rational bound M of
the order-(k+1) remainder on the box of half-width r come from the kernel's public functions
(:func:`~symlandscape.taylor_check.taylor_polynomial`,
:func:`~symlandscape.taylor_check.remainder_bound`); the target
T = ±(Q − L0) − M |θ − θ0|^{2j}, j = ⌊(k+1)/2⌋, is screened at seeded sample points of the
ball (floats, a filter only), and a ball sum of squares T = σ0 + σ1 (r² − |θ − θ0|²) is
sought with :func:`symlandscape.sos.local_attempt` (Clarabel, exact rounding and check).
The first that holds is the certificate: ``±(L − L0) >= 0`` on the ball of radius r.
"""

from __future__ import annotations

import flint

from .. import jets, sos as sos_engine, taylor_check
from ..errors import SymlandscapeError

# Orders and radii tried, in this order (a small radius shrinks the remainder bound).
_ORDERS = range(3, taylor_check.MAX_ORDER + 1)
_RADII = (flint.fmpq(1, 2), flint.fmpq(1, 8), flint.fmpq(1, 32), flint.fmpq(1, 128))
# Taylor models are attempted up to this many parameters, with Gram blocks of this many monomials.
_TAYLOR_SIZE = 4
_TAYLOR_BASIS = 30
# Seeded sample points of the ball at which the target must be nonnegative before an SDP is tried.
_SAMPLES = 256


def taylor_bound(search, sense):
    """A ``taylor_model`` certificate of a local minimum (``sense`` lower) or maximum (upper), or None."""
    L = search.L
    expr = getattr(L, "expression", None)
    if L.is_piecewise or expr is None or search.n > _TAYLOR_SIZE or jets.is_polynomial(expr):
        return None
    names = [str(v) for v in L.variables]
    pt = [flint.fmpq(v) if not isinstance(v, flint.fmpq) else v for v in search.pt]
    ctx = flint.fmpq_mpoly_ctx.get(tuple(names), "lex")
    h = [x - ctx.constant(c) for x, c in zip(ctx.gens(), pt)]
    squared = sum((hi * hi for hi in h), ctx.constant(0))
    tried = []
    for k in _ORDERS:
        try:
            coefficients = taylor_check.taylor_polynomial(expr, L.variables, pt, k)
        except SymlandscapeError as exc:
            search.notes.append(f"No Taylor model: {exc}.")
            return None
        Q = taylor_check.taylor_part(coefficients, pt, ctx)
        j = (k + 1) // 2
        for r in _RADII:
            # the remainder only lowers the target: a Taylor polynomial already negative in the ball
            # needs no enclosure (the costly step at order 8 with several parameters)
            if not _nonnegative_at_samples(Q if sense == "lower" else -Q, pt, r, search.seed):
                tried.append(f"k={k}, r={r}: the Taylor polynomial is negative at a sample point")
                continue
            try:
                M = _round_up(taylor_check.remainder_bound(expr, L.variables, pt, k, r))
            except SymlandscapeError as exc:
                tried.append(f"k={k}, r={r}: {exc}")
                continue
            target = (Q if sense == "lower" else -Q) - ctx.constant(M) * squared ** j
            if not _nonnegative_at_samples(target, pt, r, search.seed):
                tried.append(f"k={k}, r={r}: negative at a sample point (M={M})")
                continue
            attempt = sos_engine.local_attempt(target, pt, sense="lower", radius2=r * r, variables=names,
                                               max_basis=_TAYLOR_BASIS, time_limit=None, seed=search.seed)
            if attempt.found is None:
                tried.append(f"k={k}, r={r}: {attempt.reason}")
                continue
            found = dict(attempt.found, sense=sense)
            search.notes.append(
                f"A Taylor model of order {k} on the ball of radius {r} proves "
                f"L {'>=' if sense == 'lower' else '<='} L(θ0) there: the remainder is at most "
                f"{M}·|θ − θ0|^{2 * j} (arb enclosure on the box), and a sum of squares with the multiplier "
                f"r² − |θ − θ0|² bounds the rest (Clarabel in floats, exact rounding and check; seed={search.seed}).")
            return {"type": "taylor_model", "order": k, "radius": str(r), "bound": str(M), "certificate": found}
    search.notes.append(f"No Taylor model ({'lower' if sense == 'lower' else 'upper'} bound; seed={search.seed}) "
                        f"for orders {_ORDERS.start}..{_ORDERS.stop - 1}: " + "; ".join(tried[-3:]) + ".")
    return None


def _round_up(b):
    """A rational >= ``b`` >= 0 with about 7 significant bits (short numbers for the SDP and the text).

    >>> _round_up(flint.fmpq(1, 3))
    43/128
    """
    if b <= 0:
        return flint.fmpq(0)
    shift = 7 - (b.p.bit_length() - b.q.bit_length())
    scaled = b * flint.fmpq(2) ** shift if shift >= 0 else b / flint.fmpq(2) ** (-shift)
    top = -((-scaled.p) // scaled.q)
    return flint.fmpq(top) / flint.fmpq(2) ** shift if shift >= 0 else flint.fmpq(top) * flint.fmpq(2) ** (-shift)


def _nonnegative_at_samples(target, pt, r, seed):
    """The target is >= 0 (up to float rounding) at seeded samples of the ball: a screen, not a proof."""
    import numpy

    rng = numpy.random.default_rng(seed)
    n = len(pt)
    terms = target.to_dict()
    if not terms:
        return True
    exponents = numpy.array(list(terms), dtype=float)
    coefficients = numpy.array([float(c) for c in terms.values()])
    directions = rng.standard_normal((_SAMPLES, n))
    directions /= numpy.linalg.norm(directions, axis=1, keepdims=True)
    radii = float(r) * rng.random(_SAMPLES) ** (1.0 / n)
    # along each coordinate axis too: degenerate minima are often thinnest there
    axes = numpy.vstack([numpy.eye(n), -numpy.eye(n)])
    steps = float(r) * numpy.array([1.0, 0.5, 0.25, 0.1, 0.01])
    points = numpy.vstack([directions * radii[:, None]] + [axes * s for s in steps])
    points = points + numpy.array([float(v) for v in pt])
    values = numpy.prod(points[:, None, :] ** exponents[None, :, :], axis=2) @ coefficients
    scale = numpy.abs(numpy.prod(points[:, None, :] ** exponents[None, :, :], axis=2)) @ numpy.abs(coefficients)
    return bool(numpy.all(values >= -1e-12 * (1 + scale)))
