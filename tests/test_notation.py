"""Notation: names, numbers, matrices, eigenvalues and the loss as its user wrote it."""

import pytest
import sympy

from symlandscape import deep_linear, get_loss, mlp
from symlandscape.notation import eigenvalues, loss_lines, matrix, number, point, source, symbol


@pytest.mark.parametrize("name, latex", [("w1", "w_{1}"), ("W2_1_3", "(W_{2})_{1,3}"), ("b1_2", "(b_{1})_{2}"),
                                         ("x", "x"), ("theta", r"\theta"), ("x_a", "x_{a}")])
def test_symbol(name, latex):
    assert symbol(name) == latex


@pytest.mark.parametrize("text, latex", [
    ("(1 - w1*w2)^2", r"\left(1 - w_{1} w_{2}\right)^{2}"),
    ("y - x^2", "y - x^{2}"),                                   # the user's order, not SymPy's -x^2 + y
    ("x/2 + 3*4", r"\frac{x}{2} + 3 \cdot 4"),
    ("-x^2", "-x^{2}"),
    ("abs(x) + max(x, y)", r"\left|x\right| + \max\left(x, y\right)"),
    ("leaky_relu(z, 1/10)", r"\operatorname{lrelu}_{\frac{1}{10}}\left(z\right)"),
    ("0.25*exp(x)", r"0.25 \exp\left(x\right)"),
    ("2e-3*x", r"\tfrac{1}{500} x"),
    ("(1/2)^x", r"\left(\frac{1}{2}\right)^{x}"),
])
def test_source_keeps_the_users_form(text, latex):
    assert source(text) == latex


def test_numbers_points_and_wide_matrices():
    assert number("-3/2") == r"-\tfrac{3}{2}" and number(sympy.Integer(5)) == "5"
    assert point(["1", "-1/2"]) == r"(1,\allowbreak\ -\tfrac{1}{2})"
    assert matrix([[1, 2]]).startswith(r"\begin{pmatrix}")
    wide = matrix([list(range(11))])                 # amsmath's pmatrix stops at 10 columns
    assert wide.startswith(r"\left(\begin{array}{" + "c" * 11 + "}")


def test_eigenvalues_are_exact():
    # diag(2, 3) plus the 2x2 block [[1, 1], [1, 0]] (eigenvalues (1 ± sqrt 5)/2), hand-computed
    H = sympy.diag(2, 3, sympy.Matrix([[1, 1], [1, 0]]))
    text = eigenvalues(H)
    assert text == r"\tfrac{1}{2} - \frac{\sqrt{5}}{2},\ \tfrac{1}{2} + \frac{\sqrt{5}}{2},\ 2,\ 3"
    cubic = sympy.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 1]])   # charpoly λ^3 - λ^2 - 2λ + 1: irreducible
    assert eigenvalues(cubic).startswith(r"\text{3 roots of }")
    assert eigenvalues(sympy.eye(13)) is None and eigenvalues(sympy.Matrix([[sympy.sqrt(2)]])) is None


def test_networks_in_matrix_form():
    lines, data = loss_lines(deep_linear([[1, 2]], [[3, 4]], hidden=[2]), None)
    assert lines[0] == r"L(W_1, \dots, W_{2}) = \tfrac{1}{2}\,\left\| W_{2} W_{1} X - Y \right\|_F^2"
    assert data is None
    L = mlp([[1, 2], [3, 4]], [[1, 0]], hidden=[2], activation="tanh", loss=get_loss("squared", scale="sum"))
    lines, _ = loss_lines(L, [0] * len(L.variables))
    assert r"f(\mathbf{x}) = W_{2} \tanh\left(W_{1} \mathbf{x} + b_{1}\right) + b_{2}" in lines[0]
    assert lines[1].startswith(r"W_{1} = \begin{pmatrix} 0 & 0 \\ 0 & 0 \end{pmatrix}")
