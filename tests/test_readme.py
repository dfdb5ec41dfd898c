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
