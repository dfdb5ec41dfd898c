"""Compile LaTeX in the tests: pdflatex and lualatex, with the documented preamble."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ENGINES = ("pdflatex", "lualatex")


def require(engine):
    """Skip without ``engine``, unless SYMLANDSCAPE_REQUIRE_LATEX=1 (CI installs TeX Live): then fail."""
    if shutil.which(engine) is None:
        if os.environ.get("SYMLANDSCAPE_REQUIRE_LATEX") == "1":
            pytest.fail(f"{engine} is required (SYMLANDSCAPE_REQUIRE_LATEX=1) but not installed")
        pytest.skip(f"{engine} is not installed")


def compile_latex(source, directory, engine="pdflatex", name="document"):
    """Compile ``source`` (a whole document) in ``directory``; return (pdf path, log text).

    Fails the test with the first error of the log if the engine stops.
    """
    require(engine)
    directory = Path(directory)
    (directory / f"{name}.tex").write_text(source, encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=directory,
                         capture_output=True, text=True, timeout=120)
    log = (directory / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    if run.returncode != 0:
        errors = [line for line in log.splitlines() if line.startswith("!")]
        pytest.fail(f"{engine} failed on {name}.tex: {errors[:3]}\n{source[:2000]}")
    return directory / f"{name}.pdf", log


def overfull(log, tolerance_pt=2.0):
    """The Overfull \\hbox warnings wider than ``tolerance_pt``: text running into the margin."""
    out = []
    for line in log.splitlines():
        if line.startswith("Overfull \\hbox ("):
            width = float(line.split("(")[1].split("pt")[0])
            if width > tolerance_pt:
                out.append(line)
    return out
