"""Shared fixtures and Hypothesis settings for the posenc test suite."""

import os

from hypothesis import HealthCheck, settings

# Deterministic by default so that CI is reproducible; POSENC_HYPOTHESIS=thorough explores more.
settings.register_profile(
    "default", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("POSENC_HYPOTHESIS", "default"))
