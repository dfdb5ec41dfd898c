"""The command line: derive's output, and clean one-line errors with exit code 2."""

import json
import subprocess
import sys

import pytest

from symlandscape.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_derive_text(capsys):
    code, out, err = run(capsys, "derive", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2", "--at", "0,0")
    assert code == 0 and err == ""
    assert "hessian:\n  [0, -2]\n  [-2, 0]" in out
    assert "inertia:   1 positive, 1 negative, 0 zero" in out


def test_derive_json_is_exact_strings(capsys):
    code, out, _ = run(capsys, "derive", "--loss", "x^2*y/3 - y", "--vars", "x,y", "--at", "-3/2,1/2",
                       "--format", "json")
    result = json.loads(out)
    assert code == 0
    assert result["value"] == "-1/8"        # (9/4)(1/2)/3 - 1/2
    assert result["gradient"] == ["-1/2", "-1/4"]   # (2xy/3, x^2/3 - 1)
    assert result["hessian"] == [["1/3", "-1"], ["-1", "0"]]


def test_negative_point_after_option(capsys):
    code, out, _ = run(capsys, "derive", "--loss", "x^3", "--vars", "x", "--at", "-1", "--format", "json")
    assert code == 0 and json.loads(out)["gradient"] == ["3"]


def test_derive_taylor(capsys):
    code, out, _ = run(capsys, "derive", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2", "--at", "0,0",
                       "--order", "4", "--direction", "1,1", "--format", "json")
    assert code == 0 and json.loads(out)["taylor"]["coefficients"] == ["1", "0", "-2", "0", "1"]


def test_derive_at_a_kink_gives_each_piece(capsys):
    code, out, _ = run(capsys, "derive", "--loss", "relu(x - 1)^2 + y^2", "--vars", "x,y", "--at", "1,0",
                       "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["kinks"] == ["relu(x - 1)"]
    assert sorted(p["hessian"][0][0] for p in result["pieces"]) == ["0", "2"]


def test_derive_latex(capsys):
    code, out, _ = run(capsys, "derive", "--loss", "x^2 - y^2", "--vars", "x,y", "--at", "1/2,0",
                       "--format", "latex")
    assert code == 0 and r"\nabla^2 L = \begin{pmatrix}2 & 0 \\ 0 & -2\end{pmatrix}" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--loss", "__import__('os').system('echo hi')", "--vars", "x", "--at", "1"], "not allowed"),
    (["--loss", "x.__class__", "--vars", "x", "--at", "1"], "attribute access"),
    (["--loss", "lambda: 1", "--vars", "x", "--at", "1"], "lambda"),
    (["--loss", "import os", "--vars", "x", "--at", "1"], "import"),
    (["--loss", "foo(x)", "--vars", "x", "--at", "1"], "unknown function 'foo'"),
    (["--loss", "x^2", "--vars", "x,x", "--at", "1,2"], "duplicate"),
    (["--loss", "x^2", "--vars", "x", "--at", "1,2"], "--at has 2 entries; expected 1"),
    (["--loss", "x^2", "--vars", "x", "--at", "1/0"], "zero denominator"),
    (["--loss", "x^2", "--vars", "x", "--at", "nan"], "not an exact number"),
    (["--loss", "x^99999999", "--vars", "x", "--at", "2"], "too large"),
    (["--loss", "(x", "--vars", "x", "--at", "1"], "column"),
    (["--loss", "x^2", "--vars", "x", "--at", "1", "--order", "-1"], "order=-1"),
    (["--loss", "relu(x)^2", "--vars", "x", "--at", "0", "--order", "3"], "kink"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, "derive", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("symlandscape: error:")
    assert fragment in err


def test_missing_option_is_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", "--loss", "x"])
    assert exit_info.value.code == 2
    assert "--vars" in capsys.readouterr().err


def test_console_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "symlandscape", "derive", "--loss", "x^2", "--vars", "x", "--at", "1/3"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and "value:     1/9" in result.stdout


def test_a_reader_that_closes_the_pipe_early_is_not_an_error():
    process = subprocess.Popen(
        [sys.executable, "-m", "symlandscape", "derive", "--loss", "x^2", "--vars", "x", "--at", "1/3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `| head` having exited before the first line
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert b"internal error" not in err

