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


def test_live_ask_measures_through_the_replay_idiom(engine, monkeypatch):
    from vlab.core import mode

    monkeypatch.setattr(mode, "current", lambda: mode.Mode("live", "test: the engine fixture answered"))
    r = servers.ask("app", "/cgi-bin/app?n=12")  # not a recorded path: only a live server can answer it
    assert not r.replayed and r.status == 200 and r.json()["sum_1_to_n"] == 78
    assert servers._ask.replay_kind == "servers"


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


# ----------------------------------------------------------------- behind a proxy (common at universities)
def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens here once the socket is closed


def _proxy_env(monkeypatch) -> str:
    proxy = f"http://127.0.0.1:{_closed_port()}"
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(var, proxy)
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    return proxy


def test_request_bypasses_a_proxy_that_cannot_reach_the_containers(monkeypatch):
    import http.server
    import threading
    import urllib.error
    import urllib.request

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = b"direct"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        _proxy_env(monkeypatch)
        url = f"http://127.0.0.1:{srv.server_port}/"
        with pytest.raises(urllib.error.URLError):  # the environment really sends plain urllib to the dead proxy
            # a fresh opener reads the proxy variables now (urlopen's global one may have been built earlier)
            urllib.request.build_opener().open(url, timeout=5)
        r = servers.request("127.0.0.1", "/", port=srv.server_port, server="test")
        assert r.status == 200 and r.body == "direct"
    finally:
        srv.shutdown()
        srv.server_close()


def test_live_servers_answer_with_a_dead_proxy_set(engine, monkeypatch):
    _proxy_env(monkeypatch)
    with servers.running(["web"], pages={"web": "<p>no proxy</p>"}) as lab:
        assert lab.get("web", "/").body == "<p>no proxy</p>"


def test_notebook_01_passes_live_behind_a_dead_proxy(engine, tmp_path):
    """Done-when of issue 11: with http_proxy/HTTP_PROXY at a closed local port, notebook 01 passes nbval live."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy" and k != "VLAB_MODE"}
    env.update({v: proxy for v in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY")},
               VLAB_QUICK="1")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                          str(root / "notebooks" / "01_servers.ipynb")], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " passed" in out.stdout and " failed" not in out.stdout
