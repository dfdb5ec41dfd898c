"""Figures: the drawn data match the exact landscape, files are valid and reproducible, bad input is refused.

Tolerance of drawn values: a figure evaluates the loss in float64 at float points, and
subtracts L(θ0); for these small polynomials (a few terms of size at most
``S = 1 + |L(θ0)| + |L(θ(t))|``) the rounding error is a few ulps of S, ~1e-15 S.
``1e-12 S`` leaves a factor of ~1000 and still catches any wrong value, coordinate or sign.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from symlandscape import InvalidArgument, Landscape, classify, deep_linear, get_loss, mlp
from symlandscape.cli import main
from symlandscape.plot import (
    FigureFiles,
    binomial_interval,
    contour_figure,
    figure_bytes,
    proportions_figure,
    save_figure,
    slice_figure,
    spectrum_figure,
    verdict_figures,
)

Z95 = 1.959963984540054  # the 0.975 quantile of the standard normal distribution


def lee():
    return Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")


def chain():
    return deep_linear([[1]], [[1]], hidden=[1, 1])


def relu():
    return mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
               variables="w,b,v,c")


def close(drawn, exact, *scale):
    return abs(drawn - exact) <= 1e-12 * (1 + sum(abs(s) for s in scale))


def gid_lines(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


# -- binomial intervals ------------------------------------------------------------------------


def test_wilson_interval_at_zero_and_all_solves_the_quadratic_by_hand():
    # p̂ = 0: (0 − p)² = z² p (1 − p) / n  gives  p = z² / (n + z²)
    assert binomial_interval(0, 40) == (0.0, pytest.approx(Z95 ** 2 / (40 + Z95 ** 2), rel=1e-12))
    assert binomial_interval(40, 40) == (pytest.approx(40 / (40 + Z95 ** 2), rel=1e-12), 1.0)


@pytest.mark.parametrize("successes, trials", [(1, 40), (20, 40), (37, 40), (3, 7)])
def test_wilson_interval_are_the_roots_of_the_score_quadratic(successes, trials):
    # second method: the roots of (1 + z²/n) p² − (2 p̂ + z²/n) p + p̂² = 0
    p, n, z2 = successes / trials, trials, Z95 ** 2
    a, b, c = 1 + z2 / n, -(2 * p + z2 / n), p * p
    root = math.sqrt(b * b - 4 * a * c)
    low, high = binomial_interval(successes, trials)
    assert low == pytest.approx((-b - root) / (2 * a), rel=1e-12)
    assert high == pytest.approx((-b + root) / (2 * a), rel=1e-12)
    mirrored = binomial_interval(trials - successes, trials)
    assert (1 - mirrored[1], 1 - mirrored[0]) == pytest.approx((low, high), rel=1e-12)


def test_wilson_interval_widens_with_confidence():
    narrow, wide = binomial_interval(10, 40, 0.8), binomial_interval(10, 40, 0.99)
    assert wide[0] < narrow[0] < 0.25 < narrow[1] < wide[1]


@pytest.mark.parametrize("args", [(5, 4), (-1, 4), (1, 0), (1.0, 4), (True, 4), (1, 4, 1.0), (1, 4, 0)])
def test_wilson_interval_refuses_bad_counts(args):
    with pytest.raises(InvalidArgument):
        binomial_interval(*args)


def test_proportions_figure_draws_points_and_wilson_bars():
    fig = proportions_figure({"dead": [(0.5, 0, 40), (-3, 40, 40)], "other": [(0, 20, 40)]},
                             xlabel="initial mean", ylabel="fraction", title="t")
    ax = fig.axes[0]
    first = ax.containers[0]
    assert first.lines[0].get_ydata().tolist() == [0.0, 1.0]
    segments = first.lines[2][0].get_segments()
    (x0, lo0), (_, hi0) = segments[0]
    (x1, lo1), (_, hi1) = segments[1]
    assert (x0, lo0, x1, hi1) == (0.5, 0.0, -3.0, 1.0)
    assert hi0 == pytest.approx(Z95 ** 2 / (40 + Z95 ** 2), rel=1e-12)
    assert lo1 == pytest.approx(40 / (40 + Z95 ** 2), rel=1e-12)
    assert ax.get_ylim() == pytest.approx((-0.02, 1.02))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["dead", "other"]


@pytest.mark.parametrize("series", [{}, {"a": []}, {"a": [(1, 2)]}, {"a": [(math.inf, 1, 2)]}, [("a", 1, 2)]])
def test_proportions_figure_refuses_bad_series(series):
    with pytest.raises(InvalidArgument):
        proportions_figure(series, xlabel="x", ylabel="y")


# -- files -------------------------------------------------------------------------------------


def test_files_are_valid_deterministic_and_without_dates(tmp_path):
    def make():
        return proportions_figure({"a": [(0, 1, 4), (1, 3, 4)]}, xlabel="x", ylabel="y")

    pdf = save_figure(make(), tmp_path / "f.pdf").read_bytes()
    png = save_figure(make(), tmp_path / "f.PNG").read_bytes()
    svg = save_figure(make(), tmp_path / "f.svg").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"CreationDate" not in pdf and b"matplotlib" not in pdf.lower()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"matplotlib" not in png.lower()
    # IHDR width: the figure is 5 inches wide, so at >= 200 dpi at least 1000 pixels
    assert int.from_bytes(png[16:20], "big") >= 1000
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and b"<dc:date>" not in svg
    # another figure object with the same content, saved in another order: the same bytes
    fig = make()
    assert [figure_bytes(fig, f) for f in ("svg", "png", "pdf")] == [svg, png, pdf]


@pytest.mark.parametrize("name", ["f.jpg", "f", "f.pdf.gz"])
def test_unknown_suffix_is_refused(tmp_path, name):
    with pytest.raises(InvalidArgument, match="must end in .pdf, .svg or .png"):
        save_figure(proportions_figure({"a": [(0, 1, 2)]}, xlabel="x", ylabel="y"), tmp_path / name)


# -- slices ------------------------------------------------------------------------------------


def _check_slice(L, point, vectors, fig):
    line = gid_lines(fig.axes[0], "slice")[0]
    base = [Fraction(x) for x in point]
    v0 = L.value(point)
    for t, y in zip(line.get_xdata().tolist(), line.get_ydata().tolist()):
        tq = Fraction(t)  # the float t is an exact binary rational
        at = [b + sum(tq ** (k + 1) * Fraction(d[i]) for k, d in enumerate(vectors)) for i, b in enumerate(base)]
        exact = L.value(at)
        assert close(y, float(exact - v0), v0, exact), (t, y, exact)
    return line


def test_slice_of_lee_matches_exact_values_and_the_certificate_term():
    L = lee()
    fig = slice_figure(L, [0, 0], [1, 1], samples=41, leading=(-2, 2))
    line = _check_slice(L, [0, 0], [[1, 1]], fig)
    assert line.get_xdata()[0] == -1 and line.get_xdata()[-1] == 1  # ±1/max(1, ‖d1‖∞)
    ts = line.get_xdata()
    # by hand: L(t, t) − 1 = −2t² + t⁴
    assert line.get_ydata().tolist() == pytest.approx([-2 * t ** 2 + t ** 4 for t in ts], abs=1e-14)
    leading = gid_lines(fig.axes[0], "leading")[0]
    assert leading.get_ydata().tolist() == pytest.approx([-2 * t ** 2 for t in leading.get_xdata()], abs=1e-15)
    assert "-2" in leading.get_label() and "t^{2}" in leading.get_label()


def test_slice_along_a_curve_with_two_coefficient_vectors():
    L = lee()
    vectors = [["1", "0"], ["0", "1/2"]]     # θ(t) = (t, t²/2): L = (1 − t³/2)²
    fig = slice_figure(L, [0, 0], vectors, t_range=("-3/2", 2), samples=30)
    line = _check_slice(L, [0, 0], vectors, fig)
    ts = line.get_xdata()
    assert ts[0] == -1.5 and ts[-1] == 2
    assert line.get_ydata().tolist() == pytest.approx([(1 - t ** 3 / 2) ** 2 - 1 for t in ts], abs=1e-12)


def test_slice_of_the_chain_and_of_the_relu_kink_are_exact_along_the_line():
    _check_slice(chain(), [0, 0, 0], [[1, 1, 1]], slice_figure(chain(), [0, 0, 0], [1, 1, 1], samples=25))
    # the ReLU loss crosses several kinks on this range: the piecewise loss must be drawn as it is
    R = relu()
    fig = slice_figure(R, [1, -3, 1, 0], [3, 1, 0, 0], t_range=(-1, 1), samples=33, leading=(525, 2))
    _check_slice(R, [1, -3, 1, 0], [[3, 1, 0, 0]], fig)
    leading = gid_lines(fig.axes[0], "leading")[0]
    assert min(leading.get_xdata()) == 0  # one-sided at a kink


@pytest.mark.parametrize("kwargs", [
    {"curve": [0, 0]}, {"curve": []}, {"curve": "1,1"}, {"curve": [1, 1, 1]}, {"curve": [1.5, 1]},
    {"curve": [1, 1], "t_range": (1, -1)}, {"curve": [1, 1], "t_range": (0, math.inf)},
    {"curve": [1, 1], "samples": 2}, {"curve": [1, 1], "samples": 10.0},
])
def test_slice_refuses_bad_input(kwargs):
    with pytest.raises(InvalidArgument):
        slice_figure(lee(), [0, 0], **kwargs)


def test_slice_refuses_a_landscape_that_is_not_one():
    with pytest.raises(InvalidArgument, match="is not a Landscape"):
        slice_figure("(1 - w1*w2)^2", [0, 0], [1, 1])


# -- contours ----------------------------------------------------------------------------------


def test_contour_grid_matches_exact_values():
    L = lee()
    fig = contour_figure(L, [0, 0], [1, 1], [1, -1], radius="3/2", samples=21)
    mesh = next(c for c in fig.axes[0].collections if c.get_gid() == "landscape")
    coordinates = mesh.get_coordinates()
    values = mesh.get_array().reshape(21, 21)
    assert coordinates[0, 0].tolist() == [-1.5, -1.5] and coordinates[-1, -1].tolist() == [1.5, 1.5]
    for i in range(21):
        for j in range(21):
            a, b = (Fraction(x) for x in coordinates[i, j])
            exact = L.value([a + b, a - b])
            assert close(values[i, j], float(exact - 1), 1, exact)
    # by hand at (a, b) = (1.5, 0): w1 = w2 = 3/2, L − 1 = (1 − 9/4)² − 1 = 9/16
    assert values[10, 20] == 9 / 16


def test_contour_of_a_kinked_loss_matches_exact_values():
    R = relu()
    fig = contour_figure(R, [1, -3, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], radius=2, samples=9)
    mesh = next(c for c in fig.axes[0].collections if c.get_gid() == "landscape")
    values = mesh.get_array().reshape(9, 9)
    for i, row in enumerate(mesh.get_coordinates()):
        for j, (a, b) in enumerate(row):
            exact = R.value([1 + Fraction(a), -3 + Fraction(b), 1, 0])
            assert close(values[i, j], float(exact - 18), 18, exact)


def test_contour_draws_curves_and_says_projection_for_a_curve_outside_the_plane():
    C = chain()
    fig = contour_figure(C, [0, 0, 0], [1, 0, 0], [0, 1, 0],
                         curves=[("in the plane", [[1, 1, 0]]), ("diagonal", [[1, 1, 1]]), [[0, 1, 0], [1, 0, 0]]])
    labels = [line.get_label() for line in gid_lines(fig.axes[0], "curve")]
    assert labels == ["in the plane", "diagonal (projection)", "curve 3"]
    # the projection of t (1, 1, 1) onto the (e1, e2) plane is (t, t), drawn for t >= 0 inside the box
    x, y = gid_lines(fig.axes[0], "curve")[1].get_data()
    assert x.tolist() == pytest.approx(y.tolist()) and min(x) == 0 and max(x) <= 1
    # curve 3, θ(t) = t e2 + t² e1, projects to (t², t): a parabola
    x, y = gid_lines(fig.axes[0], "curve")[2].get_data()
    assert x.tolist() == pytest.approx([t * t for t in y], abs=1e-15)


@pytest.mark.parametrize("d1, d2, kwargs", [
    ([1, 1], [2, 2], {}), ([0, 0], [1, 0], {}), ([1, 0], [0, 1], {"radius": 0}), ([1, 0], [0, 1], {"levels": 1}),
    ([1, 0], [0, 1], {"curves": [[[0, 0]]]}), ([1, 0, 0], [0, 1], {}),
])
def test_contour_refuses_bad_input(d1, d2, kwargs):
    with pytest.raises(InvalidArgument):
        contour_figure(lee(), [0, 0], d1, d2, **kwargs)


# -- spectra -----------------------------------------------------------------------------------


def _eigenvalues(fig):
    points = [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("eigenvalues-")]
    return {line.get_gid().split("-")[1]: line.get_ydata().tolist() for line in points}


def test_spectrum_of_lee_is_plus_minus_two():
    fig = spectrum_figure(lee(), [0, 0])
    assert _eigenvalues(fig) == {"negative": [pytest.approx(-2, abs=1e-14)], "positive": [pytest.approx(2, abs=1e-14)]}
    assert "inertia (1, 1, 0) exact" in fig.axes[0].get_title()
    labels = sorted(t.get_text() for t in fig.axes[0].texts)
    assert labels == [r"$\lambda = -2$", r"$\lambda = 2$"]


def test_spectrum_with_irrational_eigenvalues_and_exact_zeros():
    # H = [[2, 2, 0], [2, 6, 0], [0, 0, -2]]: eigenvalues 4 ± 2√2 and -2 (by hand)
    L = Landscape.from_expression("x^2 + 2*x*y + 3*y^2 - z^2", "x,y,z")
    eigen = _eigenvalues(spectrum_figure(L, [0, 0, 0]))
    assert eigen["negative"] == pytest.approx([-2], abs=1e-13)
    assert eigen["positive"] == pytest.approx([4 - 2 * math.sqrt(2), 4 + 2 * math.sqrt(2)], rel=1e-13)
    fig = spectrum_figure(chain(), [0, 0, 0])
    assert _eigenvalues(fig) == {"zero": [0.0, 0.0, 0.0]} and "inertia (0, 0, 3) exact" in fig.axes[0].get_title()


def test_spectrum_at_a_kink_draws_each_adjacent_piece():
    fig = spectrum_figure(relu(), [1, -3, 1, 0])
    title = fig.axes[0].get_title()
    assert "no Hessian" in title and "piece 1: (3, 0, 1)" in title and "piece 2: (3, 0, 1)" in title
    lines = [line for line in fig.axes[0].get_lines() if (line.get_gid() or "").startswith("eigenvalues-")]
    assert sum(len(line.get_ydata()) for line in lines) == 8


# -- the figures of a worked example, and the command ---------------------------------------------


def test_verdict_figures_of_lee(tmp_path):
    files = verdict_figures(classify(lee(), [0, 0]), tmp_path / "lee", formats=("pdf", "png"))
    assert set(files) == {"slice", "contour", "spectrum"}
    for name, figure in files.items():
        assert isinstance(figure, FigureFiles) and set(figure) == {"pdf", "png"}
        assert figure["pdf"] == tmp_path / "lee" / f"{name}.pdf" and figure["pdf"].read_bytes()[:5] == b"%PDF-"
        assert figure.caption.endswith(".") and "θ₀ = (0, 0)" in figure.caption
    assert "descent direction u" in files["contour"].caption and "ascent direction v" in files["contour"].caption


def test_verdict_figures_of_the_chain_and_the_relu_kink(tmp_path):
    files = verdict_figures(classify(chain(), [0, 0, 0]), tmp_path, formats=("svg",))
    # descent and ascent curves are parallel: the plane is completed, and the caption says how
    assert "coordinate axis of w1" in files["contour"].caption
    ET.fromstring(files["slice"]["svg"].read_bytes())
    files = verdict_figures(classify(relu(), [1, -3, 1, 0]), tmp_path / "relu", formats=("png",))
    assert set(files) == {"slice", "contour", "spectrum"}
    assert "t → 0+" in files["slice"].caption and "adjacent piece" in files["spectrum"].caption


def test_verdict_figures_refuses_bad_input(tmp_path):
    with pytest.raises(InvalidArgument):
        verdict_figures("lee", tmp_path)
    with pytest.raises(InvalidArgument):
        verdict_figures(classify(lee(), [0, 0]), tmp_path, formats=("jpg",))


def test_cli_plot_writes_the_file(tmp_path, capsys):
    out = tmp_path / "lee.svg"
    assert main(["plot", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2", "--at", "0,0", "--out", str(out),
                 "--seed", "7"]) == 0
    ET.fromstring(out.read_bytes())
    text = capsys.readouterr().out
    assert "contour" in text and "strict_saddle" in text and "seed 7" in text
    out = tmp_path / "minus.png"
    assert main(["plot", "--loss", "-x^2", "--vars", "x", "--at", "-1", "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG" and "not_critical" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--at", "0,0", "--out", "{tmp}/f.jpg"], "must end in .pdf, .svg or .png"),
    (["--at", "0,inf", "--out", "{tmp}/f.png"], "--at"),
    (["--at", "0", "--out", "{tmp}/f.png"], "--at"),
    (["--at", "0,0", "--out", "{tmp}/missing/f.png"], "does not exist"),
])
def test_cli_plot_bad_input_exits_2(tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["plot", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_plot_contour_needs_two_parameters(tmp_path, capsys):
    assert main(["plot", "--loss", "x^2", "--vars", "x", "--at", "0", "--out", str(tmp_path / "f.pdf"),
                 "--kind", "contour"]) == 2
    assert "at least two parameters" in capsys.readouterr().err


def test_abs_and_max_are_drawn_as_they_are():
    L = Landscape.from_expression("abs(x - 1/3) + max(y, 2*x) - min(x, y)^2", "x,y")
    _check_slice(L, [0, 0], [[1, -1]], slice_figure(L, [0, 0], [1, -1], t_range=(-2, 2), samples=41))
    fig = contour_figure(L, [0, 0], [1, 0], [0, 1], samples=11)
    mesh = next(c for c in fig.axes[0].collections if c.get_gid() == "landscape")
    for (a, b), value in zip(mesh.get_coordinates().reshape(-1, 2), mesh.get_array().reshape(-1)):
        exact = L.value([Fraction(a), Fraction(b)])
        assert close(value, float(exact - L.value([0, 0])), exact, 1)


def test_spectrum_labels_each_rational_eigenvalue_once_with_its_multiplicity():
    # H = diag(2, 2, 2, -6) (by hand): eigenvalue 2 three times, -6 once
    L = Landscape.from_expression("a^2 + b^2 + c^2 - 3*d^2", "a,b,c,d")
    labels = sorted(t.get_text() for t in spectrum_figure(L, [0, 0, 0, 0]).axes[0].texts)
    assert labels == [r"$\lambda = -6$", r"$\lambda = 2 \ (\times 3)$"]


def test_verdict_figures_without_certificate_directions_and_with_one_parameter(tmp_path):
    # a strict minimum certifies no direction: the slice and contour use the Hessian's extreme eigenvectors
    files = verdict_figures(classify(Landscape.from_expression("x^2 + 3*y^2", "x,y"), [0, 0]), tmp_path / "min",
                            formats=("png",))
    assert set(files) == {"slice", "contour", "spectrum"}
    assert "eigenvector of the smallest eigenvalue" in files["contour"].caption
    files = verdict_figures(classify(Landscape.from_expression("x^3", "x"), [0]), tmp_path / "one",
                            formats=("png",))
    assert set(files) == {"slice", "spectrum"}  # no plane in one parameter


def test_irrational_certificate_numbers_and_hessians():
    # H = [[2, e], [e, -2]]: eigenvalues ±√(4 + e²) (by hand); the certificate's u has an entry -exp(1)/2
    L = Landscape.from_expression("x^2 - y^2 + exp(1)*x*y", "x,y")
    with pytest.raises(InvalidArgument, match="irrational"):
        spectrum_figure(L, [0, 0])
    eigen = _eigenvalues(spectrum_figure(L, [0, 0], inertia={"positive": 1, "negative": 1, "zero": 0}))
    root = math.sqrt(4 + math.e ** 2)
    assert eigen == {"negative": [pytest.approx(-root, rel=1e-13)], "positive": [pytest.approx(root, rel=1e-13)]}
    with pytest.raises(InvalidArgument, match="inertia"):
        spectrum_figure(L, [0, 0], inertia={"positive": 2, "negative": 1, "zero": 0})
    fig = slice_figure(L, [0, 0], ["-exp(1)/2", "1"], leading=("-exp(2)/8 - 1/2", 2), samples=11)
    line, leading = gid_lines(fig.axes[0], "slice")[0], gid_lines(fig.axes[0], "leading")[0]
    # by hand: along (-e/2, 1) the quadratic form is e²/4 − 1 − e²/2 = −(e²/4 + 1), exactly quadratic
    c = -(math.e ** 2 / 4 + 1)
    assert line.get_ydata().tolist() == pytest.approx([c * t * t for t in line.get_xdata()], rel=1e-12, abs=1e-15)
    assert leading.get_ydata().tolist() == pytest.approx([c / 2 * t * t for t in leading.get_xdata()], rel=1e-12)
    with pytest.raises(InvalidArgument):
        slice_figure(L, [0, 0], ["x", "1"])


def test_contour_draws_the_kinks_of_a_piecewise_loss_only():
    def labels(fig):
        return fig.axes[0].get_legend_handles_labels()[1]

    R = relu()
    assert "kinks" in labels(contour_figure(R, [1, -3, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], samples=11))
    # v and c enter no ReLU argument: the (v, c) plane lies inside one kink and crosses none
    assert "kinks" not in labels(contour_figure(R, [1, -3, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1], samples=11))
    assert "kinks" not in labels(contour_figure(lee(), [0, 0], [1, 0], [0, 1], samples=11))


def test_slices_of_very_different_sizes_get_one_panel_each():
    from symlandscape.plot import _verdict_figure_objects

    flat = classify(Landscape.from_expression("x^2 - y^2/1000", "x,y"), [0, 0])
    fig, _ = _verdict_figure_objects(flat, kinds=("slice",))["slice"]
    assert len(fig.axes) == 2 and [len(gid_lines(ax, "slice")) for ax in fig.axes] == [1, 1]
    fig, _ = _verdict_figure_objects(classify(lee(), [0, 0]), kinds=("slice",))["slice"]
    assert len(fig.axes) == 1 and len(gid_lines(fig.axes[0], "slice")) == 2
