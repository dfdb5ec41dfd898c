"""Parse user-typed loss expressions into exact SymPy expressions, never via ``eval``.

The text is read by a hand-written tokenizer and a recursive-descent parser that builds
the SymPy expression directly: no part of it ever reaches ``eval``, ``exec``,
``sympify``, ``parse_expr`` or :mod:`ast`.  The accepted language is (EBNF; blanks
between tokens are ignored)::

    expr    = term , { ( "+" | "-" ) , term } ;
    term    = unary , { ( "*" | "/" ) , unary } ;
    unary   = ( "+" | "-" ) , unary | power ;
    power   = atom , [ ( "**" | "^" ) , unary ] ;        (* right-associative *)
    atom    = number | name | call | "(" , expr , ")" ;
    call    = name , "(" , [ expr , { "," , expr } ] , ")" ;  (* name in FUNCTIONS *)
    number  = ( digits , [ "." , [ digits ] ] | "." , digits ) ,
              [ ( "e" | "E" ) , [ "+" | "-" ] , digits ] ;
    digits  = digit , { digit } ;                           (* ASCII 0-9 *)
    name    = letter , { letter | digit | "_" } ;           (* ASCII letters *)

So ``-x^2`` is ``-(x^2)``, ``2^-1`` is ``1/2``, ``a^b^c`` is ``a^(b^c)``, ``a-b-c`` is
``(a-b)-c`` and ``a/b/c`` is ``(a/b)/c``.  There is no implicit multiplication (``2x``
is an error: write ``2*x``) and there are no constants: ``e`` and ``pi`` are ordinary
variables; write ``exp(1)`` for Euler's number.

* Numbers are exact: ``0.25`` is ``1/4``, ``1e-3`` is ``1/1000``; no Float is ever made.
* A name followed by ``(`` must be a key of :data:`FUNCTIONS`.  Any other name is a real
  variable (``Symbol(name, real=True)``), unless it starts with ``_``, contains ``__``,
  is a function name, or is reserved (a Python keyword, or one of ``exec``, ``eval``,
  ``compile``, ``open``, ...).
* Every error is a one-line :class:`~symlandscape.errors.ParseError` naming the
  offending token and its column (1-based character offset in the text).

Resource guards, all checked before SymPy does the work.  From the budget in force
(:mod:`symlandscape.budget`, which the CLI sets with ``--max-nesting`` and friends):
nesting (parentheses, calls, ``^`` chains) at most ``max_nesting`` deep; no exact number,
read or computed, of more than ``max_digits`` digits (estimated as ``|e|*log2|base|``
bits for powers, before the power is computed); a structural bound on the expanded
polynomial — ``deg(a*b) = deg a + deg b``, ``deg(a^k) = k deg a``, functions keep the
largest degree of their arguments, and the number of terms is bounded by the product
bound and by ``binomial(n + d, n)`` for ``n`` variables — of at most ``max_degree`` and
``max_terms``; at most ``max_nodes`` distinct subexpressions.  Fixed guards: at most
100_000 characters, literal exponents and numeric exponents with ``|e| <= 10_000``, no
non-integer power of a number above 1024 bits, at most 16 arguments to a (flattened)
``max``/``min``, ``abs``/``max``/``min`` nested at most 32 deep with arguments of at most
1000 tokens, and at most 10 seconds (or ``max_seconds``, if smaller) of SymPy work.

The *domain* of what the user wrote is recorded while parsing, before SymPy simplifies
anything (``relu(x)/x`` is undefined at ``x = 0`` even where SymPy cancels ``x/x``):
every divisor is nonzero, every logarithm's argument positive, every base of a
non-integer rational power nonnegative (positive if the exponent is negative), every
base of a power with a variable exponent positive.  :func:`parse_with_domain` returns
these conditions with the expression.
"""

from __future__ import annotations

import keyword
import math
import re
import time
from dataclasses import dataclass
from typing import Callable

import sympy

from . import budget
from .activations import leaky_relu, relu, sigmoid
from .errors import InvalidArgument, ParseError

__all__ = ["FUNCTIONS", "FunctionSpec", "parse_expression", "parse_with_domain", "parse_variables",
           "domain_of", "check_size", "RELATIONS"]

MAX_LENGTH = 100_000
MAX_EXPONENT = 10_000
MAX_ROOT_BITS = 1024
MAX_MINMAX_ARGS = 16
MAX_PIECEWISE_DEPTH = 32
MAX_PIECEWISE_TOKENS = 1000
MAX_SECONDS = 10.0

_WHITESPACE = " \t\r\n\f\v"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")", ",")
_BINARY = ("+", "-", "*", "/", "^", "**")

#: Names that can never be variables: Python keywords and dangerous builtins.
RESERVED = frozenset(keyword.kwlist) | frozenset(
    ["exec", "eval", "compile", "open", "input", "globals", "locals", "vars", "getattr",
     "setattr", "delattr", "breakpoint", "help", "exit", "quit"]
)

