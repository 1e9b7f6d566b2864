"""Shared fixtures. Engine tests skip without Docker, except under VLAB_REQUIRE_ENGINE=1 (CI)."""

from __future__ import annotations

import pytest

from vlab.core import settings

settings.export_run_id()  # children the tests start tag their containers with this session's run id


def _require_engine() -> bool:
    return settings.get().require_engine


@pytest.fixture(scope="session")
def engine():
    """A connected docker client; skips (or fails in CI) when no engine is reachable."""
    from vlab.core.engine import connect
    from vlab.core.errors import EngineError
    from vlab.core.images import ensure_all

    if settings.forced_mode() == "replay":
        pytest.skip("VLAB_MODE=replay: engine tests are skipped")
    try:
        client = connect()
        ensure_all(client)
    except EngineError as exc:
        if _require_engine():
            pytest.fail(f"CI requires a Docker engine: {exc}")
        pytest.skip(f"no Docker engine: {exc.message}")
    return client


@pytest.fixture(scope="session", autouse=True)
def no_leftovers_after_session():
    """After the whole session, this run must have left no vlab container behind."""
    yield
    from vlab.core.engine import reachable
    from vlab.core.sandbox import leftovers

    if settings.forced_mode() != "replay" and reachable():
        left = leftovers(this_run=True)
        assert not left, f"containers left behind by this test run: {left}"
