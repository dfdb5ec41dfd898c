"""The README's Python examples run as doctests, so the documentation matches the code."""

import doctest
import pathlib
import re

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_examples():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no Python examples"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    globs = {}
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"README block {number}", str(README), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs  # later blocks use names defined by earlier ones
    assert runner.failures == 0, f"{runner.failures} README example(s) failed (see the output above)"


def test_the_trusted_base_table_matches_the_code():
    # the README names every module the checker relies on, with its line count: both must be current
    from test_verify import TRUSTED

    text = README.read_text(encoding="utf-8")
    table = text[text.index("**The checker and its trusted base.**"):]
    table = table[: table.index("\n\n", table.index("| module |"))]
    rows = re.findall(r"^\| (.+?) \| ([\d, ]+) \|", table, flags=re.M)
    counted = {}
    for names, counts in rows:
        modules = re.findall(r"`(\w+)\.py`", names)
        numbers = [int(n) for n in counts.split(",")]
        assert len(modules) == len(numbers), names
        counted.update(zip(modules, numbers))
    assert set(counted) == TRUSTED
    package = README.parent / "symlandscape"
    for module, lines in counted.items():
        actual = len((package / f"{module}.py").read_text(encoding="utf-8").splitlines())
        assert lines == actual, f"README says {module}.py has {lines} lines; it has {actual}"
