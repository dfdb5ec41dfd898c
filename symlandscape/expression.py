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

Resource guards, all checked before SymPy does the work: at most 100_000 characters,
nesting (parentheses, calls, ``^`` chains) at most 200 deep, number literals of at most
10_000 digits with ``|exponent| <= 10_000``, numeric exponents with ``|e| <= 10_000``,
no exact number above 10**6 bits (estimated as ``|e|*log2|base|`` for powers), no
non-integer power of a number above 1024 bits, at most 16 arguments to a (flattened)
``max``/``min``, ``abs``/``max``/``min`` nested at most 32 deep with arguments of at most
1000 tokens, and at most 10 seconds of SymPy work (checked between operations).
"""

from __future__ import annotations

import keyword
import re
import time
from dataclasses import dataclass
from typing import Callable

import sympy

from .activations import leaky_relu, relu, sigmoid
from .errors import InvalidArgument, ParseError

__all__ = ["FUNCTIONS", "FunctionSpec", "parse_expression", "parse_variables"]

MAX_LENGTH = 100_000
MAX_DEPTH = 200
MAX_EXPONENT = 10_000
MAX_DIGITS = 10_000
MAX_BITS = 10**6
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


def _digits_to_int(digits):
    """``int(digits)`` without Python's 4300-digit conversion limit."""
    if len(digits) <= 4000:
        return int(digits)
    half = len(digits) // 2
    high, low = _digits_to_int(digits[:half]), _digits_to_int(digits[half:])
    return high * 10 ** (len(digits) - half) + low


def _rational_bits(value):
    return max(abs(int(value.p)).bit_length(), int(value.q).bit_length())


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
        if digits > MAX_DIGITS:
            raise ParseError(
                f"number {_show(literal)} at column {col} has {digits} digits; at most "
                f"{MAX_DIGITS} are allowed"
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
        mantissa = _digits_to_int((whole + frac).lstrip("0") or "0")
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
        self.deadline = time.monotonic() + MAX_SECONDS

    def _check_time(self, token):
        if time.monotonic() > self.deadline:
            raise ParseError(
                f"expression too expensive to build: gave up after {MAX_SECONDS:g} s at column "
                f"{token.col} ({token.describe()}); simplify the expression"
            )

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
            if depth + carets > MAX_DEPTH:
                raise ParseError(
                    f"nesting deeper than {MAX_DEPTH} at column {token.col} "
                    f"({token.describe()}); simplify the expression"
                )
            start = token.col - 1
            value = self._operand(depth + carets)
            units.append(_Unit(negative, value))
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
        if depth > MAX_DEPTH:
            raise ParseError(
                f"nesting deeper than {MAX_DEPTH} at column {token.col} ({token.describe()}); "
                "simplify the expression"
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
        return result

    # ---- reduction of one level
    def _reduce(self, units, ops):
        values, joins = [], []
        i, n = 0, len(units)
        while i < n:
            j = i
            while j < n - 1 and ops[j].text in ("^", "**"):
                j += 1
            result = units[j].value
            if units[j].negative:
                result = -result
            for k in range(j - 1, i - 1, -1):
                result = self._power(units[k].value, result, ops[k])
                if units[k].negative:
                    result = -result
            values.append(result)
            if j < n - 1:
                joins.append(ops[j])
            i = j + 1

        terms = []
        factors, factor_ops, negative = [values[0]], [None], False
        for op, value in zip(joins, values[1:]):
            if op.text in ("*", "/"):
                if op.text == "/":
                    if value == 0:
                        raise ParseError(
                            f"division by zero at column {op.col}: the divisor after '/' is 0"
                        )
                    value = sympy.Pow(value, sympy.S.NegativeOne)
                factors.append(value)
                factor_ops.append(op)
            else:
                terms.append(self._product(factors, factor_ops, negative))
                factors, factor_ops, negative = [value], [op], op.text == "-"
        terms.append(self._product(factors, factor_ops, negative))
        return self._sum(terms, [None] + [op for op in joins if op.text in ("+", "-")])

    def _power(self, base, exponent, op):
        self._check_time(op)
        if isinstance(exponent, sympy.Rational):
            if abs(exponent) > MAX_EXPONENT:
                raise ParseError(
                    f"exponent {_show(str(exponent))} after {op.text!r} at column {op.col} is too "
                    f"large: numeric exponents must satisfy |e| <= {MAX_EXPONENT}"
                )
            bits = _number_bits(base) * abs(float(exponent))
            if bits > MAX_BITS:
                raise ParseError(
                    f"power {op.text!r} at column {op.col} would build an exact number of about "
                    f"{int(bits)} bits; at most {MAX_BITS} are allowed"
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
                if total > MAX_BITS or radicals > MAX_ROOT_BITS:
                    col = ops[max(k, 1)].col
                    what = "exact numbers" if total > MAX_BITS else "numbers under roots"
                    limit = MAX_BITS if total > MAX_BITS else MAX_ROOT_BITS
                    raise ParseError(
                        f"product at column {col} would combine {what} of more "
                        f"than {limit} bits"
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
        total = 0
        for term, op in zip(terms, ops):
            parts = term.args if isinstance(term, sympy.Add) else (term,)
            total += sum(_number_bits(t) for t in parts)
            if total > MAX_BITS:
                col = op.col if op is not None else ops[1].col
                raise ParseError(
                    f"sum at column {col} would combine exact numbers of more than {MAX_BITS} bits"
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
    ``Symbol(name, real=True)``.  Every error is a one-line :class:`ParseError`.

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
        return parser.parse()
    except RecursionError:
        raise ParseError(
            f"expression nested too deeply for SymPy to build, near column {parser.lexer.end + 1}; "
            "simplify the expression"
        ) from None
