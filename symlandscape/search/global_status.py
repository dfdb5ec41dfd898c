"""Global status: a lower bound valid everywhere, or a point of exactly lower value.

Pairs with the checker's ``_Checker.check_global`` (and, for the loss's own form,
``_Checker.check_structural``).  ``global_min = true`` needs a certificate valid on all of
space: one of the producers in :data:`GLOBAL_LOWER_BOUNDS` (on a piecewise loss, a cover by
closed cells, :mod:`symlandscape.search.cover`).  ``global_min = false`` needs a
witness, a point of exactly lower value: on a descent curve, far along a line where the
leading form of a polynomial loss is negative, or from seeded float descents rationalised
and polished exactly.  The search for a witness spends a budget of exact evaluations
(:data:`GLOBAL_SEARCH_BUDGET`), counted rather than timed so that verdicts do not depend on
the machine.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy

from .. import sos as sos_engine
from ..errors import DomainError, SymlandscapeError
from .cover import cover_bound
from .curves import _RANDOM_DIRECTIONS, curves, homogeneous_parts
from .positivity import _SEARCH_SIZE, eckart_young_bound, excess, sos, structural_bound
from .scalars import _exact, _parse_rational, _rational_near, _sign, _sub, _sympy, _text

#: Exact landscape evaluations (a value, or a Taylor expansion along a line) that the search
#: for a point of lower value may spend by default (``global_search="auto"``).  Counting
#: evaluations rather than seconds keeps verdicts independent of the machine's speed.
GLOBAL_SEARCH_BUDGET = 100
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

MIN_KINDS = ("strict_local_min", "local_min")
# Reznick multipliers are tried up to this many parameters and Gram blocks of this many monomials.
_REZNICK_SIZE = 4
_REZNICK_BASIS = 45


class OutOfBudget(Exception):
    """The global search spent its budget of exact evaluations."""


def global_certificate(search, kind):
    """``(global_min, certificate)``: a global lower bound, a point of lower value, or ``(None, None)``.

    ``kind`` is the verdict's kind, or ``"undetermined"`` (a descent curve is in hand) or
    ``"undetermined_local"`` (none is).
    """
    if kind in MIN_KINDS:
        minimum = search.evidence.get("minimum")
        if minimum is not None and minimum.get("type") == "sos" and minimum.get("region") == "everywhere":
            return True, {"type": "global_lower_bound", "certificate": minimum}
        if minimum is not None and minimum.get("type") == "eckart_young":
            return True, dict(minimum)
        if minimum is not None and minimum.get("type") == "structural_lower_bound":
            search.notes.append(f"The loss is {minimum['bound']} plus terms that are nonnegative by their form: "
                                "the point is a global minimum.")
            return True, dict(minimum)
    if search.budget is None:
        if kind in MIN_KINDS and structural_bound(search) is not None:
            return structural_global(search)
        witness = curve_witness(search, find=False) if kind not in (*MIN_KINDS, "undetermined_local") else None
        if witness is None:
            search.notes.append("No global search (global_search='off').")
        return witness_certificate(witness)
    try:
        if kind in MIN_KINDS:
            for producer in GLOBAL_LOWER_BOUNDS:
                found = producer(search)
                if found is not None:
                    return found
            witness = unbounded_witness(search)
            if witness is None:
                # no sum of squares, no lower point far out: L − L0 may be nonnegative without being a
                # sum of squares (Motzkin), and a Reznick multiplier can show it
                found = reznick_everywhere(search)
                if found is not None:
                    return found
                witness = numeric_witness(search)
        elif kind == "undetermined_local":  # no descent curve to follow
            witness = unbounded_witness(search) or (numeric_witness(search) if search.n <= _SEARCH_SIZE else None)
        else:
            witness = curve_witness(search)
            if witness is None:
                witness = unbounded_witness(search)
            if witness is None and search.n <= _SEARCH_SIZE:
                witness = numeric_witness(search)
    except OutOfBudget:
        search.notes.append(f"The global search was cut short: it spent its budget of {search.budget_given} exact "
                            "evaluations of the landscape (classify's global_search) before finding a point of "
                            "lower value.")
        witness = None
    return witness_certificate(witness)


# ---------------------------------------------------------------------------------------
# global lower bounds at a minimum: each producer returns ``(True, certificate)`` or None


def sos_everywhere(search):
    """A sum of squares of L - L0 valid on all of space (smooth polynomial losses)."""
    L = search.L
    if not L.is_piecewise and search.n <= _SEARCH_SIZE and L.rational_valued and hasattr(L, "polynomial"):
        terms = sos(search, L.expression, L.polynomial, "lower")
        if terms is not None:
            search.notes.append("A sum of squares valid everywhere makes it a global minimum.")
            return True, {"type": "global_lower_bound", "certificate": {
                "type": "sos", "region": "everywhere", "sense": "lower", "terms": terms}}
    return None


def structural_everywhere(search):
    """The loss's own form: a constant plus terms nonnegative by their form, equal to the value."""
    if structural_bound(search) is not None:
        return structural_global(search)
    return None


