"""The ``symlandscape`` command line: a thin layer over the public functions.

Exit codes: 0 success (a verdict, even ``undetermined``, counts as success); 1 a check
or certificate failed; 2 bad input (one line on stderr, never a traceback); 3 an
internal error (a bug, reported in one line).

Every input is bounded: ``derive``, ``classify`` and ``verify`` run under the budget of
:mod:`symlandscape.budget`, set by ``--max-degree``, ``--max-terms``, ``--max-digits``,
``--max-order``, ``--max-nesting``, ``--max-nodes`` and ``--max-seconds``; no message
echoes more than a short excerpt of what the user typed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys

import flint
import sympy

from . import budget
from .errors import CertificateError, SymlandscapeError
from .exact import format_rational, rational_vector

__all__ = ["main"]

#: Options whose values may start with "-" (a negative point, a loss such as "-x^2"):
#: argparse would take them for flags.
_POINT_OPTIONS = ("--at", "--box", "--direction", "--loss", "--vars")

#: The longest message printed on stderr: user input can be megabytes, a message stays one short line.
_MAX_MESSAGE = 400

#: The largest certificate file read (a classify output is a few kilobytes).
_MAX_CERTIFICATE_BYTES = 64 * 2**20

#: The budget options: option, Budget field, type, help.
_BUDGET_OPTIONS = (
    ("--max-degree", "max_degree", int, "largest total degree of a polynomial (default 1000)"),
    ("--max-terms", "max_terms", int, "most terms of an expanded polynomial, entries of a list (default 100000)"),
    ("--max-digits", "max_digits", int, "most decimal digits of one number, read or computed (default 10000)"),
    ("--max-order", "max_order", int, "highest order of a Taylor expansion (default 64)"),
    ("--max-nesting", "max_nesting", int, "deepest nesting of operations or JSON (default 200)"),
    ("--max-nodes", "max_nodes", int, "most distinct subexpressions of an expression (default 200000)"),
    ("--max-seconds", "max_seconds", float, "longest wall time of one bounded step, in seconds (default 60)"),
)


def _shorten(text, limit=_MAX_MESSAGE):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {_shorten(message)}\n")


def _bound_type(kind):
    """An argparse type: a positive int (or a finite positive number of seconds)."""

    def convert(text):
        try:
            value = int(text) if kind is int and len(text) < 20 else float(text) if kind is float else None
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(
                f"{_shorten(repr(text), 40)} is not a positive {'integer below 10^19' if kind is int else 'number'}")
        return value

    convert.__name__ = "bound"
    return convert


def _build_parser():
    from . import __version__

    parser = _Parser(prog="symlandscape", description="Exact loss landscapes with certified critical points.")
    parser.add_argument("--version", action="version", version=f"symlandscape {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def budget_options(p):
        group = p.add_argument_group("resource bounds", "refuse inputs and computations beyond these sizes")
        for option, field, kind, text in _BUDGET_OPTIONS:
            group.add_argument(option, dest=field, type=_bound_type(kind), default=None, metavar="N",
                               help=text)

    def landscape_options(p, point=True):
        p.add_argument("--loss", required=True, help="the loss, e.g. '(1 - w1*w2)^2'")
        p.add_argument("--vars", required=True, help="comma-separated parameter names, in point order")
        if point:
            p.add_argument("--at", required=True, help="comma-separated exact point, e.g. 1,-3/2")

    derive = sub.add_parser("derive", help="exact value, gradient, Hessian, inertia and Taylor terms at a point")
    landscape_options(derive)
    derive.add_argument("--order", type=int, default=None, help="also print the Taylor polynomial to this order")
    derive.add_argument("--direction", default=None, help="with --order: coefficients of L(at + t*direction)")
    derive.add_argument("--format", choices=("text", "json", "latex"), default="text")
    budget_options(derive)

    classify = sub.add_parser("classify", help="classify a point, with a verified certificate")
    landscape_options(classify)
    classify.add_argument("--format", choices=("text", "json", "latex", "markdown", "html"), default="text",
                          help="latex, markdown and html give a worked example")
    classify.add_argument("--seed", type=int, default=0, help="seed of every random choice in the search")
    classify.add_argument("--search-order", type=_bound_type(int), default=None, metavar="K",
                          help="highest order of the Taylor terms and curves the search tries (default 12)")
    classify.add_argument("--standalone", action="store_true",
                          help="with --format latex: a whole document rather than a fragment")
    classify.add_argument("--detail", action="store_true",
                          help="with a worked example: append what the search tried")
    classify.add_argument("--figures", default=None, metavar="DIR",
                          help="with a worked example: draw its figures into DIR and include them")
    budget_options(classify)

    verify = sub.add_parser("verify", help="re-check a saved certificate (JSON) against a loss")
    verify.add_argument("certificate", help="path of the certificate JSON file ('-' for standard input)")
    landscape_options(verify, point=False)
    budget_options(verify)

    check = sub.add_parser("check", help="run the executable checks of the claims")
    check.add_argument("--only", action="append", default=None, metavar="ID", help="run only this claim (repeatable)")
    check.add_argument("--seed", type=int, default=0)
    check.add_argument("--thorough", action="store_true", help="larger instances and experiments")
    check.add_argument("--format", choices=("text", "json", "markdown", "latex", "html"), default="text")
    check.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    check.add_argument("--output", default=None, metavar="DIR", help="write the report and figures here")

    # commands whose code lives with the object they work on: each module gives
    # COMMAND_HELP, add_arguments(parser, options) and run_command(args) -> (text, exit code)
    options = argparse.Namespace(landscape=landscape_options, budget=budget_options)
    for name in _MODULE_COMMANDS:
        module = _command_module(name)
        module.add_arguments(sub.add_parser(name, help=module.COMMAND_HELP), options)
    return parser


#: Subcommands implemented in the module of the same name (imported when the parser is built,
#: so these modules import their heavy dependencies inside functions).
_MODULE_COMMANDS = ("critical", "plot", "sweep")


def _command_module(name):
    import importlib

    return importlib.import_module(f"symlandscape.{name}")


def _join_point_values(argv):
    """``--at -1,2`` -> ``--at=-1,2`` (and ``--loss -x^2``) so that values starting with '-' are not options."""
    out, it = [], iter(argv)
    for arg in it:
        if arg in _POINT_OPTIONS:
            value = next(it, None)
            out.append(arg if value is None else f"{arg}={value}")
        else:
            out.append(arg)
    return out


def _landscape(args):
    from .landscape import Landscape

    return Landscape.from_expression(args.loss, args.vars)


def _point(text, name, length):
    return rational_vector([v for v in text.split(",")], length, name)


def _exact(value):
    """An exact number as a string: "-3/2", or SymPy's form such as "exp(1/2)"."""
    if isinstance(value, sympy.Rational):
        return format_rational(value)
    # SymPy's default term order evaluates numbers numerically to sort them: unbounded on
    # nested logarithms and exponentials; its canonical order costs nothing
    return sympy.sstr(value, order="none")