_CHAR_HINTS = {
    "[": "brackets and indexing are not allowed; group with parentheses",
    "]": "brackets and indexing are not allowed; group with parentheses",
    "{": "braces are not allowed; group with parentheses",
    "}": "braces are not allowed; group with parentheses",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "`": "strings are not allowed",
    "=": "assignments and comparisons are not allowed; give a single expression",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "comparisons and factorials are not allowed",
    ";": "only one expression is allowed (no ';')",
    ":": "lambdas, slices and annotations are not allowed",
    "@": "'@' is not an operator here; use '*'",
    "%": "'%' is not supported",
    "#": "comments are not allowed",
    "&": "bitwise operators are not allowed",
    "|": "bitwise operators are not allowed; use abs(...)",
    "~": "bitwise operators are not allowed",
    "\\": "backslashes are not allowed",
}
_ALLOWED_CHARS = "numbers, names, + - * / ^ ** ( ) and ',' between function arguments"


# --------------------------------------------------------------------------- functions


@dataclass(frozen=True)
class FunctionSpec:
    """One callable name: its arity ``(min, max)`` (``max=None``: unbounded), builder, doc."""

    name: str
    arity: tuple
    builder: Callable[..., sympy.Expr]
    doc: str


def _build_leaky_relu(z, slope):
    if not isinstance(slope, sympy.Rational):
        raise ValueError(f"the slope must be a constant rational number such as 1/100, not {slope}")
    return leaky_relu(z, slope)


def _build_minmax(cls):
    def build(*args):
        count = sum(len(a.args) if isinstance(a, cls) else 1 for a in args)
        if count > MAX_MINMAX_ARGS:
            raise ValueError(
                f"{count} arguments after flattening nested {cls.__name__.lower()}(...); "
                f"at most {MAX_MINMAX_ARGS} are allowed"
            )
        return cls(*args)

    return build


def _spec(name, arity, builder, doc):
    return name, FunctionSpec(name, arity, builder, doc)


#: Functions whose nesting is capped at MAX_PIECEWISE_DEPTH: SymPy's evaluation of them
#: grows steeply with depth.
_PIECEWISE = frozenset(["abs", "max", "min"])

#: The callable names of the expression language.
FUNCTIONS = dict(
    [
        _spec("relu", (1, 1), relu, "relu(z): max(z, 0), kept exact and piecewise"),
        _spec("leaky_relu", (2, 2), _build_leaky_relu,
              "leaky_relu(z, slope): z for z >= 0, slope*z for z <= 0; slope a constant rational"),
        _spec("max", (2, None), _build_minmax(sympy.Max), "max(a, b, ...): the largest argument"),
        _spec("min", (2, None), _build_minmax(sympy.Min), "min(a, b, ...): the smallest argument"),
        _spec("abs", (1, 1), sympy.Abs, "abs(z): absolute value"),
        _spec("exp", (1, 1), sympy.exp, "exp(z): the exponential"),
        _spec("log", (1, 1), sympy.log, "log(z): the natural logarithm"),
        _spec("tanh", (1, 1), sympy.tanh, "tanh(z): the hyperbolic tangent"),
        _spec("sigmoid", (1, 1), sigmoid, "sigmoid(z): the logistic function 1/(1 + exp(-z))"),
    ]
)


def _allowed_functions():
    return ", ".join(sorted(FUNCTIONS))


# --------------------------------------------------------------------------- helpers


def _show(text, limit=30):
    """A short one-line quoted rendering of user text for an error message."""
    flat = " ".join(text.split()) if text.strip() else text
    if len(flat) > limit:
        flat = flat[: limit - 3] + "..."
    return repr(flat)


def _one_line(text):
    return " ".join(str(text).split())


def _bound(name):
    """How a message names a budget bound: ``max_digits=10000; raise it with --max-digits``."""
    return f"{name}={getattr(budget.current(), name)}; raise it with --{name.replace('_', '-')}"


def _bits_limit():
    """The most bits an exact number may have under the budget's ``max_digits``."""
    return budget.current().max_digits * math.log2(10)


def _digits_to_int(digits):
    """``int(digits)`` without Python's 4300-digit conversion limit."""
    if len(digits) <= 4000:
        return int(digits)
    half = len(digits) // 2
    high, low = _digits_to_int(digits[:half]), _digits_to_int(digits[half:])
    return high * 10 ** (len(digits) - half) + low


def _log2(n):
    return math.log2(n) if n > 1 else 0.0


def _rational_bits(value):
    """About the bits of a rational: log2 of its numerator or denominator, whichever is larger."""
    return max(_log2(abs(int(value.p))), _log2(int(value.q)))


def _number_bits(expr):
    """Upper bound on the bits of the exact numbers SymPy multiplies out in ``expr**n``."""
    if isinstance(expr, sympy.Rational):
        return _rational_bits(expr)
    if isinstance(expr, sympy.Mul):
        return sum(_number_bits(a) for a in expr.args)
    if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Rational):
        return _number_bits(expr.base) * abs(float(expr.exp))
    return 0


def _radical_bits(expr):
    """Bits of the numbers under numeric radicals that SymPy would combine in a product."""
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if isinstance(base, sympy.Rational) and isinstance(exponent, sympy.Rational):
            return 0 if exponent.is_Integer else _rational_bits(base)
        return _radical_bits(base)
    if isinstance(expr, sympy.Mul):
        return sum(_radical_bits(a) for a in expr.args)
    return 0


def _coefficient_bits(expr):
    """Bits of the numerator and of the denominator of the numeric coefficient of a term."""
    if isinstance(expr, sympy.Rational):
        return _log2(abs(int(expr.p))), _log2(int(expr.q))
    coefficient, rest = expr.as_coeff_Mul()
    return _log2(abs(int(coefficient.p))) + _number_bits(rest), _log2(int(coefficient.q))


