"""Security lab: capability decoding, refusals (no daemon), then kernel, capabilities and seccomp live."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vlab.core import replay
from vlab.core.errors import BadParameter
from vlab.core.sandbox import Limits
from vlab.labs import security


def test_docker_default_mask_decodes_to_the_documented_set():
    # CapEff of a default `docker run` container (and CapBnd in Docker's docs).
    assert set(security.decode_caps("00000000a80425fb")) == set(security.DOCKER_DEFAULT_CAPS)
    assert security.decode_caps("0000000000000000") == []
    assert security.decode_caps(1 << 21) == ["SYS_ADMIN"]


@given(st.sets(st.sampled_from(security.CAP_NAMES)))
def test_encode_decode_round_trip(names):
    assert set(security.decode_caps(security.encode_caps(names))) == names
    assert set(security.decode_caps(format(security.encode_caps(names), "016x"))) == names


@pytest.mark.parametrize("bad", ["zz", -1, None, True])
def test_decode_rejects_garbage(bad):
    with pytest.raises(BadParameter):
        security.decode_caps(bad)


def test_socket_mount_and_privileged_are_refused():
    assert "Docker socket" in security.socket_refusal()
    assert "Docker socket" in security.socket_refusal("/run/docker.sock")
    with pytest.raises(BadParameter):
        Limits(security_opt=["privileged"])
    assert "root" in security.SOCKET_WHY


def test_dangerous_devices():
    assert security.is_dangerous("c:mem") and security.is_dangerous("b:sda1")
    assert not security.is_dangerous("c:null") and not security.is_dangerous("c:urandom")


def test_recordings_state_the_lessons():
    assert security.same_kernel(replay.load("sec_kernel"))
    caps = replay.load("sec_caps").samples.set_index("config")
    assert caps.loc["vlab sandbox (cap_drop ALL)", "count"] == 0
    assert caps.loc["Docker default set", "count"] == len(security.DOCKER_DEFAULT_CAPS)
    table = security.comparison_table()
    assert {"kernel", "another OS?", "start (median)", "security (S3.8)"} <= set(table["aspect"])


def test_shared_kernel_live(engine):
    res = security.shared_kernel(runs=1)
    assert security.same_kernel(res)
    assert "not permitted" in res.extra["insmod"].lower()
    assert len(res.extra["container_run_ms"]) == 1 and res.extra["container_run_ms"][0] > 0


def test_capabilities_live(engine):
    df = security.capabilities().samples.set_index("config")
    none, default = df.loc["vlab sandbox (cap_drop ALL)"], df.loc["Docker default set"]
    assert none["count"] == 0 and not none["chown_allowed"] and not none["mknod_allowed"]
    assert default["count"] == 14 and default["chown_allowed"] and default["chroot_allowed"]
    assert set(default["capabilities"].split()) == set(security.DOCKER_DEFAULT_CAPS)


def test_privileged_view_live(engine):
    res = security.privileged_view()
    df = res.samples
    assert "c:null" in set(df[df["in_sandbox"]]["node"])
    assert not df[df["in_sandbox"] & df["dangerous"]]["node"].str.contains("mem|sda|vda|kmsg").any()
    assert res.extra["sandbox_hostconfig"]["Privileged"] is False
    assert len(security.privileged_table(res)) == len(security.PRIVILEGED_EFFECTS)


def test_seccomp_live(engine):
    res = security.seccomp_demo()
    assert res.extra["seccomp_mode"] == {"default": "2", "unconfined": "0"}
    df = res.samples.set_index("operation")
    assert not df.loc["create a user namespace", "default_seccomp_ok"]
    # capabilities stay dropped: mount fails with or without seccomp
    assert not df.loc["mount a filesystem", "default_seccomp_ok"] and not df.loc["mount a filesystem", "unconfined_ok"]
    assert not df["default_seccomp_ok"].any()  # nothing the default filter allows that unconfined refuses