def eckart_young_everywhere(search):
    """Deep linear networks: the value is the Eckart–Young optimum over products of rank <= p."""
    found = eckart_young_bound(search)
    return None if found is None else (True, found)


def cover_everywhere(search):
    """Piecewise losses: closed cells covering all of space, on each an identity ``L_P − L0 >= 0``."""
    found = cover_bound(search)
    return None if found is None else (True, found)


def composition_global(search):
    """``L = c + s·φ(p)`` with φ increasing and p's bound everywhere: L >= L(θ0) on all of space."""
    from .composition import composition_everywhere

    found = composition_everywhere(search)
    return None if found is None else (True, found)


def reznick_everywhere(search):
    """``(1 + |θ|²)^k (L − L0)`` a sum of squares (k = 1, 2): L >= L0 everywhere (Reznick 1995).

    For nonnegative polynomials that are not sums of squares, such as Motzkin's and
    Choi–Lam's; smooth polynomial losses of at most ``_REZNICK_SIZE`` parameters.
    """
    L = search.L
    if L.is_piecewise or not L.rational_valued or not hasattr(L, "polynomial") or search.n > _REZNICK_SIZE:
        return None
    R = excess(search, L.polynomial, "lower")
    ctx = R.context()
    weight = ctx.constant(1) + sum((g * g for g in ctx.gens()), ctx.constant(0))
    names = [str(v) for v in L.variables]
    for k in (1, 2):
        found = sos_engine.attempt(weight ** k * R, zeros=[search.pt], max_basis=_REZNICK_BASIS, time_limit=None,
                                   seed=search.seed).found
        if found is not None:
            search.notes.append(f"(1 + |θ|²)^{k} (L − L(θ0)) is a sum of squares (a Reznick multiplier; Clarabel in "
                                f"floats, exact rounding and check; seed={search.seed}): L >= L(θ0) everywhere.")
            return True, {"type": "global_lower_bound", "certificate": {
                "type": "sos", "region": "everywhere", "sense": "lower", "multiplier": {"reznick": k},
                "terms": found.certificate_terms(names)}}
    return None


#: Producers of ``global_min = true`` at a minimum, tried in order before any witness search
#: (with ``global_search="off"`` only the loss's own form is read).
GLOBAL_LOWER_BOUNDS = (sos_everywhere, structural_everywhere, eckart_young_everywhere, cover_everywhere,
                       composition_global)


def structural_global(search):
    bound = structural_bound(search)
    search.notes.append(f"The loss is {bound['bound']} plus terms that are nonnegative by their form, and its "
                        f"value here is {bound['bound']}: a global minimum.")
    return True, bound


# ---------------------------------------------------------------------------------------
# witnesses of global_min = false: points of exactly lower value


def witness_certificate(witness):
    if witness is None:
        return None, None
    point, value = witness
    return False, {"type": "witness", "point": [_text(x) for x in point], "value": _text(value)}


def spend(search, evaluations=1):
    """Charge exact evaluations to the global search's budget (``OutOfBudget`` when it is spent)."""
    if search.budget is not None:
        if search.budget < evaluations:
            search.budget = 0
            raise OutOfBudget
        search.budget -= evaluations


def value_at(search, point):
    """The exact value at a candidate witness, or None outside the domain of the loss."""
    try:
        search.L.coerce_point(point)
    except DomainError:
        return None
    return _exact(search.L._value(point))


