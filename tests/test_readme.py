"""The README's Python examples run as doctests, so the documentation matches the code."""

import doctest
import pathlib
import re

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write files (figures) into the current directory
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


def _shell_examples():
    """The README's shell sessions: (command, expected output) for every ``$ symlandscape ...`` line
    of a plain (unlabelled) code block."""
    blocks, current, plain = [], None, False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if current is None:          # an opening fence
                current, plain = [], line == "```"
            else:                        # a closing fence
                if plain:
                    blocks.append(current)
                current = None
            continue
        if current is not None:
            current.append(line)
    examples = []
    for lines in blocks:
        for i, line in enumerate(lines):
            if line.startswith("$ symlandscape "):
                output = []
                for following in lines[i + 1:]:
                    if following.startswith("$ "):
                        break
                    output.append(following)
                examples.append((line[2:], "\n".join(output).strip()))
    return examples


def test_readme_shell_examples(tmp_path):
    import shlex
    import subprocess
    import sys

    examples = _shell_examples()
    assert len(examples) >= 4, "the README's command-line examples were not found"
    for command, expected in examples:
        words = shlex.split(command)
        target = None
        if ">" in words:
            target = tmp_path / words[words.index(">") + 1]
            words = words[:words.index(">")]
        run = subprocess.run([sys.executable, "-m", "symlandscape", *words[1:]], cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
        if target is not None:
            target.write_text(run.stdout, encoding="utf-8")
            assert run.returncode == 0 and expected == "", command
            continue
        printed = "\n".join(line.rstrip() for line in (run.stdout + run.stderr).strip().splitlines())
        if expected.endswith("\n..."):  # the README shows the beginning of the output
            printed, expected = printed[:len(expected) - 4], expected[:-4]
        assert printed == expected, f"README example {command!r} prints:\n{printed}"


def test_ci_runs_the_readme_test_command_verbatim():
    quick = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    commands = re.search(r"```sh\n(.*?)```", quick, flags=re.S).group(1).splitlines()
    test_command = next(c for c in commands if c.endswith("python -m pytest"))
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
