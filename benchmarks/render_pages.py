"""Render the worked examples and the check report as pictures, to look at them.

Run: ``python benchmarks/render_pages.py [OUTPUT_DIR]`` (default ``rendered/``).  For each of
Lee's saddle, the three-weight chain at 0, the five-sample ReLU example at (1, -3, 1, 0) and
a 16-parameter deep linear network at a global minimum it writes the LaTeX (compiled with
pdflatex, first page rendered by pdftoppm), the Markdown and the HTML page (screenshot by
headless Chromium), with the figures; then the ``symlandscape check`` report the same way.
A tool that is missing is reported and skipped.  Prints the seconds each step took.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from symlandscape import Landscape, classify, deep_linear, get_loss, mlp, run_claims


def examples():
    identity = [[1, 0], [0, 1]]
    linear16 = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 4]], hidden=[2, 2, 2])
    relu = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
               variables="w,b,v,c")
    return {
        "lee": (Landscape.from_expression("(1 - w1*w2)^2", "w1,w2"), [0, 0]),
        "chain": (deep_linear([[1]], [[1]], hidden=[1, 1]), [0, 0, 0]),
        "relu": (relu, [1, -3, 1, 0]),
        "linear16": (linear16, linear16.point_from_matrices([identity, identity, identity, [[1, 0], [0, 4]]])),
    }


def pdf_pages(tex, out, name):
    if shutil.which("pdflatex") is None or shutil.which("pdftoppm") is None:
        print(f"  {name}: pdflatex or pdftoppm missing, no PDF")
        return
    for _ in range(2):  # twice, for the figure references
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=out,
                             capture_output=True, text=True)
    if run.returncode:
        print(f"  {name}: pdflatex FAILED: " + next((l for l in run.stdout.splitlines() if l.startswith("!")), "?"))
        return
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", f"{name}.pdf", f"{name}-page"], cwd=out)


def screenshot(html, out, name):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print(f"  {name}: no Chromium, no screenshot")
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--window-size=900,1600",
                        f"--screenshot={out / (name + '-html.png')}", html.resolve().as_uri()],
                       capture_output=True, timeout=120)


def main(argv):
    out = Path(argv[1] if len(argv) > 1 else "rendered").resolve()
    out.mkdir(parents=True, exist_ok=True)
    from symlandscape.plot import verdict_figures

    for name, (landscape, point) in examples().items():
        t0 = time.perf_counter()
        verdict = classify(landscape, point)
        figures = verdict_figures(verdict, out / f"{name}-figures", formats=("pdf", "png", "svg"))
        tex = out / f"{name}.tex"
        tex.write_text(verdict.render("latex", standalone=True, figures=figures), encoding="utf-8")
        (out / f"{name}.md").write_text(verdict.render("markdown", figures=figures), encoding="utf-8")
        html = out / f"{name}.html"
        html.write_text(verdict.render("html", figures=figures), encoding="utf-8")
        pdf_pages(tex, out, name)
        screenshot(html, out, name)
        print(f"{name}: {verdict.kind}, {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    report = run_claims()
    for fmt in ("latex", "html", "markdown"):
        report.write(out / "check", fmt=fmt)
    pdf_pages(out / "check" / "report.tex", out / "check", "report")
    screenshot(out / "check" / "report.html", out / "check", "report")
    print(f"check report: {time.perf_counter() - t0:.1f} s; pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
