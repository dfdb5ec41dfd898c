"""The ``symlandscape`` command line: a thin layer over the public functions.

Exit codes: 0 success (a verdict, even ``undetermined``, counts as success); 1 a check
or certificate failed; 2 bad input (one line on stderr, never a traceback); 3 an
internal error (a bug, reported in one line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import sympy

from .errors import SymlandscapeError
from .exact import format_rational, rational_vector

__all__ = ["main"]

#: Options whose values may start with "-" (negative numbers): argparse would take them for flags.
_POINT_OPTIONS = ("--at", "--direction")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build_parser():
    parser = _Parser(prog="symlandscape", description="Exact loss landscapes with certified critical points.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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

    classify = sub.add_parser("classify", help="classify a point, with a verified certificate")
    landscape_options(classify)
    classify.add_argument("--format", choices=("text", "json", "latex", "markdown"), default="text")
    classify.add_argument("--seed", type=int, default=0, help="seed of every random choice in the search")

    verify = sub.add_parser("verify", help="re-check a saved certificate (JSON) against a loss")
    verify.add_argument("certificate", help="path of the certificate JSON file ('-' for standard input)")
    landscape_options(verify, point=False)

    check = sub.add_parser("check", help="run the executable checks of the claims")
    check.add_argument("--only", action="append", default=None, metavar="ID", help="run only this claim (repeatable)")
    check.add_argument("--seed", type=int, default=0)
    check.add_argument("--thorough", action="store_true", help="larger instances and experiments")
    check.add_argument("--format", choices=("text", "json", "markdown", "latex"), default="text")
    check.add_argument("--output", default=None, metavar="DIR", help="write the report and figures here")
    return parser


def _join_point_values(argv):
    """``--at -1,2`` -> ``--at=-1,2`` so that negative points are not taken for options."""
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
    return str(value)


def _derive(args):
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
            result["taylor_polynomial"] = str(landscape.taylor_polynomial(point, args.order))
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
    from .expression import parse_expression

    def tex(text):
        return sympy.latex(parse_expression(text))

    def matrix(rows):
        return r"\begin{pmatrix}" + r" \\ ".join(" & ".join(tex(e) for e in row) for row in rows) + r"\end{pmatrix}"

    point = ", ".join(tex(x) for x in result["point"])
    lines = [f"$L({point}) = {tex(result['value'])}$", ""]
    blocks = [result] if "pieces" not in result else result["pieces"]
    for block in blocks:
        if "pattern" in block:
            lines.append(r"\paragraph{Piece " + ", ".join(block["pattern"]) + "}")
        lines.append(r"$\nabla L = " + matrix([[g] for g in block["gradient"]]) + "$,")
        lines.append(r"$\nabla^2 L = " + matrix(block["hessian"]) + "$")
        if "inertia" in block:
            i = block["inertia"]
            lines.append(f"(inertia: {i['positive']} positive, {i['negative']} negative, {i['zero']} zero)")
        lines.append("")
    return "\n".join(lines).rstrip()


def _classify(args):
    from .classify import classify

    landscape = _landscape(args)
    point = _point(args.at, "--at", len(landscape.variables))
    return classify(landscape, point, seed=args.seed).render(args.format)


def _verify(args):
    from .verify import verify

    try:
        text = sys.stdin.read() if args.certificate == "-" else open(args.certificate, encoding="utf-8").read()
    except OSError as exc:
        raise _BadInput(f"cannot read the certificate {args.certificate!r}: {exc.strerror}") from None
    try:
        certificate = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadInput(f"the certificate {args.certificate!r} is not JSON: {exc}") from None
    if isinstance(certificate, dict) and "certificate" in certificate and "type" not in certificate:
        certificate = certificate["certificate"]  # a whole `classify --format json` output
    verify(certificate, _landscape(args))
    return "verified"


def _check(args):
    from .claims import run_claims

    def progress(message):
        print(message, file=sys.stderr, flush=True)

    report = run_claims(only=args.only, seed=args.seed, thorough=args.thorough, progress=progress)
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


def main(argv=None):
    """Run the command line; return the exit code."""
    parser = _build_parser()
    args = parser.parse_args(_join_point_values(sys.argv[1:] if argv is None else list(argv)))
    try:
        if args.command == "derive":
            _emit(_render_derive(_derive(args), args.format))
            return 0
        if args.command == "classify":
            _emit(_classify(args))
            return 0
        if args.command == "verify":
            _emit(_verify(args))
            return 0
        if args.command == "check":
            text, passed = _check(args)
            _emit(text)
            return 0 if passed else 1
    except _BadInput as exc:
        print(f"symlandscape: error: {exc}", file=sys.stderr)
        return 2
    except SymlandscapeError as exc:
        from .errors import CertificateError

        message = " ".join(str(exc).split())
        if isinstance(exc, CertificateError):
            print(f"symlandscape: certificate rejected: {message}", file=sys.stderr)
            return 1
        print(f"symlandscape: error: {message}", file=sys.stderr)
        return 2
    except RecursionError:
        print("symlandscape: error: the expression is nested too deeply", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so in one line; SYMLANDSCAPE_DEBUG=1 shows the traceback
        if os.environ.get("SYMLANDSCAPE_DEBUG"):
            raise
        print(f"symlandscape: internal error: {type(exc).__name__}: {exc} "
              "(rerun with SYMLANDSCAPE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
