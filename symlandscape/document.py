"""Documents: worked examples and reports as blocks, rendered to LaTeX, Markdown or HTML.

A :class:`Document` is a list of blocks (headings, paragraphs of text and inline math,
displayed equations, tables, figures, lists).  The three renderers share everything but the
wrapping, so a worked example says the same thing in a paper, on GitHub and in a browser:

- LaTeX: a fragment that compiles under pdflatex and lualatex with :data:`PREAMBLE`
  (amsmath, amssymb, array, booktabs, graphicx), or a whole document with ``standalone=True``;
- Markdown: GitHub and Jupyter render its ``$...$`` and ``$$...$$`` with MathJax;
- HTML: one self-contained file (math as MathML, figures embedded as data), which a browser
  opens without a network.

This is the only module that escapes text: :func:`tex_escape`, :func:`markdown_escape` and
:func:`html.escape` are applied here and nowhere else.

>>> doc = Document()
>>> doc.paragraph("The loss ", Math(r"L = (1 - w_1 w_2)^2"), " has 100% of its minima on a curve.")
>>> print(doc.render("latex"), end="")
The loss $L = (1 - w_1 w_2)^2$ has 100\\% of its minima on a curve.
>>> print(doc.render("markdown"), end="")
The loss $L = (1 - w_1 w_2)^2$ has 100% of its minima on a curve.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidArgument

__all__ = ["Document", "Math", "PREAMBLE", "DOCUMENT_FORMATS", "tex_escape", "markdown_escape"]

#: What a LaTeX fragment needs: put these lines before ``\begin{document}``.
PREAMBLE = "\n".join([
    r"\usepackage{amsmath,amssymb}",
    r"\usepackage{array}",
    r"\usepackage{booktabs}",
    r"\usepackage{graphicx}",
])

DOCUMENT_FORMATS = ("latex", "markdown", "html")


@dataclass(frozen=True)
class Math:
    """Inline mathematics, written in LaTeX (amsmath)."""

    latex: str


@dataclass(frozen=True)
class _Heading:
    text: str
    level: int


@dataclass(frozen=True)
class _Paragraph:
    segments: tuple
    small: bool = False


@dataclass(frozen=True)
class _Display:
    lines: tuple


@dataclass(frozen=True)
class _Table:
    header: tuple
    rows: tuple
    align: str
    caption: str | None
    widths: dict


@dataclass(frozen=True)
class _Figure:
    paths: dict
    caption: str


@dataclass(frozen=True)
class _Items:
    items: tuple


@dataclass
class Document:
    """An ordered list of blocks; see the module docstring."""

    title: str | None = None
    blocks: list = field(default_factory=list)

    # -- building ----------------------------------------------------------------------
    def heading(self, text, level=2):
        """A heading: level 1 a section, 2 a subsection, 3 a subsubsection."""
        if level not in (1, 2, 3):
            raise InvalidArgument(f"level={level!r} must be 1, 2 or 3")
        self.blocks.append(_Heading(str(text), level))

    def paragraph(self, *segments, small=False):
        """A paragraph of text (``str``) and inline math (:class:`Math`)."""
        self.blocks.append(_Paragraph(_segments(segments), small))

    def display(self, *lines):
        """Displayed equations, one per line, centred (LaTeX ``gather*``)."""
        if lines:
            self.blocks.append(_Display(tuple(str(line) for line in lines)))

    def table(self, header, rows, align=None, caption=None, widths=None):
        """A table; each cell (and header) is text, :class:`Math`, or a tuple of them.

        ``align`` gives l, r or c per column; ``widths`` maps a column index to a fraction of
        the line width, for columns of text that wrap (LaTeX ``p`` columns).
        """
        align = align or "l" * len(header)
        if len(align) != len(header) or set(align) - set("lrc"):
            raise InvalidArgument(f"align={align!r} must give l, r or c for each of the {len(header)} columns")
        cells = tuple(tuple(_segments(c if isinstance(c, tuple) else (c,)) for c in row) for row in rows)
        if any(len(row) != len(header) for row in cells):
            raise InvalidArgument("every row of a table must have one cell per column")
        head = tuple(_segments(h if isinstance(h, tuple) else (h,)) for h in header)
        self.blocks.append(_Table(head, cells, align, caption, dict(widths or {})))

    def figure(self, paths, caption):
        """A figure: ``paths`` maps a format (``pdf``, ``png``, ``svg``) to a file."""
        self.blocks.append(_Figure({k: Path(v) for k, v in paths.items()}, str(caption)))

    def items(self, *items):
        """A bulleted list; each item is text, :class:`Math`, or a tuple of them."""
        if items:
            self.blocks.append(_Items(tuple(_segments(i if isinstance(i, tuple) else (i,)) for i in items)))

    def extend(self, other):
        """Append the blocks of another document."""
        self.blocks.extend(other.blocks)

    # -- rendering -----------------------------------------------------------------------
    def render(self, fmt="latex", *, standalone=False):
        """The document as ``latex``, ``markdown`` or ``html`` text.

        HTML is always a whole page; LaTeX is a fragment for :data:`PREAMBLE` unless
        ``standalone``; Markdown has no preamble.
        """
        if fmt not in DOCUMENT_FORMATS:
            raise InvalidArgument(f"fmt={fmt!r} is not one of {list(DOCUMENT_FORMATS)}")
        renderer = {"latex": _LaTeX, "markdown": _Markdown, "html": _HTML}[fmt]()
        body = "\n\n".join(renderer.block(b) for b in self.blocks)
        return renderer.wrap(body, self.title, standalone)

    def html_fragment(self):
        """The HTML of the document without the page around it (no head, no style), for a notebook cell."""
        renderer = _HTML()
        return renderer.fragment("\n\n".join(renderer.block(b) for b in self.blocks), self.title)


def _segments(segments):
    out = []
    for s in segments:
        if isinstance(s, (Math, str)):
            out.append(s)
        else:
            raise InvalidArgument(f"a paragraph holds text and Math, not {type(s).__name__}")
    return tuple(out)


# ---------------------------------------------------------------------------------------
# escaping


# an identifier such as strict_local_min may break after an underscore
_TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_\allowbreak{}",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
# Unicode that appears in statements and messages, as math (pdflatex has no glyphs for it).
_TEX_UNICODE = {
    "Σ": r"$\Sigma$", "σ": r"$\sigma$", "θ": r"$\theta$", "λ": r"$\lambda$", "ℓ": r"$\ell$", "∂": r"$\partial$",
    "ε": r"$\varepsilon$", "μ": r"$\mu$", "π": r"$\pi$", "α": r"$\alpha$", "β": r"$\beta$", "∇": r"$\nabla$",
    "Λ": r"$\Lambda$", "δ": r"$\delta$", "γ": r"$\gamma$", "τ": r"$\tau$", "φ": r"$\varphi$",
    "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "≈": r"$\approx$", "→": r"$\to$", "⇒": r"$\Rightarrow$",
    "∈": r"$\in$", "⊂": r"$\subset$", "×": r"$\times$", "·": r"$\cdot$", "⋯": r"$\cdots$", "…": r"\ldots{}",
    "−": "-", "–": "--", "—": "---", "ᵀ": r"$^{\top}$", "²": r"$^{2}$", "³": r"$^{3}$", "⁻": r"$^{-}$",
    "¹": r"$^{1}$", "⁴": r"$^{4}$", "‖": r"$\|$", "∞": r"$\infty$", "±": r"$\pm$", "√": r"$\surd$",
    "✓": r"$\checkmark$", "✗": r"$\times$", "↦": r"$\mapsto$", "∪": r"$\cup$", "∩": r"$\cap$", "∅": r"$\emptyset$",
    "⪰": r"$\succeq$", "≻": r"$\succ$", "₀": r"$_0$", "₁": r"$_1$", "₂": r"$_2$", "₃": r"$_3$", "ᵢ": r"$_i$",
    "ₖ": r"$_k$", "ᵏ": r"$^{k}$", "‘": "`", "’": "'", "“": "``", "”": "''", "∑": r"$\sum$", "∀": r"$\forall$",
    "∃": r"$\exists$", "⟨": r"$\langle$", "⟩": r"$\rangle$", "∘": r"$\circ$", "⁺": r"$^{+}$",
}


def tex_escape(text):
    """Plain text as LaTeX that pdflatex and lualatex compile: specials escaped, Unicode as math.

    >>> print(tex_escape("θ ≥ 0 & 50% of Wᵀ_1 < f̃"))
    $\\theta$ $\\ge$ 0 \\& 50\\% of W$^{\\top}$\\_\\allowbreak{}1 \\textless{} $\\tilde{f}$
    """
    out, text, i = [], str(text), 0
    while i < len(text):
        if text[i + 1:i + 2] == "\u0303" and text[i].isascii() and text[i].isalpha():
            out.append(r"$\tilde{%s}$" % text[i])  # f̃, L̃: a letter with a combining tilde
            i += 2
            continue
        ch = text[i]
        if ch in _TEX_SPECIALS:
            out.append(_TEX_SPECIALS[ch])
        elif ch in _TEX_UNICODE:
            out.append(_TEX_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            # accents and friends: the base letter; anything else: its Unicode name
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(base if base else "[" + unicodedata.name(ch, "?").lower() + "]")
        i += 1
    return "".join(out)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|$])")


def markdown_escape(text):
    """Plain text for Markdown: the characters that would start markup are escaped.

    >>> print(markdown_escape("a*b_c [x] $5"))
    a\\*b\\_c \\[x\\] \\$5
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


