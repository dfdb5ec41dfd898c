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
   decomposition; a semidefinite program on Clarabel, rounded and checked exactly, with
   the known zeros of the loss as facial constraints — for deep linear networks in the
   factors through the narrowest layer), one per adjacent piece at a kink, where the
   piece's region constraints may enter as multipliers, and, failing those, the loss's
   own form (a constant plus terms nonnegative by their form, equal to the value:
   :func:`symlandscape.verify.structural_lower_bound`) or, for a deep linear network, the
   Eckart–Young optimum (:mod:`symlandscape.eckart_young`); descent and ascent curves from
   lines in the kernel of the Hessian (path directions through the layers of a deep linear
   network, then small integer combinations of a kernel basis; Taylor order up to
   ``max_order``, or up to the degree of a polynomial loss whose expansion is in hand),
   parabolas θ0 + t d1 + t² d2 whose t⁴ coefficient, a quadratic in d2, is optimised
   exactly (this finds saddles such as (y - x²)(y - 2x²) where every line goes up), and
   curves solved order by order (:func:`symlandscape.search.curves.higher_order_curve`: (y - x² - x³)² - x⁸
   descends only along y = x² + x³, at order 8).  When no curve goes the other way, a sum
   of squares with the multiplier r² − |θ − θ0|² may prove a minimum (maximum) on a ball
   only (x² + y⁴ − y⁵ at 0).  If nothing decides: ``undetermined``.
4. Global status: a point of exactly lower value (from a descent curve, far along a line
   where the leading form of a polynomial loss is negative, or from seeded numeric
   descents rationalised and polished exactly), a sum of squares valid everywhere, a
   structural lower bound equal to the value, or the Eckart–Young optimum.  The search for a lower point has a budget of exact evaluations
   (``global_search``, default :data:`GLOBAL_SEARCH_BUDGET`), counted rather than timed so
   that verdicts do not depend on the machine; when it runs out, the global status is
   unknown and the explanation says the search was cut short.

Exact numbers that are not rational (landscapes with exp, log, tanh, sigmoid) are written
in the safe grammar (``"3*exp(1) - 3*exp(-1)"``) and their signs decided by the checker's
own sign rule (:func:`symlandscape.verify.exact_sign`: exact zero tests, interval
enclosures); where that rule cannot decide, the verdict is ``undetermined`` and says why.

Floats only propose candidates; every claim is an exact check, and ``verify`` re-checks
the whole certificate before :func:`classify` returns.  The search itself is the package
:mod:`symlandscape.search`, one module per certificate kind, each paired with the part of
the checker that re-checks it.
"""

from __future__ import annotations

from dataclasses import replace

from .errors import CertificateError, EvaluationError, InvalidArgument
from .exact import checked_seed
from .landscape import MAX_ORDER, Landscape
from .search.core import Search as _Search
from .search.global_status import GLOBAL_SEARCH_BUDGET
from .search.scalars import _Undecided, _undecided
from .verify import verify

__all__ = ["classify", "DEFAULT_MAX_ORDER", "GLOBAL_SEARCH_BUDGET"]

#: Highest Taylor order searched along lines by default.
DEFAULT_MAX_ORDER = 12


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

    ``point`` may also be a real algebraic point (:class:`symlandscape.algebraic.AlgebraicPoint`,
    as :func:`symlandscape.critical_points` returns them) of a polynomial loss: a nondegenerate
    critical point there gets an ``algebraic_classification`` certificate
    (:func:`symlandscape.algebraic_classify.classify_algebraic`) when its field has degree at most
    64, and an ``enclosure_classification`` certificate (one critical point in a box, its
    Hessian's inertia on the box: :func:`symlandscape.algebraic_classify.classify_enclosure`)
    beyond.

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
    checked_seed(seed)
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
    from .algebraic import AlgebraicPoint

    if isinstance(point, AlgebraicPoint):
        from .algebraic import EXACT_DEGREE
        from .algebraic_classify import classify_algebraic, classify_enclosure

        if point.denominator is None and point.g.degree() <= EXACT_DEGREE:
            return classify_algebraic(landscape, point)
        # reductions modulo a field polynomial of large degree are slow: a box certificate instead
        return classify_enclosure(landscape, point)
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
