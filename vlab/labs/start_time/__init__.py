"""Container start time, phase by phase, measured the way a benchmark tool would.

Three measurements, each returning :class:`vlab.core.results.Results` (kinds for replay in brackets):

- ``measure_start`` ["start"]: configurations compared in one interleaved run, every phase timed.
- ``measure_ladder`` ["ladder"]: the latency ladder: process → runtime → engine API → CLI → network.
- ``measure_concurrency`` ["concurrency"]: k containers started at once, k = 1, 2, 4 … 64.

Phase definitions (host clock = ``time.perf_counter_ns`` in this Python process):

=========  ======  =====================================================================
phase      clock   from → to
=========  ======  =====================================================================
create     host    ``create_container`` request sent → its reply (container exists, not running)
start      host    ``start`` request sent → its reply (runtime has launched the process)
exit       host    ``start`` reply → ``wait`` reply (exit seen; with auto-remove: removal seen)
remove     host    ``remove_container`` request sent → its reply (absent with auto-remove)
total      host    create + start + exit + remove: the four calls back to back. Between *exit*
                   and *remove* the harness reads the container's log (the marker); that
                   bookkeeping is timed separately (``harness_ms``) and left out of every phase.
running    marker  ``start`` request sent → the container's first act, ``adjtimex``, reads the
                   clock. It **overlaps** *start* and *exit*, so it is not part of *total*. It
                   compares the host wall clock with the container's own clock: valid because a
                   local container shares the host kernel's clock. Missing with auto-remove
                   (the log is gone with the container).
d_create_start, d_start_die, d_die_destroy, d_total
           daemon  differences of ``timeNano`` in the daemon's own events (create, start, die,
                   destroy): a second, independent clock. Never mixed with host-clock numbers.
=========  ======  =====================================================================

Because create, start, exit and remove are consecutive intervals of one clock, they add up to
*total* exactly (to float rounding); the daemon's create→destroy span lies inside the host's.
"""

from vlab.core.lifecycle import (
    DAEMON_PHASES,
    HOST_PHASES,
    MARKER_CMD,
    MARKER_PHASE,
    PHASE_DOC,
    TOTAL,
    daemon_phases,
    host_phases,
    parse_adjtimex,
    run_lifecycle,
)
from vlab.labs.start_time.cli import RECORDINGS, add_cli_arguments, format_summary, run_cli, side_path
from vlab.labs.start_time.concurrency import (
    MAX_LEVEL,
    check_levels,
    concurrency_summary,
    default_levels,
    describe_sweep,
    measure_concurrency,
)
from vlab.labs.start_time.ladder import LADDER, RuncBundle, cli_command, measure_ladder, time_subprocess
from vlab.labs.start_time.phases import (
    DAEMON_SLACK_MS,
    MAX_TRIALS,
    SUM_TOLERANCE_MS,
    VARIANTS,
    StartConfig,
    check_seed,
    check_trials,
    check_warmup,
    configurations,
    measure_start,
    phase_sums,
    ratios,
    self_check,
)

__all__ = [
    "DAEMON_PHASES", "DAEMON_SLACK_MS", "HOST_PHASES", "LADDER", "MARKER_CMD", "MARKER_PHASE", "MAX_LEVEL",
    "MAX_TRIALS", "PHASE_DOC", "RECORDINGS", "SUM_TOLERANCE_MS", "TOTAL", "VARIANTS", "RuncBundle", "StartConfig",
    "add_cli_arguments", "check_levels", "check_seed", "check_trials", "check_warmup", "cli_command",
    "concurrency_summary", "configurations", "daemon_phases", "default_levels", "describe_sweep", "format_summary",
    "host_phases", "measure_concurrency", "measure_ladder", "measure_start", "parse_adjtimex", "phase_sums", "ratios",
    "run_cli", "run_lifecycle", "self_check", "side_path", "time_subprocess",
]
