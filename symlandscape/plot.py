"""Figures of loss landscapes: slices along certificate curves, contours around a point, Hessian spectra,
and proportions with binomial confidence intervals; the ``plot`` command.

Every figure is *drawn* in float64 — values come from the numeric twin of
:mod:`symlandscape.numeric`, lambdified from the landscape's one defining expression
(``relu``, ``abs``, ``max`` included) — while everything a figure *states* is exact: the
certificate's leading term ``c t^k``, the Hessian's inertia from :mod:`symlandscape.inertia`,
its rational eigenvalues from the factored characteristic polynomial.  Figures are
:class:`matplotlib.figure.Figure` objects made without pyplot (no global state; Jupyter
displays them inline), and :func:`save_figure` writes PDF and SVG for papers, PNG for
screens, byte-for-byte reproducibly.

matplotlib is imported inside the functions: the command line imports this module to build
its parser, and ``import symlandscape`` stays fast.
"""

from __future__ import annotations

import functools
import math
import pathlib
from collections.abc import Mapping

from .errors import InvalidArgument, KinkError

__all__ = [
    "binomial_interval",
    "proportions_figure",
    "save_figure",
    "figure_bytes",
    "slice_figure",
    "contour_figure",
    "spectrum_figure",
    "verdict_figures",
    "FigureFiles",
    "FIGURE_FORMATS",
]

COMMAND_HELP = "draw a slice, contour or Hessian spectrum around a classified point (PDF, SVG or PNG)"

#: Output formats, chosen by a file's suffix.
FIGURE_FORMATS = ("pdf", "svg", "png")
#: Raster resolution of PNG files: sharp on high-density screens and in slides.
PNG_DPI = 200
#: Salt of the SVG element ids: a fixed salt makes the same figure give the same bytes.
_SVG_SALT = "symlandscape"
# Metadata that would differ between two runs (dates) or name the writer.
_METADATA = {
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Creator": None, "Date": None},
    "png": {"Software": None},
}
_WIDTH = 5.0  # inches: one column of a two-column paper at full scale, readable on screens


# ---------------------------------------------------------------------------------------
# binomial proportions


def binomial_interval(successes, trials, confidence=0.95):
    """The Wilson score interval ``(low, high)`` for a binomial proportion ``successes / trials``.

    With ``p̂ = s/n`` and ``z`` the normal quantile of ``(1 + confidence)/2``, the interval is
    the set of ``p`` with ``(p̂ − p)² <= z² p (1 − p) / n`` (Wilson 1927):
    ``(p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)``.  Unlike the normal
    approximation ``p̂ ± z √(p̂(1 − p̂)/n)`` it stays inside [0, 1] and is not empty at 0 or n.
    Floats: an interval is drawn, never used in a certified path.

    For 0 of 40 it is ``[0, z²/(n + z²)] = [0, 3.8415/43.8415]``:

    >>> low, high = binomial_interval(0, 40)
    >>> low, round(high, 4)
    (0.0, 0.0876)
    >>> [round(x, 4) for x in binomial_interval(20, 40)]
    [0.352, 0.648]
    """
    for name, value in (("successes", successes), ("trials", trials)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{name}={value!r} must be an integer count")
    if trials < 1:
        raise InvalidArgument(f"trials={trials} must be at least 1")
    if not 0 <= successes <= trials:
        raise InvalidArgument(f"successes={successes} must be between 0 and trials={trials}")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise InvalidArgument(f"confidence={confidence!r} must be a number strictly between 0 and 1, e.g. 0.95")
    from statistics import NormalDist

    z = NormalDist().inv_cdf((1 + confidence) / 2)
    n, p = trials, successes / trials
    shrink = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / shrink
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / shrink
    # at 0 and n one end is exactly 0 or 1; rounding must not put it a few ulps outside
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def proportions_figure(series, *, xlabel, ylabel, title=None, confidence=0.95):
    """Proportions ``successes / trials`` against ``x``, with Wilson-interval error bars.

    ``series`` maps a label to a list of ``(x, successes, trials)``; each label is one line
    of points with its error bars (:func:`binomial_interval` at ``confidence``).  The y axis
    spans [0, 1] (with a small margin so that points at 0 and 1 stay visible).

    >>> fig = proportions_figure({"dead": [(0, 1, 40), (-1, 30, 40)]}, xlabel="mean", ylabel="fraction")
    >>> [round(y, 3) for y in fig.axes[0].lines[0].get_ydata()]
    [0.025, 0.75]
    """
    if not isinstance(series, Mapping) or not series:
        raise InvalidArgument("series must be a non-empty mapping {label: [(x, successes, trials), ...]}")
    fig, ax = _figure(height=3.2)
    for label, rows in series.items():
        try:
            rows = [(float(x), s, n) for x, s, n in rows]
        except (TypeError, ValueError):
            raise InvalidArgument(f"series[{label!r}] must be a list of (x, successes, trials) triples") from None
        if not rows or not all(math.isfinite(x) for x, _, _ in rows):
            raise InvalidArgument(f"series[{label!r}] must have at least one point, with finite x")
        intervals = [binomial_interval(s, n, confidence) for _, s, n in rows]
        xs = [x for x, _, _ in rows]
        ys = [s / n for _, s, n in rows]
        below = [y - lo for y, (lo, _) in zip(ys, intervals)]
        above = [hi - y for y, (_, hi) in zip(ys, intervals)]
        ax.errorbar(xs, ys, yerr=[below, above], fmt="o-", capsize=3, markersize=4, linewidth=1.2,
                    label=str(label))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=9)
    # the legend says what the bars are, where it cannot cover a data point's label
    ax.legend(fontsize=8, title=f"bars: {round(confidence * 100)}% Wilson intervals", title_fontsize=7)
    return fig


# ---------------------------------------------------------------------------------------
# writing figures


def _format_of(path):
    suffix = pathlib.Path(path).suffix.lower().lstrip(".")
    if suffix not in FIGURE_FORMATS:
        raise InvalidArgument(f"the file name {str(path)[-60:]!r} must end in .pdf, .svg or .png "
                              "(the suffix picks the format)")
    return suffix


