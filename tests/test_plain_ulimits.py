"""The notebooks' plain docker-py cells pass ulimits=course.ulimits() (issue 15, gap A)."""

from __future__ import annotations

import docker.types

from vlab import course
from vlab.core import engine, sandbox


def test_explicit_nofile_and_nproc_within_the_engine_limits():
    got = course.ulimits()
    assert all(isinstance(u, docker.types.Ulimit) for u in got)
    by_name = {u.name: u for u in got}
    assert set(by_name) == {"nofile", "nproc"}  # nofile alone does not let Podman start the container
    limits = engine.container_rlimits()
    for name, u in by_name.items():
        assert u.soft == u.hard == limits[name] <= engine.RLIMIT_CEILING[name]
    assert by_name["nproc"].hard >= 1024  # never a small nproc: it counts every process of the uid on the host


def test_a_plain_cell_without_capabilities_starts(engine):
    """As the notebooks' plain cells do it, on whichever engine DOCKER_HOST names (Podman included)."""
    client = docker.from_env()
    labels = sandbox.labels("test: plain ulimits")
    out = client.containers.run("vlab/busybox:1", ["sh", "-c", "ulimit -n"], remove=True, mem_limit="32m",
                                pids_limit=16, cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits(),
                                labels=labels)
    assert int(out.decode()) == engine_limits()["nofile"]


def engine_limits() -> dict:
    return engine.container_rlimits()
