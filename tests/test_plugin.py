"""The pytest plugin: ``--symlandscape-profile`` maps to Hypothesis settings, markers are registered."""

import importlib.metadata
import os
import pathlib
import subprocess
import sys

import pytest
from hypothesis import settings

from symlandscape import pytest_plugin

# The plugin arrives through the pytest11 entry point when symlandscape is installed
# (CI installs it in editable mode); from a bare checkout it has to be named with -p.
_INSTALLED = any(ep.value == "symlandscape.pytest_plugin" for ep in importlib.metadata.entry_points(group="pytest11"))
# The outer session imported the plugin already, so the inner one cannot assertion-rewrite it.
PLUGIN = ["-W", "ignore::pytest.PytestAssertRewriteWarning"] + (
    [] if _INSTALLED else ["-p", "symlandscape.pytest_plugin"])

SETTINGS_PROBE = """
from hypothesis import given, settings, strategies as st

CALLS = []

@given(st.integers())
def test_probe(n):
    CALLS.append(n)

def test_settings():
    s = settings()
    print("PROBE", settings.get_current_profile_name(), s.max_examples, s.derandomize,
          s.database is None, s.deadline)

def test_calls():
    print("CALLS", len(CALLS), CALLS[:8])
"""


@pytest.fixture
def probe(pytester, monkeypatch):
    monkeypatch.delenv(pytest_plugin.PROFILE_VARIABLE, raising=False)
    pytester.makepyfile(test_probe=SETTINGS_PROBE)

    def run(*args):
        result = pytester.runpytest_inprocess(*PLUGIN, "-s", "-p", "no:cacheprovider", *args)
        # with -s the prints land in the middle of the progress line
        line = next(line[line.index("PROBE"):] for line in result.outlines if "PROBE" in line)
        calls = next(line[line.index("CALLS"):] for line in result.outlines if "CALLS" in line)
        _, name, examples, derandomize, no_database, deadline = line.split()
        calls = calls.rstrip(".")
        return result, {
            "profile": name,
            "max_examples": int(examples),
            "derandomize": derandomize == "True",
            "database": no_database != "True",
            "deadline": deadline,
            "calls": int(calls.split()[1]),
            "drawn": calls.split(maxsplit=2)[2],
        }

    return run


def test_ci_profile_is_derandomized_without_database_or_deadline(probe):
    result, seen = probe("--symlandscape-profile=ci")
    result.assert_outcomes(passed=3)
    seen.pop("drawn")
    assert seen == {"profile": "symlandscape-ci", "max_examples": 100, "derandomize": True,
                    "database": False, "deadline": "None", "calls": 100}
    result.stdout.fnmatch_lines(["symlandscape: Hypothesis profile 'symlandscape-ci' (max_examples=100, *"])


@pytest.mark.parametrize("name, examples", [("dev", 20), ("thorough", 1000)])
def test_dev_and_thorough_profiles(probe, name, examples):
    result, seen = probe("--symlandscape-profile", name)
    result.assert_outcomes(passed=3)
    assert (seen["profile"], seen["max_examples"], seen["calls"], seen["deadline"]) == (
        f"symlandscape-{name}", examples, examples, "None")


def test_ci_runs_are_reproducible(probe):
    # derandomized: two runs draw the very same examples (dev, randomized, need not)
    _, first = probe("--symlandscape-profile=ci")
    _, second = probe("--symlandscape-profile=ci")
    assert first["drawn"] == second["drawn"] and first["drawn"].count(",") == 7


def test_without_the_option_the_current_profile_is_left_alone(probe):
    before = settings.get_current_profile_name()
    result, seen = probe()
    result.assert_outcomes(passed=3)
    assert seen["profile"] == before
    assert "symlandscape: Hypothesis profile" not in result.stdout.str()


def test_environment_variable_is_the_fallback(probe, monkeypatch):
    monkeypatch.setenv(pytest_plugin.PROFILE_VARIABLE, "dev")
    result, seen = probe()
    assert (seen["profile"], seen["calls"]) == ("symlandscape-dev", 20)
    # the option wins over the variable
    result, seen = probe("--symlandscape-profile=ci")
    assert seen["profile"] == "symlandscape-ci"


