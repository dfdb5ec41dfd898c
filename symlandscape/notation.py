"""Notation: how symlandscape writes its mathematics in LaTeX (amsmath).

Names as a paper writes them (``w1`` is :math:`w_1`, ``W2_1_3`` the entry :math:`(W_2)_{1,3}`),
exact numbers, points as tuples, matrices without amsmath's ten-column limit, a loss as
its user wrote it (the text is re-read by the safe parser's tokenizer and printed, never
evaluated), networks in matrix form, and exact eigenvalues where they are rational or
roots of quadratics.

>>> symbol("W2_1_3"), symbol("w1"), symbol("theta")
('(W_{2})_{1,3}', 'w_{1}', '\\\\theta')
>>> source("(1 - w1*w2)^2 + 3/4*relu(x)")
'\\\\left(1 - w_{1} w_{2}\\\\right)^{2} + \\\\frac{3}{4} \\\\operatorname{relu}\\\\left(x\\\\right)'
>>> point(["0", "-3/2"])
'(0,\\\\allowbreak\\\\ -\\\\tfrac{3}{2})'
"""

from __future__ import annotations

import re

import sympy

__all__ = ["symbol", "number", "expression", "source", "point", "matrix", "vector", "eigenvalues",
           "symbol_names", "loss_lines", "has_matrices"]

#: amsmath's matrix environments hold at most this many columns; wider ones use ``array``.
_MAX_MATRIX_COLUMNS = 10

_ENTRY = re.compile(r"^([A-Za-z]+)(\d+)_(\d+)(?:_(\d+))?$")
_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")
_SUBSCRIPTED = re.compile(r"^([A-Za-z]+)_([A-Za-z0-9]+)$")


def symbol(name):
    """A parameter's name in LaTeX: ``w1`` → ``w_{1}``, ``W2_1_3`` → ``(W_{2})_{1,3}``, ``b1_2`` → ``(b_{1})_{2}``."""
    name = str(name)
    match = _ENTRY.match(name)
    if match:
        letters, layer, i, j = match.groups()
        return f"({_letters(letters)}_{{{layer}}})_{{{i}{',' + j if j else ''}}}"
    match = _INDEXED.match(name) or _SUBSCRIPTED.match(name)
    if match:
        return f"{_letters(match.group(1))}_{{{match.group(2)}}}"
    return sympy.latex(sympy.Symbol(name))


def _letters(text):
    latex = sympy.latex(sympy.Symbol(text))
    return latex if latex.startswith("\\") or len(text) == 1 else r"\mathit{" + text + "}"


def symbol_names(symbols):
    """The ``symbol_names`` argument of :func:`sympy.latex` for these variables."""
    return {s: symbol(s.name) for s in symbols if isinstance(s, sympy.Symbol)}


def number(value):
    """An exact number (SymPy, int, or exact text such as ``"-3/2"``) in LaTeX; fractions inline-sized.

    >>> number("-3/2"), number(sympy.sqrt(2) / 2), number(7)
    ('-\\\\tfrac{3}{2}', '\\\\frac{\\\\sqrt{2}}{2}', '7')
    """
    value = _number(value)
    if isinstance(value, sympy.Rational) and value.q != 1:
        sign = "-" if value < 0 else ""
        return f"{sign}\\tfrac{{{abs(value.p)}}}{{{value.q}}}"
    return sympy.latex(value)


def _number(value):
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, int):
        return sympy.Integer(value)
    from .expression import parse_expression

    return parse_expression(str(value))


def expression(expr, symbols=()):
    """A SymPy expression in LaTeX, with the parameters named by :func:`symbol`."""
    names = symbol_names(tuple(symbols) or tuple(expr.free_symbols))
    return sympy.latex(expr, symbol_names=names)


def point(entries):
    """A point as a tuple ``(a, b, …)`` that TeX may break after a comma."""
    return "(" + r",\allowbreak\ ".join(number(e) for e in entries) + ")"


def vector(entries):
    """A column vector."""
    return matrix([[e] for e in entries])


def matrix(rows, entry=number):
    """A matrix of exact entries; ``pmatrix`` up to ten columns, ``array`` beyond."""
    rows = [list(r) for r in rows]
    width = max((len(r) for r in rows), default=0)
    body = r" \\ ".join(" & ".join(entry(e) for e in r) for r in rows)
    if width <= _MAX_MATRIX_COLUMNS:
        return r"\begin{pmatrix} " + body + r" \end{pmatrix}"
    return r"\left(\begin{array}{" + "c" * width + "} " + body + r" \end{array}\right)"


