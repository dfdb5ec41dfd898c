"""The search's driver: the order in which certificates are sought, and the verdict built from them.

:class:`Search` holds the state of one classification (the point, its exact value,
gradient and Hessian, the evidence and notes so far, the global search's budget) and calls
the modules of this package in turn; each of them reads and extends that state.  The
verdict it returns is unverified: :func:`symlandscape.classify` hands its certificate to the
checker before returning it.
"""

from __future__ import annotations

from ..errors import EvaluationError, KinkError, SymlandscapeError
from ..verdict import Verdict
from . import composition, congruence, curves, global_status, gradient, kinks, positivity, quasi, taylor
from .global_status import GLOBAL_SEARCH_BUDGET
from .scalars import _Undecided, _exact, _outsized, _sympy, _text, _undecided


class Search:
    """One classification: ``Search(landscape, pt, seed, max_order, budget).run()`` -> an unverified Verdict."""

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
        self.value = None
        self.gradient = None
        self.hessian = None
        self.congruence = None
        self.inertia = None
        self.critical = False
        self.pieces = None  # the adjacent pieces at a kink, once found
        self.witness_curve = None  # a curve along which the loss descends, for the global search
        self.cache = {}  # expansions computed once (curves.homogeneous_parts, curves.transcendental)
        self.sums_of_squares = {}  # (sense, expression) -> terms or None: each search runs once

    # -- the flow ---------------------------------------------------------------------------
    def run(self):
        try:
            return self.analyse()
        except (_Undecided, SymlandscapeError) as exc:
            if self.value is None:  # the loss cannot even be evaluated at the point
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
            signs = gradient.gradient_signs(self)
            nonzero = next((i for i, s in enumerate(signs) if s), None)
            if nonzero is not None:
                gradient.not_critical_smooth(self, nonzero)
                return self.finish("not_critical")
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
                self.congruence = congruence.Congruence(self.hessian)
                self.evidence["inertia"] = self.congruence.certificate()
                congruence.cross_check_inertia(self)
            except _Undecided as exc:
                self.notes.append(f"The inertia of the Hessian is undecided: {_undecided(exc)}.")
        try:
            if self.gradient is not None:  # every component is decidedly zero (above)
                self.evidence["critical"] = {"type": "critical"}
                self.critical = True
            else:
                decided = kinks.clarke(self)
                if decided == "undetermined":
                    return self.verdict(decided)
                if decided is not None:
                    return self.finish(decided)
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
                self.evidence["indefinite"] = congruence.indefinite(self)
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

    def degenerate(self):
        """A semidefinite singular Hessian, or a kink: bounds by sums of squares, then curves."""
        counts = self.congruence.counts if self.congruence is not None else None
        can_min = counts is None or not counts["negative"]
        can_max = counts is None or not counts["positive"]
        if can_min:
            bound = positivity.bound(self, "lower")
            if bound is not None:
                self.evidence["minimum"] = bound
                return self.finish("local_min")
        if can_max:
            bound = positivity.bound(self, "upper")
            if bound is not None:
                self.evidence["maximum"] = bound
                return self.finish("local_max")
        found = curves.curves(self, {-1, 1})
        for sign, role in ((-1, "descent"), (1, "ascent")):
            if sign in found:
                self.evidence[role] = found[sign]
        if -1 in found and 1 in found:
            self.witness_curve = found[-1]["curve"]
            return self.finish("degenerate_saddle")
        # no curve goes the other way: a minimum (maximum) may hold on a ball only
        for sign, sense, role, kind, possible in ((-1, "lower", "minimum", "local_min", can_min),
                                                   (1, "upper", "maximum", "local_max", can_max)):
            if possible and sign not in found:
                ball = quasi.quasi_bound(self, sense)
                if ball is None:
                    ball = positivity.ball_bound(self, sense)
                if ball is None:
                    ball = taylor.taylor_bound(self, sense)
                if ball is None:
                    ball = composition.composition_bound(self, sense)
                if ball is not None:
                    self.evidence.pop("descent", None)
                    self.evidence.pop("ascent", None)
                    self.evidence[role] = ball
                    return self.finish(kind)
        # an undetermined verdict keeps at most one curve and says what was tried; a descent
        # curve still shows that the point is not a global minimum
        if -1 in found:
            self.witness_curve = found[-1]["curve"]
            return self.verdict("undetermined", *global_status.global_certificate(self, "undetermined"))
        # no descent curve: the kind stays open, but a point of lower value far away still
        # settles the global status (x² + y⁴ - y⁵ at 0: (0, 2) has value -16)
        return self.verdict("undetermined", *global_status.global_certificate(self, "undetermined_local"))

    # -- the verdict ---------------------------------------------------------------------------
    def finish(self, kind):
        try:
            global_min, data = global_status.global_certificate(self, kind)
        except _Undecided as exc:
            self.notes.append(f"The global search stopped: {_undecided(exc)}.")
            global_min, data = None, None
        return self.verdict(kind, global_min, data)

    def verdict(self, kind, global_min=None, data=None):
        if kind == "undetermined":
            # keep only evidence that does not decide the kind (verify insists on it)
            self.evidence = {k: v for k, v in self.evidence.items()
                             if k in ("critical", "clarke", "inertia", "descent", "ascent", "pieces")}
        kind, global_min, data = kinks.attach_pieces(self, kind, global_min, data)
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
                          _bound_words(ev.get("minimum", {}), ">=") + ": a local minimum (possibly non-strict)."),
            "local_max": _bound_words(ev.get("maximum", {}), "<=") + ": a local maximum (possibly non-strict).",
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


def _bound_words(bound, relation):
    """The first sentence of an explanation of a local bound, by the kind of its certificate."""
    kind = bound.get("type") if isinstance(bound, dict) else None
    if kind == "taylor_model":
        return (f"A Taylor model (the exact Taylor polynomial of order {bound.get('order')} and a remainder bound "
                f"proven in ball arithmetic) with a sum-of-squares identity on a ball shows L {relation} L(θ0) near "
                "the point")
    if kind == "composition":
        return (f"The loss is a monotone function of a polynomial whose extremum here is proven by a sum of squares, "
                f"so L {relation} L(θ0) near the point")
    return ("An exact sum-of-squares identity shows L " + relation + " L(θ0) near the point"
            + (" on every adjacent piece" if kind == "pieces" else ""))