# ---------------------------------------------------------------------------------------
# renderers


def _math_ascii(latex):
    """Math with the Unicode symbols of :data:`_TEX_UNICODE` as commands (``∈`` → ``\\in``)."""
    if latex.isascii():
        return latex
    return "".join(_TEX_UNICODE[c].strip("$") + (" " if _TEX_UNICODE[c].startswith("$\\") else "")
                   if c in _TEX_UNICODE else c for c in latex)


class _LaTeX:
    def text(self, segments):
        return "".join(f"${_math_ascii(s.latex)}$" if isinstance(s, Math) else tex_escape(s) for s in segments)

    def block(self, b):
        if isinstance(b, _Heading):
            command = {1: "section*", 2: "subsection*", 3: "subsubsection*"}[b.level]
            return f"\\{command}{{{tex_escape(b.text)}}}"
        if isinstance(b, _Paragraph):
            text = self.text(b.segments)
            return "{\\small " + text + "\\par}" if b.small else text
        if isinstance(b, _Display):
            lines = [_math_ascii(line) for line in b.lines]
            if len(lines) == 1:
                return "\\[\n  " + lines[0] + "\n\\]"
            return "\\begin{gather*}\n  " + " \\\\\n  ".join(lines) + "\n\\end{gather*}"
        if isinstance(b, _Table):
            head = " & ".join(self.text(h) for h in b.header) + r" \\"
            rows = [" & ".join(self.text(c) for c in row) + r" \\" for row in b.rows]
            spec = "".join(f">{{\\raggedright\\arraybackslash}}p{{{b.widths[i]}\\linewidth}}" if i in b.widths else a
                           for i, a in enumerate(b.align))
            table = ["\\begin{table}[htbp]", "\\centering", "\\small"]
            if b.caption:
                table.append(f"\\caption{{{tex_escape(b.caption)}}}")
            table += [f"\\begin{{tabular}}{{{spec}}}", "\\toprule", head, "\\midrule", *rows, "\\bottomrule",
                      "\\end{tabular}", "\\end{table}"]
            return "\n".join(table)
        if isinstance(b, _Figure):
            path = b.paths.get("pdf") or b.paths.get("png")
            if path is None:
                return f"% figure without a PDF or PNG file: {tex_escape(b.caption)}"
            return "\n".join(["\\begin{figure}[htbp]", "\\centering",
                              f"\\includegraphics[width=0.6\\linewidth]{{{path.as_posix()}}}",
                              f"\\caption{{{tex_escape(b.caption)}}}", "\\end{figure}"])
        if isinstance(b, _Items):
            # \relax: an item that starts with "[" is not an optional label
            return "\\begin{itemize}\n" + "\n".join("  \\item\\relax " + self.text(i) for i in b.items) + "\n\\end{itemize}"
        raise TypeError(b)

    def wrap(self, body, title, standalone):
        if title:
            body = f"\\section*{{{tex_escape(title)}}}\n\n" + body
        if not standalone:
            return body + "\n"
        return "\n".join([r"\documentclass[11pt]{article}",
                          r"\usepackage[margin=2cm]{geometry}", PREAMBLE, r"\begin{document}", body,
                          r"\end{document}", ""])