def eigenvalues(hessian, largest=12):
    """The exact eigenvalues of a small rational symmetric matrix, as LaTeX, or None.

    Each irreducible factor of the characteristic polynomial of degree 1 or 2 gives its
    roots in closed form (with multiplicity); a factor of higher degree is named by its
    polynomial.  Returns None for matrices larger than ``largest`` or with irrational entries.

    >>> eigenvalues(sympy.Matrix([[0, -2], [-2, 0]]))
    '-2,\\\\ 2'
    >>> eigenvalues(sympy.Matrix([[1, 1], [1, 0]]))
    '\\\\tfrac{1}{2} - \\\\frac{\\\\sqrt{5}}{2},\\\\ \\\\tfrac{1}{2} + \\\\frac{\\\\sqrt{5}}{2}'
    """
    import flint

    n = hessian.rows
    if n == 0 or n > largest or not all(isinstance(e, sympy.Rational) for e in hessian):
        return None
    M = flint.fmpq_mat(n, n, [flint.fmpq(int(e.p), int(e.q)) for e in hessian])
    _, factors = M.charpoly().factor()
    roots, other = [], []
    for factor, multiplicity in factors:
        coefficients = [sympy.Rational(int(c.p), int(c.q)) for c in factor.coeffs()]  # low to high
        if factor.degree() == 1:
            roots += [(-coefficients[0] / coefficients[1], None)] * multiplicity
        elif factor.degree() == 2:
            c, b, a = coefficients
            centre, radicand = -b / (2 * a), (b * b - 4 * a * c) / (4 * a * a)
            # a symmetric matrix has real eigenvalues: the radicand is positive
            root = sympy.sqrt(radicand)
            for sign in (-1, 1):
                roots += [(centre, sign * root)] * multiplicity
        else:
            lam = sympy.Symbol("lambda")
            poly = sum(coef * lam**k for k, coef in enumerate(coefficients))
            other.append(f"\\text{{{factor.degree()} roots of }} {sympy.latex(poly)} = 0"
                         + (f" \\text{{ (each {multiplicity} times)}}" if multiplicity > 1 else ""))
    roots.sort(key=lambda r: float(r[0] + (r[1] or 0)))
    text = [_surd(centre, root) for centre, root in roots]
    return r",\ ".join(text + other)


def _surd(centre, root):
    if root is None:
        return number(centre)
    magnitude = sympy.latex(abs(root))
    sign = "-" if root < 0 else "+"
    if centre == 0:
        return magnitude if sign == "+" else "-" + magnitude
    return f"{number(centre)} {sign} {magnitude}"


# ---------------------------------------------------------------------------------------
# a loss as written


_FUNCTIONS = {"exp": r"\exp", "log": r"\log", "tanh": r"\tanh", "relu": r"\operatorname{relu}",
              "sigmoid": r"\sigma", "max": r"\max", "min": r"\min"}


def source(text):
    """The user's expression text in LaTeX, in the user's order and grouping.

    The text must already have been accepted by :func:`symlandscape.expression.parse_expression`;
    it is read again by that parser's tokenizer and printed, nothing is evaluated.
    """
    from .expression import _Lexer

    return _SourcePrinter(_Lexer(text)).expr()


class _SourcePrinter:
    def __init__(self, lexer):
        self.lexer = lexer

    def take(self, *ops):
        token = self.lexer.peek()
        if token.kind == "op" and token.text in ops:
            return self.lexer.next().text
        return None

    def expr(self):
        out = self.term()
        while (op := self.take("+", "-")) is not None:
            out += f" {op} " + self.term()
        return out

    def term(self):
        out = self.unary()
        while (op := self.take("*", "/")) is not None:
            right = self.unary()
            if op == "/":
                out = f"\\frac{{{out}}}{{{right}}}"
            else:
                # digits next to digits need a sign for the product; letters do not
                out += (r" \cdot " if right[:1].isdigit() or right.startswith("-") else " ") + right
        return out

    def unary(self):
        op = self.take("+", "-")
        if op is not None:
            inner = self.unary()
            return ("-" if op == "-" else "+") + inner
        return self.power()

    def power(self):
        base = self.atom()
        if self.take("^", "**") is not None:
            exponent = self.unary()
            if base.startswith(r"\frac") or base.startswith("-"):
                base = rf"\left({base}\right)"
            return f"{base}^{{{exponent}}}"
        return base

    def atom(self):
        token = self.lexer.next()
        if token.kind == "number":
            # a decimal stays as it was written (0.25); an exponent form is written as its value
            return token.text if "e" not in token.text.lower() else number(token.value)
        if token.kind == "op" and token.text == "(":
            inner = self.expr()
            self.lexer.next()  # ")"
            return rf"\left({inner}\right)"
        if token.kind == "name":
            if self.take("(") is None:
                return symbol(token.text)
            args = [self.expr()]
            while self.take(",") is not None:
                args.append(self.expr())
            self.lexer.next()  # ")"
            name = token.text
            if name == "abs":
                return rf"\left|{args[0]}\right|"
            if name == "leaky_relu":
                return rf"\operatorname{{lrelu}}_{{{args[1]}}}\left({args[0]}\right)"
            return _FUNCTIONS.get(name, rf"\operatorname{{{name}}}") + r"\left(" + ", ".join(args) + r"\right)"
        raise ValueError(token)


