"""Shared test setup."""

import pytest
from hypothesis import HealthCheck, settings

from voicedesk.fields import Dialect

# These machines are shared and noisy: time is never a pass/fail criterion here.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("default")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch):
    """Drafts, history and config of a test live in its own folders, never the user's."""
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("VOICEDESK_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(params=list(Dialect), ids=[d.value for d in Dialect])
def dialect(request) -> Dialect:
    """Run the test once per dialect of the update contract (api-contract.md)."""
    return request.param