def _has_symbols(expr):
    return bool(expr.free_symbols)


#: The relations a domain condition states about its expression.
RELATIONS = ("nonzero", "positive", "nonnegative")
_RELATION_TEXT = {"nonzero": "!=", "positive": ">", "nonnegative": ">="}


def _positive_everywhere(expr):
    """True when ``expr`` is positive for all real values of its variables, by its form alone.

    ``exp(...)``, ``sigmoid(...)``, positive rationals, and sums, products and rational
    powers of those: ``log(1 + exp(-y*f))`` (the logistic loss) needs no check at a point.
    """
    if isinstance(expr, sympy.Rational):
        return expr > 0
    if isinstance(expr, (sympy.exp, sigmoid)):
        return True
    if expr.is_Add or expr.is_Mul:
        return all(_positive_everywhere(a) for a in expr.args)
    if expr.is_Pow and isinstance(expr.exp, sympy.Rational):
        return _positive_everywhere(expr.base)
    return False


def _satisfies(sign, relation):
    return sign != 0 if relation == "nonzero" else sign > 0 if relation == "positive" else sign >= 0


def _constant_sign(expr):
    """The sign of an exact constant, or None if the checker's sign rule cannot decide it."""
    if isinstance(expr, sympy.Rational):
        return (expr.p > 0) - (expr.p < 0)
    from .verify import exact_sign

    try:
        return exact_sign(expr)
    except Exception:  # noqa: BLE001 - undecided, whatever SymPy raised on the way: refuse the input
        return None


def _capped_binomial(n, k, cap):
    """``binomial(n, k)``, or a number above ``cap`` as soon as it is known to exceed it."""
    k = min(k, n - k)
    if k < 0:
        return 0
    value = 1
    for i in range(1, k + 1):
        value = value * (n - k + i) // i  # binomial(n - k + i, i), an integer at every step
        if value > cap:
            return cap + 1
    return value


class _Sizes:
    """Structural upper bounds on the degree and the terms of every node, once expanded.

    ``deg(a + b) = max``, ``deg(a*b) = deg a + deg b``, ``deg(a^k) = |k| deg a`` (``ceil|r|``
    for a rational ``r``); functions and variable exponents keep the largest degree of
    their arguments (``relu(p)`` becomes ``p`` in a piece).  Terms: sums add, products
    multiply, ``t`` terms to the power ``k`` give at most ``binomial(t + k - 1, k)``, and no
    polynomial of degree ``d`` in ``n`` variables has more than ``binomial(n + d, n)``.
    Memoised over the expression DAG, so each distinct node is measured once.
    """

    def __init__(self):
        limits = budget.current()
        self.max_degree, self.max_terms, self.max_nodes = limits.max_degree, limits.max_terms, limits.max_nodes
        self.memo = {}

    def check(self, root, variables, what):
        """``(degree, terms)`` of ``root``; BudgetExceeded naming ``what`` if any node is too large."""
        memo = self.memo
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in memo:
                continue
            if node.args and not ready:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in memo)
                continue
            memo[node] = self._measure(node, variables, what)
            if len(memo) > self.max_nodes:
                budget.check("max_nodes", len(memo), what)
        return memo[root]

    def _measure(self, node, variables, what):
        cap = self.max_terms
        if node.is_Symbol:
            return 1, 1
        if not node.args:
            return 0, 1
        sizes = [self.memo[a] for a in node.args]
        if node.is_Add:
            degree, terms = max(d for d, _ in sizes), min(sum(t for _, t in sizes), cap + 1)
        elif node.is_Mul:
            degree, terms = sum(d for d, _ in sizes), 1
            for _, t in sizes:
                terms = min(terms * t, cap + 1)
        elif node.is_Pow and isinstance(node.exp, sympy.Rational):
            (d, t), k = sizes[0], abs(node.exp)
            if node.exp.is_Integer:
                degree, terms = int(k) * d, _capped_binomial(t + int(k) - 1, int(k), cap) if t > 1 else 1
            else:
                degree, terms = math.ceil(k) * d, t
        else:
            degree, terms = max(d for d, _ in sizes), max(t for _, t in sizes)
        if degree == 0:
            return 0, 1
        if degree > self.max_degree:
            budget.check("max_degree", degree, what)
        terms = min(terms, _capped_binomial(variables + degree, variables, cap))
        if terms > cap:
            budget.check("max_terms", _terms_shown(node, sizes, terms, variables, degree), what)
        return degree, terms


def _terms_shown(node, sizes, terms, variables, degree):
    """The bound on the terms of ``node`` to print, without the cap used while measuring."""
    if node.is_Add:
        structural = sum(t for _, t in sizes)
    elif node.is_Mul:
        structural = math.prod(t for _, t in sizes)
    elif node.is_Pow and isinstance(node.exp, sympy.Integer) and abs(node.exp) < 10_000:
        k = abs(int(node.exp))
        structural = math.comb(sizes[0][1] + k - 1, k)
    else:
        return terms
    return min(structural, math.comb(variables + degree, variables)) if degree < 10_000 else structural


_UNDEFINED = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)


