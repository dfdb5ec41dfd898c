"""The verdict on a point of a landscape: a frozen record with its certificate, and its renderings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sympy

from .errors import InvalidArgument
from .verify import KINDS

__all__ = ["Verdict", "KINDS", "FORMATS", "number_text"]

#: Output formats of :meth:`Verdict.render`.
FORMATS = ("text", "json", "latex", "markdown", "html")

_DESCRIPTIONS = {
    "not_critical": "not a critical point",
    "strict_local_min": "a strict local minimum",
    "local_min": "a local minimum (possibly non-strict)",
    "strict_local_max": "a strict local maximum",
    "local_max": "a local maximum (possibly non-strict)",
    "strict_saddle": "a strict saddle (the Hessian has a negative and a positive eigenvalue)",
    "degenerate_saddle": "a degenerate saddle: neither a minimum nor a maximum, although the Hessian "
                         "(where it exists) has no eigenvalue of one of the two signs",
    "undetermined": "undetermined: the search found no certificate that decides",
}


@dataclass(frozen=True)
class Verdict:
    """What a point is, and the certificate that proves it.

    ``kind`` is one of :data:`KINDS`; ``value`` the exact loss at the point (a SymPy
    number); ``hessian_inertia`` ``{"positive", "negative", "zero"}`` counts or None where
    the Hessian does not exist (or was not established); ``global_min`` True, False or None
    (unknown); ``certificate`` plain JSON data re-checked by :func:`symlandscape.verify`;
    ``verified`` says that check passed.  ``landscape`` (not compared, not serialised) lets
    :meth:`render` write the worked example.

    >>> v = Verdict("strict_saddle", sympy.Integer(1), True, {"positive": 1, "negative": 1, "zero": 0},
    ...             False, {"type": "classification"}, True, "Lee's saddle.", ("0", "0"), ("w1", "w2"))
    >>> v.to_dict()["hessian_inertia"], v.to_dict()["value"]
    ({'positive': 1, 'negative': 1, 'zero': 0}, '1')
    """

    kind: str
    value: object
    critical: bool | None
    hessian_inertia: dict | None = field(hash=False)
    global_min: bool | None
    certificate: dict = field(hash=False)
    verified: bool
    explanation: str
    point: tuple = ()
    variables: tuple = ()
    landscape: object = field(default=None, repr=False, compare=False, hash=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InvalidArgument(f"kind={self.kind!r} is not one of {list(KINDS)}")
        if not isinstance(self.verified, bool):
            raise InvalidArgument(f"verified={self.verified!r} must be True or False")
        if not any(self.critical is v for v in (True, False, None)) or (
                self.critical is None and self.kind != "undetermined"):
            raise InvalidArgument(f"critical={self.critical!r} must be True, False, or None (not established, "
                                  "only for an undetermined verdict)")
        if self.global_min not in (True, False, None):
            raise InvalidArgument(f"global_min={self.global_min!r} must be True, False or None")
        inertia = self.hessian_inertia
        if inertia is not None and (set(inertia) != {"positive", "negative", "zero"}
                                    or not all(isinstance(v, int) and v >= 0 for v in inertia.values())):
            raise InvalidArgument(f"hessian_inertia={inertia!r} must be None or non-negative counts "
                                  "with keys positive, negative, zero")
        if not isinstance(self.certificate, dict) or "type" not in self.certificate:
            raise InvalidArgument("certificate must be a dict with a 'type'")
        object.__setattr__(self, "value", sympy.sympify(self.value) if isinstance(self.value, int) else self.value)

    # -- the CLI contract ------------------------------------------------------------------
    def to_dict(self):
        """The JSON object of ``symlandscape classify --format json``."""
        return {
            "kind": self.kind,
            "value": _exact_text(self.value),
            "critical": self.critical,
            "hessian_inertia": dict(self.hessian_inertia) if self.hessian_inertia is not None else None,
            "global_min": self.global_min,
            "certificate": json.loads(json.dumps(self.certificate)),
            "verified": self.verified,
            "explanation": self.explanation,
        }

    def to_json(self, indent=2):
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), indent=indent)

    def render(self, fmt="text", *, standalone=False, detail=False, figures=None):
        """The verdict as ``text``, ``json``, ``latex``, ``markdown`` or ``html``.

        LaTeX, Markdown and HTML give the worked example (:mod:`symlandscape.worked_example`):
        the loss, the point, its derivatives and the proof, which a reader can check by hand.
        LaTeX is a fragment for :data:`symlandscape.document.PREAMBLE` unless ``standalone``;
        ``detail`` appends what the search tried; ``figures`` (from
        :func:`symlandscape.plot.verdict_figures`) are included.
        """
        if fmt not in FORMATS:
            raise InvalidArgument(f"fmt={fmt!r} is not one of {list(FORMATS)}")
        if fmt == "json":
            return self.to_json()
        if fmt == "text":
            return self._text()
        from .worked_example import worked_example

        document = worked_example(self, detail=detail, figures=figures)
        return document.render(fmt, standalone=standalone)

    # -- notebooks -------------------------------------------------------------------------
    def __repr__(self):
        point = ", ".join(self.point) if len(self.point) <= 6 else ", ".join(self.point[:6]) + ", ..."
        status = "verified" if self.verified else "NOT verified"
        glob = {True: ", global min", False: "", None: ""}[self.global_min]
        return f"<Verdict {self.kind} at ({point}), value {_exact_text(self.value)}{glob}, {status}>"

    def _repr_markdown_(self):
        return self.render("markdown")

    def _repr_latex_(self):
        # Jupyter shows this only where Markdown is not rendered; MathJax takes the Markdown form
        return self.render("markdown")

    def _repr_html_(self):
        from .worked_example import worked_example

        return worked_example(self).html_fragment()

    # -- text ------------------------------------------------------------------------------
    def _text(self):
        names = ", ".join(self.variables) or "θ"
        lines = [
            f"kind: {self.kind} ({_DESCRIPTIONS[self.kind]})",
            f"point: ({names}) = ({', '.join(self.point)})",
            f"value: {_exact_text(self.value)}",
            "critical: " + {True: "yes", False: "no", None: "not established"}[self.critical],
            "Hessian inertia: " + (inertia_words(self.hessian_inertia) if self.hessian_inertia is not None
                                   else "none (the Hessian does not exist or was not established)"),
            "global minimum: " + {True: "yes", False: "no", None: "unknown"}[self.global_min],
            f"certificate: {'verified' if self.verified else 'NOT verified'} "
            f"(evidence: {', '.join(sorted(self.certificate.get('evidence', {}))) or 'none'})",
            "",
            self.explanation,
        ]
        return "\n".join(lines)


def _exact_text(value):
    if isinstance(value, sympy.Rational):
        return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"
    if isinstance(value, sympy.Basic):
        return number_text(value)
    return str(value)


class _GrammarPrinter(sympy.printing.str.StrPrinter):
    """SymPy's string form in the safe grammar of ``expression.py``: ``exp(1)`` rather than
    ``E``, ``^`` for powers and ``x^(1/2)`` rather than ``sqrt(x)`` (neither ``E`` nor
    ``sqrt`` is in the grammar)."""

    def _print_Exp1(self, expr):
        return "exp(1)"

    def _print_Pow(self, expr, rational=False):
        precedence = sympy.printing.precedence.PRECEDENCE["Pow"]
        base = self.parenthesize(expr.base, precedence, strict=True)
        exponent = self.parenthesize(expr.exp, precedence, strict=False)
        return f"{base}^{exponent}"


def number_text(expr):
    """An exact SymPy number or polynomial as text in the safe grammar (what certificates store).

    >>> number_text(sympy.Rational(-3, 2)), number_text(sympy.E / 2 + sympy.sqrt(2))
    ('-3/2', '2^(1/2) + exp(1)/2')
    """
    if isinstance(expr, sympy.Rational):
        return _exact_text(expr)
    return _GrammarPrinter({"order": "none"}).doprint(expr)


def inertia_words(inertia):
    """Hessian inertia counts in words: ``"1 positive, 1 negative, 0 zero"`` ("no Hessian" for None)."""
    if inertia is None:
        return "no Hessian"
    return f"{inertia['positive']} positive, {inertia['negative']} negative, {inertia['zero']} zero"
