"""Servers lab: argument checks and recorded facts without an engine; real HTTP against real containers."""

from __future__ import annotations

import pytest

from vlab.core import replay
from vlab.core.errors import BadParameter, DataError
from vlab.labs import servers


# ----------------------------------------------------------------- no engine needed
@pytest.mark.parametrize("host", ["8.8.8.8", "example.com", "1.1.1.1"])
def test_requests_only_go_to_addresses_on_this_machine(host):
    with pytest.raises(BadParameter) as info:
        servers.request(host, "/")
    assert info.value.hint


def test_bad_path_and_kind_are_rejected_before_anything_starts():
    with pytest.raises(BadParameter):
        servers.request("127.0.0.1", "no-slash")
    with pytest.raises(BadParameter):
        servers.kind("mainframe")
    with pytest.raises(BadParameter):
        with servers.running(["web", "web"]):
            pass
    with pytest.raises(BadParameter):
        with servers.running([]):
            pass
    with pytest.raises(BadParameter):
        with servers.running(["web"], pages={"app": "x"}):
            pass
    with pytest.raises(BadParameter):
        with servers.running(["web"], memory="1t"):
            pass
    with pytest.raises(BadParameter):
        servers.check_page("x" * (servers.MAX_PAGE + 1))


def test_scripts_bind_above_1024_and_write_every_program():
    for name, k in servers.KINDS.items():
        script = servers.server_script(name)
        assert f"httpd -f -p {servers.PORT}" in script and servers.PORT > 1024
        for cgi in k.cgi:
            assert f"/www/cgi-bin/{cgi}" in script
    limits = servers.server_limits()
    assert limits.cap_add == () and limits.network == "bridge"


def test_shipped_recording_shows_every_claim():
    res = replay.load("servers")
    assert res.replayed and res.kind == "servers"
    facts = servers.facts(res)
    assert len(facts) == 7 and all(facts.values()), facts
    assert "REPLAY" in servers.source(res)
    assert all(r.replayed for r in servers.responses(res))
    tbl = servers.table(res)
    assert len(tbl) == len(servers.TOUR) and set(tbl["server"]) == set(servers.KINDS)
    assert set(servers.inside(res)["memory_limit_mib"]) == {32}


def test_facts_detect_a_static_page_that_changed():
    res = replay.load("servers")
    rows = res.samples.copy()
    first_web = rows.index[(rows["server"] == "web") & (rows["path"] == "/")][0]
    rows.loc[first_web, "body_sha256"] = "0" * 64
    res.samples = rows
    assert servers.facts(res)["static page identical on two requests"] is False


def test_replay_ask_returns_recorded_answer_or_says_what_is_recorded(monkeypatch):
    from vlab.core import mode

    monkeypatch.setenv("VLAB_MODE", "replay")
    mode.current.cache_clear()
    try:
        r = servers.ask("app", "/cgi-bin/app?n=10")
        assert r.replayed and r.json()["sum_1_to_n"] == 55
        with pytest.raises(DataError) as info:
            servers.ask("app", "/cgi-bin/app?n=11")
        assert "Recorded paths" in info.value.hint
    finally:
        mode.current.cache_clear()


# ----------------------------------------------------------------- live, real HTTP
def test_live_static_vs_dynamic_and_cleanup(engine):
    with servers.running(["web", "app"], pages={"web": "<p>fixed</p>"}) as lab:
        ids = [s.box.id for s in lab.servers.values()]
        a, b = lab.get("web", "/"), lab.get("web", "/")
        assert a.status == b.status == 200 and a.body == b.body == "<p>fixed</p>"
        assert a.body_sha256 == b.body_sha256
        x, y = lab.get("app", "/cgi-bin/app?n=10"), lab.get("app", "/cgi-bin/app?n=10")
        assert x.json()["request_number"] + 1 == y.json()["request_number"]
        assert x.json()["sum_1_to_n"] == y.json()["sum_1_to_n"] == 55
        assert lab.get("app", "/cgi-bin/app?n=abc").json()["n"] == 0  # bad input is handled by the WAS
        assert lab.get("web", "/missing").status == 404
        info = lab["web"].box.inspect()
        assert info["HostConfig"]["CapDrop"] == ["ALL"] and not info["HostConfig"]["CapAdd"]
        assert info["Config"]["Labels"]["vlab"] == "1"
        net = next(iter(info["NetworkSettings"]["Networks"]))
        assert net.startswith("vlab-servers-")
    left = {c["Id"] for c in engine.api.containers(all=True, filters={"label": ["vlab"]})}
    assert not left & set(ids)
    assert engine.api.networks(names=[net]) == []


def test_live_servers_removed_when_the_block_raises(engine):
    ids = []
    with pytest.raises(RuntimeError):
        with servers.running(["db"]) as lab:
            ids.append(lab["db"].box.id)
            raise RuntimeError("learner's code failed")
    left = {c["Id"] for c in engine.api.containers(all=True, filters={"label": ["vlab"]})}
    assert ids and not left & set(ids)


def test_live_tour_claims_hold(engine):
    res = servers._tour_live(quick=True)
    assert not res.partial and not res.replayed
    facts = servers.facts(res)
    assert all(facts.values()), facts
    assert len(res.samples) == len(servers.TOUR)
    assert set(servers.inside(res)["memory_limit_mib"]) == {32}
    assert res.provenance.get("engine", {}).get("server_version")