def _derive(args):
    if args.order is not None and args.order > budget.current().max_order:
        budget.check("max_order", args.order, f"--order={args.order}: the expansion")
    landscape = _landscape(args)
    n = len(landscape.variables)
    point = _point(args.at, "--at", n)
    result = {
        "variables": [str(v) for v in landscape.variables],
        "point": [format_rational(x) for x in point],
        "value": _exact(landscape.value(point)),
    }
    kinks = landscape.kinks(point)
    if kinks:
        result["kinks"] = [u.description for u in kinks]
        result["pieces"] = [_derive_piece(piece.landscape, point, piece) for piece in landscape.pieces(point)]
    else:
        result.update(_derive_piece(landscape, point))
    if args.order is not None:
        if args.direction is not None:
            direction = _point(args.direction, "--direction", n)
            result["taylor"] = {
                "direction": [format_rational(x) for x in direction],
                "coefficients": [_exact(c) for c in landscape.taylor(point, direction, args.order)],
            }
        else:
            result["taylor_polynomial"] = _exact(landscape.taylor_polynomial(point, args.order))
    return result


def _derive_piece(landscape, point, piece=None):
    from .inertia import inertia

    gradient = landscape.gradient(point)
    hessian = landscape.hessian(point)
    out = {}
    if piece is not None:
        out["pattern"] = list(piece.pattern)
        out["region"] = [f"{g} >= 0" for g in piece.constraints]
    out["gradient"] = [_exact(g) for g in gradient]
    out["hessian"] = [[_exact(e) for e in row] for row in hessian.tolist()]
    if all(e.is_Rational for e in hessian):
        out["inertia"] = inertia(hessian).as_dict()
    return out