class _Markdown:
    def text(self, segments, cell=False):
        out = []
        for s in segments:
            if isinstance(s, Math):
                out.append(f"${s.latex}$".replace("|", r"\vert ") if cell else f"${s.latex}$")
            else:
                out.append(markdown_escape(s).replace("\n", " "))
        return "".join(out)

    def block(self, b):
        if isinstance(b, _Heading):
            return "#" * (b.level + 1) + " " + markdown_escape(b.text)
        if isinstance(b, _Paragraph):
            return self.text(b.segments)
        if isinstance(b, _Display):
            body = b.lines[0] if len(b.lines) == 1 else (
                "\\begin{gathered}\n" + " \\\\\n".join(b.lines) + "\n\\end{gathered}")
            return "$$\n" + body + "\n$$"
        if isinstance(b, _Table):
            lines = [f"**{markdown_escape(b.caption)}**", ""] if b.caption else []
            lines.append("| " + " | ".join(self.text(h, cell=True) for h in b.header) + " |")
            lines.append("|" + "|".join({"l": "---", "r": "---:", "c": ":---:"}[a] for a in b.align) + "|")
            lines.extend("| " + " | ".join(self.text(c, cell=True) for c in row) + " |" for row in b.rows)
            return "\n".join(lines)
        if isinstance(b, _Figure):
            path = b.paths.get("png") or b.paths.get("svg")
            if path is None:
                return f"*{markdown_escape(b.caption)}*"
            return f"![{markdown_escape(b.caption)}]({path.as_posix()})\n\n*{markdown_escape(b.caption)}*"
        if isinstance(b, _Items):
            return "\n".join("- " + self.text(i) for i in b.items)
        raise TypeError(b)

    def wrap(self, body, title, standalone):
        return (f"# {markdown_escape(title)}\n\n" if title else "") + body + "\n"


