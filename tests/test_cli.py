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
    assert code == 0 and r"\nabla^2 L = \begin{pmatrix} 2 & 0 \\ 0 & -2 \end{pmatrix}" in out


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



# ---------------------------------------------------------------------------------------
# small fixes: values starting with '-', --version


@pytest.mark.parametrize("argv", [["--loss", "-x^2"], ["--loss=-x^2"], ["--loss", "-x^2", "--vars", "x"]])
def test_a_loss_starting_with_minus(capsys, argv):
    argv = argv + (["--vars", "x"] if "--vars" not in argv else [])
    code, out, err = run(capsys, "derive", *argv, "--at", "-1", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["value"] == "-1" and json.loads(out)["gradient"] == ["2"]


def test_version(capsys):
    from symlandscape import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"symlandscape {__version__}\n"


# ---------------------------------------------------------------------------------------
# the budget options


@pytest.mark.parametrize("command", ["derive", "classify"])
def test_budget_options_set_the_bounds(capsys, command):
    code, _, err = run(capsys, command, "--loss", "x^20", "--vars", "x", "--at", "1", "--max-degree", "10")
    assert code == 2 and "degree 20, above the bound max_degree=10" in err and "--max-degree" in err
    code, _, err = run(capsys, command, "--loss", "x^2000", "--vars", "x", "--at", "1", "--max-degree", "3000")
    assert code == 0, err


def test_order_above_the_bound(capsys):
    code, out, err = run(capsys, "derive", "--loss", "exp(x)", "--vars", "x", "--at", "0", "--order", "65")
    assert code == 2 and out == "" and "max_order=64" in err and "--max-order" in err
    code, out, err = run(capsys, "derive", "--loss", "exp(x)", "--vars", "x", "--at", "0", "--order", "65",
                         "--direction", "1", "--max-order", "65", "--format", "json")
    assert code == 0 and json.loads(out)["taylor"]["coefficients"][2] == "1/2"


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "9" * 5000, "nan"])
def test_a_bad_bound_is_exit_2(capsys, value):
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", "--loss", "x", "--vars", "x", "--at", "1", "--max-terms", value])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "--max-terms" in err and len(err) < 300


def test_max_seconds_accepts_a_fraction(capsys):
    code, _, err = run(capsys, "derive", "--loss", "tanh(x)", "--vars", "x", "--at", "1/3", "--order", "64",
                       "--direction", "1", "--max-seconds", "0.001")
    assert code == 2 and "max_seconds=0.001" in err


def test_a_non_utf8_argument_is_exit_2(capsys):
    code, out, err = run(capsys, "derive", "--loss", "x\udcff", "--vars", "x", "--at", "1")
    assert code == 2 and out == "" and "argument 3 is not valid UTF-8" in err


# ---------------------------------------------------------------------------------------
# verify: the certificate is read strictly


@pytest.fixture
def lee(capsys):
    code, out, _ = run(capsys, "classify", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2", "--at", "0,0",
                       "--format", "json")
    assert code == 0
    return json.loads(out)


def verify_text(capsys, tmp_path, text, mode="w"):
    path = tmp_path / "certificate.json"
    if mode == "w":
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return run(capsys, "verify", str(path), "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2")


def test_verify_a_whole_classify_output(capsys, tmp_path, lee):
    assert verify_text(capsys, tmp_path, json.dumps(lee))[:2] == (0, "verified\n")
    assert verify_text(capsys, tmp_path, json.dumps(lee["certificate"]))[:2] == (0, "verified\n")


@pytest.mark.parametrize("change, fragment", [
    ({"kind": "strict_local_min"},
     "the top-level field kind='strict_local_min' disagrees with the certificate's 'strict_saddle'"),
    ({"global_min": True}, "global_min=true disagrees with the certificate's false"),
    ({"critical": 1}, "critical=1 disagrees with the certificate's true"),  # 1 is not true
    ({"value": "1/1"}, "value='1/1' disagrees with the certificate's '1'"),
    ({"hessian_inertia": {"positive": 2, "negative": 0, "zero": 0}}, "hessian_inertia="),
    ({"verified": False}, "verified=false must be true"),
    ({"verified": "true"}, "verified='true' must be true"),
    ({"extra": 1}, "the top-level field 'extra' is not part of a classify output"),
    ({"explanation": 7}, "explanation must be a string"),
    ({"certificate": [1]}, "certificate must be an object"),
])
def test_a_wrapper_that_says_more_than_its_certificate_is_rejected(capsys, tmp_path, lee, change, fragment):
    code, out, err = verify_text(capsys, tmp_path, json.dumps({**lee, **change}))
    assert code == 1 and out == "" and err.startswith("symlandscape: certificate rejected:")
    assert fragment in err


