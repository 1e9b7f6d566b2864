"""The daemon.json merge that registers gVisor: unit tests, no engine and no root needed."""

import json
import os
import stat

import pytest

from vlab.core import daemon_config as dc
from vlab.core.errors import ToolMissing

RUNTIMES = dc.runsc_runtimes("/usr/bin/runsc", "ptrace")


def test_pre_existing_keys_and_runtimes_survive(tmp_path):
    path = tmp_path / "daemon.json"
    old = {"log-driver": "journald", "data-root": "/srv/docker", "insecure-registries": ["r:5000"],
           "runtimes": {"nvidia": {"path": "/usr/bin/nvidia-container-runtime"}}}
    path.write_text(json.dumps(old))
    os.chmod(path, 0o600)
    changes, backup = dc.register(path, RUNTIMES)
    new = json.loads(path.read_text())
    for key in ("log-driver", "data-root", "insecure-registries"):
        assert new[key] == old[key]
    assert new["runtimes"]["nvidia"] == old["runtimes"]["nvidia"]
    assert new["runtimes"]["runsc"]["runtimeArgs"] == ["--platform=ptrace", "--network=none"]
    assert set(new["runtimes"]) == {"nvidia", "runsc"}  # runsc-net is no longer registered (it fails here)
    assert [c[:16] for c in changes] == ["+ runtimes.runsc"]
    assert backup is not None and json.loads(backup.read_text()) == old  # the old file is kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the old permissions too