_HTML_STYLE = """body { font-family: Georgia, 'Times New Roman', serif; max-width: 50em; margin: 2em auto;
  padding: 0 1em; line-height: 1.5; color: #111; }
math[display="block"] { margin: 0.8em 0; overflow-x: auto; overflow-y: hidden; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { padding: 0.25em 0.7em; vertical-align: top; text-align: left; }
thead th { border-top: 2px solid #111; border-bottom: 1px solid #111; }
tbody tr:last-child td { border-bottom: 2px solid #111; }
td.r, th.r { text-align: right; } td.c, th.c { text-align: center; }
figure { margin: 1em 0; text-align: center; } figure img { max-width: 100%; }
figcaption { font-size: 0.92em; } .small { font-size: 0.88em; }"""


class _HTML:
    def math(self, latex, display=False):
        from latex2mathml.converter import convert

        # \allowbreak only helps TeX break long inline formulas; MathML wraps on its own
        return convert(latex.replace(r"\allowbreak", ""), display="block" if display else "inline")

    def text(self, segments):
        return "".join(self.math(s.latex) if isinstance(s, Math) else html.escape(s) for s in segments)

    def block(self, b):
        if isinstance(b, _Heading):
            return f"<h{b.level + 1}>{html.escape(b.text)}</h{b.level + 1}>"
        if isinstance(b, _Paragraph):
            opening = '<p class="small">' if b.small else "<p>"
            return f"{opening}{self.text(b.segments)}</p>"
        if isinstance(b, _Display):
            return "\n".join(self.math(line, display=True) for line in b.lines)
        if isinstance(b, _Table):
            cls = {"l": "", "r": ' class="r"', "c": ' class="c"'}
            head = "".join(f"<th{cls[a]}>{self.text(h)}</th>" for h, a in zip(b.header, b.align))
            rows = "\n".join("<tr>" + "".join(f"<td{cls[a]}>{self.text(c)}</td>" for c, a in zip(row, b.align))
                             + "</tr>" for row in b.rows)
            caption = f"<caption>{html.escape(b.caption)}</caption>" if b.caption else ""
            return f"<table>{caption}<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
        if isinstance(b, _Figure):
            for fmt, mime in (("svg", "image/svg+xml"), ("png", "image/png")):
                path = b.paths.get(fmt)
                if path is not None and path.exists():
                    data = base64.b64encode(path.read_bytes()).decode("ascii")
                    return (f'<figure><img alt="{html.escape(b.caption)}" src="data:{mime};base64,{data}">'
                            f"<figcaption>{html.escape(b.caption)}</figcaption></figure>")
            return f"<p><em>{html.escape(b.caption)}</em> (figure file missing)</p>"
        if isinstance(b, _Items):
            return "<ul>\n" + "\n".join(f"<li>{self.text(i)}</li>" for i in b.items) + "\n</ul>"
        raise TypeError(b)

    def fragment(self, body, title):
        return (f"<h1>{html.escape(title)}</h1>\n" if title else "") + body

    def wrap(self, body, title, standalone):
        return "\n".join(["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                          f"<title>{html.escape(title or 'symlandscape')}</title>",
                          f"<style>\n{_HTML_STYLE}\n</style>", "</head>", "<body>", self.fragment(body, title),
                          "</body>", "</html>", ""])
