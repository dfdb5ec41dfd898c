"""Assertions for property tests: critical points, local minima, saddles and certificates.

Each ``assert_*`` raises a plain :class:`AssertionError` (so pytest and Hypothesis treat it
as a failed property) whose message prints the instance and the point as exact
matrices — data ``X``, ``Y`` and weights ``W_1, ...`` for networks, the loss expression
and named coordinates otherwise — followed by what was found.  On success each returns
what it computed (the gradient or the :class:`~symlandscape.classify.Verdict`), so a test
can assert more about it.  Verdicts come from :func:`~symlandscape.classify.classify`,
and every certificate is re-checked by :func:`~symlandscape.verify.verify` before an
assertion passes.
"""

from __future__ import annotations

import flint
import sympy

from .deep_linear import DeepLinearLandscape
from .errors import CertificateError, InvalidArgument, KinkError
from .exact import format_rational
from .landscape import Landscape

__all__ = [
    "assert_critical",
    "assert_local_min",
    "assert_saddle",
    "assert_certified",
    "describe_case",
    "LOCAL_MIN_KINDS",
    "SADDLE_KINDS",
    "VERDICT_KINDS",
]

#: Every kind a verdict of :func:`~symlandscape.classify.classify` can have.
VERDICT_KINDS = (
    "not_critical", "strict_local_min", "local_min", "strict_local_max", "local_max",
    "strict_saddle", "degenerate_saddle", "undetermined",
)
LOCAL_MIN_KINDS = ("strict_local_min", "local_min")
SADDLE_KINDS = ("strict_saddle", "degenerate_saddle")

_MAX_EXPRESSION = 600


# -- formatting ------------------------------------------------------------------------------
def _text(value):
    if isinstance(value, (flint.fmpq, flint.fmpz, int)):
        return format_rational(value)
    if isinstance(value, sympy.Rational):
        return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"
    return str(value)


def _matrix_lines(name, matrix):
    """``name = [[...], ...]`` with aligned columns, one row per line."""
    if isinstance(matrix, flint.fmpq_mat):
        rows = [[matrix[i, j] for j in range(matrix.ncols())] for i in range(matrix.nrows())]
    else:
        rows = matrix.tolist()
    cells = [[_text(e) for e in row] for row in rows]
    if not cells or not cells[0]:
        return [f"{name} = (empty {len(cells)}x0 matrix)"]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    head = f"{name} = ["
    lines = []
    for i, row in enumerate(cells):
        body = "[" + ", ".join(c.rjust(w) for c, w in zip(row, widths)) + "]"
        prefix = head if i == 0 else " " * len(head)
        lines.append(prefix + body + ("]" if i == len(cells) - 1 else ","))
    return lines


def _instance_lines(landscape):
    model = getattr(landscape, "model", None)
    if isinstance(landscape, DeepLinearLandscape):
        s = "1/2" if landscape.scale == "half" else "1"
        lines = [
            f"deep linear network, widths {tuple(landscape.widths)} "
            f"({landscape.weight_matrices} weight matrices), loss {s}·||W_{landscape.weight_matrices}⋯W_1 X − Y||_F^2",
        ]
        return lines + _matrix_lines("X", landscape.X) + _matrix_lines("Y", landscape.Y)
    if model is not None and hasattr(model, "X") and hasattr(model, "Y"):
        kind = type(model).__name__
        details = []
        if hasattr(model, "widths"):
            details.append(f"widths {tuple(model.widths)}")
        if hasattr(model, "activation"):
            details.append(f"activation {model.activation.name}")
        if hasattr(model, "loss"):
            details.append(f"loss {model.loss.describe()}")
        if hasattr(model, "lam"):
            details.append(f"exponential neuron with lambda = {model.lam}")
        head = f"{kind}: " + ", ".join(details) if details else kind
        return [head] + _matrix_lines("X", model.X) + _matrix_lines("Y", model.Y)
    expression = str(landscape.expression)
    if len(expression) > _MAX_EXPRESSION:
        expression = expression[:_MAX_EXPRESSION] + " ..."
    return [f"loss L = {expression}"]


