"""pytest plugin of symlandscape: Hypothesis profiles for property suites, and claim markers.

Registered through the ``pytest11`` entry point, so pytest loads it in *every* session
of an environment where symlandscape is installed — including other projects' test
runs.  It therefore changes nothing unless asked:

- ``--symlandscape-profile dev|ci|thorough`` (or the environment variable
  ``SYMLANDSCAPE_PROFILE`` when the option is absent) loads one of the Hypothesis
  profiles below.  With neither, the Hypothesis profile in force is left alone (the
  default profile, or whatever ``--hypothesis-profile`` or a conftest loaded).  An
  explicit ``--hypothesis-profile`` wins over this plugin's option.
- markers ``slow`` (a long-running check) and ``claim(*ids)`` (the claim ids of
  ``symlandscape check`` a test checks, e.g. ``@pytest.mark.claim("K16-ii", "K16-iii")``) are
  registered, so ``--strict-markers`` accepts them; ``-m "claim"`` or ``-k`` select.

The profile loaded at configure time is restored at unconfigure time, so an in-process
``pytester`` run with another profile does not leak into the outer session.

Profiles (registered as ``symlandscape-dev``, ``symlandscape-ci``, ``symlandscape-thorough``):

=========  ============  ===========  ========  ========  ======================
profile    max_examples  derandomize  database  deadline  use
=========  ============  ===========  ========  ========  ======================
dev        20            no           default   off       quick local runs
ci         100           yes          none      off       reproducible CI runs
thorough   1000          no           default   off       before a release
=========  ============  ===========  ========  ========  ======================

Deadlines are off everywhere: exact arithmetic has a heavy first call (SymPy caches,
charpolys of growing size) that a wall-clock deadline would report as flakiness.
"""

from __future__ import annotations

import os

try:  # hypothesis is a test extra: without it the plugin still loads (markers only)
    from hypothesis import settings
except ImportError:  # pragma: no cover - exercised only without hypothesis installed
    settings = None

#: Profile name (as given to the option) -> Hypothesis settings keywords.
PROFILES = {
    "dev": {"max_examples": 20, "deadline": None},
    "ci": {"max_examples": 100, "derandomize": True, "database": None, "deadline": None,
           "print_blob": False},
    "thorough": {"max_examples": 1000, "deadline": None},
}
#: Prefix of the registered Hypothesis profile names (avoids clashing with a user's own "ci").
PROFILE_PREFIX = "symlandscape-"
#: Environment variable read when ``--symlandscape-profile`` is not given.
PROFILE_VARIABLE = "SYMLANDSCAPE_PROFILE"

#: Marker lines registered by the plugin (``name(args): description``).
MARKERS = (
    "slow: a long-running check (deselect with -m 'not slow')",
    "claim(*ids): the ids of the claims this test checks (as listed by `symlandscape check`), e.g. claim('K16-ii')",
)

_previous_profiles = {}


def register_profiles():
    """Register the ``symlandscape-*`` Hypothesis profiles (idempotent) and return their names.

    >>> register_profiles()
    ('symlandscape-dev', 'symlandscape-ci', 'symlandscape-thorough')
    >>> settings.get_profile("symlandscape-ci").derandomize
    True
    """
    if settings is None:
        raise ImportError("the symlandscape Hypothesis profiles need hypothesis: pip install 'symlandscape[test]'")
    for name, options in PROFILES.items():
        settings.register_profile(PROFILE_PREFIX + name, **options)
    return tuple(PROFILE_PREFIX + name for name in PROFILES)


def pytest_addoption(parser):
    group = parser.getgroup("symlandscape", "symlandscape property suites")
    group.addoption(
        "--symlandscape-profile",
        action="store",
        dest="symlandscape_profile",
        default=None,
        choices=sorted(PROFILES),
        help="Hypothesis profile for property suites: dev (20 examples), ci (100 examples, "
        f"derandomized, no database), thorough (1000 examples). Default: ${PROFILE_VARIABLE} "
        "if set, else leave Hypothesis's profile alone.",
    )


def _chosen_profile(config):
    chosen = config.getoption("symlandscape_profile", None)
    if chosen is None:
        chosen = os.environ.get(PROFILE_VARIABLE) or None
        if chosen is not None and chosen not in PROFILES:
            import pytest

            raise pytest.UsageError(
                f"{PROFILE_VARIABLE}={chosen!r} is not a symlandscape profile; use one of {sorted(PROFILES)}"
            )
    return chosen


def pytest_configure(config):
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    chosen = _chosen_profile(config)
    config._symlandscape_profile = None
    if settings is None:
        if chosen is not None:
            import pytest

            raise pytest.UsageError(
                f"symlandscape profile {chosen!r} needs hypothesis; install it with pip install 'symlandscape[test]'"
            )
        return
    register_profiles()
    if chosen is None or config.getoption("hypothesis_profile", None) is not None:
        return
    _previous_profiles[id(config)] = settings.get_current_profile_name()
    settings.load_profile(PROFILE_PREFIX + chosen)
    config._symlandscape_profile = chosen


def pytest_unconfigure(config):
    previous = _previous_profiles.pop(id(config), None)
    if previous is not None:
        settings.load_profile(previous)


def pytest_report_header(config):
    chosen = getattr(config, "_symlandscape_profile", None)
    if chosen is None:
        return None
    options = ", ".join(f"{k}={v}" for k, v in PROFILES[chosen].items())
    return f"symlandscape: Hypothesis profile {PROFILE_PREFIX + chosen!r} ({options})"
