"""The verdict on a point of a landscape: a frozen record with its certificate, and its renderings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sympy

from .errors import InvalidArgument
from .verify import KINDS

__all__ = ["Verdict", "KINDS", "FORMATS", "number_text"]

#: Output formats of :meth:`Verdict.render`.
FORMATS = ("text", "json", "latex", "markdown")

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
# Matrices larger than this are described, not printed, in the worked examples.
_LARGEST_PRINTED = 12


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

    def render(self, fmt="text"):
        """The verdict as ``text``, ``json``, ``latex`` or ``markdown``.

        LaTeX and Markdown give a worked example a reader can check by hand: the loss, its
        gradient and Hessian at the point, the inertia, and the certificate written out.
        """
        if fmt not in FORMATS:
            raise InvalidArgument(f"fmt={fmt!r} is not one of {list(FORMATS)}")
        if fmt == "json":
            return self.to_json()
        if fmt == "text":
            return self._text()
        return _WorkedExample(self, fmt).render()

    # -- text ------------------------------------------------------------------------------
    def _text(self):
        names = ", ".join(self.variables) or "θ"
        lines = [
            f"kind: {self.kind} ({_DESCRIPTIONS[self.kind]})",
            f"point: ({names}) = ({', '.join(self.point)})",
            f"value: {_exact_text(self.value)}",
            "critical: " + {True: "yes", False: "no", None: "not established"}[self.critical],
            "Hessian inertia: " + (_inertia_text(self.hessian_inertia) if self.hessian_inertia is not None
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


def _inertia_text(inertia):
    return f"{inertia['positive']} positive, {inertia['negative']} negative, {inertia['zero']} zero"


# ---------------------------------------------------------------------------------------
# worked examples (LaTeX and Markdown share the mathematics; only the wrapping differs)


class _WorkedExample:
    def __init__(self, verdict, fmt):
        self.v = verdict
        self.fmt = fmt
        self.L = verdict.landscape
        self.symbols = tuple(self.L.variables) if self.L is not None else tuple(
            sympy.Symbol(n, real=True) for n in verdict.variables)
        self.blocks = []

    # -- output primitives ------------------------------------------------------------------
    def heading(self, text):
        self.blocks.append(f"\\paragraph{{{text}.}}" if self.fmt == "latex" else f"### {text}")

    def para(self, text):
        self.blocks.append(text)

    def display(self, math):
        self.blocks.append(f"\\[ {math} \\]" if self.fmt == "latex" else f"$$ {math} $$")

    def inline(self, math):
        return f"${math}$"

    def text(self, words):
        if self.fmt == "latex":
            for a, b in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("%", r"\%"), ("&", r"\&"), ("#", r"\#")):
                words = words.replace(a, b)
        return words

    # -- mathematics --------------------------------------------------------------------------
    def number(self, text):
        try:
            return sympy.latex(self.parse(text))
        except Exception:  # rendering must never fail on odd data; show it verbatim
            return r"\text{" + str(text) + "}"

    def parse(self, text):
        if isinstance(text, int):
            return sympy.Integer(text)
        from .expression import parse_expression

        return parse_expression(str(text), self.symbols)

    def vector(self, entries, column=True):
        body = (r" \\ " if column else " & ").join(self.number(e) for e in entries)
        return r"\begin{pmatrix} " + body + r" \end{pmatrix}"

    def matrix(self, rows):
        body = r" \\ ".join(" & ".join(self.number(e) for e in row) for row in rows)
        return r"\begin{pmatrix} " + body + r" \end{pmatrix}"

    def theta0(self):
        names = ", ".join(sympy.latex(s) for s in self.symbols)
        return f"\\theta_0 = ({names}) = ({', '.join(self.number(p) for p in self.v.point)})"

    # -- the document --------------------------------------------------------------------------
    def render(self):
        v = self.v
        title = f"Verdict: {v.kind.replace('_', ' ')}"
        self.blocks.append(f"\\subsection*{{{title}}}" if self.fmt == "latex" else f"## {title}")
        self.para(self.text(f"The point is {_DESCRIPTIONS[v.kind]}."))
        self.heading("Loss and point")
        if self.L is not None and len(self.symbols) <= 4 * _LARGEST_PRINTED:
            self.display(f"L = {sympy.latex(self.L.expression)}")
        self.display(self.theta0() + r", \qquad L(\theta_0) = " + sympy.latex(v.value))
        self.derivatives()
        self.heading("Certificate")
        evidence = v.certificate.get("evidence", {})
        for role in ("gradient", "separation", "critical", "clarke", "inertia", "indefinite",
                     "descent", "ascent", "minimum", "maximum"):
            if role in evidence:
                self.evidence(role, evidence[role])
        self.global_status(v.certificate.get("global"))
        self.heading("Explanation")
        self.para(self.text(v.explanation))
        self.para(self.text("Certificate verified by the independent checker."
                            if v.verified else "Certificate NOT verified."))
        return "\n\n".join(self.blocks) + "\n"

    def derivatives(self):
        v, L = self.v, self.L
        self.heading("Gradient and Hessian at the point")
        if L is None:
            self.para(self.text("(no landscape attached to this verdict: derivatives not shown)"))
            return
        from .errors import KinkError

        n = len(self.symbols)
        try:
            gradient = L.gradient(v.point)
        except KinkError:
            gradient = None
        if gradient is None:
            self.para(self.text("The point is on a kink: the gradient does not exist. The adjacent "
                                "pieces (closed regions where the loss is smooth) are:"))
            for piece in L.pieces(v.point):
                g = piece.landscape.gradient(v.point)
                self.para(self.text(f"piece {', '.join(piece.pattern)}: ") + self.inline(
                    f"L_P = {sympy.latex(piece.landscape.expression)}, \\quad \\nabla L_P(\\theta_0) = "
                    + (self.vector(list(g)) if n <= _LARGEST_PRINTED else r"\ldots")))
            return
        if n <= _LARGEST_PRINTED:
            self.display(r"\nabla L(\theta_0) = " + self.vector(list(gradient)))
        else:
            nonzero = sum(1 for g in gradient if g != 0)
            self.para(self.text(f"The gradient has {n} entries, {nonzero} of them nonzero."))
        try:
            H = L.hessian(v.point)
        except KinkError:
            self.para(self.text("The Hessian does not exist here: the adjacent pieces' Hessians differ."))
            return
        if n <= _LARGEST_PRINTED:
            self.display(r"\nabla^2 L(\theta_0) = " + self.matrix(H.tolist()))
        else:
            self.para(self.text(f"The Hessian is {n} x {n} (not printed)."))
        if v.hessian_inertia is not None:
            self.para(self.text("Inertia (eigenvalue signs): " + _inertia_text(v.hessian_inertia) + "."))

    def evidence(self, role, data):
        kind = data.get("type")
        n = len(self.symbols)
        if kind == "gradient":
            nonzero = next(i for i, g in enumerate(data["gradient"]) if str(g) != "0")
            self.para(self.text("Not critical: the gradient component ") + self.inline(
                f"\\partial L/\\partial {sympy.latex(self.symbols[nonzero])} = {self.number(data['gradient'][nonzero])}")
                + self.text(" is not zero."))
        elif kind == "critical":
            self.para(self.text("Critical: every component of the gradient is zero."))
        elif kind in ("clarke", "separation"):
            parts = [f"{self.number(w['weight'])} \\cdot \\nabla L_{{{i + 1}}}" for i, w in enumerate(data["weights"])]
            patterns = "; ".join(f"L_{i + 1}: {self.pattern_text(w['pattern'])}" for i, w in enumerate(data["weights"]))
            if kind == "clarke":
                self.para(self.text("Critical in Clarke's sense: a convex combination of the adjacent "
                                    f"pieces' gradients vanishes ({patterns}):"))
                self.display(" + ".join(parts) + r" = 0")
            else:
                self.para(self.text("Not critical: with p the convex combination below, every adjacent "
                                    f"piece Q has grad L_Q . p >= p . p > 0 ({patterns}), so every piece "
                                    "descends at first order along -p:"))
                self.display("p = " + " + ".join(parts))
        elif kind == "congruence":
            rows, d = data["rows"], data["diagonal"]
            self.para(self.text("Inertia by congruence (LDL^T): S H S^T = diag(d) with S invertible, so by "
                                "Sylvester's law of inertia the signs of d are the signs of the eigenvalues."))
            if n <= _LARGEST_PRINTED:
                self.display("S = " + self.matrix(rows) + r", \qquad d = " + self.vector(d, column=False))
            else:
                self.para(self.text(f"S is {n} x {n} (in the JSON certificate); d has "
                                    f"{sum(1 for x in d if not str(x).startswith('-') and str(x) != '0')} positive, "
                                    f"{sum(1 for x in d if str(x).startswith('-'))} negative and "
                                    f"{sum(1 for x in d if str(x) == '0')} zero entries."))
        elif kind == "indefinite":
            self.para(self.text("Strict saddle: two directions of opposite curvature:"))
            self.display(f"u = {self.vector(data['u'], column=False)},\\ u^\\top H u = {self.number(data['uHu'])} < 0,"
                         f"\\qquad v = {self.vector(data['v'], column=False)},\\ v^\\top H v = {self.number(data['vHv'])} > 0")
        elif kind == "curve":
            self.curve(role, data)
        elif kind == "adjacent_pieces":
            self.para(self.text(f"The point is on a kink. Adjacent pieces: {len(data['full'])} activation regions "
                                "with interior near the point (each shown by a curve into its interior); "
                                f"{len(data['empty'])} further sign patterns have regions without interior "
                                "(they lie in the zero set of a nonzero polynomial) and are pruned."))
        elif kind in ("sos", "pieces"):
            self.para(self.text({"minimum": "Minimum: the loss cannot go below its value near the point:",
                                 "maximum": "Maximum: the loss cannot go above its value near the point:"}[role]))
            for sub in ([data] if kind == "sos" else data["pieces"]):
                self.sos(sub)

    def curve(self, role, data):
        terms = [r"\theta_0"]
        for j, d in enumerate(data["curve"], start=1):
            power = "t" if j == 1 else f"t^{{{j}}}"
            terms.append(f"{power} {self.vector(d, column=False)}")
        k = data["order"]
        coefficient = data["coefficients"][k]
        self.para(self.text(f"A {role} curve (the loss {'decreases' if role == 'descent' else 'increases'} "
                            f"along it for small t > 0, at order {k}):"))
        self.display(r"\theta(t) = " + " + ".join(terms) + r", \qquad L(\theta(t)) = L(\theta_0) "
                     + ("- " if str(coefficient).startswith("-") else "+ ")
                     + self.number(str(coefficient).lstrip("-")) + f" t^{{{k}}} + O(t^{{{k + 1}}})")

    def sos(self, data):
        lower = data["sense"] == "lower"
        region = data["region"]
        f = "L" if region == "everywhere" else "L_P"
        lhs = f"{f}(\\theta) - L(\\theta_0)" if lower else f"L(\\theta_0) - {f}(\\theta)"
        terms = []
        for term in data["terms"]:
            square = f"\\left({self.number(term['polynomial'])}\\right)^2"
            coefficient = "" if str(term["coefficient"]) == "1" else self.number(term["coefficient"]) + r"\,"
            multiplier = f"\\, g_{{{term['constraint']}}}" if "constraint" in term else ""
            terms.append(coefficient + square + multiplier)
        if region == "everywhere":
            self.para(self.text("Sum of squares, an exact polynomial identity valid everywhere:"))
        else:
            pattern = self.pattern_text(region["pattern"])
            self.para(self.text(f"On the piece {pattern}: L equals the polynomial L_P on the closed region "
                                "where every g_k >= 0, and there"))
            piece = self.piece(region["pattern"])
            if piece is not None:
                self.display(f"L_P = {sympy.latex(piece.landscape.expression)}")
                if piece.constraints:
                    self.display(r",\quad ".join(f"g_{{{k}}} = {sympy.latex(g)}" for k, g in enumerate(piece.constraints)))
        self.display(lhs + " = " + (" + ".join(terms) if terms else "0"))

    def piece(self, pattern):
        if self.L is None:
            return None
        for piece in self.L.pieces(self.v.point):
            if list(piece.branches) == list(pattern):
                return piece
        return None

    def pattern_text(self, pattern):
        """The branch labels of a piece, e.g. ``active, inactive`` (its indices if unknown)."""
        piece = self.piece(pattern)
        if piece is not None and piece.pattern:
            return ", ".join(piece.pattern)
        return "(" + ", ".join(str(b) for b in pattern) + ")"

    def global_status(self, data):
        if data is None:
            self.para(self.text("Global status: unknown (no certificate either way)."))
            return
        if data.get("type") == "witness":
            self.para(self.text("Not a global minimum: a point of exactly lower value:"))
            self.display(r"L" + self.vector(data["point"], column=False) + " = " + self.number(data["value"])
                         + " < " + sympy.latex(self.v.value))
        else:
            self.para(self.text("A global minimum: the sum of squares below holds everywhere."))
            self.sos(data["certificate"])