def _point_lines(landscape, point):
    pt = landscape.coerce_point(point)
    if isinstance(landscape, DeepLinearLandscape):
        lines = []
        for k, W in enumerate(landscape.matrices(pt), start=1):
            lines += _matrix_lines(f"W_{k}", W)
        return lines
    model = getattr(landscape, "model", None)
    values = dict(zip(landscape.variables, pt))
    layers = getattr(model, "layers", None)
    if layers is not None and set(values) == {s for W, b in layers for s in list(W) + (list(b) if b is not None else [])}:
        lines = []
        for k, (W, b) in enumerate(layers, start=1):
            lines += _matrix_lines(f"W_{k}", W.applyfunc(lambda s: values[s]))
            if b is not None:
                lines += _matrix_lines(f"b_{k}", b.T.applyfunc(lambda s: values[s]))
        return lines
    return [", ".join(f"{v} = {_text(q)}" for v, q in zip(landscape.variables, pt))]


def describe_case(landscape, point):
    """The instance and the point as exact matrices (the header of every failure message).

    >>> from symlandscape import deep_linear
    >>> print(describe_case(deep_linear([[1, 0], [0, 1]], [[1, 0]], hidden=[1]), [1, 0, "1/2"]))
    instance: deep linear network, widths (2, 1, 1) (2 weight matrices), loss 1/2·||W_2⋯W_1 X − Y||_F^2
      X = [[1, 0],
           [0, 1]]
      Y = [[1, 0]]
    point:
      W_1 = [[1, 0]]
      W_2 = [[1/2]]
    """
    instance = _instance_lines(landscape)
    lines = ["instance: " + instance[0]] + ["  " + line for line in instance[1:]]
    lines.append("point:")
    lines += ["  " + line for line in _point_lines(landscape, point)]
    return "\n".join(lines)


def _fail(title, landscape, point, details=()):
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper
    message = [title, describe_case(landscape, point)]
    message += [d for d in details if d]
    raise AssertionError("\n".join(message))


def _check_landscape(landscape):
    if not isinstance(landscape, Landscape):
        raise InvalidArgument(f"landscape={landscape!r} must be a symlandscape Landscape")


# -- assertions ------------------------------------------------------------------------------
def assert_critical(landscape, point):
    """Assert that the exact gradient of ``landscape`` vanishes at ``point``; return it.

    At a kink where the adjacent pieces disagree the gradient does not exist; then
    ``point`` counts as critical when :func:`~symlandscape.classify.classify` does not
    report ``not_critical`` (and its certificate verifies), and the verdict is returned.

    >>> from symlandscape import deep_linear
    >>> L = deep_linear([[1]], [[1]], hidden=[1])
    >>> list(assert_critical(L, [0, 0]))
    [0, 0]
    >>> assert_critical(L, [1, 0])
    Traceback (most recent call last):
    ...
    AssertionError: not a critical point: the exact gradient is nonzero in 1 of 2 coordinates
    instance: deep linear network, widths (1, 1, 1) (2 weight matrices), loss 1/2·||W_2⋯W_1 X − Y||_F^2
      X = [[1]]
      Y = [[1]]
    point:
      W_1 = [[1]]
      W_2 = [[0]]
    gradient: w2 = -1
    """
    __tracebackhide__ = True
    _check_landscape(landscape)
    try:
        gradient = landscape.gradient(point)
    except KinkError as exc:
        verdict = _classified(landscape, point, "assert_critical")
        if verdict.kind == "not_critical":
            _fail("not a critical point (on a kink, where the gradient does not exist)", landscape, point,
                  [str(exc), _verdict_lines(verdict)])
        return verdict
    nonzero = [(v, g) for v, g in zip(landscape.variables, gradient) if g != 0]
    if nonzero:
        shown = ", ".join(f"{v} = {_text(g)}" for v, g in nonzero[:12])
        more = f", ... ({len(nonzero) - 12} more)" if len(nonzero) > 12 else ""
        _fail(f"not a critical point: the exact gradient is nonzero in {len(nonzero)} of {len(gradient)} coordinates",
              landscape, point, [f"gradient: {shown}{more}"])
    return gradient


def _verdict_lines(verdict):
    lines = [f"verdict: {verdict.kind}"]
    value = getattr(verdict, "value", None)
    if value is not None:
        lines.append(f"value: {value}")
    inertia = getattr(verdict, "hessian_inertia", None)
    if inertia is not None:
        lines.append(f"Hessian inertia: {_inertia_text(inertia)}")
    if getattr(verdict, "global_min", None) is not None:
        lines.append(f"global minimum: {verdict.global_min}")
    explanation = getattr(verdict, "explanation", None)
    if explanation:
        lines.append("explanation: " + str(explanation).strip().replace("\n", "\n  "))
    return "\n".join(lines)