def _undefined(expr):
    if expr in _UNDEFINED:
        return True
    if isinstance(expr, (sympy.Mul, sympy.Add, sympy.Pow)):
        return any(a in _UNDEFINED for a in expr.args)
    return False


# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    col: int  # 1-based
    value: object = None

    def describe(self):
        if self.kind == "end":
            return "end of input"
        if self.kind == "op":
            return repr(self.text)
        return f"{self.kind} {_show(self.text)}"


class _Lexer:
    """Produces tokens on demand, so errors come out in reading order."""

    def __init__(self, text):
        self.text = text
        self.pos = 0  # where scanning resumes
        self.end = 0  # just after the last consumed token
        self.count = 0  # tokens consumed so far
        self._peeked = None
        self.max_digits = budget.current().max_digits

    def peek(self):
        if self._peeked is None:
            self._peeked = self._scan()
        return self._peeked

    def next(self):
        token = self.peek()
        self._peeked = None
        self.end = self.pos
        self.count += 1
        return token

    def _scan(self):
        text, n = self.text, len(self.text)
        pos = self.pos
        while pos < n and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= n:
            self.pos = pos
            return _Token("end", "", pos + 1)
        c = text[pos]
        col = pos + 1
        if "0" <= c <= "9" or (c == "." and pos + 1 < n and "0" <= text[pos + 1] <= "9"):
            return self._number(pos)
        if c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z"):
            match = _NAME.match(text, pos)
            name = match.group()
            if name.startswith("_") or "__" in name:
                raise ParseError(
                    f"name {_show(name)} at column {col} is not allowed: names may not start "
                    "with '_' or contain '__'"
                )
            self.pos = match.end()
            return _Token("name", name, col)
        for op in _OPERATORS:
            if text.startswith(op, pos):
                self.pos = pos + len(op)
                return _Token("op", op, col)
        if c == ".":
            before = text[pos - 1] if pos else ""
            if before and (before.isalnum() or before in "_)]"):
                hint = "attribute access is not allowed"
            else:
                hint = "a '.' must be part of a number such as 0.5"
        else:
            hint = _CHAR_HINTS.get(c, f"only {_ALLOWED_CHARS} are allowed")
        raise ParseError(f"unexpected character {c!r} at column {col}: {hint}")

    def _number(self, pos):
        text = self.text
        col = pos + 1
        match = _NUMBER.match(text, pos)
        whole, frac, exponent = match.group(1), match.group(2) or "", match.group(3)
        end = match.end()
        literal = text[pos:end]
        if end < len(text) and text[end] == ".":
            raise ParseError(
                f"malformed number {_show(text[pos:end + 1])} at column {col}: a second '.'"
            )
        if (
            exponent is None
            and end + 1 < len(text)
            and text[end] in "eE"
            and text[end + 1] in "+-"
        ):
            raise ParseError(
                f"malformed number {_show(text[pos:end + 2])} at column {col}: an exponent needs "
                "digits, e.g. 1e-3"
            )
        digits = len(whole) + len(frac)
        if digits > self.max_digits:
            raise ParseError(
                f"number {_show(literal)} at column {col} has {digits} digits; at most "
                f"{self.max_digits} are allowed ({_bound('max_digits')})"
            )
        scale = -len(frac)
        if exponent is not None:
            unsigned = exponent.lstrip("+-").lstrip("0")
            if len(unsigned) > 6 or int(exponent) > MAX_EXPONENT or int(exponent) < -MAX_EXPONENT:
                raise ParseError(
                    f"number {_show(literal)} at column {col} has an exponent beyond "
                    f"+-{MAX_EXPONENT}"
                )
            scale += int(exponent)
        significant = (whole + frac).lstrip("0") or "0"
        written = len(significant) + scale if scale >= 0 else max(len(significant), 1 - scale)
        if significant != "0" and written > self.max_digits:
            raise ParseError(
                f"number {_show(literal)} at column {col} has {written} digits once written out; at "
                f"most {self.max_digits} are allowed ({_bound('max_digits')})"
            )
        mantissa = _digits_to_int(significant)
        if scale >= 0:
            value = sympy.Integer(mantissa * 10**scale)
        else:
            value = sympy.Rational(mantissa, 10 ** (-scale))
        self.pos = end
        return _Token("number", literal, col, value)


# --------------------------------------------------------------------------- parser


@dataclass
class _Unit:
    negative: bool
    value: sympy.Expr
    start: int = 0  # the operand's text is text[start:end]
    end: int = 0