def unbounded_witness(search):
    """A point of lower value far along a line on which the loss's leading form is negative, or None.

    For a polynomial loss of degree D with top homogeneous part T_D, L(θ0 + s d) =
    T_D(d) s^D + O(s^(D-1)), so T_D(d) < 0 sends the loss to -∞ along d: doubling s
    reaches a point below L(θ0) (x² - x³/1000 at 0: s = 1024 gives 1024² - 1024³/1000 < 0).
    The search uses the expansion; the witness's value is one exact evaluation.
    """
    parts = homogeneous_parts(search)
    if not parts or sum(len(p) for p in parts.values()) > _UNBOUNDED_TERMS:
        return None
    top = max(parts)
    T = parts[top]
    n = search.n
    rng = numpy.random.default_rng(search.seed)
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
                found = _lower_along(search, d, scale)
                if found is not None:
                    search.notes.append(f"The leading form of degree {top} is negative along "
                                        f"({', '.join(map(_text, d))}); at distance factor {_text(scale)} the "
                                        f"loss is {_text(found[1])} < {_text(search.value)}.")
                    return found
                break
            scale *= 2
    return _line_witness(search, parts, candidates)


def _line_witness(search, parts, candidates):
    """A point of lower value at a finite distance along a line: ``q(s) = L(θ0 + s d) − L0`` is a
    univariate polynomial, negative between two of its positive roots, or beyond the largest.

    The roots are located in floats only to choose rational test points; each test is exact
    (``x² (1 − y) + y⁴`` at 0: along (3, 1), q(s) = 9s² − 9s³ + s⁴ is negative for 1.2 < s < 7.9).
    """
    degrees = sorted(parts)
    # longer lines too: a dip may need one coordinate several times another (x² (1 − y) + y⁴ needs |d_x| > 2|d_y|)
    rng = numpy.random.default_rng([search.seed, 1])
    candidates = list(candidates) + [[int(x) for x in rng.integers(-4, 5, size=search.n)]
                                     for _ in range(_RANDOM_DIRECTIONS)]
    for d in candidates:
        d = [flint.fmpq(x) for x in d]
        if not any(d):
            continue
        coefficients = {k: parts[k](*d) for k in degrees}
        if all(c >= 0 for c in coefficients.values()):
            continue  # q(s) >= 0 for every s > 0
        top = max(coefficients)
        try:
            dense = numpy.array([float(coefficients.get(k, 0)) for k in range(top, -1, -1)])
        except OverflowError:
            continue
        if not numpy.all(numpy.isfinite(dense)):
            continue  # coefficients beyond floats: no proposal (the exact tests need one)
        roots = sorted(r.real for r in numpy.roots(dense) if abs(r.imag) <= 1e-9 * (1 + abs(r)) and r.real > 0)
        tests = [(a + b) / 2 for a, b in zip(roots, roots[1:])] + ([2 * roots[-1], roots[0] / 2] if roots else [])
        for t in tests:
            t = Fraction(t).limit_denominator(1000)
            scale = flint.fmpq(t.numerator, t.denominator)
            if scale <= 0 or sum((c * scale ** k for k, c in coefficients.items()), flint.fmpq(0)) >= 0:
                continue
            found = _lower_along(search, d, scale)
            if found is not None:
                search.notes.append(f"Along ({', '.join(map(_text, d))}) the loss minus its value here is a polynomial "
                                    f"in the distance that is negative at {_text(scale)}: the loss is "
                                    f"{_text(found[1])} < {_text(search.value)} there.")
                return found
    return None


def _lower_along(search, d, scale):
    """``(θ0 + scale·d, its value)`` when that value is exactly below the value here (one evaluation), else None."""
    point = tuple(p + scale * x for p, x in zip(search.pt, d))
    spend(search)
    value = value_at(search, point)
    if value is not None and _sign(_sub(value, search.value)) < 0:
        return point, value
    return None