def test_explicit_hypothesis_profile_wins(probe, pytester):
    pytester.makeconftest(
        "from hypothesis import settings\nsettings.register_profile('mine', max_examples=7, deadline=None)\n"
    )
    result, seen = probe("--symlandscape-profile=ci", "--hypothesis-profile=mine")
    assert (seen["profile"], seen["calls"]) == ("mine", 7)


def test_the_outer_profile_is_restored_after_an_in_process_run(probe):
    before = settings.get_current_profile_name()
    probe("--symlandscape-profile=dev")
    assert settings.get_current_profile_name() == before


def test_unknown_profile_is_a_usage_error(pytester, monkeypatch):
    monkeypatch.delenv(pytest_plugin.PROFILE_VARIABLE, raising=False)
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess(*PLUGIN, "--symlandscape-profile=fast")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--symlandscape-profile: invalid choice: 'fast'*"])
    monkeypatch.setenv(pytest_plugin.PROFILE_VARIABLE, "fast")
    result = pytester.runpytest_inprocess(*PLUGIN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*SYMLANDSCAPE_PROFILE='fast' is not a symlandscape profile*"])


def test_markers_are_registered_for_strict_markers(pytester, monkeypatch):
    monkeypatch.delenv(pytest_plugin.PROFILE_VARIABLE, raising=False)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.claim("K16-ii", "K16-iii")
        def test_claimed():
            pass

        @pytest.mark.slow
        def test_slow():
            pass

        def test_plain():
            pass
        """
    )
    result = pytester.runpytest_inprocess(*PLUGIN, "--strict-markers", "-m", "claim")
    result.assert_outcomes(passed=1, deselected=2)
    result = pytester.runpytest_inprocess(*PLUGIN, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.slow: a long-running check*", "@pytest.mark.claim(*ids): the ids of the claims*"])
    assert "CLAIMS.md" not in result.stdout.str()


def test_help_lists_the_option(pytester):
    result = pytester.runpytest_inprocess(*PLUGIN, "--help")
    result.stdout.fnmatch_lines(["*--symlandscape-profile={ci,dev,thorough}*"])


def test_registered_profiles_match_the_table():
    names = pytest_plugin.register_profiles()
    assert names == ("symlandscape-dev", "symlandscape-ci", "symlandscape-thorough")
    ci = settings.get_profile("symlandscape-ci")
    assert (ci.max_examples, ci.derandomize, ci.database, ci.deadline) == (100, True, None, None)
    assert settings.get_profile("symlandscape-dev").max_examples < 100 < settings.get_profile(
        "symlandscape-thorough").max_examples


WITHOUT_HYPOTHESIS = """
import sys


class NoHypothesis:  # as if the test extra were not installed
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("hypothesis", "_hypothesis_pytestplugin"):
            raise ImportError(f"No module named {name!r}")


sys.meta_path.insert(0, NoHypothesis())
import pytest
import symlandscape.pytest_plugin as plugin
assert plugin.settings is None
args = {plugin_args!r} + ["-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-q"]
markers = pytest.main(args + ["--markers"])
profile = pytest.main(args + ["--symlandscape-profile=ci"])
print("EXIT", int(markers), int(profile))
"""


def test_the_plugin_loads_without_hypothesis(pytester):
    # an installed plugin loads in every pytest run: it must not need the test extra
    pytester.makepyfile("def test_nothing():\n    pass\n")
    source = WITHOUT_HYPOTHESIS.replace("{plugin_args!r}", repr(PLUGIN))
    root = pathlib.Path(pytest_plugin.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop(pytest_plugin.PROFILE_VARIABLE, None)
    done = subprocess.run([sys.executable, "-c", source], cwd=pytester.path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "EXIT 0 4" in done.stdout, done.stdout + done.stderr
    assert "@pytest.mark.claim(*ids)" in done.stdout
    assert "symlandscape profile 'ci' needs hypothesis" in done.stderr
