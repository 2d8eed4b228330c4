"""Shared test setup."""

from hypothesis import HealthCheck, settings

# These machines are shared and noisy: time is never a pass/fail criterion here.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")
