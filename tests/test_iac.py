"""IaC: the diff engine without an engine (pure), the simulated backend, and live apply/destroy."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlab.core.errors import BadParameter, DataError
from vlab.labs import iac

SPEC = """
name = "t"
[servers.web]
kind = "web"
page = "<h1>hi</h1>"
[servers.app]
kind = "app"
"""


def actual_of(env: iac.Environment, running: bool = True) -> dict[str, iac.Actual]:
    return {s.name: iac.Actual(s.name, s.config(), iac.config_hash(s.config()), running, f"id-{s.name}")
            for s in env.servers}


# ----------------------------------------------------------------- declaration parsing and validation
def test_loads_reads_servers_in_order():
    env = iac.loads(SPEC)
    assert env.name == "t"
    assert [(s.name, s.kind) for s in env.servers] == [("web", "web"), ("app", "app")]
    assert env.server("web").page == "<h1>hi</h1>"


def test_shipped_declaration_parses():
    path = os.path.join(os.path.dirname(__file__), "..", "notebooks", "environment.toml")
    env = iac.load(path)
    assert env.name == "shop" and {s.kind for s in env.servers} == {"web", "app"}


def test_to_toml_round_trips():
    env = iac.loads(SPEC).with_server("db", kind="db", memory="48m", cpus=0.25)
    assert iac.loads(iac.to_toml(env)) == env


@pytest.mark.parametrize("text, error", [
    ("name = ", DataError),                                        # not TOML
    ('name = "t"\n[servers.web]\nkind = "mainframe"', BadParameter),  # unknown kind
    ('name = "Bad Name"', BadParameter),                           # invalid env name
    ('name = "t"\n[servers.web]\ncolour = "red"', DataError),      # unknown key
    ('name = "t"\nextra = 1', DataError),                          # unknown top-level key
    ('name = "t"\n[servers.web]\nmemory = "1t"', BadParameter),    # bad memory
    ('name = "t"\n[servers.web]\ncpus = 0', BadParameter),         # bad cpus
])
def test_bad_declarations_raise_vlab_errors_with_hints(text, error):
    with pytest.raises(error) as info:
        iac.loads(text)
    assert info.value.hint


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        iac.load(tmp_path / "nope.toml")


def test_edits_return_new_environments_and_validate():
    env = iac.loads(SPEC)
    assert env.with_page("web", "x").server("web").page == "x"
    assert env.server("web").page == "<h1>hi</h1>"  # the original is unchanged
    assert [s.name for s in env.without_server("app").servers] == ["web"]
    with pytest.raises(BadParameter):
        env.with_server("web")
    with pytest.raises(BadParameter):
        env.with_page("nope", "x")
    with pytest.raises(BadParameter):
        iac.Environment("t", (iac.ServerDecl("a"), iac.ServerDecl("a")))


# ----------------------------------------------------------------- the diff engine (pure)
def test_empty_actual_plans_creates():
    env = iac.loads(SPEC)
    p = iac.diff(env, {})
    assert p.of("create") == ["web", "app"] and not p.empty
    assert p.summary() == "Plan: 2 to create, 0 to replace, 0 to delete, 0 unchanged."


def test_matching_actual_plans_no_changes():
    env = iac.loads(SPEC)
    p = iac.diff(env, actual_of(env))
    assert p.empty and p.of("keep") == ["web", "app"]
    assert p.summary().startswith("No changes")


def test_page_edit_replaces_exactly_that_server_and_shows_the_attribute():
    env = iac.loads(SPEC)
    p = iac.diff(env.with_page("web", "<h1>sale</h1>"), actual_of(env))
    assert p.of("replace") == ["web"] and p.of("keep") == ["app"]
    (change,) = [c for c in p.changes if c.action == "replace"]
    assert change.diff == (("page", "<h1>hi</h1>", "<h1>sale</h1>"),)
    assert "page" in str(change)


def test_removed_server_is_deleted_and_stopped_server_is_replaced():
    env = iac.loads(SPEC)
    actual = actual_of(env)
    actual["web"].running = False
    p = iac.diff(env.without_server("app"), actual)
    assert p.of("delete") == ["app"]
    assert [c.reason for c in p.changes if c.server == "web"] == ["container is not running"]


def test_unlabelled_or_tampered_config_is_replaced():
    env = iac.loads(SPEC)
    actual = actual_of(env)
    actual["web"].hash = "tampered"
    assert iac.diff(env, actual).of("replace") == ["web"]


names = st.sampled_from(["a", "b", "c", "d", "e"])
decls = st.builds(iac.ServerDecl, name=names, kind=st.sampled_from(list(iac.servers.KINDS)),
                  page=st.one_of(st.none(), st.text(max_size=20)), memory=st.sampled_from(["16m", "32m"]),
                  cpus=st.sampled_from([0.25, 0.5]))
envs = st.lists(decls, max_size=5, unique_by=lambda d: d.name).map(lambda ds: iac.Environment("p", tuple(ds)))


@settings(max_examples=60, deadline=None)
@given(before=envs, after=envs)
def test_apply_then_plan_is_always_empty(before, after):
    """Property: whatever existed, after apply the plan is empty, and a second apply does nothing."""
    backend = iac.SimulatedState()
    iac.apply(before, backend)
    p = iac.plan(after, backend)
    declared, existing = {s.name for s in after.servers}, {s.name for s in before.servers}
    assert set(p.of("create")) == declared - existing
    assert set(p.of("delete")) == existing - declared
    report = iac.apply(after, backend)
    assert report.complete
    assert iac.plan(after, backend).empty
    assert not iac.apply(after, backend).changed
    assert {a.name for a in backend.read("p").values()} == declared
    iac.destroy("p", backend)
    assert backend.read("p") == {}


def test_simulated_plans_say_so():
    backend = iac.SimulatedState()
    p = iac.plan(iac.loads(SPEC), backend)
    assert p.simulated and "SIMULATED" in str(p)
    assert "simulated" in iac.peek("t", "web", backend=backend)


def test_simulated_drift_is_repaired():
    backend = iac.SimulatedState()
    env = iac.loads(SPEC)
    iac.apply(env, backend)
    iac.break_server(env, "app", backend)
    assert iac.plan(env, backend).of("replace") == ["app"]
    iac.apply(env, backend)
    assert iac.plan(env, backend).empty


def test_state_rejects_unknown_source():
    with pytest.raises(BadParameter):
        iac.state("cloud")


# ----------------------------------------------------------------- live, on the engine
@pytest.fixture
def live_env(engine):
    name = f"t{os.getpid() % 100000}-{os.urandom(2).hex()}"
    env = iac.Environment(name, (iac.ServerDecl("web", "web", page="<p>one</p>"), iac.ServerDecl("app", "app")))
    yield env
    iac.destroy(name, iac.EngineState(engine))


def _iac_containers(engine, name: str) -> list[dict]:
    return engine.api.containers(all=True, filters={"label": [f"{iac.LABEL}={name}"]})


def test_live_apply_is_idempotent_edit_replaces_one_and_destroy_leaves_nothing(engine, live_env):
    backend = iac.EngineState(engine)
    first = iac.apply(live_env, backend)
    assert first.summary() == "Applied: 2 created, 0 replaced, 0 deleted."
    ids = {c["Id"] for c in _iac_containers(engine, live_env.name)}
    assert len(ids) == 2
    assert iac.fetch(live_env, "web", backend=backend).body == "<p>one</p>"

    second = iac.apply(live_env, backend)
    assert not second.changed and second.summary().startswith("No changes")
    assert {c["Id"] for c in _iac_containers(engine, live_env.name)} == ids  # nothing was touched

    edited = live_env.with_page("web", "<p>two</p>")
    third = iac.apply(edited, backend)
    assert third.summary() == "Applied: 0 created, 1 replaced, 0 deleted."
    after = {c["Id"] for c in _iac_containers(engine, live_env.name)}
    assert len(after & ids) == 1 and len(after) == 2  # the app server survived, the web server is new
    assert iac.fetch(edited, "web", backend=backend).body == "<p>two</p>"

    # every container went through the sandbox: vlab label, limits, no capabilities
    for c in _iac_containers(engine, live_env.name):
        info = engine.api.inspect_container(c["Id"])
        assert info["Config"]["Labels"]["vlab"] == "1"
        assert info["HostConfig"]["Memory"] == 32 * 2**20 and info["HostConfig"]["PidsLimit"] > 0
        assert info["HostConfig"]["CapDrop"] == ["ALL"] and not info["HostConfig"]["Privileged"]
        assert json.loads(info["Config"]["Labels"][iac.CONFIG_LABEL])["kind"] in {"web", "app"}

    gone = iac.destroy(live_env, backend)
    assert gone.summary() == "Applied: 0 created, 0 replaced, 2 deleted."
    assert _iac_containers(engine, live_env.name) == []
    assert engine.api.networks(names=[iac.network_name(live_env.name)]) == []
    assert iac.destroy(live_env, backend).summary().startswith("Nothing to destroy")


def test_live_drift_is_detected_and_repaired(engine, live_env):
    backend = iac.EngineState(engine)
    iac.apply(live_env, backend)
    iac.break_server(live_env, "app", backend)
    p = iac.plan(live_env, backend)
    assert p.of("replace") == ["app"] and p.of("keep") == ["web"]
    iac.apply(live_env, backend)
    assert iac.plan(live_env, backend).empty
