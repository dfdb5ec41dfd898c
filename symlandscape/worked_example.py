"""The worked example of a verdict: the loss, the point, the derivatives and the proof, as prose.

:func:`worked_example` turns a :class:`~symlandscape.Verdict` into a
:class:`~symlandscape.document.Document` that a reader can check by hand: the loss as its
user wrote it (a network in matrix form, with its data), the point, the gradient and
Hessian with their exact eigenvalues where those are rational or quadratic surds, and each
piece of the certificate written as a statement with the reason it holds.  What the search
tried is not part of the proof; ``detail=True`` adds it as an appendix.

>>> from symlandscape import Landscape, classify
>>> v = classify(Landscape.from_expression("(1 - w1*w2)^2", "w1,w2"), [0, 0])
>>> text = worked_example(v).render("markdown")
>>> "eigenvalues $-2,\\\\ 2$" in text, "L(w_{1}, w_{2}) = \\\\left(1 - w_{1} w_{2}\\\\right)^{2}" in text
(True, True)
"""

from __future__ import annotations

import sympy

from . import notation
from .document import Document, Math
from .errors import KinkError, SymlandscapeError

__all__ = ["worked_example"]

#: Vectors and matrices with more entries than this per side are described, not printed.
_LARGEST_PRINTED = 12
#: LaTeX characters per displayed line of a sum of squares, and of its longest printed term.
_LINE_LENGTH = 110
_LONGEST_TERM = 240

_KIND_NAMES = {
    "not_critical": "not a critical point",
    "strict_local_min": "a strict local minimum",
    "local_min": "a local minimum",
    "strict_local_max": "a strict local maximum",
    "local_max": "a local maximum",
    "strict_saddle": "a strict saddle",
    "degenerate_saddle": "a degenerate saddle",
    "undetermined": "undetermined",
}


def worked_example(verdict, *, detail=False, figures=None):
    """The worked example of ``verdict`` as a :class:`~symlandscape.document.Document`.

    ``figures`` is what :func:`symlandscape.plot.verdict_figures` returned (or None: no
    figures); ``detail`` appends what the search tried.
    """
    return _Writer(verdict).write(detail=detail, figures=figures)


