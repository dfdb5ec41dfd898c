"""Documents: one escaping module, three renderers that say the same thing."""

import base64

import pytest

from symlandscape import InvalidArgument
from symlandscape.document import PREAMBLE, Document, Math, markdown_escape, tex_escape
from texbuild import ENGINES, compile_latex, overfull

HOSTILE = r"\ & % $ # _ { } ~ ^ < > | θ ≥ Σ_{i∈I} λ_i Wᵀ ‖x‖² — “quoted” f̃ é ✓ ✗ 中"


@pytest.mark.parametrize("engine", ENGINES)
def test_every_special_and_symbol_compiles(engine, tmp_path):
    doc = Document(title="Title with _ and &")
    doc.heading("Heading with % and θ", level=2)
    doc.paragraph(HOSTILE, Math(r"x_{i∈I} \ge 0"), " [not an option]")
    doc.items("[starts with a bracket]", HOSTILE)
    doc.table(["a_b", Math("x_i")], [("1 & 2", Math(r"\tfrac{1}{2}")), ("<", "|")], align="lr")
    source = doc.render("latex", standalone=True)
    assert source.isascii()
    pdf, log = compile_latex(source, tmp_path, engine)
    assert overfull(log) == []


def test_the_fragment_needs_only_the_preamble(tmp_path):
    doc = Document()
    doc.display(r"\begin{pmatrix} 1 & 2 \end{pmatrix}", r"x \ge 0")
    doc.table(["h"], [("x",)], caption="a table")
    fragment = doc.render("latex")
    assert r"\documentclass" not in fragment and r"\begin{gather*}" in fragment and r"\toprule" in fragment
    compile_latex("\\documentclass{article}\n" + PREAMBLE + "\n\\begin{document}\n" + fragment
                  + "\\end{document}\n", tmp_path)


def test_escaping_in_each_format():
    assert tex_escape("50% & $5") == r"50\% \& \$5"
    assert tex_escape("<x>") == r"\textless{}x\textgreater{}"      # pdflatex would print ¡x¿
    assert markdown_escape("*a* _b_ |c|") == r"\*a\* \_b\_ \|c\|"
    doc = Document()
    doc.paragraph("<script>alert(1)</script>")
    assert "<script>" not in doc.render("html") and "&lt;script&gt;" in doc.render("html")


def test_math_in_a_markdown_table_keeps_its_bars():
    doc = Document()
    doc.table(["norm"], [(Math(r"|x|"),)])
    assert r"$\vert x\vert $" in doc.render("markdown")


def test_figures(tmp_path):
    png = tmp_path / "f.png"
    png.write_bytes(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))
    doc = Document()
    doc.figure({"png": png, "pdf": tmp_path / "f.pdf"}, "A caption")
    assert r"\includegraphics[width=0.6\linewidth]{" + (tmp_path / "f.pdf").as_posix() + "}" in doc.render("latex")
    assert f"![A caption]({png.as_posix()})" in doc.render("markdown")
    assert 'src="data:image/png;base64,iVBORw0KGgo' in doc.render("html")   # self-contained


def test_bad_arguments():
    doc = Document()
    with pytest.raises(InvalidArgument, match="fmt"):
        doc.render("pdf")
    with pytest.raises(InvalidArgument, match="level"):
        doc.heading("x", level=4)
    with pytest.raises(InvalidArgument, match="one cell per column"):
        doc.table(["a", "b"], [("only one",)])
    with pytest.raises(InvalidArgument, match="align"):
        doc.table(["a"], [("x",)], align="q")
    with pytest.raises(InvalidArgument, match="text and Math"):
        doc.paragraph(3)
