"""The project's own suite runs in the deterministic ``ci`` Hypothesis profile by default.

The pytest plugin leaves Hypothesis alone unless asked, because it loads in every test run
of an environment where symlandscape is installed.  Our own tests, though, must be
reproducible from a plain ``python -m pytest``: unless a profile is chosen
(``--symlandscape-profile``, ``$SYMLANDSCAPE_PROFILE`` or ``--hypothesis-profile``), they
run in ``ci`` (100 examples, derandomized, no example database).
"""

import os

import pytest

from symlandscape import pytest_plugin


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    chosen = (getattr(config, "_symlandscape_profile", None) or os.environ.get(pytest_plugin.PROFILE_VARIABLE)
              or config.getoption("hypothesis_profile", None))
    if chosen is None:
        from hypothesis import settings

        pytest_plugin.register_profiles()
        settings.load_profile(pytest_plugin.PROFILE_PREFIX + "ci")