def figure_bytes(fig, fmt):
    """The bytes of ``fig`` as ``"pdf"``, ``"svg"`` or ``"png"``; the same figure gives the same bytes.

    >>> fig = proportions_figure({"a": [(0, 1, 2)]}, xlabel="x", ylabel="y")
    >>> figure_bytes(fig, "pdf")[:5], figure_bytes(fig, "svg") == figure_bytes(fig, "svg")
    (b'%PDF-', True)
    """
    import io

    import matplotlib

    if fmt not in FIGURE_FORMATS:
        raise InvalidArgument(f"fmt={fmt!r} must be one of {', '.join(FIGURE_FORMATS)}")
    _freeze_layout(fig)
    buffer = io.BytesIO()
    # TrueType fonts in PDF (not Type 3): what publishers ask for, and text stays selectable
    with matplotlib.rc_context({"svg.hashsalt": _SVG_SALT, "pdf.fonttype": 42, "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=PNG_DPI if fmt == "png" else None, metadata=_METADATA[fmt])
    return buffer.getvalue()


def _freeze_layout(fig):
    """Settle the constrained layout, then fix it: every later save draws the same geometry.

    Constrained layout re-solves on each draw starting from the previous solution, so two
    saves of one figure would differ in the last digits of every coordinate.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        import warnings

        with warnings.catch_warnings():
            # a legend too wide for the figure: matplotlib keeps the plain layout, which is still drawn
            warnings.filterwarnings("ignore", message="constrained_layout not applied", category=UserWarning)
            for _ in range(3):
                fig.draw_without_rendering()
        fig.set_layout_engine("none")


def save_figure(fig, path):
    """Write ``fig`` to ``path``; the suffix (.pdf, .svg, .png) picks the format; return the path.

    The output is deterministic (no dates, no writer names, a fixed SVG id salt); PNG is
    written at 200 dpi.
    """
    path = pathlib.Path(path)
    data = figure_bytes(fig, _format_of(path))
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidArgument(f"cannot write {str(path)[-60:]!r}: {exc.strerror}") from None
    return path


# ---------------------------------------------------------------------------------------
# evaluation: exact input, float drawing


def _figure(height=3.4, width=_WIDTH):
    fig = _new_figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def _new_figure(**options):
    """A matplotlib Figure that a notebook shows inline (as PNG) without pyplot."""
    return _inline_figure_class()(**options)


@functools.lru_cache(maxsize=None)
def _inline_figure_class():
    from matplotlib.figure import Figure

    class InlineFigure(Figure):
        def _repr_png_(self):
            return figure_bytes(self, "png")

    return InlineFigure


def _exact_point(landscape, point, name="point"):
    from .landscape import Landscape

    if not isinstance(landscape, Landscape):
        raise InvalidArgument(f"landscape={landscape!r} is not a Landscape; build one with "
                              "Landscape.from_expression, mlp or deep_linear")
    return landscape.coerce_point(point, name)


def _floats(vector):
    from .numeric import _to_float

    return [_to_float(x) for x in vector]


def _exact_number(value, name):
    """A rational (``fmpq``) or, for a certificate's text such as ``"-exp(1)/2"``, an exact real SymPy number."""
    from .exact import rational
    from .expression import parse_expression

    import sympy

    try:
        return rational(value, name)
    except InvalidArgument:
        if not isinstance(value, (str, sympy.Basic)):
            raise
    number = value if isinstance(value, sympy.Basic) else parse_expression(value)  # the safe grammar
    if number.free_symbols or not (number.is_number and number.is_real):
        raise InvalidArgument(f"{name}={value[:40]!r} is not a real number")
    return number


def _exact_vector(values, n, name):
    from .errors import ShapeError

    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidArgument(f"{name}={str(values)[:40]!r} is not a sequence of numbers")
    vector = [_exact_number(x, f"{name}[{i}]") for i, x in enumerate(values)]
    if len(vector) != n:
        raise ShapeError(f"{name} has {len(vector)} entries; expected {n}")
    if not all(type(x) is type(vector[0]) for x in vector):
        # one kind of number per vector, so that exact arithmetic on it never mixes flint and SymPy
        from .exact import to_sympy

        vector = [to_sympy(x) if not hasattr(x, "is_Rational") else x for x in vector]
    return tuple(vector)


def _coefficient_vectors(curve, n, name="curve"):
    """``[d1, d2, ...]`` (exact) from a list of coefficient vectors or a single direction."""
    if isinstance(curve, (str, bytes)) or not hasattr(curve, "__iter__"):
        raise InvalidArgument(f"{name} must be a direction or a list of coefficient vectors [d1, d2, ...]")
    items = list(curve)
    if items and all(isinstance(d, (str, bytes)) or not hasattr(d, "__iter__") for d in items):
        items = [items]  # one direction
    if not items:
        raise InvalidArgument(f"{name} is empty; give a direction or coefficient vectors [d1, d2, ...]")
    vectors = [_exact_vector(d, n, f"{name}[{k}]") for k, d in enumerate(items)]
    if not any(x != 0 for d in vectors for x in d):
        raise InvalidArgument(f"{name} is constant (every coefficient vector is zero)")
    return vectors


def _values(landscape, points):
    """float64 ``L`` at each float point (NaN outside the domain, inf on overflow)."""
    from .numeric import numeric_twin

    twin = numeric_twin(landscape)
    out = []
    for p in points:
        try:
            out.append(float(twin.value(p)))
        except (ValueError, ZeroDivisionError, TypeError):
            out.append(math.nan)
    return out


def _curve_points(base, vectors, ts):
    return [[b + sum(t ** (k + 1) * d[i] for k, d in enumerate(vectors)) for i, b in enumerate(base)] for t in ts]


def _linspace(lo, hi, samples):
    return [lo + (hi - lo) * i / (samples - 1) for i in range(samples)]


def _samples(samples, least=3):
    if isinstance(samples, bool) or not isinstance(samples, int) or not least <= samples <= 2000:
        raise InvalidArgument(f"samples={samples!r} must be an integer from {least} to 2000")
    return samples


def _positive_float(value, name):
    from .numeric import _to_float

    try:
        x = _to_float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        x = math.nan
    if not (math.isfinite(x) and x > 0):
        raise InvalidArgument(f"{name}={value!r} must be a finite positive number")
    return x


def _tex_number(value):
    """An exact rational as mathtext: ``-1``, ``\\frac{1}{2}``."""
    from .exact import rational

    q = rational(value)
    p, d = int(q.p), int(q.q)
    if d == 1:
        return str(p)
    return ("-" if p < 0 else "") + rf"\frac{{{abs(p)}}}{{{d}}}"


def _leading_tex(c, k):
    import sympy

    text = (rf"\left({sympy.latex(c)}\right)" if c.is_Add else sympy.latex(c)) if isinstance(c, sympy.Basic) and \
        not c.is_Rational else _tex_number(c)
    text = "" if text == "1" else "-" if text == "-1" else text + r"\,"
    return f"${text}t^{{{k}}}$" if k != 1 else f"${text}t$"


def _number_text(x):
    """An exact number as text: ``-3/2``, or the safe grammar's form such as ``exp(1)/2``."""
    import sympy

    from .exact import format_rational, rational

    if isinstance(x, sympy.Basic) and not x.is_Rational:
        from .verdict import number_text

        return number_text(x)
    return format_rational(rational(x))


def _vector_text(vector, limit=6, ellipsis="…"):
    """``(1, -3/2, …)``: exact entries, at most ``limit`` shown."""

    items = [_number_text(x) for x in vector]
    if len(items) > limit and all(x == "0" for x in items):
        return "0"
    if len(items) > limit:
        items = items[:limit - 1] + [ellipsis]
    return "(" + ", ".join(items) + ")"


# ---------------------------------------------------------------------------------------
# slices


def _default_half_range(vectors):
    first = next(d for d in vectors if any(x != 0 for x in d))
    return 1.0 / max(1.0, max(abs(x) for x in _floats(first)))


def _draw_slice(ax, landscape, base, vectors, ts, *, label, color, leading=None, one_sided=False):
    """One slice line (gid ``slice``) and, if given, its leading term (gid ``leading``)."""
    values = _values(landscape, _curve_points(_floats(base), [_floats(d) for d in vectors], ts))
    v0 = _values(landscape, [_floats(base)])[0]
    line, = ax.plot(ts, [v - v0 for v in values], color=color, linewidth=1.6, label=label)
    line.set_gid("slice")
    if leading is not None:
        c, k = leading
        c = _exact_number(c, "leading[0]")
        cf = _floats([c])[0]
        tl = [t for t in ts if t >= 0] if one_sided else ts
        approx, = ax.plot(tl, [cf * t ** k for t in tl], color=color, linestyle="--", linewidth=1.0,
                          label=f"leading term {_leading_tex(c, k)}" + (" (t → 0+)" if one_sided else ""))
        approx.set_gid("leading")
    return line


def _finish_slice(ax, title=None):
    ax.axhline(0.0, color="0.5", linewidth=0.6)
    ax.axvline(0.0, color="0.5", linewidth=0.6)
    ax.plot([0], [0], "ko", markersize=4)
    ax.set_xlabel("t")
    ax.set_ylabel(r"$L(\theta(t)) - L(\theta_0)$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    if title:
        ax.set_title(title, fontsize=9)


def slice_figure(landscape, point, curve, *, t_range=None, samples=201, leading=None, label=None):
    """``L(θ(t)) − L(θ0)`` along ``θ(t) = θ0 + t d1 + t² d2 + …``.

    ``curve`` is the list of coefficient vectors ``[d1, d2, ...]`` (exact, as certificates
    store them) or one direction ``d1``.  ``t_range`` defaults to ``±1/max(1, ‖d1‖∞)``.
    ``leading = (c, k)`` overlays the certificate's ``c t^k`` (dashed; only for ``t >= 0`` at
    a kink, where the expansion is one-sided).  The drawn line has gid ``"slice"``.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    >>> fig = slice_figure(L, [0, 0], [1, 1], t_range=(-1, 1), samples=3, leading=(-2, 2))
    >>> fig.axes[0].lines[0].get_ydata().tolist()       # L(t, t) - 1 = -2t^2 + t^4
    [-1.0, 0.0, -1.0]
    """
    base = _exact_point(landscape, point)
    vectors = _coefficient_vectors(curve, len(base))
    samples = _samples(samples)
    lo, hi = _range(t_range, _default_half_range(vectors))
    ts = _linspace(lo, hi, samples)
    fig, ax = _figure()
    one_sided = bool(landscape.kinks(base))
    _draw_slice(ax, landscape, base, vectors, ts, label=label or _curve_label(vectors), color="C0",
                leading=leading, one_sided=one_sided)
    _finish_slice(ax, f"slice through θ0 = {_vector_text(base)}")
    return fig


def _range(t_range, half):
    if t_range is None:
        return -half, half
    try:
        lo, hi = t_range
    except (TypeError, ValueError):
        raise InvalidArgument(f"t_range={t_range!r} must be a pair (low, high)") from None
    lo, hi = _finite_float(lo, "t_range[0]"), _finite_float(hi, "t_range[1]")
    if not lo < hi:
        raise InvalidArgument(f"t_range={t_range!r} must have low < high")
    return lo, hi


def _finite_float(value, name):
    from .numeric import _to_float

    try:
        x = _to_float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        x = math.nan
    if not math.isfinite(x):
        raise InvalidArgument(f"{name}={value!r} must be a finite number")
    return x


def _curve_label(vectors):
    terms = [f"t{'' if k == 0 else _SUPERSCRIPTS[k + 1]}·{_vector_text(d)}" for k, d in enumerate(vectors)
             if any(x != 0 for x in d)]
    return "θ0 + " + " + ".join(terms)


_SUPERSCRIPTS = {k: "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(c)] for c in str(k)) for k in range(2, 65)}


# ---------------------------------------------------------------------------------------
# contours


def _plane(d1, d2):
    """Float columns of the (d1, d2) plane, refusing parallel directions."""
    e1, e2 = _floats(d1), _floats(d2)
    n11 = sum(x * x for x in e1)
    n22 = sum(x * x for x in e2)
    n12 = sum(x * y for x, y in zip(e1, e2))
    if n11 == 0 or n22 == 0 or n11 * n22 - n12 * n12 <= 1e-12 * n11 * n22:
        raise InvalidArgument("d1 and d2 must be nonzero and not parallel: they span the plane of the contour")
    return e1, e2, (n11, n12, n22)


def _project(delta, e1, e2, gram):
    """Least-squares coordinates (a, b) of ``delta`` in the (e1, e2) plane, and the relative residual."""
    n11, n12, n22 = gram
    r1 = sum(x * y for x, y in zip(delta, e1))
    r2 = sum(x * y for x, y in zip(delta, e2))
    det = n11 * n22 - n12 * n12
    a = (n22 * r1 - n12 * r2) / det
    b = (n11 * r2 - n12 * r1) / det
    residual = [x - a * u - b * v for x, u, v in zip(delta, e1, e2)]
    size = math.sqrt(sum(x * x for x in delta))
    return a, b, (math.sqrt(sum(x * x for x in residual)) / size if size else 0.0)


def _named_curves(curves, n):
    out = []
    for i, item in enumerate(curves):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            label, curve = item
        else:
            label, curve = f"curve {i + 1}", item
        out.append((label, _coefficient_vectors(curve, n, f"curves[{i}]")))
    return out


def _kink_expressions(landscape):
    """For each nonsmooth unit, the expressions whose zero set is its kink (``relu(z)``: z; ``max(a, b)``: a − b)."""
    import sympy

    from .activations import leaky_relu, relu

    out = []
    for unit in getattr(landscape, "units", ()):
        if isinstance(unit, (relu, leaky_relu, sympy.Abs)):
            out.append(unit.args[0])
        elif isinstance(unit, (sympy.Max, sympy.Min)):
            args = unit.args
            out.extend(args[i] - args[j] for i in range(len(args)) for j in range(i + 1, len(args)))
    return out


_KINK_STYLE = (0, (5, 2, 1, 2))  # dash-dot: apart from the thin solid contour lines


def _draw_kinks(ax, landscape, b0, e1, e2, A, B):
    """The kinks of a piecewise loss in the plane, dotted: where a unit's argument (or two of max's) meet 0."""
    import numpy as np

    from .numeric import _lambdify, _smooth_form

    variables = tuple(landscape.variables)
    drawn = False
    for expression in _kink_expressions(landscape):
        f = _lambdify(variables, _smooth_form(expression), "float64")
        K = np.array([[f(*[x + a * p + b * q for x, p, q in zip(b0, e1, e2)]) for a in row_a]
                      for row_a, b in zip(A.tolist(), B[:, 0].tolist())], dtype=float)
        if np.nanmin(K) < 0 < np.nanmax(K):
            ax.contour(A, B, K, levels=[0.0], colors="k", linewidths=1.1, linestyles=[_KINK_STYLE])
            drawn = True
    if drawn:
        ax.plot([], [], color="k", linewidth=1.1, linestyle=_KINK_STYLE, label="kinks")


def contour_figure(landscape, point, d1, d2, *, radius=None, curves=(), levels=15, samples=81, marks=(),
                   kinks=True):
    """``L(θ0 + a d1 + b d2) − L(θ0)`` for ``|a|, |b| <= radius``: colours, contour lines, θ0 marked.

    The zero level ``L = L(θ0)`` is drawn bold.  ``curves`` are certificate curves, each
    ``[d1, d2, ...]`` or ``(label, [d1, ...])``, drawn for ``t >= 0`` (an arrow shows the
    direction of ``t``) as their projection onto the plane; a curve that leaves the plane says
    "projection" in the legend.  ``marks`` are ``(label, point)`` pairs (e.g. a witness of
    lower value), projected the same way.  With ``kinks`` the kinks of ``relu``, ``abs``,
    ``max`` and ``min`` units crossing the plane are dotted.  ``radius`` defaults to 1; the
    coloured grid (gid ``"landscape"``) has ``samples × samples`` values.

    >>> from symlandscape import Landscape
    >>> L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    >>> fig = contour_figure(L, [0, 0], [1, 1], [1, -1], samples=3)
    >>> [m.get_array().reshape(3, 3).tolist() for m in fig.axes[0].collections if m.get_gid() == "landscape"]
    [[[0.0, 3.0, 0.0], [-1.0, 0.0, -1.0], [0.0, 3.0, 0.0]]]
    """
    import numpy as np
    from matplotlib import colors

    base = _exact_point(landscape, point)
    n = len(base)
    if n < 2:
        raise InvalidArgument("a contour needs at least two parameters; use a slice for one")
    (u,), (v,) = (_coefficient_vectors([d], n, name)[:1] for d, name in ((d1, "d1"), (d2, "d2")))
    e1, e2, gram = _plane(u, v)
    r = 1.0 if radius is None else _positive_float(radius, "radius")
    samples = _samples(samples)
    named = _named_curves(curves, n)
    if not isinstance(levels, int) or isinstance(levels, bool) or not 2 <= levels <= 200:
        raise InvalidArgument(f"levels={levels!r} must be an integer number of contour levels from 2 to 200")

    b0 = _floats(base)
    grid = _linspace(-r, r, samples)
    points = [[x + a * p + b * q for x, p, q in zip(b0, e1, e2)] for b in grid for a in grid]
    v0 = _values(landscape, [b0])[0]
    Z = np.array([val - v0 for val in _values(landscape, points)], dtype=float).reshape(samples, samples)
    A, B = np.meshgrid(grid, grid)
    fig, ax = _figure(height=4.0, width=_WIDTH)
    finite = Z[np.isfinite(Z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    # a loss that grows fast away from θ0 would spend the whole colour scale on the corners:
    # colours and lines stop at the 95th percentile of |L − L(θ0)| (the colour bar says so)
    cap = float(np.percentile(np.abs(finite), 95)) if finite.size else 1.0
    extend = "neither"
    if cap > 0 and (hi > cap or lo < -cap):
        extend = "both" if (hi > cap and lo < -cap) else "max" if hi > cap else "min"
        lo, hi = max(lo, -cap), min(hi, cap)
    if lo < 0 < hi:
        norm, cmap = colors.TwoSlopeNorm(0.0, lo, hi), "RdBu_r"  # blue below L(θ0), red above
    elif lo >= 0 and hi > lo:
        # around a minimum: a square-root scale shows the bowl near θ0 as well as the walls
        norm, cmap = colors.PowerNorm(0.5, lo, hi), "viridis"
    else:
        norm, cmap = colors.Normalize(lo, hi if hi > lo else lo + 1), "viridis"
    mesh = ax.pcolormesh(A, B, Z, shading="gouraud", cmap=cmap, norm=norm, rasterized=True)
    mesh.set_gid("landscape")
    colorbar = fig.colorbar(mesh, ax=ax, shrink=0.9, extend=extend)
    colorbar.set_label(r"$L - L(\theta_0)$")
    if finite.size and hi > lo:
        steps = np.linspace(0.0, 1.0, levels + 2)[1:-1]
        ax.contour(A, B, Z, levels=norm.inverse(steps), colors="k", linewidths=0.4, alpha=0.6)
        if lo < 0 < hi:
            ax.contour(A, B, Z, levels=[0.0], colors="k", linewidths=1.3)
            ax.plot([], [], color="k", linewidth=1.3, label=r"$L = L(\theta_0)$")

    if kinks:
        _draw_kinks(ax, landscape, b0, e1, e2, A, B)
    box = r * (1 + 1e-9)
    for i, (label, vectors) in enumerate(named):
        fv = [_floats(d) for d in vectors]
        first = next(d for d in fv if any(d))
        fa, fb, _ = _project(first, e1, e2, gram)
        reach = max(abs(fa), abs(fb))
        tmax = 2 * r / reach if reach > 0 else r
        coords, off_plane = [], False
        for t in _linspace(0.0, tmax, 400):
            delta = [sum(t ** (k + 1) * d[j] for k, d in enumerate(fv)) for j in range(n)]
            a, b, residual = _project(delta, e1, e2, gram)
            if abs(a) > box or abs(b) > box:
                break
            off_plane = off_plane or residual > 1e-9
            coords.append((a, b))
        if len(coords) < 2:
            continue
        xs, ys = zip(*coords)
        color = f"C{(i + 2) % 10}"
        line, = ax.plot(xs, ys, color=color, linewidth=2.0,
                        label=label + (" (projection)" if off_plane else ""))
        line.set_gid("curve")
        ax.annotate("", xy=coords[-1], xytext=coords[-2],
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.0})
    for label, mark in marks:
        target = _floats(_exact_point(landscape, mark, "marks point"))
        a, b, residual = _project([x - y for x, y in zip(target, b0)], e1, e2, gram)
        if abs(a) <= box and abs(b) <= box:
            ax.plot([a], [b], "s", color="k", markerfacecolor="yellow", markersize=6,
                    label=label + (" (projection)" if residual > 1e-9 else ""))
    ax.plot([0], [0], "o", color="k", markerfacecolor="white", markersize=7, label=r"$\theta_0$")
    ax.set_xlim(-r, r)
    ax.set_ylim(-r, r)
    ax.set_aspect("equal")
    ax.set_xlabel(f"a: along d1 = {_vector_text(u)}")
    ax.set_ylabel(f"b: along d2 = {_vector_text(v)}")
    labels = ax.get_legend_handles_labels()[1]
    columns = 2 if max(len(t) for t in labels) <= 30 else 1  # two long columns would be wider than the figure
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=columns, frameon=False)
    ax.set_title(r"$L(\theta_0 + a\,d_1 + b\,d_2) - L(\theta_0)$", fontsize=9)
    return fig


# ---------------------------------------------------------------------------------------
# Hessian spectra


def _rational_eigenvalues(H):
    """The rational eigenvalues of an exact rational matrix with multiplicities (the charpoly's linear factors)."""
    import flint

    from .exact import rational_matrix

    if H.rows > 24:  # factoring a large characteristic polynomial is not worth a figure's caption
        return {}
    out = {}
    _, factors = rational_matrix(H).charpoly().factor()
    for factor, multiplicity in factors:
        if factor.degree() == 1:
            c = factor.coeffs()  # c0 + c1 x
            out[-flint.fmpq(c[0]) / flint.fmpq(c[1])] = multiplicity
    return out


def _draw_spectrum(ax, H, offset=0, label_prefix="", counts=None):
    """Eigenvalues of exact ``H`` at x = offset + index; colours by the exact inertia.

    A rational ``H`` gets its inertia from :func:`symlandscape.inertia`; otherwise ``counts``
    (an inertia already certified, e.g. a verdict's) is used.
    """
    import numpy as np

    from .exact import format_rational
    from .inertia import Inertia, inertia

    rational_matrix = all(e.is_Rational for e in H)
    exact = inertia(H) if rational_matrix else Inertia(counts["positive"], counts["negative"], counts["zero"],
                                                       None, None, ())
    values = sorted(np.linalg.eigvalsh(np.array(H.tolist(), dtype=float)).tolist())
    neg, zero = exact.negative, exact.zero
    # the exact inertia decides which eigenvalues are zero: those are drawn at 0, not at rounding noise
    values = values[:neg] + [0.0] * zero + values[neg + zero:]
    rational_roots = _rational_eigenvalues(H) if rational_matrix else {}
    styles = (("negative", "v", "C0", values[:neg], 0), ("zero", "o", "0.4", values[neg:neg + zero], neg),
              ("positive", "^", "C3", values[neg + zero:], neg + zero))
    for name, marker, color, group, start in styles:
        xs = [offset + start + i + 1 for i in range(len(group))]
        if not xs:
            continue
        ax.vlines(xs, 0, group, color=color, linewidth=1.0)
        points, = ax.plot(xs, group, marker, color=color, markersize=6, linestyle="none",
                          label=f"{label_prefix}{len(group)} {name}")
        points.set_gid(f"eigenvalues-{name}")
    scale = max([1.0] + [abs(x) for x in values])
    for root, multiplicity in rational_roots.items():
        # one label per distinct eigenvalue, at its first marker, with its multiplicity
        first = next((i for i, x in enumerate(values) if abs(x - float(root)) <= 1e-9 * scale), None)
        if first is not None:
            times = rf" \ (\times {multiplicity})" if multiplicity > 1 else ""
            ax.annotate(rf"$\lambda = {_tex_number(root)}{times}$", (offset + first + 1, values[first]),
                        textcoords="offset points", xytext=(7, 0), ha="left", va="center", fontsize=7)
    return exact, values, {format_rational(k): m for k, m in rational_roots.items()}


def spectrum_figure(landscape, point, *, inertia=None):
    """The eigenvalues of the Hessian at ``point``, coloured by sign, with the exact inertia in the title.

    Positions are floats (for drawing); the inertia comes from :func:`symlandscape.inertia`, so
    eigenvalues it proves zero are drawn at exactly 0, and rational eigenvalues are labelled
    exactly.  At a kink where the Hessian does not exist, each adjacent piece's Hessian is
    drawn side by side, and the title says so.  A Hessian with irrational entries (``exp(1)``)
    needs ``inertia``, an inertia certified elsewhere (``classify(...).hessian_inertia``).

    >>> from symlandscape import Landscape
    >>> fig = spectrum_figure(Landscape.from_expression("(1 - w1*w2)^2", "w1,w2"), [0, 0])
    >>> fig.axes[0].get_title()
    'Hessian spectrum at θ0 = (0, 0): inertia (1, 1, 0) exact'
    """
    base = _exact_point(landscape, point)
    fig, ax = _figure(height=3.0)
    try:
        H = landscape.hessian(base)
        hessians = [("", H)]
    except KinkError:
        hessians = [(f"piece {i + 1}: ", piece.landscape.hessian(base))
                    for i, piece in enumerate(landscape.pieces(base))]
    if not all(e.is_Rational for _, H in hessians for e in H) and (inertia is None or len(hessians) > 1):
        raise InvalidArgument("the Hessian at this point has irrational entries: pass inertia= (a certified "
                              "inertia such as classify(...).hessian_inertia) to draw its spectrum")
    if inertia is not None and (not isinstance(inertia, Mapping) or set(inertia) != {"positive", "negative", "zero"}
                                or sum(inertia.values()) != len(base)):
        raise InvalidArgument(f"inertia={inertia!r} must be {{'positive': p, 'negative': n, 'zero': z}} with "
                              f"p + n + z = {len(base)}")
    titles, offset = [], 0
    for prefix, H in hessians:
        exact, values, _ = _draw_spectrum(ax, H, offset, prefix, inertia)
        titles.append(f"{prefix}({exact.positive}, {exact.negative}, {exact.zero})")
        if offset:
            ax.axvline(offset + 0.5, color="0.6", linewidth=0.8, linestyle=":")
        offset += len(values)
    ax.axhline(0.0, color="0.5", linewidth=0.6)
    ax.set_xlabel("eigenvalue index (ascending)" + (", piece by piece" if len(hessians) > 1 else ""))
    ax.set_ylabel(r"eigenvalue of $\nabla^2 L(\theta_0)$")
    ax.set_xlim(0.3, offset + 0.7)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    where = f"θ0 = {_vector_text(base)}"
    if len(hessians) == 1:
        ax.set_title(f"Hessian spectrum at {where}: inertia {titles[0]} exact", fontsize=9)
    else:
        ax.set_title(f"no Hessian at {where} (a kink): the {len(hessians)} adjacent pieces' Hessians,\n"
                     f"inertia {'; '.join(titles)} exact", fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------
# the figures of a worked example


class FigureFiles(Mapping):
    """The files of one figure (``{"pdf": path, "png": path}``), with its one-sentence caption.

    It is a mapping from format to path, so ``files["pdf"]`` works; ``.paths`` is that dict.
    ``.caption`` is the sentence as Unicode text; :mod:`symlandscape.document` typesets it in
    each format.
    """

    def __init__(self, paths, caption):
        self.paths = dict(paths)
        self.caption = caption

    def __getitem__(self, fmt):
        return self.paths[fmt]

    def __iter__(self):
        return iter(self.paths)

    def __len__(self):
        return len(self.paths)

    def __repr__(self):
        return f"FigureFiles({', '.join(sorted(self.paths))}: {self.caption!r})"


def _certificate_directions(verdict, base):
    """``(label, [d1, ...], leading or None)`` for every curve or direction the certificate states."""
    n = len(base)
    evidence = verdict.certificate.get("evidence", {}) or {}

    def rational_vector(values, n):
        return _exact_vector(values, n, "the certificate's vector")

    def rational(value):
        return _exact_number(value, "the certificate's number")

    out = []
    for role in ("descent", "ascent"):
        data = evidence.get(role)
        if isinstance(data, dict) and data.get("type") == "curve":
            vectors = [rational_vector(d, n) for d in data["curve"]]
            order = data["order"]
            out.append((f"{role} curve", vectors, (data["coefficients"][order], order)))
    data = evidence.get("indefinite")
    if isinstance(data, dict):
        # at a critical point L(θ0 + t u) − L(θ0) = (uᵀHu / 2) t² + O(t³)
        out.append(("descent direction u", [rational_vector(data["u"], n)], (rational(data["uHu"]) / 2, 2)))
        out.append(("ascent direction v", [rational_vector(data["v"], n)], (rational(data["vHv"]) / 2, 2)))
    data = evidence.get("gradient")
    if isinstance(data, dict):
        g = rational_vector(data["gradient"], n)
        # L(θ0 − t g) − L(θ0) = −‖g‖² t + O(t²)
        out.append(("minus the gradient", [[-x for x in g]], (-sum(x * x for x in g), 1)))
    data = evidence.get("pieces")
    if isinstance(data, dict):
        # numbered as landscape.pieces numbers them (and as the spectrum figure does)
        order = {tuple(piece.branches): k for k, piece in enumerate(verdict.landscape.pieces(base), start=1)}
        for entry in data.get("full", []):
            vectors = [rational_vector(d, n) for d in entry["interior"]]
            number = order.get(tuple(entry["pattern"]))
            out.append((f"into adjacent piece {number}" if number else "into an adjacent piece", vectors, None))
    return out


def _exact_leading(landscape, base, vectors, order=8):
    """``(c, k)``: the first nonzero term of ``L(θ(t)) − L(θ0)`` (exact, one-sided at a kink), or None."""
    from .errors import SymlandscapeError

    try:
        coefficients = landscape.along([base, *vectors], order)
    except SymlandscapeError:
        return None
    for k, c in enumerate(coefficients[1:], start=1):
        if c != 0:
            return (c, k) if getattr(c, "is_Rational", False) else None
    return None


def _unit_max(vector):
    """``vector / max|entry|`` (exact): the contour's directions move every coordinate by at most 1."""
    import sympy

    from .exact import rational

    vector = [x if isinstance(x, sympy.Basic) else rational(x) for x in vector]
    top = max(abs(x) for x in vector)
    return [x / top for x in vector] if top else vector


def _unit(vector):
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else None


def _plane_directions(verdict, landscape, base, found):
    """Two exact directions for the contour and the sentence that says where they come from."""
    import numpy as np

    from .exact import rational_vector

    n = len(base)
    candidates = [(label, vectors[0]) for label, vectors, _ in found if any(x != 0 for x in vectors[0])]
    witness = (verdict.certificate.get("global") or {}).get("point")
    if witness is not None:
        w = rational_vector(witness, n)
        candidates.append(("the direction to the witness of lower value", [a - b for a, b in zip(w, base)]))
    try:
        H = landscape.hessian(base)
        Hf = np.array(H.tolist(), dtype=float)
        if np.any(Hf):
            _, vectors = np.linalg.eigh(Hf)
            for j, which in ((0, "smallest"), (n - 1, "largest")):
                # rounded to a short rational vector: the plane is for drawing, only its span matters
                d = [round(float(x) * 1000) for x in vectors[:, j]]
                candidates.append((f"the Hessian eigenvector of the {which} eigenvalue (rounded)", d))
        hessian_note = ""
    except KinkError:
        hessian_note = " (no Hessian at a kink)"
    for i in range(n):
        candidates.append((f"the coordinate axis of {landscape.variables[i]}", [int(i == j) for j in range(n)]))
    candidates = [(label, _unit_max(d)) for label, d in candidates]
    first_label, first = candidates[0]
    e1 = _unit(_floats(first))
    for label, d in candidates[1:]:
        f = _floats(d)
        along = sum(x * y for x, y in zip(f, e1))
        rest = [x - along * y for x, y in zip(f, e1)]
        norm = math.sqrt(sum(x * x for x in rest))
        if norm > 1e-6 * math.sqrt(sum(x * x for x in f)):
            return first, d, first_label, label + hessian_note
    raise InvalidArgument("no second direction for a contour")  # unreachable with n >= 2: the axes span


def _radius(base, e1, e2, witness):
    """1, or enough to show the witness of lower value when it lies within distance 3 in the plane."""
    if witness is None:
        return 1.0
    f1, f2 = _floats(e1), _floats(e2)
    _, _, gram = _plane(e1, e2)
    a, b, residual = _project([x - y for x, y in zip(_floats(witness), _floats(base))], f1, f2, gram)
    reach = max(abs(a), abs(b))
    return 1.25 * reach if residual < 1e-9 and 0.8 <= reach <= 3.0 else 1.0


def verdict_figures(verdict, directory, *, formats=("pdf", "png")):
    """Write the figures of the worked example of ``verdict`` into ``directory``.

    - ``"slice"``: ``L − L(θ0)`` along every curve or direction of the certificate (descent
      and ascent curves, the indefinite directions u and v, minus the gradient, the interior
      curve into each adjacent piece at a kink), with the certificate's leading term ``c t^k``
      (or the exact one-sided expansion at a kink) dashed;
    - ``"contour"``: the plane of the first two independent certificate directions, completed
      where they are parallel by the direction to the witness of lower value, the Hessian's
      extreme eigenvectors or a coordinate axis (the caption says which); needs two parameters;
    - ``"spectrum"``: the Hessian's eigenvalues with the exact inertia (each adjacent piece's at a kink).

    Returns ``{name: FigureFiles}`` — a mapping ``format -> path`` with a ``.caption`` — for the
    figures that exist.  Files are ``<directory>/<name>.<format>``.
    """
    from .verdict import Verdict

    if not isinstance(verdict, Verdict) or verdict.landscape is None:
        raise InvalidArgument("verdict must be a Verdict from classify (it carries its landscape)")
    formats = tuple(formats)
    if not formats or any(f not in FIGURE_FORMATS for f in formats):
        raise InvalidArgument(f"formats={formats!r} must be a non-empty subset of {FIGURE_FORMATS}")
    directory = pathlib.Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidArgument(f"cannot create the directory {str(directory)[-60:]!r}: {exc.strerror}") from None
    figures = _verdict_figure_objects(verdict)
    out = {}
    for name, (fig, caption) in figures.items():
        paths = {fmt: save_figure(fig, directory / f"{name}.{fmt}") for fmt in formats}
        out[name] = FigureFiles(paths, caption)
    return out


def _slice_panels(landscape, base, found, leadings, ts, kink, title):
    """All slices on one axes; one panel each (stacked, sharing t) when their sizes differ by more than 20x,
    so that a flat descent curve is not drawn as a line on the axis next to a steep ascent."""
    fig, ax = _figure(height=3.4)

    def draw(axes):
        for i, ((label, vectors, _), leading) in enumerate(zip(found, leadings)):
            _draw_slice(axes[i % len(axes)], landscape, base, vectors, ts, label=f"{label}: {_curve_label(vectors)}",
                        color=f"C{i % 10}", leading=leading, one_sided=kink)

    draw([ax])
    sizes = [max((abs(y) for y in line.get_ydata() if math.isfinite(y)), default=0.0)
             for line in ax.get_lines() if line.get_gid() == "slice"]
    if len(sizes) > 1 and min(sizes) * 20 < max(sizes):
        fig = _new_figure(figsize=(_WIDTH, 1.2 + 2.0 * len(found)), layout="constrained")
        axes = fig.subplots(len(found), 1, sharex=True)
        draw(list(axes))
        for i, panel in enumerate(axes):
            _finish_slice(panel, title if i == 0 else None)
            if i < len(axes) - 1:
                panel.set_xlabel("")
        return fig
    _finish_slice(ax, title)
    return fig


def _verdict_figure_objects(verdict, kinds=("slice", "contour", "spectrum")):
    """``{name: (Figure, caption)}`` for a verdict (see :func:`verdict_figures`)."""
    from .exact import rational_vector

    landscape = verdict.landscape
    base = _exact_point(landscape, verdict.point)
    n = len(base)
    kink = bool(landscape.kinks(base))
    found = _certificate_directions(verdict, base)
    kind_text = verdict.kind.replace("_", " ")
    where = f"θ0 = {_vector_text(base)}"
    at = f"θ₀ = {_vector_text(base, limit=8)}"
    out = {}
    if not found:
        # a certificate without directions (a strict extremum, say): slice along the contour's plane
        d1, d2, l1, l2 = _plane_directions(verdict, landscape, base, found)
        found = [(l1, [d1], None)] + ([(l2, [d2], None)] if n > 1 else [])
    if "slice" in kinds:
        half = min(_default_half_range(vectors) for _, vectors, _ in found)
        ts = _linspace(-half, half, 201)
        leadings = [leading if leading is not None else _exact_leading(landscape, base, vectors)
                    for _, vectors, leading in found]
        fig = _slice_panels(landscape, base, found, leadings, ts, kink, f"{kind_text} at {where}")
        names = "; ".join(label for label, _, _ in found)
        side = " (one-sided, t → 0+, at a kink)" if kink else ""
        out["slice"] = (fig, f"The loss minus its value at {at} along each curve or direction of the certificate "
                             f"({names}); dashed: the leading term c·tᵏ of each expansion{side}.")
    if "contour" in kinds and n >= 2:
        d1, d2, l1, l2 = _plane_directions(verdict, landscape, base, found)
        witness = (verdict.certificate.get("global") or {}).get("point")
        witness = rational_vector(witness, n) if witness is not None else None
        radius = _radius(base, d1, d2, witness)
        curves = [(label, vectors) for label, vectors, _ in found]
        value = str(verdict.certificate["global"].get("value")) if witness else ""
        label = f"witness, L = {value}" if len(value) <= 16 else "witness of lower value"
        marks = [(label, witness)] if witness else []
        fig = contour_figure(landscape, base, d1, d2, radius=radius, curves=curves, marks=marks)
        out["contour"] = (fig, f"The loss minus its value at {at} ({kind_text}) in the plane of d₁, {l1}, and d₂, "
                               f"{l2}; certificate curves drawn for t ≥ 0 (arrows), as projections where they leave "
                               "the plane.")
    if "spectrum" in kinds:
        try:
            fig = spectrum_figure(landscape, base, inertia=verdict.hessian_inertia)
        except InvalidArgument:
            fig = None
        if fig is not None:
            text = ("each adjacent piece's Hessian (the loss has no Hessian at this kink)" if kink
                    else "the Hessian")
            out["spectrum"] = (fig, rf"The eigenvalues of {text} at {at}, coloured by the sign the exact "
                                    "inertia proves; rational eigenvalues are labelled exactly.")
    return out


# ---------------------------------------------------------------------------------------
# the command line


_KINDS = ("slice", "contour", "spectrum")


def add_arguments(parser, options):
    """Add the options of ``symlandscape plot`` to ``parser``."""
    options.landscape(parser, point=True)
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="the figure file; its suffix (.pdf, .svg, .png) picks the format")
    parser.add_argument("--kind", choices=_KINDS, default=None,
                        help="slice, contour or spectrum (default: contour with two or more parameters, else slice)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice in the classification")
    options.budget(parser)


def run_command(args):
    """Classify the point, draw the chosen figure, write it; return (text, exit code)."""
    from .classify import classify
    from .exact import rational_vector
    from .landscape import Landscape

    out = pathlib.Path(args.out)
    fmt = _format_of(out)
    if not out.parent.is_dir():
        raise InvalidArgument(f"--out={str(out)[-60:]!r}: the directory {str(out.parent)[-60:]!r} does not exist")
    landscape = Landscape.from_expression(args.loss, args.vars)
    point = rational_vector(args.at.split(","), len(landscape.variables), "--at")
    landscape.value(point)  # a point outside the domain is bad input, said before the search
    verdict = classify(landscape, point, seed=args.seed)
    kind = args.kind or ("contour" if len(point) >= 2 else "slice")
    if kind == "contour" and len(point) < 2:
        raise InvalidArgument("--kind=contour needs at least two parameters; use --kind=slice")
    figures = _verdict_figure_objects(verdict, kinds=(kind,))
    if kind not in figures:
        raise InvalidArgument(f"--kind={kind}: no {kind} figure at this point (the Hessian has irrational entries)")
    fig, caption = figures[kind]
    save_figure(fig, out)
    return (f"wrote {out} ({fmt.upper()}, {kind}): {caption}\n"
            f"verdict: {verdict.kind} (certificate {'verified' if verdict.verified else 'NOT verified'}); "
            f"seed {args.seed}"), 0