def _render_derive(result, fmt):
    if fmt == "json":
        return json.dumps(result, indent=2)
    if fmt == "latex":
        return _derive_latex(result)
    lines = [f"variables: {', '.join(result['variables'])}", f"point:     ({', '.join(result['point'])})",
             f"value:     {result['value']}"]
    blocks = [("", result)] if "pieces" not in result else [
        (f"piece {i + 1} ({', '.join(p['pattern'])}; region {' and '.join(p['region'])})", p)
        for i, p in enumerate(result["pieces"])
    ]
    if "kinks" in result:
        lines.append(f"kinks:     {'; '.join(result['kinks'])} (the Hessian is given per adjacent piece)")
    for title, block in blocks:
        if title:
            lines.append(title)
        lines.append(f"gradient:  ({', '.join(block['gradient'])})")
        lines.append("hessian:")
        lines.extend("  [" + ", ".join(row) + "]" for row in block["hessian"])
        if "inertia" in block:
            i = block["inertia"]
            lines.append(f"inertia:   {i['positive']} positive, {i['negative']} negative, {i['zero']} zero")
    if "taylor" in result:
        lines.append(f"taylor along ({', '.join(result['taylor']['direction'])}): "
                     + ", ".join(result["taylor"]["coefficients"]))
    if "taylor_polynomial" in result:
        lines.append(f"taylor polynomial: {result['taylor_polynomial']}")
    return "\n".join(lines)


def _derive_latex(result):
    from . import notation
    from .document import Document
    from .expression import parse_expression

    def tex(text):
        return notation.number(parse_expression(text))

    doc = Document()
    doc.display(f"L{notation.point(result['point'])} = {tex(result['value'])}")
    blocks = [result] if "pieces" not in result else result["pieces"]
    for block in blocks:
        if "pattern" in block:
            doc.heading("Piece " + ", ".join(block["pattern"]), level=3)
        doc.display(r"\nabla L = " + notation.matrix([[g] for g in block["gradient"]], entry=tex) + r", \qquad "
                    r"\nabla^2 L = " + notation.matrix(block["hessian"], entry=tex))
        if "inertia" in block:
            i = block["inertia"]
            doc.paragraph(f"Inertia: {i['positive']} positive, {i['negative']} negative, {i['zero']} zero.")
    return doc.render("latex").rstrip()


def _classify(args):
    from .classify import classify

    if args.figures is not None and args.format not in ("latex", "markdown", "html"):
        raise _BadInput("--figures draws the figures of a worked example: use it with --format latex, markdown "
                        "or html")
    if args.standalone and args.format != "latex":
        raise _BadInput("--standalone makes a whole LaTeX document: use it with --format latex")
    landscape = _landscape(args)
    point = _point(args.at, "--at", len(landscape.variables))
    # a point where the loss has no value within the budget is bad input, said before the search
    landscape.value(point)
    options = {} if args.search_order is None else {"max_order": args.search_order}
    verdict = classify(landscape, point, seed=args.seed, **options)
    figures = None
    if args.figures is not None:
        from .plot import verdict_figures

        formats = {"latex": ("pdf",), "markdown": ("png",), "html": ("svg",)}[args.format]
        figures = verdict_figures(verdict, args.figures, formats=formats)
    return verdict.render(args.format, standalone=args.standalone, detail=args.detail, figures=figures)