def curve_witness(search, find=True):
    """A point of lower value on a descent curve (the one in hand, or one searched for when ``find``), or None."""
    curve = search.witness_curve
    if curve is None:
        if search.congruence is not None and search.congruence.counts["negative"]:
            row = search.congruence.rows_with_sign(-1)[0]
            if all(isinstance(x, flint.fmpq) for x in row):
                curve = [row]
        if curve is None:
            found = curves(search, {-1}) if find and search.n <= _SEARCH_SIZE else {}
            if -1 not in found:
                return None
            curve = found[-1]["curve"]
    curve = [[_parse_rational(x) if isinstance(x, str) else _rational_near(x) for x in d] for d in curve]
    t = flint.fmpq(1)
    for _ in range(_HALVINGS):
        point = tuple(p + sum((t ** (j + 1) * d[i] for j, d in enumerate(curve)), flint.fmpq(0))
                      for i, p in enumerate(search.pt))
        if t != 1:  # the first value is free: a curve in hand needs no search
            spend(search)
        value = value_at(search, point)
        if value is not None and _sign(_sub(value, search.value)) < 0:
            search.notes.append(f"A point of lower value, {_text(value)}, lies on the descent curve at "
                                f"t = {_text(t)}.")
            return point, value
        t = t / 2
    return None  # pragma: no cover - a descent curve always descends for small t


def numeric_witness(search):
    """Seeded float descents from perturbed starts, rationalised and polished exactly.

    The float descents (a fixed number of starts and steps) only propose candidates;
    their exact evaluations are charged to the budget (``OutOfBudget`` when it is spent).
    """
    n = search.n
    if n > _SEARCH_SIZE:
        return None
    try:
        from ..numeric import descend, numeric_twin

        twin = numeric_twin(search.L)
        x0 = numpy.array([float(_sympy(x)) for x in search.pt])
        f0 = float(_sympy(search.value))
    except Exception as exc:  # a numeric twin may not exist for every landscape
        search.notes.append(f"No numeric witness search ({type(exc).__name__}: {exc}).")
        return None
    if not (numpy.all(numpy.isfinite(x0)) and numpy.isfinite(f0)):
        search.notes.append("No numeric witness search: the point or its value is beyond the float range.")
        return None
    rng = numpy.random.default_rng(search.seed)
    scale = 1.0 + float(numpy.max(numpy.abs(x0))) if n else 1.0
    # perturbations of growing size first (nearby basins), then wide random starts
    starts = [x0 + rng.normal(0.0, s * scale, n) for s in _PERTURBATIONS for _ in range(3)]
    starts += [rng.normal(0.0, 2.0 * scale, n) for _ in range(_WIDE_STARTS)]
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
            best = rationalise(search, run.point)
            if best is not None:
                break  # one exact witness is all the certificate needs
    finally:
        search.notes.append(f"Global search: {tried} of {len(starts)} seeded gradient descents (seed={search.seed}) "
                            f"from perturbed and random starts; {below} ended below the value at the point.")
    if best is not None:
        search.notes.append(f"Rationalised and polished exactly, one gives the point "
                            f"({', '.join(map(_text, best[0]))}) of value {_text(best[1])} < {_text(search.value)}.")
    return best


def rationalise(search, x):
    """The first rounding of ``x`` (denominators growing) that polishes to a point of lower value."""
    tried = set()
    for D in (1, 2, 3, 4, 6, 8, 12, 16, 100, 1000, 10**4, 10**6):
        q = tuple(flint.fmpq(f.numerator, f.denominator)
                  for f in (Fraction(float(v)).limit_denominator(D) for v in x))
        if q in tried:
            continue
        tried.add(q)
        found = polish(search, q)
        if found is not None:
            return found
    return None


def polish(search, q):
    """Exact coordinate steps to the minimum of a univariate quadratic, while the value drops."""
    spend(search)
    try:
        value = value_at(search, q)
    except SymlandscapeError:
        return None
    if value is None:
        return None
    n = search.n
    for _ in range(3):
        improved = False
        for i in range(n):
            for s in (1, -1):
                e = tuple(flint.fmpq(s * int(j == i)) for j in range(n))
                spend(search)
                try:  # far from the point a transcendental loss may leave the budget (exp of a huge number)
                    c = [_exact(x) for x in search.L._along([q, e], 2)]
                except SymlandscapeError:
                    continue
                if not all(isinstance(x, flint.fmpq) for x in c) or c[2] <= 0 or c[1] >= 0:
                    continue
                step = -c[1] / (2 * c[2])
                candidate = tuple(x + step * y for x, y in zip(q, e))
                spend(search)
                new = value_at(search, candidate)
                if new is not None and _sign(_sub(new, value)) < 0:
                    q, value, improved = candidate, new, True
        if not improved:
            break
    if _sign(_sub(value, search.value)) < 0:
        return q, value
    return None