class _Parser:
    """Recursive descent over nesting levels; each level is read flat, then reduced.

    Within one level (between parentheses) the operands and operators are collected in
    a list and reduced by precedence, so the Python recursion depth is two frames per
    nesting level whatever the length of a sum, product, sign run or power chain.
    """

    def __init__(self, text, symbols):
        self.lexer = _Lexer(text)
        self.text = text
        self.symbols = symbols  # dict name -> Symbol, or None for "any name"
        self.piecewise_depth = 0
        limits = budget.current()
        self.max_nesting = limits.max_nesting
        self.max_bits = _bits_limit()
        self.seconds = min(MAX_SECONDS, limits.max_seconds)
        self.deadline = time.monotonic() + self.seconds
        self.sizes = _Sizes()
        self.names = set()  # variables seen so far: their number bounds the terms of any node built
        self.conditions = []  # (expression, relation, where), in reading order, inner ones first

    def _check_time(self, token):
        if time.monotonic() > self.deadline:
            raise ParseError(
                f"expression too expensive to build: gave up after {self.seconds:g} s at column "
                f"{token.col} ({token.describe()}); simplify the expression"
            )

    def _require(self, expr, relation, where):
        """Record that ``expr`` must be ``relation`` (see :data:`RELATIONS`) for ``where`` to be defined.

        A condition on a constant is decided now: a violated one is a ParseError.
        """
        if _positive_everywhere(expr):
            return
        if not _has_symbols(expr):
            sign = _constant_sign(expr)
            if sign is None:
                raise ParseError(f"{where}: cannot decide exactly whether {_show(str(expr), 40)} "
                                 f"{_RELATION_TEXT[relation]} 0")
            if not _satisfies(sign, relation):
                raise ParseError(f"{where} is undefined: it needs {_show(str(expr), 40)} "
                                 f"{_RELATION_TEXT[relation]} 0")
            return
        self.conditions.append((expr, relation, where))

    def _check_size(self, expr, what):
        self.sizes.check(expr, len(self.names), what)

    # ---- entry
    def parse(self):
        first = self.lexer.peek()
        if first.kind == "end":
            raise ParseError(
                f"empty expression at column {first.col}: expected a number, a name or '('"
            )
        value = self._level(0)
        token = self.lexer.peek()
        if token.kind != "end":
            raise self._bad_terminator(token, expected="end of input")
        self._check_size(value, "the expression")
        return value

    # ---- one nesting level
    def _level(self, depth):
        units, ops = [], []
        carets = 0
        while True:
            negative = False
            token = self.lexer.peek()
            while token.kind == "op" and token.text in ("+", "-"):
                negative ^= token.text == "-"
                self.lexer.next()
                token = self.lexer.peek()
            if depth + carets > self.max_nesting:
                raise ParseError(
                    f"nesting deeper than {self.max_nesting} at column {token.col} "
                    f"({token.describe()}); simplify the expression ({_bound('max_nesting')})"
                )
            start = token.col - 1
            value = self._operand(depth + carets)
            units.append(_Unit(negative, value, start, self.lexer.end))
            token = self.lexer.peek()
            if token.kind in ("number", "name") or (token.kind == "op" and token.text == "("):
                before = _show(self.text[start:self.lexer.end], 20)[1:-1]
                after = "(...)" if token.kind == "op" else token.text
                raise ParseError(
                    f"unexpected {token.describe()} at column {token.col}: implicit "
                    f"multiplication is not allowed; write {before}*{_show(after, 20)[1:-1]}"
                )
            if token.kind == "op" and token.text in _BINARY:
                self.lexer.next()
                ops.append(token)
                carets = carets + 1 if token.text in ("^", "**") else 0
                continue
            return self._reduce(units, ops)

    def _operand(self, depth):
        token = self.lexer.next()
        if token.kind == "number":
            return token.value
        if token.kind == "name":
            following = self.lexer.peek()
            if following.kind == "op" and following.text == "(":
                return self._call(token, depth)
            return self._variable(token)
        if token.kind == "op" and token.text == "(":
            self._check_depth(depth + 1, token)
            following = self.lexer.peek()
            if following.kind == "op" and following.text == ")":
                raise ParseError(
                    f"unexpected ')' at column {following.col}: empty parentheses; expected an "
                    "expression"
                )
            value = self._level(depth + 1)
            close = self.lexer.peek()
            if close.kind == "op" and close.text == ")":
                self.lexer.next()
                return value
            raise self._bad_terminator(close, expected="')'", opened=token)
        what = "a number, a name or '('"
        if token.kind == "end":
            raise ParseError(f"unexpected end of input at column {token.col}: expected {what}")
        raise ParseError(f"unexpected {token.describe()} at column {token.col}: expected {what}")

    def _check_depth(self, depth, token):
        if depth > self.max_nesting:
            raise ParseError(
                f"nesting deeper than {self.max_nesting} at column {token.col} ({token.describe()}); "
                f"simplify the expression ({_bound('max_nesting')})"
            )

    def _bad_terminator(self, token, expected, opened=None):
        if token.kind == "op" and token.text == ",":
            return ParseError(
                f"unexpected ',' at column {token.col}: commas only separate function arguments"
            )
        if token.kind == "op" and token.text == ")":
            return ParseError(
                f"unbalanced parentheses: unexpected ')' at column {token.col} has no matching '('"
            )
        if token.kind == "end" and opened is not None:
            return ParseError(
                f"unbalanced parentheses: '(' at column {opened.col} is never closed (end of "
                f"input at column {token.col})"
            )
        return ParseError(
            f"unexpected {token.describe()} at column {token.col}: expected {expected}"
        )

    # ---- names
    def _variable(self, token):
        name = token.text
        if name in FUNCTIONS:
            raise ParseError(
                f"function {name!r} at column {token.col} is used without a call: write "
                f"{name}(...); a variable cannot be named {name!r}"
            )
        if name in RESERVED:
            raise ParseError(
                f"name {name!r} at column {token.col} is reserved (a Python keyword or builtin); "
                "choose another variable name"
            )
        self.names.add(name)
        if self.symbols is None:
            return sympy.Symbol(name, real=True)
        symbol = self.symbols.get(name)
        if symbol is None:
            allowed = list(self.symbols)
            listed = ", ".join(allowed[:20])
            if len(allowed) > 20:
                listed += f", ... ({len(allowed)} in all)"
            raise ParseError(
                f"unknown name {name!r} at column {token.col}; allowed variables: {listed}"
            )
        return symbol

    def _call(self, name_token, depth):
        name = name_token.text
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise ParseError(
                f"unknown function {name!r} at column {name_token.col}; allowed: "
                f"{_allowed_functions()}"
            )
        opened = self.lexer.next()
        self._check_depth(depth + 1, opened)
        piecewise = name in _PIECEWISE
        if piecewise:
            self.piecewise_depth += 1
            if self.piecewise_depth > MAX_PIECEWISE_DEPTH:
                raise ParseError(
                    f"function {name!r} at column {name_token.col} nests abs/max/min deeper than "
                    f"{MAX_PIECEWISE_DEPTH}; simplify the expression"
                )
        args = []
        first_count = self.lexer.count
        following = self.lexer.peek()
        if following.kind == "op" and following.text == ")":
            self.lexer.next()
        else:
            while True:
                args.append(self._level(depth + 1))
                token = self.lexer.peek()
                if token.kind == "op" and token.text == ",":
                    self.lexer.next()
                    continue
                if token.kind == "op" and token.text == ")":
                    self.lexer.next()
                    break
                if token.kind == "end":
                    raise self._bad_terminator(token, expected="')'", opened=opened)
                raise ParseError(
                    f"unexpected {token.describe()} at column {token.col}: expected ',' or ')'"
                )
        if piecewise:
            self.piecewise_depth -= 1
            span = self.lexer.count - first_count - 1
            if span > MAX_PIECEWISE_TOKENS:
                raise ParseError(
                    f"function {name!r} at column {name_token.col} has arguments of {span} tokens; "
                    f"abs/max/min take at most {MAX_PIECEWISE_TOKENS}"
                )
        low, high = spec.arity
        if len(args) < low or (high is not None and len(args) > high):
            if high == low:
                wanted = f"exactly {low} argument{'s' if low != 1 else ''}"
            elif high is None:
                wanted = f"at least {low} arguments"
            else:
                wanted = f"{low} to {high} arguments"
            raise ParseError(
                f"function {name!r} at column {name_token.col} takes {wanted}; got {len(args)}"
            )
        self._check_time(name_token)
        try:
            result = spec.builder(*args)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise ParseError(
                f"function {name!r} at column {name_token.col}: {_one_line(exc)}"
            ) from None
        if _undefined(result):
            raise ParseError(
                f"function {name!r} at column {name_token.col} is undefined here ({name}(...) "
                f"evaluates to {result})"
            )
        if name == "log":
            self._require(args[0], "positive", f"{self._excerpt(name_token.col - 1, self.lexer.end)} at column "
                                               f"{name_token.col}")
        return result

    # ---- reduction of one level
    def _excerpt(self, start, end):
        """The user's text from ``start`` to ``end``, on one line and short, for messages."""
        return _show(self.text[start:end], 40)[1:-1]

    def _reduce(self, units, ops):
        values, joins, spans = [], [], []
        i, n = 0, len(units)
        while i < n:
            j = i
            while j < n - 1 and ops[j].text in ("^", "**"):
                j += 1
            result = units[j].value
            if units[j].negative:
                result = -result
            for k in range(j - 1, i - 1, -1):
                where = f"{self._excerpt(units[k].start, units[j].end)} at column {units[k].start + 1}"
                result = self._power(units[k].value, result, ops[k], where)
                if units[k].negative:
                    result = -result
            values.append(result)
            spans.append((units[i].start, units[j].end))
            if j < n - 1:
                joins.append(ops[j])
            i = j + 1

        terms = []
        factors, factor_ops, negative = [values[0]], [None], False
        for op, value, span in zip(joins, values[1:], spans[1:]):
            if op.text in ("*", "/"):
                if op.text == "/":
                    if value == 0:
                        raise ParseError(
                            f"division by zero at column {op.col}: the divisor after '/' is 0"
                        )
                    self._require(value, "nonzero",
                                  f"the division by {self._excerpt(*span)} at column {op.col}")
                    value = sympy.Pow(value, sympy.S.NegativeOne)
                factors.append(value)
                factor_ops.append(op)
            else:
                terms.append(self._product(factors, factor_ops, negative))
                factors, factor_ops, negative = [value], [op], op.text == "-"
        terms.append(self._product(factors, factor_ops, negative))
        return self._sum(terms, [None] + [op for op in joins if op.text in ("+", "-")])

    def _power(self, base, exponent, op, where):
        self._check_time(op)
        if isinstance(exponent, sympy.Rational):
            if abs(exponent) > MAX_EXPONENT:
                raise ParseError(
                    f"exponent {_show(str(exponent))} after {op.text!r} at column {op.col} is too "
                    f"large: numeric exponents must satisfy |e| <= {MAX_EXPONENT}"
                )
            bits = _number_bits(base) * math.ceil(abs(exponent))
            if bits >= self.max_bits:
                raise ParseError(
                    f"power {op.text!r} at column {op.col} would build an exact number of about "
                    f"{int(bits * math.log10(2)) + 1} digits (about {int(bits)} bits); at most "
                    f"{budget.current().max_digits} digits are allowed ({_bound('max_digits')})"
                )
            if not exponent.is_Integer:
                root = _number_bits(base) + _radical_bits(base)
                if root > MAX_ROOT_BITS:
                    raise ParseError(
                        f"power {op.text!r} at column {op.col} takes a root of a number of about "
                        f"{int(root)} bits; at most {MAX_ROOT_BITS} are allowed"
                    )
        result = sympy.Pow(base, exponent)
        if _undefined(result):
            raise ParseError(
                f"division by zero at column {op.col}: {op.text!r} raises 0 to a negative power"
            )
        if not isinstance(exponent, sympy.Rational):
            # a variable (or irrational) exponent: b^e = exp(e log b) needs b > 0
            self._require(base, "positive", where)
        elif exponent < 0 and exponent.is_Integer:
            self._require(base, "nonzero", where)
        elif not exponent.is_Integer:
            self._require(base, "positive" if exponent < 0 else "nonnegative", where)
        self._check_size(result, f"the expansion of the power {op.text!r} at column {op.col}")
        return result

    def _product(self, factors, ops, negative):
        if len(factors) > 1:
            self._check_time(ops[1])
            plain = sum(_number_bits(f) for f in factors if not isinstance(f, sympy.Add))
            total, radicals = plain, 0
            for k, f in enumerate(factors):
                if isinstance(f, sympy.Add):
                    total += len(f.args) * plain + sum(_number_bits(t) for t in f.args)
                radicals += _radical_bits(f)
                if total >= self.max_bits or radicals > MAX_ROOT_BITS:
                    col = ops[max(k, 1)].col
                    if total >= self.max_bits:
                        raise ParseError(
                            f"product at column {col} would combine exact numbers of more than "
                            f"{int(self.max_bits)} bits ({_bound('max_digits')})"
                        )
                    raise ParseError(
                        f"product at column {col} would combine numbers under roots of more "
                        f"than {MAX_ROOT_BITS} bits"
                    )
            result = sympy.Mul(*factors)
        else:
            result = factors[0]
        if negative:
            result = -result
        return result

    def _sum(self, terms, ops):
        if len(terms) == 1:
            return terms[0]
        self._check_time(ops[1])
        # the sum of p_i/q_i has a denominator of at most sum(bits q_i) bits and a numerator
        # of at most max(bits p_i) + sum(bits q_i) + log2(count) bits
        numerators, denominators, count = 0, 0, 0
        for term, op in zip(terms, ops):
            for part in term.args if isinstance(term, sympy.Add) else (term,):
                count += 1
                p, q = _coefficient_bits(part)
                numerators, denominators = max(numerators, p), denominators + q
            if numerators + denominators + _log2(count) + 1 >= self.max_bits:
                col = op.col if op is not None else ops[1].col
                raise ParseError(
                    f"sum at column {col} would combine exact numbers of more than "
                    f"{int(self.max_bits)} bits ({_bound('max_digits')})"
                )
        return sympy.Add(*terms)


