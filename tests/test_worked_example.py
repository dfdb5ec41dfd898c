"""Worked examples as paper material: they compile, read as mathematics, and state the right facts."""

from html.parser import HTMLParser

import pytest
import sympy

from symlandscape import Landscape, classify, deep_linear, get_loss, mlp
from symlandscape.document import PREAMBLE

from texbuild import ENGINES, compile_latex, overfull


def lee():
    return Landscape.from_expression("(1 - w1*w2)^2", "w1,w2"), [0, 0]


def chain():
    return deep_linear([[1]], [[1]], hidden=[1, 1]), [0, 0, 0]


def relu():
    L = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
            variables="w,b,v,c")
    return L, [1, -3, 1, 0]


def linear16():
    """16 parameters: four 2x2 weight matrices at a global minimum (W_4 W_3 W_2 W_1 = Y, X = I)."""
    L = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 4]], hidden=[2, 2, 2])
    identity = [[1, 0], [0, 1]]
    return L, L.point_from_matrices([identity, identity, identity, [[1, 0], [0, 4]]])


EXAMPLES = {"lee": lee, "chain": chain, "relu": relu, "linear16": linear16}


@pytest.fixture(scope="module")
def verdicts():
    return {name: classify(*make()) for name, make in EXAMPLES.items()}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_fragment_compiles_with_the_documented_preamble(verdicts, name, engine, tmp_path):
    body = verdicts[name].render("latex")
    source = "\\documentclass{article}\n" + PREAMBLE + "\n\\begin{document}\n" + body + "\\end{document}\n"
    pdf, log = compile_latex(source, tmp_path, engine)
    assert pdf.stat().st_size > 1000
    assert overfull(log) == [], "text runs into the margin"
    assert "Missing character" not in log


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_standalone_document_compiles(verdicts, name, tmp_path):
    source = verdicts[name].render("latex", standalone=True, detail=True)
    assert source.startswith("\\documentclass") and source.rstrip().endswith("\\end{document}")
    compile_latex(source, tmp_path, "pdflatex")


def test_lee_states_its_eigenvalues_and_the_loss_as_written(verdicts):
    text = verdicts["lee"].render("latex")
    assert r"L(w_{1}, w_{2}) = \left(1 - w_{1} w_{2}\right)^{2}" in text   # not SymPy's (-w1 w2 + 1)^2
    assert "eigenvalues $-2,\\ 2$" in text                                   # H = [[0,-2],[-2,0]]
    assert r"\theta^* = (1,\allowbreak\ 1)" in text                          # the witness L(1, 1) = 0
    assert "seeded" not in text and "semidefinite program" not in text      # proof, not a search log


def test_the_chain_writes_its_curves_without_unit_factors(verdicts):
    text = verdicts["chain"].render("latex")
    assert r"\left(1 - w_{3} w_{2} w_{1}\right)^2" in text
    # 1/2 (1 - t^3)^2 - 1/2 = -t^3 + t^6/2 along (1, 1, 1): the leading term is -t^3
    assert r"L(\theta(t)) - L(\theta_0) = -t^{3} + O(t^{4})" in text
    assert "-1t" not in text and "1 t^" not in text


def test_the_relu_example_gives_the_network_and_its_data(verdicts):
    text = verdicts["relu"].render("latex")
    assert r"f(x) = v \operatorname{relu}\left(w x + b\right) + c" in text
    assert r"\sum_{i=1}^{5} \left(f(x_i) - y_i\right)^2" in text
    for x, y in ((-1, 3), (1, -3), (3, 0), (4, 1), (5, 2)):
        assert f"${sympy.latex(x)}$ & ${sympy.latex(y)}$" in text
    # on the piece where samples 1 and 2 are inactive: L_P - 18 = 2c^2 + ..., the two c^2 merged
    assert r"L_P(\theta) - L(\theta_0) = 2\,c^2" in text
    assert r"L(\theta^*) = 14 < 18" in text


def test_a_large_hessian_is_given_by_blocks(verdicts):
    text = verdicts["linear16"].render("latex")
    assert r"\left\| W_{4} W_{3} W_{2} W_{1} X - Y \right\|_F^2" in text
    assert text.count("H_{") >= 10       # the 10 blocks H_kl, k <= l, of four 2x2 weight matrices
    assert "MaxMatrixCols" not in text


def test_markdown_uses_mathjax_delimiters(verdicts):
    text = verdicts["lee"].render("markdown")
    assert "$$\n\\nabla^2 L(\\theta_0) = \\begin{pmatrix} 0 & -2 \\\\ -2 & 0 \\end{pmatrix}\n$$" in text


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_html_is_one_self_contained_page(verdicts):
    page = verdicts["relu"].render("html")
    parser = _Tags()
    parser.feed(page)
    assert parser.tags[:3] == ["html", "head", "meta"]
    assert "math" in parser.tags and "table" in parser.tags
    assert "http://" not in page.replace('xmlns="http://www.w3.org/1998/Math/MathML"', "")
    assert "https://" not in page          # no script, font or style from the network


def test_detail_appends_the_search_log(verdicts):
    v = verdicts["relu"]
    log = "11 of 16 seeded gradient descents"      # a phrase of what the search tried
    assert log in v.explanation
    assert log not in v.render("markdown") and log in v.render("markdown", detail=True)


def test_notebook_display(verdicts):
    v = verdicts["lee"]
    assert repr(v) == "<Verdict strict_saddle at (0, 0), value 1, verified>"
    assert v._repr_markdown_() == v.render("markdown")
    assert "<math" in v._repr_html_() and "<html" not in v._repr_html_()
    L, _ = lee()
    assert "L(w_{1}, w_{2})" in L._repr_markdown_()