def _inertia_text(inertia):
    try:
        return ", ".join(f"{k} {inertia[k]}" for k in ("positive", "negative", "zero"))
    except (TypeError, KeyError):
        return ", ".join(f"{k} {getattr(inertia, k)}" for k in ("positive", "negative", "zero")
                         if hasattr(inertia, k)) or str(inertia)


def _classified(landscape, point, caller, seed=0):
    """Classify and verify the certificate; a certificate that fails is itself a failure."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper
    from .classify import classify
    from .verify import verify

    verdict = classify(landscape, point, seed=seed)
    try:
        verify(verdict.certificate, landscape)
    except CertificateError as exc:
        _fail(f"{caller}: the certificate of the verdict {verdict.kind!r} does not verify", landscape, point,
              [f"CertificateError: {exc}", _verdict_lines(verdict)])
    return verdict


def _expect(caller, landscape, point, seed, allowed, wanted):
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper
    verdict = _classified(landscape, point, caller, seed)
    if verdict.kind not in allowed:
        _fail(f"{caller}: expected {wanted}, but classify says {verdict.kind}", landscape, point,
              [_verdict_lines(verdict)])
    return verdict


def assert_local_min(landscape, point, *, strict=None, seed=0):
    """Assert a certified local minimum (``strict=True``: strict; ``False``: non-strict); return the verdict.

    >>> from symlandscape import Landscape
    >>> assert_local_min(Landscape.from_expression("x^2 + y^4", "x,y"), [0, 0]).kind
    'local_min'
    """
    __tracebackhide__ = True
    _check_landscape(landscape)
    allowed = {None: LOCAL_MIN_KINDS, True: ("strict_local_min",), False: ("local_min",)}
    if strict is not None and not isinstance(strict, bool):
        raise InvalidArgument(f"strict={strict!r} must be True, False or None (either)")
    wanted = {None: "a local minimum", True: "a strict local minimum", False: "a non-strict local minimum"}[strict]
    return _expect("assert_local_min", landscape, point, seed, allowed[strict], wanted)


def assert_saddle(landscape, point, *, degenerate=None, seed=0):
    """Assert a certified saddle (``degenerate=True``: no negative Hessian eigenvalue; ``False``: one); return the verdict.

    >>> from symlandscape import deep_linear
    >>> assert_saddle(deep_linear([[1]], [[1]], hidden=[1, 1]), [0, 0, 0], degenerate=True).kind
    'degenerate_saddle'
    """
    __tracebackhide__ = True
    _check_landscape(landscape)
    allowed = {None: SADDLE_KINDS, True: ("degenerate_saddle",), False: ("strict_saddle",)}
    if degenerate is not None and not isinstance(degenerate, bool):
        raise InvalidArgument(f"degenerate={degenerate!r} must be True, False or None (either)")
    wanted = {None: "a saddle", True: "a degenerate saddle", False: "a strict saddle"}[degenerate]
    return _expect("assert_saddle", landscape, point, seed, allowed[degenerate], wanted)


def assert_certified(landscape, point, *, kind=None, seed=0):
    """Assert that ``classify`` decides ``point`` (not ``undetermined``) with a certificate that
    verifies, and, if given, that the kind is ``kind`` (a name or a collection of names).

    >>> from symlandscape import Landscape
    >>> assert_certified(Landscape.from_expression("x^2 - y^2", "x,y"), [0, 0]).kind
    'strict_saddle'
    """
    __tracebackhide__ = True
    _check_landscape(landscape)
    kinds = (kind,) if isinstance(kind, str) else (tuple(kind) if kind is not None else None)
    if kinds is not None and (not kinds or any(k not in VERDICT_KINDS for k in kinds)):
        raise InvalidArgument(f"kind={kind!r} must be one of {VERDICT_KINDS} or a collection of them")
    decided = tuple(k for k in VERDICT_KINDS if k != "undetermined")
    allowed = tuple(k for k in kinds if k != "undetermined") if kinds is not None else decided
    wanted = "a certified verdict" + (f" of kind {' or '.join(allowed)}" if kinds is not None else "")
    return _expect("assert_certified", landscape, point, seed, allowed, wanted)