# --------------------------------------------------------------------------- public API


def _check_name(name, where):
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ParseError(
            f"{where}: {_show(str(name))} is not a name; expected letters, digits and '_', "
            "starting with a letter"
        )
    if name.startswith("_") or "__" in name:
        raise ParseError(f"{where}: name {name!r} may not start with '_' or contain '__'")
    if name in FUNCTIONS:
        raise ParseError(f"{where}: {name!r} is a function name and cannot be a variable")
    if name in RESERVED:
        raise ParseError(f"{where}: {name!r} is reserved (a Python keyword or builtin)")


def parse_variables(text_or_list) -> tuple:
    """Return the variables as real Symbols, from ``"a,b,c"`` or a list of names/Symbols.

    Symbols are returned as given; names become ``Symbol(name, real=True)``.

    >>> parse_variables("w1, w2")
    (w1, w2)
    >>> parse_variables(["x"])[0].is_real
    True
    """
    if isinstance(text_or_list, str):
        if len(text_or_list) > MAX_LENGTH:
            raise ParseError(
                f"variables text is {len(text_or_list)} characters; at most {MAX_LENGTH}"
            )
        if not text_or_list.strip():
            raise InvalidArgument(
                f"variables={text_or_list!r} is empty; give at least one name, e.g. 'w1,w2'"
            )
        items = [part.strip() for part in text_or_list.split(",")]
        for k, item in enumerate(items):
            if not item:
                raise ParseError(f"variables={_show(text_or_list)}: item {k + 1} is empty")
    elif isinstance(text_or_list, sympy.Symbol):
        items = [text_or_list]
    elif isinstance(text_or_list, (bytes, bytearray, dict)) or not hasattr(
        text_or_list, "__iter__"
    ):
        raise InvalidArgument(
            f"variables={text_or_list!r} has type {type(text_or_list).__name__}; expected a "
            "comma-separated string or a list of names or Symbols"
        )
    else:
        items = list(text_or_list)
        if not items:
            raise InvalidArgument("variables is empty; give at least one name, e.g. 'w1,w2'")
    symbols, seen = [], set()
    for k, item in enumerate(items):
        if isinstance(item, sympy.Symbol):
            name, symbol = item.name, item
        elif isinstance(item, str):
            name, symbol = item, None
        else:
            raise InvalidArgument(
                f"variables[{k}]={item!r} has type {type(item).__name__}; expected a name or a "
                "sympy Symbol"
            )
        _check_name(name, f"variables[{k}]")
        if name in seen:
            raise InvalidArgument(f"variables: duplicate name {name!r}; each variable once")
        seen.add(name)
        symbols.append(symbol if symbol is not None else sympy.Symbol(name, real=True))
    return tuple(symbols)