# ---------------------------------------------------------------------------------------
# losses of networks


def loss_lines(landscape, pt=None):
    """The loss of ``landscape`` as displayed equations (a list of LaTeX lines) and the data.

    Returns ``(lines, data)``: ``lines`` define L (for a network: the formula in matrix form
    and, when ``pt`` is given, the weight matrices there); ``data`` is ``(header, rows)`` of
    the samples for a network with scalar inputs and outputs, else None.
    """
    from .deep_linear import DeepLinearLandscape

    if isinstance(landscape, DeepLinearLandscape):
        return _deep_linear_lines(landscape, pt), None
    model = getattr(landscape, "model", None)
    if model is not None and hasattr(model, "layers") and hasattr(model, "activation"):
        return _network_lines(model, landscape, pt)
    text = getattr(landscape, "source", None)
    if text is not None:
        try:
            return [f"L({_parameters(landscape)}) = " + source(text)], None
        except Exception:  # the text was parsed before, so this is only a safety net for display
            pass
    return [f"L({_parameters(landscape)}) = " + expression(landscape.expression, landscape.variables)], None


def has_matrices(landscape):
    """Whether :func:`loss_lines` at a point gives the parameters there as matrices."""
    from .deep_linear import DeepLinearLandscape

    if isinstance(landscape, DeepLinearLandscape):
        return not (all(w == 1 for w in landscape.widths) and landscape.X.cols == 1)
    model = getattr(landscape, "model", None)
    return (model is not None and hasattr(model, "layers") and hasattr(model, "activation")
            and not all(W.shape == (1, 1) for W, _ in model.layers))