def test_second_run_changes_nothing(tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text('{"debug": true}')
    dc.register(path, RUNTIMES)
    text = path.read_text()
    backups = sorted(tmp_path.glob("daemon.json.vlab-backup-*"))
    changes, backup = dc.register(path, RUNTIMES)
    assert changes == [] and backup is None
    assert path.read_text() == text
    assert sorted(tmp_path.glob("daemon.json.vlab-backup-*")) == backups


def test_missing_file_is_created_without_backup(tmp_path):
    path = tmp_path / "docker" / "daemon.json"
    changes, backup = dc.register(path, RUNTIMES)
    assert backup is None and len(changes) == 1
    assert set(json.loads(path.read_text())) == {"runtimes"}


@pytest.mark.parametrize("text", ['{"debug": true,', "[1, 2]", '{"runtimes": "runc"}'])
def test_malformed_file_is_not_overwritten(tmp_path, text):
    path = tmp_path / "daemon.json"
    path.write_text(text)
    with pytest.raises(dc.DaemonConfigError) as err:
        dc.register(path, RUNTIMES)
    assert "left untouched" in err.value.message and "daemon.json" in err.value.hint
    assert path.read_text() == text
    assert list(tmp_path.iterdir()) == [path]


def test_existing_runsc_entry_is_kept_and_reported(tmp_path):
    path = tmp_path / "daemon.json"
    mine = {"path": "/opt/runsc", "runtimeArgs": ["--platform=kvm"]}
    path.write_text(json.dumps({"runtimes": {"runsc": mine}}))
    changes, _ = dc.register(path, RUNTIMES)
    assert json.loads(path.read_text())["runtimes"]["runsc"] == mine
    assert any(c.startswith("= runtimes.runsc kept") for c in changes)


def test_runsc_net_of_an_earlier_vlab_is_removed_and_anyone_elses_kept(tmp_path):
    path = tmp_path / "daemon.json"
    old = {"debug": True, "runtimes": {**RUNTIMES, **dc.retired_runtimes("/usr/bin/runsc", "ptrace")}}
    path.write_text(json.dumps(old))
    changes, backup = dc.register(path, RUNTIMES, retire=dc.retired_runtimes("/usr/bin/runsc", "ptrace"))
    assert [c[:20] for c in changes] == ["- runtimes.runsc-net"]
    assert json.loads(path.read_text()) == {"debug": True, "runtimes": RUNTIMES}
    assert backup is not None and json.loads(backup.read_text()) == old
    theirs = {"path": "/opt/runsc", "runtimeArgs": ["--network=sandbox"]}
    path.write_text(json.dumps({"runtimes": {"runsc-net": theirs}}))
    changes, _ = dc.register(path, RUNTIMES, retire=dc.retired_runtimes("/usr/bin/runsc", "ptrace"))
    assert json.loads(path.read_text())["runtimes"]["runsc-net"] == theirs
    assert not any(c.startswith("-") for c in changes)


def test_reload_is_retried_until_the_engine_lists_runsc():
    """A reload the engine missed (the first SIGHUP lost, or a daemon.json written while it was down) is
    retried, and the engine's list read again each time; stand-ins for dockerd and `docker info`."""
    config = {"runtimes": RUNTIMES}
    assert dc.out_of_step(config, {"runc"}) == ["runsc"]
    assert dc.out_of_step(config, {"runc", "runsc", "runsc-net"}) == ["runsc-net"]
    assert dc.out_of_step(config, {"runc", "runsc"}) == []
    state = {"reloads": 0}

    def reload():
        state["reloads"] += 1
        return 4242

    def listed():  # the engine picks the change up only at the second reload
        return {"runc", "runsc"} if state["reloads"] >= 2 else {"runc"}

    msg = dc.reload_until_listed(config, listed=listed, reload=reload, wait_s=1.0, sleep=lambda s: None)
    assert state["reloads"] == 2 and "2 time(s)" in msg and "runsc" in msg
    state["reloads"] = -10
    with pytest.raises(dc.DaemonConfigError) as err:
        dc.reload_until_listed(config, listed=listed, reload=reload, tries=3, wait_s=1.0, sleep=lambda s: None)
    assert "still out of step" in err.value.message and "runsc" in err.value.message
    assert "kill -HUP" in err.value.hint and state["reloads"] == -7


def test_main_reloads_when_the_engine_lacks_a_registered_runtime(tmp_path, capsys, monkeypatch):
    """Nothing to add, but the engine does not list runsc: main() reloads (a failed first reload is retried)."""
    path = tmp_path / "daemon.json"
    path.write_text(json.dumps({"runtimes": RUNTIMES}))
    sent = []
    engine = {"runc"}
    monkeypatch.setattr(dc, "engine_runtimes", lambda: set(engine))
    monkeypatch.setattr(dc, "reload_dockerd", lambda: sent.append(1) or engine.add("runsc") or 99)
    monkeypatch.setattr(dc.time, "sleep", lambda s: None)
    argv = ["--path", str(path), "--runsc", "/usr/bin/runsc", "--platform", "ptrace"]
    assert dc.main(argv) == 0
    out = capsys.readouterr().out
    assert sent == [1] and "does not list" in out and "it now lists runsc" in out
    assert dc.main(argv) == 0  # in step now: no second reload
    assert sent == [1] and "nothing to reload" in capsys.readouterr().out


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text("{}")
    changes, backup = dc.register(path, RUNTIMES, dry_run=True)
    assert changes and backup is None and path.read_text() == "{}"


def test_platform_choice():
    assert dc.choose_platform(["kvm", "ptrace"]) == "ptrace"
    assert dc.choose_platform(["kvm", "ptrace", "systrap"]) == "systrap"
    assert dc.runtime_platform({"path": "/usr/bin/runsc", "runtimeArgs": ["--platform=systrap"]}) == "systrap"
    assert dc.runtime_platform({"path": "runc"}) is None


def test_installed_runsc_lists_ptrace():
    try:
        runsc = dc.find_runsc()
    except ToolMissing:
        pytest.skip("runsc is not installed")
    assert "ptrace" in dc.platforms(runsc)


def test_cli_on_a_scratch_file(tmp_path, capsys):
    path = tmp_path / "daemon.json"
    path.write_text('{"log-level": "warn"}')
    assert dc.main(["--path", str(path), "--runsc", "/usr/bin/runsc", "--platform", "ptrace", "--no-reload"]) == 0
    out = capsys.readouterr().out
    assert "+ runtimes.runsc" in out and "previous file kept" in out
    assert json.loads(path.read_text())["log-level"] == "warn"
    path.write_text("{oops")
    assert dc.main(["--path", str(path), "--runsc", "/usr/bin/runsc", "--platform", "ptrace", "--no-reload"]) == 1
    assert path.read_text() == "{oops"