def parse_expression(text: str, variables=None) -> sympy.Expr:
    """Parse ``text`` (grammar in the module docstring) into an exact SymPy expression.

    With ``variables`` (``"a,b"`` or a list of names/Symbols) every name must be one of
    them and the result uses exactly those Symbols; without, each name becomes
    ``Symbol(name, real=True)``.  Every error is a one-line :class:`ParseError` (or a
    :class:`~symlandscape.budget.BudgetExceeded` naming the bound).

    >>> parse_expression("(1 - w1*w2)^2", "w1,w2")
    (-w1*w2 + 1)**2
    >>> parse_expression("0.25*x", "x")
    x/4
    >>> parse_expression("-x^2 + 2^-1 + relu(x - 1e-3)")
    -x**2 + relu(x - 1/1000) + 1/2
    >>> parse_expression("2x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symlandscape.errors.ParseError: unexpected name 'x' at column 2: ...; write 2*x
    """
    return parse_with_domain(text, variables)[0]


def parse_with_domain(text: str, variables=None):
    """``(expression, domain)``: :func:`parse_expression` and the domain of what was written.

    ``domain`` is a tuple of ``(expression, relation, where)``: ``expression`` must be
    ``relation`` (one of :data:`RELATIONS`) for the operation described by ``where`` to be
    defined.  Conditions are recorded before SymPy simplifies anything, inner ones first.

    >>> expr, domain = parse_with_domain("log(-z) + relu(x)/x", "x,z")
    >>> expr
    log(-z) + relu(x)/x
    >>> [(str(e), r, where) for e, r, where in domain]
    [('-z', 'positive', 'log(-z) at column 1'), ('x', 'nonzero', 'the division by x at column 18')]
    >>> [(str(e), r) for e, r, _ in parse_with_domain("x^(1/2) + y^y", "x,y")[1]]
    [('x', 'nonnegative'), ('y', 'positive')]
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"text={text!r} has type {type(text).__name__}; expected a string")
    if len(text) > MAX_LENGTH:
        raise ParseError(
            f"expression too long at column {MAX_LENGTH + 1}: {len(text)} characters; at most "
            f"{MAX_LENGTH} are allowed"
        )
    symbols = None
    if variables is not None:
        symbols = {s.name: s for s in parse_variables(variables)}
    parser = _Parser(text, symbols)
    try:
        expr = parser.parse()
        seen, domain = set(), []
        for expression, relation, where in parser.conditions:
            if (expression, relation) not in seen:
                seen.add((expression, relation))
                domain.append((expression, relation, where))
        return expr, tuple(domain)
    except RecursionError:
        raise ParseError(
            f"expression nested too deeply for SymPy to build, near column {parser.lexer.end + 1}; "
            "simplify the expression"
        ) from None


def domain_of(expr):
    """The domain conditions ``(expression, relation, where)`` of a SymPy expression, inner first.

    For expressions not typed as text (after SymPy's simplification, so ``relu(x)/x``
    written by hand has lost its condition; :func:`parse_with_domain` records them first).

    >>> x = sympy.Symbol("x", real=True)
    >>> [(str(e), r) for e, r, _ in domain_of(sympy.log(x) + 1/x)]
    [('x', 'nonzero'), ('x', 'positive')]
    """
    conditions, seen = [], set()
    for node in _distinct_postorder(expr):
        condition = None
        if isinstance(node, sympy.log):
            condition = (node.args[0], "positive")
        elif isinstance(node, sympy.Pow) and not isinstance(node.base, sympy.Number):
            exponent = node.exp
            if isinstance(exponent, sympy.Integer):
                condition = (node.base, "nonzero") if exponent < 0 else None
            elif isinstance(exponent, sympy.Rational):
                condition = (node.base, "positive" if exponent < 0 else "nonnegative")
            elif node.base is not sympy.S.Exp1:
                condition = (node.base, "positive")
        if (condition is not None and condition not in seen and _has_symbols(condition[0])
                and not _positive_everywhere(condition[0])):
            seen.add(condition)
            conditions.append((*condition, _show(str(node), 60)[1:-1]))
    return tuple(conditions)


def _distinct_postorder(expr):
    """Each distinct subexpression once, arguments before the node (a DAG walk, not a tree walk)."""
    seen, order, stack = set(), [], [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args) if a not in seen)
    return order


def check_size(expr, variables, what="the expression"):
    """``(degree, terms)``: structural bounds on ``expr`` expanded, checked against the budget.

    ``variables`` is the number of variables.  Raises
    :class:`~symlandscape.budget.BudgetExceeded` above ``max_degree``, ``max_terms`` or
    ``max_nodes``; nothing is expanded.

    >>> x, y = sympy.symbols("x y")
    >>> check_size((x + y + 1)**3, 2)
    (3, 10)
    """
    return _Sizes().check(expr, variables, what)