class _Writer:
    def __init__(self, verdict):
        self.v = verdict
        self.L = verdict.landscape
        self.symbols = tuple(self.L.variables) if self.L is not None else tuple(
            sympy.Symbol(n, real=True) for n in verdict.variables)
        self.names = notation.symbol_names(self.symbols)
        self.doc = Document()

    # -- small pieces ------------------------------------------------------------------------
    def parse(self, text):
        if isinstance(text, int):
            return sympy.Integer(text)
        from .expression import parse_expression

        return parse_expression(str(text), self.symbols)

    def number(self, text):
        return notation.number(self.parse(text))

    def point(self, entries):
        return notation.point([self.parse(e) for e in entries])

    def power(self, k):
        return "t" if k == 1 else f"t^{{{k}}}"

    def monomial(self, coefficient, k):
        """``c t^k`` without a unit factor: ``-t^{3}``, ``\\tfrac{1}{2} t^{4}``."""
        c = self.parse(coefficient)
        if c == 1:
            return self.power(k)
        if c == -1:
            return "-" + self.power(k)
        text = notation.number(c)
        return (rf"\left({text}\right)" if c.is_Add else text) + " " + self.power(k)

    # -- the document ---------------------------------------------------------------------------
    def write(self, detail, figures):
        v, doc = self.v, self.doc
        doc.heading(f"Worked example: {_KIND_NAMES[v.kind]}", level=2)
        self.loss_and_point()
        self.statement()
        self.derivatives()
        doc.heading("Proof" if v.kind != "undetermined" else "What is proven", level=3)
        evidence = v.certificate.get("evidence", {})
        if "pieces" in evidence:
            self.adjacent_pieces(evidence["pieces"])
        for role in ("gradient", "separation", "critical", "clarke", "inertia", "indefinite",
                     "descent", "ascent", "minimum", "maximum"):
            if role in evidence:
                self.evidence(role, evidence[role])
        self.global_status(v.certificate.get("global"))
        self.conclusion()
        for figure in (figures.values() if isinstance(figures, dict) else figures or ()):
            doc.figure(figure.paths, figure.caption)
        if detail:
            doc.heading("Appendix: what the search tried", level=3)
            doc.paragraph(v.explanation, small=True)
        return doc

    def loss_and_point(self):
        v, doc = self.v, self.doc
        if self.L is None:
            doc.paragraph("No landscape is attached to this verdict, so the loss and its derivatives are not "
                          "shown; the certificate below is complete without them.")
        else:
            lines, data = notation.loss_lines(self.L, v.point if v.point else None)
            doc.paragraph("The loss is")
            doc.display(*lines)
            if data is not None:
                header, rows = data
                doc.paragraph("on the data")
                doc.table([Math(h) for h in header], [tuple(Math(c) for c in row) for row in rows],
                          align="r" * len(header))
        names = [notation.symbol(s.name) for s in self.symbols]
        value = r"L(\theta_0) = " + sympy.latex(v.value)
        if len(names) <= _LARGEST_PRINTED:
            params = "(" + ", ".join(names) + ") = " if len(names) <= 8 else ""
            doc.paragraph("The point is")
            doc.display(r"\theta_0 = " + params + self.point(v.point) + r", \qquad " + value)
        elif self.L is not None and notation.has_matrices(self.L):
            doc.paragraph("The point ", Math(r"\theta_0"), f" ({len(names)} parameters) is given by the matrices "
                          "above, and")
            doc.display(value)
        else:
            # inline, so that TeX may break the tuple across lines
            doc.paragraph(f"The point ({len(names)} parameters) is ", Math(r"\theta_0 = " + self.point(v.point)),
                          ", and ", Math(value), ".")

    def statement(self):
        v = self.v
        words = {
            "not_critical": "The point is not critical.",
            "strict_local_min": "The point is a strict local minimum.",
            "local_min": "The point is a local minimum: no point near it has a lower value.",
            "strict_local_max": "The point is a strict local maximum.",
            "local_max": "The point is a local maximum: no point near it has a higher value.",
            "strict_saddle": "The point is a strict saddle: the Hessian has eigenvalues of both signs.",
            "degenerate_saddle": "The point is a degenerate saddle: a critical point that is neither a "
                                 "minimum nor a maximum, although the Hessian has no eigenvalue of one of "
                                 "the two signs, so the second-order test cannot show it.",
            "undetermined": "What this point is was not decided: the evidence below is what was proven.",
        }[v.kind]
        if v.global_min is True:
            words += " It is a global minimum."
        elif v.global_min is False and v.kind != "not_critical":
            words += " It is not a global minimum."
        self.doc.paragraph(words)

    def derivatives(self):
        v, L, doc = self.v, self.L, self.doc
        if L is None or not v.point:
            return
        doc.heading("Derivatives at the point", level=3)
        n = len(self.symbols)
        try:
            gradient = L.gradient(v.point)
        except KinkError:
            gradient = None
        except SymlandscapeError:
            return
        if gradient is None:
            doc.paragraph("The point lies on a kink, and the adjacent pieces have different gradients, so "
                          "the loss has no gradient there.")
            return
        if all(g == 0 for g in gradient):
            doc.display(r"\nabla L(\theta_0) = 0")
        elif n <= _LARGEST_PRINTED:
            doc.display(r"\nabla L(\theta_0) = " + notation.point(list(gradient)))
        else:
            nonzero = sum(1 for g in gradient if g != 0)
            doc.paragraph(f"The gradient has {n} entries, {nonzero} of them nonzero.")
        try:
            H = L.hessian(v.point)
        except KinkError:
            doc.paragraph("All adjacent pieces share this gradient, but not their Hessians: the loss is "
                          "differentiable at the point and has no Hessian there.")
            return
        except SymlandscapeError:
            return
        if n <= _LARGEST_PRINTED:
            doc.display(r"\nabla^2 L(\theta_0) = " + notation.matrix(H.tolist()))
        else:
            self.hessian_blocks(H)
        eigen = notation.eigenvalues(H) if n <= _LARGEST_PRINTED else None
        inertia = v.hessian_inertia
        if eigen is not None:
            doc.paragraph("with eigenvalues ", Math(eigen), "." if inertia is None else (
                f" ({_inertia_words(inertia)})."))
        elif inertia is not None:
            doc.paragraph(f"The Hessian has {_inertia_words(inertia)}.")

    def hessian_blocks(self, H):
        """A Hessian too large to print: its blocks by weight matrix, or its size."""
        doc, L = self.doc, self.L
        shapes = getattr(L, "shapes", None)
        n = H.rows
        if shapes and all(r * c <= _LARGEST_PRINTED for r, c in shapes) and len(shapes) <= 4:
            doc.paragraph(f"The Hessian is {n} × {n}; by weight matrix, its blocks ",
                          Math(r"H_{kl} = \partial^2 L / \partial W_k \partial W_l"),
                          " (rows and columns in the row-major order of the entries; ",
                          Math(r"H_{lk} = H_{kl}^\top"), ") are")
            starts = [0]
            for r, c in shapes:
                starts.append(starts[-1] + r * c)
            lines = []
            for k in range(len(shapes)):
                for l in range(k, len(shapes)):
                    block = H[starts[k]:starts[k + 1], starts[l]:starts[l + 1]]
                    if block.is_zero_matrix:
                        lines.append(f"H_{{{k + 1}{l + 1}}} = 0")
                    else:
                        lines.append(f"H_{{{k + 1}{l + 1}}} = " + notation.matrix(block.tolist()))
            # a few blocks per line keeps the display within the page
            grouped = [r",\quad ".join(lines[i:i + 2]) for i in range(0, len(lines), 2)]
            doc.display(*grouped)
        else:
            doc.paragraph(f"The Hessian is {n} × {n} (not printed here).")

    # -- evidence ---------------------------------------------------------------------------------
    def evidence(self, role, data):
        doc = self.doc
        kind = data.get("type")
        if kind == "gradient":
            nonzero = next(i for i, g in enumerate(data["gradient"]) if str(g) != "0")
            name = notation.symbol(self.symbols[nonzero].name)
            doc.paragraph("Not critical: ", Math(rf"\partial L / \partial {name}\,(\theta_0) = "
                                                 + self.number(data["gradient"][nonzero]) + r" \neq 0"), ".")
        elif kind == "critical":
            doc.paragraph("Critical: every partial derivative of ", Math("L"), " vanishes at ", Math(r"\theta_0"),
                          ".")
        elif kind in ("clarke", "separation"):
            parts = [f"{self.number(w['weight'])}\\,\\nabla L_{{{i + 1}}}(\\theta_0)"
                     for i, w in enumerate(data["weights"])]
            if kind == "clarke":
                doc.paragraph("Critical in Clarke's sense: a convex combination of the gradients of the "
                              "adjacent pieces vanishes,")
                doc.display(" + ".join(parts) + " = 0.")
            else:
                doc.paragraph("Not critical: with ", Math("p = " + " + ".join(parts)), ", every adjacent "
                              "piece Q has ", Math(r"\nabla L_Q(\theta_0) \cdot p \ge p \cdot p > 0"),
                              ", so every piece descends at first order along ", Math("-p"), ".")
        elif kind == "congruence":
            self.congruence(data)
        elif kind == "indefinite":
            doc.paragraph("Saddle: two directions of opposite curvature,")
            doc.display(f"u = {self.point(data['u'])},\\quad u^\\top H u = {self.number(data['uHu'])} < 0, "
                        f"\\qquad v = {self.point(data['v'])},\\quad v^\\top H v = {self.number(data['vHv'])} > 0,")
            doc.paragraph("so ", Math(r"L(\theta_0 + t u) < L(\theta_0) < L(\theta_0 + t v)"),
                          " for all small t ≠ 0, since the gradient vanishes and these are the second-order "
                          "terms.")
        elif kind == "curve":
            self.curve(role, data)
        elif kind == "structural_lower_bound":
            self.structural(data, "Minimum")
        elif kind == "eckart_young":
            self.eckart_young(data, "Minimum")
        elif kind in ("sos", "pieces"):
            sense = "below" if role == "minimum" else "above"
            doc.paragraph(f"{'Minimum' if role == 'minimum' else 'Maximum'}: the loss does not go {sense} "
                          "its value near the point, by the identities below (polynomial identities: "
                          "expand both sides to check).")
            for sub in ([data] if kind == "sos" else data["pieces"]):
                self.sos(sub)

    def congruence(self, data):
        doc, n = self.doc, len(self.symbols)
        d = data["diagonal"]
        if n <= 6:
            doc.paragraph("Inertia by congruence: with the invertible matrix S below, ",
                          Math(r"S H S^\top = \operatorname{diag}(d)"), ", and by Sylvester's law of inertia "
                          "the signs of the entries of ", Math("d"), " are the signs of the eigenvalues of ",
                          Math("H"), ":")
            doc.display("S = " + notation.matrix([[self.parse(e) for e in row] for row in data["rows"]])
                        + r", \qquad d = " + self.point(d) + ".")
        else:
            signs = [self.parse(x) for x in d]
            doc.paragraph("Inertia by congruence: the certificate gives an invertible ", Math(f"{n} \\times {n}"),
                          " matrix S with ", Math(r"S H S^\top = \operatorname{diag}(d)"),
                          f"; d has {sum(1 for x in signs if x > 0)} positive, {sum(1 for x in signs if x < 0)} "
                          f"negative and {sum(1 for x in signs if x == 0)} zero entries, which are the signs of "
                          "the eigenvalues of H by Sylvester's law of inertia.")

    def curve(self, role, data):
        doc = self.doc
        terms = [r"\theta_0"] + [f"{self.power(j)}\\,{self.point(d)}" for j, d in enumerate(data["curve"], start=1)]
        k = data["order"]
        c = data["coefficients"][k]
        doc.paragraph(f"{'Descent' if role == 'descent' else 'Ascent'}: along the curve")
        doc.display(r"\theta(t) = " + " + ".join(terms) + ",",
                    r"L(\theta(t)) - L(\theta_0) = " + self.monomial(c, k) + f" + O(t^{{{k + 1}}}),")
        doc.paragraph(f"so the loss {'decreases' if role == 'descent' else 'increases'} along it for all small "
                      "t > 0.")

    def sos(self, data):
        doc = self.doc
        lower = data["sense"] == "lower"
        region = data["region"]
        ball = isinstance(region, dict) and "ball" in region
        f = "L" if region == "everywhere" or ball else "L_P"
        lhs = f"{f}(\\theta) - L(\\theta_0)" if lower else f"L(\\theta_0) - {f}(\\theta)"
        if "multiplier" in data:
            k = data["multiplier"]["reznick"]
            lhs = r"\left(1 + |\theta|^2\right)" + ("" if k == 1 else f"^{{{k}}}") + r"\left(" + lhs + r"\right)"
        # equal squares are merged: c q^2 + c' q^2 = (c + c') q^2
        merged = {}
        for term in data["terms"]:
            key = (term["polynomial"], term.get("constraint"))
            merged[key] = merged.get(key, 0) + self.parse(term["coefficient"])
        rendered = []
        for (polynomial, constraint), coefficient in merged.items():
            q = self.parse(polynomial)
            if q.is_number:
                coefficient, square = coefficient * q**2, ""
            elif q.is_Symbol or (q.is_Pow and q.base.is_Symbol):
                square = sympy.latex(q, symbol_names=self.names) + "^2" if q.is_Symbol else (
                    r"\left(" + sympy.latex(q, symbol_names=self.names) + r"\right)^2")
            else:
                square = r"\left(" + sympy.latex(q, symbol_names=self.names) + r"\right)^2"
            text = notation.number(coefficient) if not square else (
                square if coefficient == 1 else notation.number(coefficient) + r"\," + square)
            if constraint is not None:
                text += f"\\, g_{{{constraint}}}(\\theta)"
            rendered.append(text)
        if ball:
            r2 = self.number(region["ball"])
            doc.paragraph("On the ball ", Math(r"|\theta - \theta_0|^2 \le " + r2), ", where ",
                          Math(r"g_0(\theta) = " + r2 + r" - |\theta - \theta_0|^2 \ge 0"), ", we have")
        elif region != "everywhere":
            piece = self.piece(region["pattern"])
            label = ", ".join(piece.pattern) if piece is not None and piece.pattern else str(region["pattern"])
            words = [f"On the adjacent piece ({label}), ", Math("L"), " equals a polynomial ", Math("L_P"),
                     " on the closed region where every ", Math(r"g_k \ge 0"), ", and there"]
            if piece is not None and piece.constraints:
                doc.paragraph(*words[:-1], ", with")
                constraints = [f"g_{{{k}}}(\\theta) = {sympy.latex(g, symbol_names=self.names)}"
                               for k, g in enumerate(piece.constraints)]
                doc.display(*[r",\quad ".join(constraints[i:i + 3]) + ","
                              for i in range(0, len(constraints), 3)])
                doc.paragraph("we have")
            else:
                doc.paragraph(*words)
        elif "multiplier" in data:
            doc.paragraph("For every θ (the factor ", Math(r"1 + |\theta|^2"), " is positive, so ",
                          Math(r"L(\theta) - L(\theta_0)"), " is nonnegative though not itself a sum of squares):")
        else:
            doc.paragraph("For every θ:")
        if not rendered:
            doc.display(lhs + " = 0.")
            return
        if max(len(r) for r in rendered) > _LONGEST_TERM:
            degree = max(sympy.Poly(self.parse(p), *self.symbols).total_degree() for p, _ in merged)
            doc.display(lhs + r" = \sum_{i=1}^{" + str(len(rendered)) + r"} c_i\, q_i(\theta)^2 \ge 0"
                        + (r" \text{ there}" if any("g_{" in r for r in rendered) else "") + ",")
            doc.paragraph(f"with {len(rendered)} positive numbers c_i and polynomials q_i of degree at most "
                          f"{degree}, too long to print here; they are in the JSON certificate.")
            return
        lines, line = [], []
        for term in rendered:  # break the sum into lines of about _LINE_LENGTH characters of LaTeX
            if line and sum(len(t) for t in line) + len(term) > _LINE_LENGTH:
                lines.append(" + ".join(line))
                line = []
            line.append(term)
        lines.append(" + ".join(line))
        lines[0] = lhs + " = " + lines[0]
        lines[1:] = ["+ " + line for line in lines[1:]]
        lines[-1] += r" \ge 0." if not any("g_{" in r for r in rendered) else r" \ge 0 \text{ there.}"
        doc.display(*lines)

    def eckart_young(self, data, lead):
        """``L >= s (tr YYᵀ − λ_1 − … − λ_p)`` over products of rank at most p, equal to the value here."""
        p = min(data["widths"])
        self.doc.paragraph(f"{lead}: every end-to-end product ", Math(r"W_{H+1}\cdots W_1"), " has rank at most ",
                           Math(f"p = {p}"), f", the narrowest of the widths {tuple(data['widths'])}. By the "
                           "Eckart–Young–Mirsky theorem, applied to the projection of Y onto the row space of X, "
                           "no such product gives a lower value than")
        self.doc.display(r"s\left(\operatorname{tr} Y Y^\top - \lambda_1 - \dots - \lambda_{" + str(p)
                         + r"}\right) = " + self.number(data["bound"]) + r" = L(\theta_0),")
        self.doc.paragraph("with ", Math(r"\lambda_1 \ge \lambda_2 \ge \dots"), " the eigenvalues of ",
                           Math(r"\Sigma = Y X^\top (X X^\top)^{-1} X Y^\top"),
                           " (the checker sums the top ones exactly from the factors of its characteristic "
                           "polynomial).")

    def structural(self, data, lead):
        """``L = K + (terms nonnegative by their form)`` and ``L(θ0) = K``."""
        self.doc.paragraph(f"{lead}: as written, the loss is the constant ", Math(self.number(data["bound"])),
                           " plus terms that are nonnegative by their form (even powers, relu, abs, exp and "
                           "sigmoid of real expressions, positive constants, and their sums and products), so ",
                           Math(r"L(\theta) \ge " + self.number(data["bound"]) + r" = L(\theta_0)"),
                           " for every θ where the loss is defined.")

    def adjacent_pieces(self, data):
        full, empty = len(data["full"]), len(data["empty"])
        words = (f"The point lies on a kink. Near it the loss is given by {full} adjacent "
                 f"piece{'s' if full != 1 else ''} (activation patterns whose closed region has interior "
                 "near the point; the certificate gives a curve into each region's interior)")
        if empty:
            words += (f"; {empty} further sign pattern{'s have' if empty != 1 else ' has'} regions without "
                      "interior (each lies in the zero set of a nonzero polynomial, shown by nonnegative "
                      "multipliers and squares summing to zero)")
        self.doc.paragraph(words + ".")

    def piece(self, pattern):
        if self.L is None:
            return None
        try:
            for piece in self.L.pieces(self.v.point):
                if list(piece.branches) == list(pattern):
                    return piece
        except SymlandscapeError:
            return None
        return None

    def global_status(self, data):
        doc = self.doc
        if data is None:
            doc.paragraph("Global status: whether the point is a global minimum is not established.")
        elif data.get("type") == "witness":
            lower = (r"L(\theta^*) = " + self.number(data["value"]) + " < " + sympy.latex(self.v.value)
                     + r" = L(\theta_0)")
            if len(data["point"]) <= _LARGEST_PRINTED:
                doc.paragraph("Not a global minimum: at")
                doc.display(r"\theta^* = " + self.point(data["point"]) + r", \qquad " + lower + ".")
            else:  # inline, so that TeX may break the tuple across lines
                doc.paragraph("Not a global minimum: at ", Math(r"\theta^* = " + self.point(data["point"])), ",")
                doc.display(lower + ".")
        elif data.get("type") in ("structural_lower_bound", "eckart_young"):
            if data == self.v.certificate.get("evidence", {}).get("minimum"):
                doc.paragraph("A global minimum: the bound above holds for every θ where the loss is defined.")
            elif data["type"] == "eckart_young":
                self.eckart_young(data, "A global minimum")
            else:
                self.structural(data, "A global minimum")
        elif data.get("type") == "cell_cover":
            cells, empty = len(data["cells"]), len(data["empty"])
            splits = ", ".join(data["splits"])
            doc.paragraph("A global minimum: closed cells cover all of space (one branch of every unit"
                          + (f" and a sign of {splits}" if splits else "") + f"; {cells} cells"
                          + (f", and {empty} empty prefixes cut by Farkas combinations" if empty else "")
                          + "), and on each cell an exact "
                          "identity shows that the loss's piece is at least ",
                          Math(self.number(data["bound"]) + r" = L(\theta_0)"), ".")
        elif data["certificate"] == self.v.certificate.get("evidence", {}).get("minimum"):
            doc.paragraph("A global minimum: the identity above holds for every θ.")
        else:
            doc.paragraph("A global minimum: the identity below holds for every θ.")
            self.sos(data["certificate"])

    def conclusion(self):
        v = self.v
        verified = ("Every step above is part of the certificate, which the independent checker "
                    "(symlandscape verify) re-verified with exact arithmetic from the loss's definition."
                    if v.verified else "The certificate was NOT verified.")
        self.doc.paragraph(verified)


def _inertia_words(inertia):
    return (f"{inertia['positive']} positive, {inertia['negative']} negative and {inertia['zero']} zero "
            f"eigenvalue{'s' if inertia['zero'] != 1 else ''}")