def _in_lines(parts, columns):
    """``parts`` (``A = (…)`` strings) joined a few to a line, by the widest matrix's ``columns``."""
    per_line = max(1, 10 // max(columns, 1))
    return [r",\quad ".join(parts[i:i + per_line]) for i in range(0, len(parts), per_line)]


def _parameters(landscape):
    names = [symbol(s.name) for s in landscape.variables]
    return ", ".join(names) if len(names) <= 6 else r"\theta"


def _fmpq_rows(M):
    """The rows of a flint or SymPy matrix as exact SymPy numbers."""
    if isinstance(M, sympy.MatrixBase):
        return M.tolist()
    return [[sympy.Rational(int(M[i, j].p), int(M[i, j].q)) for j in range(M.ncols())] for i in range(M.nrows())]


def _deep_linear_lines(L, pt):
    k = L.weight_matrices
    if all(w == 1 for w in L.widths) and L.X.cols == 1:
        # a scalar chain: its parameters are the numbers w_1, ..., w_k
        product = " ".join(f"w_{{{j}}}" for j in range(k, 0, -1))
        x, y = number(L.X[0, 0]), number(L.Y[0, 0])
        scale = r"\tfrac{1}{2}" if L.scale == "half" else ""
        data = "" if x == "1" else f" {x}"
        return [f"L(w_1, \\dots, w_{{{k}}}) = {scale}\\left({y} - {product}{data}\\right)^2"]
    product = " ".join(f"W_{{{j}}}" for j in range(k, 0, -1))
    scale = r"\tfrac{1}{2}\," if L.scale == "half" else ""
    lines = [f"L(W_1, \\dots, W_{{{k}}}) = {scale}\\left\\| {product} X - Y \\right\\|_F^2"
             if k > 1 else f"L(W_1) = {scale}\\left\\| W_1 X - Y \\right\\|_F^2"]
    lines.append("X = " + matrix(_fmpq_rows(L.X)) + r", \qquad Y = " + matrix(_fmpq_rows(L.Y)))
    if pt is not None:
        mats = [_fmpq_rows(M) for M in L.matrices(pt)]
        lines += _in_lines([f"W_{{{j + 1}}} = " + matrix(M) for j, M in enumerate(mats)],
                           max(len(M[0]) for M in mats))
    return lines


_ACTIVATIONS = {"relu": r"\operatorname{relu}", "tanh": r"\tanh", "sigmoid": r"\operatorname{sigmoid}",
                "exp": r"\exp", "leaky_relu": r"\operatorname{lrelu}", "identity": ""}


def _network_lines(model, landscape, pt):
    layers, activation = model.layers, model.activation
    m = model.X.ncols()
    scalar_in, scalar_out = model.X.nrows() == 1, model.Y.nrows() == 1
    names = symbol_names(model.variables)
    if all(W.shape == (1, 1) for W, _ in layers):
        # one unit per layer: the network is a formula in its named parameters
        h = sympy.Symbol("x")
        for index, (W, b) in enumerate(layers):
            # unevaluated, so that the formula reads in the order of the layers: v relu(w x + b) + c
            z = sympy.Mul(W[0, 0], h, evaluate=False)
            z = sympy.Add(z, b[0, 0], evaluate=False) if b is not None else z
            h = z if index == len(layers) - 1 else activation.exact(z)
        f = sympy.latex(h, symbol_names=names, order="none")
        values = None
    else:
        sigma = _ACTIVATIONS.get(activation.name, r"\sigma")
        if activation.name == "leaky_relu":
            sigma += "_{" + number(activation.parameters["slope"]) + "}"
        h = "x" if scalar_in else r"\mathbf{x}"
        for k, (W, b) in enumerate(layers, start=1):
            z = f"W_{{{k}}} {h}" + (f" + b_{{{k}}}" if b is not None else "")
            h = z if k == len(layers) or not sigma else f"{sigma}\\left({z}\\right)"
        f = h
        values = _layer_values(model, landscape, pt) if pt is not None else None
    loss = model.loss
    s, y = ("x_i" if scalar_in else r"\mathbf{x}_i"), ("y_i" if scalar_out else r"\mathbf{y}_i")
    fx = rf"f({s})"
    term = {
        "squared": (r"\left(" + fx + " - " + y + r"\right)^2") if scalar_out else (
            r"\left\|" + fx + " - " + y + r"\right\|^2"),
        "hinge": rf"\max\left(1 - {y} {fx}, 0\right)^{{{number(loss.parameters.get('p', 3))}}}",
        "logistic": rf"\log\left(1 + e^{{-{y} {fx}}}\right)",
    }.get(loss.name)
    if term is None:
        return ["L = " + expression(landscape.expression, landscape.variables)], None
    scale = r"\tfrac{1}{2}" if loss.name == "squared" and loss.parameters.get("scale") == "half" else ""
    argument = "x" if scalar_in else r"\mathbf{x}"
    lines = [f"L = {scale}\\sum_{{i=1}}^{{{m}}} {term}, \\qquad f({argument}) = {f}"]
    if activation.name not in _ACTIVATIONS:
        z = sympy.Symbol("z")
        lines.append(r"\sigma(z) = " + sympy.latex(activation.exact(z)))
    if values:
        lines += _in_lines(values, max(W.cols for W, _ in model.layers))
    data = None
    if scalar_in and scalar_out:
        xs, ys = _fmpq_rows(model.X)[0], _fmpq_rows(model.Y)[0]
        data = (["i", "x_i", "y_i"], [[str(j + 1), number(a), number(b)] for j, (a, b) in enumerate(zip(xs, ys))])
    else:
        lines.append("X = " + matrix(_fmpq_rows(model.X)) + r", \qquad Y = " + matrix(_fmpq_rows(model.Y)))
    return lines, data


def _layer_values(model, landscape, pt):
    """``W_k = (...)`` and ``b_k = (...)`` at the point, as LaTeX."""
    values = dict(zip(landscape.variables, (sympy.Rational(int(x.p), int(x.q)) if hasattr(x, "p") else x
                                            for x in landscape.coerce_point(pt))))
    out = []
    for k, (W, b) in enumerate(model.layers, start=1):
        out.append(f"W_{{{k}}} = " + matrix(W.xreplace(values).tolist()))
        if b is not None:
            out.append(f"b_{{{k}}} = " + matrix(b.xreplace(values).tolist()))
    return out
