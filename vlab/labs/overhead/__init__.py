"""What a container costs compared with native: CPU, system calls, disk I/O, network and memory.

The same static busybox binary runs every workload, natively (a subprocess on the host) and inside
containers, so the only difference is the container around it. Each workload times itself from the
inside: the script prints the wall clock (busybox ``adjtimex``, microseconds) before and after the
work, so ``docker exec`` round trips are never part of a measurement.

Workloads (all fixed amounts of work; every value is the time it took, in ms, so lower is faster):

- ``cpu``: a busybox ``awk`` loop (pure user-space arithmetic, no system calls);
- ``syscall``: ``dd if=/dev/zero of=/dev/null bs=1 count=N``: one ``read`` plus one ``write`` per byte,
  about 2·N system calls, native vs container with Docker's default seccomp filter vs ``seccomp=unconfined``;
- ``io_write`` / ``io_read``: ``dd`` writes N MiB with ``conv=fsync`` (real disk I/O) then reads it back
  (page cache), on the host vs the container's overlay filesystem vs a bind-mounted host directory;
- ``net_throughput`` / ``net_latency``: busybox ``httpd`` + ``wget``: one large file, then many small
  requests (each a TCP connect + HTTP request/response, one wget process for all of them), over native
  loopback vs loopback inside one container vs the bridge between two containers vs host networking;
- ``memory``: MiB per idle container seen from the host (cgroup usage via the stats API, the process's
  RSS and its containerd shim's RSS), a native ``sleep``'s RSS, and the engine's own RSS (dockerd, containerd).

Configurations run in interleaved rounds (``vlab.core.interleave.Rounds``: seeded order, one warm-up
round) until every median is known to ±5 % or the time budget is spent (``OVERHEAD_RULE``; ``trials=N``
runs exactly N); ratios container/native come with bootstrap 95% CIs (``vlab.core.stats.ratio_ci``).

Modules: ``workloads`` (groups, configurations, Settings, scripts and their clocks), ``live`` (runners, memory,
``measure``, ``run_live``), ``analysis`` (summaries, ratios, tables) and ``cli`` (``vlab bench overhead``,
``RECORDINGS``). Everything public is re-exported here: ``from vlab.labs import overhead; overhead.measure()``.
"""

from vlab.labs.overhead.analysis import memory_table, ratio_table, ratios, seconds_to_rate, select, summary
from vlab.labs.overhead.cli import RECORDINGS, add_cli_arguments, format_report, run_cli
from vlab.labs.overhead.live import (
    bridge_network,
    cgroup_usage_mib,
    collect_facts,
    describe_workloads,
    measure,
    run_live,
)
from vlab.labs.overhead.workloads import (
    BB_IN_CONTAINER,
    CONFIGS,
    EXTRA_PAIRS,
    GROUPS,
    HTTP_PORT,
    KIND,
    OVERHEAD_RULE,
    RUNTIME_TWIN,
    SANDBOX_PIDS,
    WHAT,
    Settings,
    check_runtimes,
    docroot_script,
    file_clock,
    file_clock_ns,
    file_intervals_ms,
    free_port,
    intervals_ms,
    parse_stamps,
    runtime_config,
    schedule,
    serve_script,
    split_config,
    stamp,
    workload,
)

__all__ = [
    "BB_IN_CONTAINER", "CONFIGS", "EXTRA_PAIRS", "GROUPS", "HTTP_PORT", "KIND", "OVERHEAD_RULE", "RECORDINGS",
    "RUNTIME_TWIN", "SANDBOX_PIDS", "Settings", "WHAT", "add_cli_arguments", "bridge_network", "cgroup_usage_mib",
    "check_runtimes", "collect_facts", "describe_workloads", "docroot_script", "file_clock", "file_clock_ns",
    "file_intervals_ms", "format_report", "free_port", "intervals_ms", "measure", "memory_table", "parse_stamps",
    "ratio_table", "ratios", "run_cli", "run_live", "runtime_config", "schedule", "seconds_to_rate", "select",
    "serve_script", "split_config", "stamp", "summary", "workload"
]