def _verify(args):
    from .verify import verify

    certificate = _certificate_from_wrapper(_read_certificate(args.certificate))
    verify(certificate, _landscape(args))
    return "verified"


def _read_certificate(path):
    """The certificate file (``-``: standard input) as JSON data, read strictly and within the budget."""
    shown = _shorten(repr(path), 60)
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            raw = stream.read(_MAX_CERTIFICATE_BYTES + 1) if stream is not None else sys.stdin.read().encode(
                "utf-8", "surrogateescape")
        else:
            with open(path, "rb") as handle:
                raw = handle.read(_MAX_CERTIFICATE_BYTES + 1)
    except OSError as exc:
        raise _BadInput(f"cannot read the certificate {shown}: {exc.strerror}") from None
    if len(raw) > _MAX_CERTIFICATE_BYTES:
        raise _BadInput(f"the certificate {shown} is larger than {_MAX_CERTIFICATE_BYTES // 2**20} MiB; a "
                        "certificate from classify is a few kilobytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadInput(f"the certificate {shown} is not UTF-8 text (byte {raw[exc.start]:#04x} at offset "
                        f"{exc.start}); save it as UTF-8") from None
    try:
        data = json.loads(text, object_pairs_hook=_object_without_duplicates, parse_int=_json_integer)
        _check_json_size(data)
    except json.JSONDecodeError as exc:
        raise _BadInput(f"the certificate {shown} is not JSON: {exc.msg} at line {exc.lineno} column "
                        f"{exc.colno}") from None
    except RecursionError:
        raise CertificateError(f"the certificate is nested deeper than the bound max_nesting="
                               f"{budget.current().max_nesting} (raise it with --max-nesting)") from None
    except budget.BudgetExceeded as exc:  # a certificate beyond a bound is rejected, as the README says
        raise CertificateError(str(exc)) from None
    return data


def _object_without_duplicates(pairs):
    keys = set()
    for key, _ in pairs:
        if key in keys:
            raise CertificateError(f"duplicate key {_json_text(key)} in an object of the certificate: each key "
                                   "may appear once")
        keys.add(key)
    return dict(pairs)


def _json_integer(text):
    """A JSON integer, within the budget's digits and without Python's 4300-digit conversion limit."""
    digits = len(text.lstrip("-"))
    if digits > budget.current().max_digits:
        budget.check("max_digits", digits, "an integer of the certificate")
    return int(flint.fmpz(text)) if digits > 4000 else int(text)


def _check_json_size(data):
    """Refuse JSON data nested deeper than ``max_nesting`` or with more than ``max_nodes`` values."""
    limits = budget.current()
    stack, count = [(data, 1)], 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > limits.max_nesting:
            budget.check("max_nesting", depth, "the certificate")
        if count > limits.max_nodes:
            budget.check("max_nodes", count, "the certificate")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children)


#: What a whole ``classify --format json`` output states besides its certificate.
_WRAPPER_FIELDS = ("kind", "value", "critical", "hessian_inertia", "global_min")
_WRAPPER_KEYS = frozenset(_WRAPPER_FIELDS) | {"certificate", "verified", "explanation"}


def _certificate_from_wrapper(data):
    """The certificate of a whole ``classify --format json`` output, or ``data`` itself.

    Every field the wrapper states must be exactly the certificate's, so that nothing
    printed next to "verified" says more than what was checked.
    """
    if not (isinstance(data, dict) and "certificate" in data and "type" not in data):
        return data
    unknown = sorted(set(data) - _WRAPPER_KEYS)
    if unknown:
        raise CertificateError(f"the top-level field {_json_text(unknown[0])} is not part of a classify output "
                               f"(expected only {', '.join(sorted(_WRAPPER_KEYS))})")
    inner = data["certificate"]
    if not isinstance(inner, dict):
        raise CertificateError(f"the top-level field certificate must be an object, not {type(inner).__name__}")
    for field in _WRAPPER_FIELDS:
        if field in data and (field not in inner or not _same_json(data[field], inner[field])):
            stated = _json_text(inner[field]) if field in inner else "nothing"
            raise CertificateError(f"the top-level field {field}={_json_text(data[field])} disagrees with the "
                                   f"certificate's {stated}")
    if "verified" in data and data["verified"] is not True:
        raise CertificateError(f"the top-level field verified={_json_text(data['verified'])} must be true: "
                               "only a verified classification is saved")
    if "explanation" in data and not isinstance(data["explanation"], str):
        raise CertificateError("the top-level field explanation must be a string")
    return inner


def _same_json(a, b):
    """Equal JSON values of equal types (``true`` is not ``1``, ``1`` is not ``1.0``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b))
    return a == b


def _json_text(value, limit=60):
    """A JSON value for a message: repr for a string (``'strict_saddle'``), JSON otherwise; short."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check(args):
    from .claims import run_claims

    def progress(message):
        print(message, file=sys.stderr, flush=True)

    report = run_claims(only=args.only, seed=args.seed, thorough=args.thorough,
                        progress=None if args.quiet else progress)
    if args.output:
        report.write(args.output, fmt=args.format)
    return report.render(args.format), report.passed


class _BadInput(Exception):
    pass


def _emit(text):
    """Print the result; a reader that stops early (``| head``) is not an error of ours."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # the Python documentation's recipe: send the rest to devnull so that the
        # interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _arguments(argv):
    """The arguments as text; None (after a message) if one is not valid UTF-8."""
    for i, arg in enumerate(argv):
        try:
            if not isinstance(arg, str):
                raise TypeError
            arg.encode("utf-8")  # undecodable bytes of argv arrive as lone surrogates
        except (TypeError, UnicodeEncodeError):
            print(f"symlandscape: error: argument {i + 1} is not valid UTF-8 text; pass every argument in UTF-8",
                  file=sys.stderr)
            return None
    return _join_point_values(argv)


@contextlib.contextmanager
def _printable_integers(digits):
    """Let Python print integers of the budget's size (its own limit is 4300 digits; SymPy prints with str)."""
    saved = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(max(saved, 4 * digits + 100) if saved else 0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(saved)


def _run(args):
    """Run one command under the budget its options set; return the exit code."""
    bounds = {field: getattr(args, field) for _, field, _, _ in _BUDGET_OPTIONS
              if getattr(args, field, None) is not None}
    with budget.limits(**bounds), _printable_integers(budget.current().max_digits):
        if args.command == "derive":
            _emit(_render_derive(_derive(args), args.format))
            return 0
        if args.command == "classify":
            _emit(_classify(args))
            return 0
        if args.command == "verify":
            _emit(_verify(args))
            return 0
        if args.command in _MODULE_COMMANDS:
            text, code = _command_module(args.command).run_command(args)
            _emit(text)
            return code
    text, passed = _check(args)
    _emit(text)
    return 0 if passed else 1


def main(argv=None):
    """Run the command line; return the exit code."""
    arguments = _arguments(sys.argv[1:] if argv is None else list(argv))
    if arguments is None:
        return 2
    args = _build_parser().parse_args(arguments)
    try:
        return _run(args)
    except _BadInput as exc:
        print(f"symlandscape: error: {_shorten(exc)}", file=sys.stderr)
        return 2
    except SymlandscapeError as exc:
        if isinstance(exc, CertificateError):
            print(f"symlandscape: certificate rejected: {_shorten(exc)}", file=sys.stderr)
            return 1
        print(f"symlandscape: error: {_shorten(exc)}", file=sys.stderr)
        return 2
    except RecursionError:
        print("symlandscape: error: the input is nested too deeply", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so in one line; SYMLANDSCAPE_DEBUG=1 shows the traceback
        if os.environ.get("SYMLANDSCAPE_DEBUG"):
            raise
        print(_shorten(f"symlandscape: internal error: {type(exc).__name__}: {exc}", 300)
              + " (rerun with SYMLANDSCAPE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