def test_a_wrapper_without_a_field_still_verifies(capsys, tmp_path, lee):
    del lee["explanation"], lee["verified"], lee["global_min"]
    assert verify_text(capsys, tmp_path, json.dumps(lee))[0] == 0


@pytest.mark.parametrize("where", ["top", "inner", "evidence"])
def test_duplicate_keys_are_rejected(capsys, tmp_path, lee, where):
    text = json.dumps(lee)
    if where == "top":
        text = text[:-1] + ', "kind": "strict_saddle"}'
    elif where == "inner":
        text = text.replace('"type": "classification"', '"type": "classification", "type": "classification"')
    else:
        text = text.replace('"evidence": {', '"evidence": {"critical": null, ', 1)
    code, out, err = verify_text(capsys, tmp_path, text)
    assert code == 1 and "certificate rejected: duplicate key" in err


@pytest.mark.parametrize("raw, fragment", [
    (b'{"kind": "\xff"}', "not UTF-8"),
    (b"\xfe\xff\x00{", "not UTF-8"),
    (b"not json", "not JSON"),
    (b"", "not JSON"),
])
def test_unreadable_certificates_are_exit_2(capsys, tmp_path, raw, fragment):
    code, out, err = verify_text(capsys, tmp_path, raw, mode="b")
    assert code == 2 and out == "" and fragment in err and len(err) < 300


@pytest.mark.parametrize("raw, fragment", [
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than the bound max_nesting=200"),
    (b"[" * 300 + b"]" * 300, "nesting depth 201, above the bound max_nesting=200"),
    (b'{"certificate": {"value": ' + b"9" * 20_000 + b"}}", "digits 20000, above the bound max_digits=10000"),
])
def test_certificates_beyond_a_bound_are_rejected(capsys, tmp_path, raw, fragment):
    code, out, err = verify_text(capsys, tmp_path, raw, mode="b")
    assert code == 1 and out == "" and err.startswith("symlandscape: certificate rejected:")
    assert fragment in err and len(err) < 300


def test_verify_reads_standard_input_as_bytes(capsys, monkeypatch, lee):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(lee).encode())))
    assert run(capsys, "verify", "-", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff")))
    code, _, err = run(capsys, "verify", "-", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2")
    assert code == 2 and "not UTF-8" in err


def test_messages_stay_short(capsys, tmp_path, lee):
    lee["certificate"]["point"] = ["1" * 9000, "0"]
    code, _, err = verify_text(capsys, tmp_path, json.dumps(lee))
    assert code == 1 and len(err) < 500


def test_classify_worked_example_formats(capsys, tmp_path):
    args = ("classify", "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2", "--at", "0,0")
    code, fragment, _ = run(capsys, *args, "--format", "latex")
    assert code == 0 and not fragment.lstrip().startswith(r"\documentclass")
    code, whole, _ = run(capsys, *args, "--format", "latex", "--standalone", "--detail")
    assert code == 0 and whole.startswith(r"\documentclass") and "what the search tried" in whole
    code, page, _ = run(capsys, *args, "--format", "html")
    assert code == 0 and page.startswith("<!DOCTYPE html>") and "<math" in page


def test_derive_latex_compiles(capsys, tmp_path):
    from symlandscape.document import PREAMBLE
    from texbuild import compile_latex

    code, out, _ = run(capsys, "derive", "--loss", "relu(x) - x*y", "--vars", "x,y", "--at", "0,0",
                       "--format", "latex")
    assert code == 0 and "Piece active" in out and "Piece inactive" in out
    compile_latex("\\documentclass{article}\n" + PREAMBLE + "\n\\begin{document}\n" + out + "\n\\end{document}\n",
                  tmp_path)


def test_check_quiet_prints_no_progress(capsys):
    code, out, err = run(capsys, "check", "--only", "LEE-saddle", "--quiet", "--format", "markdown")
    assert code == 0 and err == "" and "| LEE-saddle |" in out
    code, _, err = run(capsys, "check", "--only", "LEE-saddle")
    assert code == 0 and "[1/1] LEE-saddle" in err


def test_worked_example_options_need_a_worked_example(capsys):
    args = ("classify", "--loss", "x^2", "--vars", "x", "--at", "0")
    code, _, err = run(capsys, *args, "--figures", "figs")
    assert code == 2 and "--figures" in err and "--format latex, markdown or html" in err
    code, _, err = run(capsys, *args, "--format", "html", "--standalone")
    assert code == 2 and "--standalone" in err
