"""The example notebook runs from top to bottom, and its cells display the worked examples."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "critical_points.ipynb"


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


def outputs(notebook, mime):
    return [o["data"][mime] for cell in notebook.cells if cell.cell_type == "code"
            for o in cell.get("outputs", []) if "data" in o and mime in o["data"]]


def test_the_notebook_runs_without_errors(executed):
    errors = [o for cell in executed.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_verdicts_display_as_worked_examples(executed):
    markdown = "\n".join(outputs(executed, "text/markdown"))
    assert "Worked example: a strict saddle" in markdown
    assert "Worked example: a degenerate saddle" in markdown
    assert "Worked example: a local minimum" in markdown
    assert "L(w_{1}, w_{2}) = \\left(1 - w_{1} w_{2}\\right)^{2}" in markdown   # the landscape itself
    html = "\n".join(outputs(executed, "text/html"))
    assert html.count("<math") > 10


def test_plain_values_are_the_exact_facts(executed):
    plain = outputs(executed, "text/plain")
    assert "(True, {'positive': 0, 'negative': 0, 'zero': 3})" in plain
    assert "('local_min', 18, False, 14)" in plain


def test_figures_display_inline(executed):
    images = outputs(executed, "image/png")
    assert len(images) == 2
    import base64

    assert all(base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n" for image in images)
