"""A deliberately false conjecture fails with a shrunk, exact counterexample.

"Every critical point of a deep linear network is a global minimum" is false (K16-iii:
the others are saddles).  Hypothesis must find a counterexample and shrink it to the
smallest one: one hidden unit, data X = [[1]], Y = [[1]], the point (0, 0) of
L = 1/2 (1 − w2 w1)^2 — Lee's saddle with the 1/2 of Kawaguchi's convention.
"""

import importlib.metadata
import re

import pytest
import sympy
from hypothesis import Phase, find, settings

from symlandscape.linear_theory import global_min_value
from symlandscape.strategies import linear_critical_points

pytestmark = pytest.mark.claim("K16-iii")

_INSTALLED = any(ep.value == "symlandscape.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11"))
PLUGIN = ["-W", "ignore::pytest.PytestAssertRewriteWarning"] + (
    [] if _INSTALLED else ["-p", "symlandscape.pytest_plugin"])

CONJECTURE = """
from hypothesis import given
from symlandscape.linear_theory import global_min_value
from symlandscape.strategies import linear_critical_points
from symlandscape.testing import assert_local_min

@given(linear_critical_points())
def test_every_critical_point_is_a_global_minimum(case):
    landscape, point = case
    assert landscape.value(point) == global_min_value(landscape)

@given(linear_critical_points())
def test_every_critical_point_is_a_local_minimum(case):
    landscape, point = case
    assert_local_min(landscape, point)
"""


def is_not_global(case):
    landscape, point = case
    return landscape.value(point) != global_min_value(landscape)


def test_find_shrinks_the_false_conjecture_to_the_scalar_saddle():
    quick = settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink])
    landscape, point = find(linear_critical_points(), is_not_global, settings=quick)
    assert (landscape.X, landscape.Y, landscape.widths) == (sympy.Matrix([[1]]), sympy.Matrix([[1]]), (1, 1, 1))
    assert point == (0, 0)
    assert landscape.value(point) == sympy.Rational(1, 2) > global_min_value(landscape) == 0


def test_a_failing_run_prints_the_shrunk_exact_counterexample(pytester, monkeypatch):
    monkeypatch.delenv("SYMLANDSCAPE_PROFILE", raising=False)
    pytester.makepyfile(test_conjecture=CONJECTURE)
    result = pytester.runpytest_inprocess(*PLUGIN, "-p", "no:cacheprovider", "--symlandscape-profile=ci")
    result.assert_outcomes(failed=2)
    # pytest prefixes the lines of an error with "E"; drop it and join the lines
    output = re.sub(r"\s+", " ", " ".join(re.sub(r"^E\s+", "", line) for line in result.outlines))
    # Hypothesis prints the landscape as the call that builds it, and the point exactly:
    # one hidden unit, scalar data with a small integer target, the origin
    cases = re.findall(r"case=\(deep_linear\(Matrix\(\[\[1\]\]\), Matrix\(\[\[(\d+)\]\]\), hidden=\[1\]\), \(0, 0\)\)",
                       output)
    # (each failing test prints it at least once; CI mode may repeat it in the summary)
    assert len(cases) >= 2 and all(1 <= int(y) <= 4 for y in cases)
    # the testing helper's message: the instance and the point as exact matrices, and the verdict
    assert "assert_local_min: expected a local minimum, but classify says strict_saddle" in output
    assert re.search(r"X = \[\[1\]\] Y = \[\[\d\]\] point: W_1 = \[\[0\]\] W_2 = \[\[0\]\] verdict: strict_saddle",
                     output)
