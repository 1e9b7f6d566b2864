#!/usr/bin/env bash
# The course on the other engines learners have, for ./course.sh test:
#   tests/engines/run_engines.sh podman     a Podman API service (started and stopped here), with
#                                           the doctor, the sandbox defaults, the start-time lifecycle,
#                                           the engine error tests and notebooks 00 and 07 (nbval, live)
#   tests/engines/run_engines.sh rootless   rootless Docker for an unprivileged user (created here when
#                                           root): the doctor and the first container
#   tests/engines/run_engines.sh leftovers  no container labelled vlab left on Podman
# Each pass skips with its reason when the engine cannot run here, and fails (exit 1) when it runs
# but the course does not. VENV (default .venv) names the virtual environment.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
VENV=${VENV:-${VLAB_VENV:-$ROOT/.venv}}
say() { printf '\033[1m[vlab engines]\033[0m %s\n' "$*"; }
skip() { say "SKIP $1: $2"; exit 0; }

wait_socket() {  # wait_socket PATH SECONDS: until the engine at PATH answers /_ping
  for _ in $(seq 1 $(( $2 * 2 ))); do
    "$VENV/bin/python" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(sys.argv[1])
s.sendall(b"GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n"); sys.exit(b" 200 " not in s.recv(64))' "$1" 2>/dev/null \
      && return 0
    sleep 0.5
  done
  return 1
}

stop_pid() {  # stop_pid PID: SIGTERM, then SIGKILL after 15 s; only the process this script started
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

# ------------------------------------------------------------------------------------ Podman
podman_leftovers() {
  command -v podman >/dev/null 2>&1 || return 0
  local left nets; left=$(podman ps -aq --filter label=vlab 2>/dev/null | wc -l)
  nets=$(podman network ls -q --filter label=vlab 2>/dev/null | wc -l)
  if [ "$left" != 0 ] || [ "$nets" != 0 ]; then
    say "FAIL: $left vlab container(s) and $nets vlab network(s) left on Podman"
    podman ps -a --filter label=vlab; podman network ls --filter label=vlab; return 1
  fi
  say "no vlab containers or networks left on Podman"
}

podman_pass() {
  command -v podman >/dev/null 2>&1 || skip podman "podman is not installed (apt-get install podman)"
  [ "$(id -u)" = 0 ] || skip podman "runs as root here (a rootless Podman service needs its own user setup)"
  local dir; dir=$(mktemp -d /tmp/vlab-podman.XXXXXX)
  local sock=$dir/podman.sock runtime=()
  # crun, Podman's default runtime, cannot start anything on hybrid (v1 + v2) cgroups; runc can
  if command -v runc >/dev/null 2>&1; then runtime=(--runtime runc); fi
  say "Podman $(podman --version | awk '{print $3}') API service on $sock ${runtime[*]}"
  # No containers.conf: the service as a learner starts it. Rootful Podman asks the runtime for 1048576
  # nofile/nproc unless a container sets them; with every capability dropped that fails when the service's
  # own hard limits are lower. vlab's sandbox and the notebooks' plain cells (ulimits=course.ulimits()) set
  # both explicitly. The service gets a hard nofile of at most 65536 so this pass proves it on any machine.
  (
    hard=$(ulimit -Hn); if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then ulimit -n 65536; fi
    exec podman "${runtime[@]}" system service --time=0 "unix://$sock"
  ) >"$dir/service.log" 2>&1 &
  local pid=$! status=0
  if ! wait_socket "$sock" 30; then
    say "FAIL: the Podman service did not answer"; tail -5 "$dir/service.log"; stop_pid "$pid"; return 1
  fi
  (
    export DOCKER_HOST=unix://$sock VLAB_REQUIRE_ENGINE=1 VLAB_QUICK=1
    st=0
    "$VENV/bin/vlab" doctor --no-kvm --json >"$dir/doctor.json" 2>"$dir/doctor.err"
    "$VENV/bin/python" - "$dir/doctor.json" <<'EOF' || st=1
import json, sys
d = json.load(open(sys.argv[1]))
eng = d.get("engine", {})
print(f"[vlab engines] doctor: {eng.get('product')} {eng.get('server_version')}, mode {d['mode']}")
assert eng.get("product") == "Podman", "the doctor must name Podman"
assert d["live"], [c for c in d["checks"] if not c["ok"]]
EOF
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/test_engines.py \
      tests/test_foundation_engine.py::test_sandbox_defaults_on_real_hostconfig \
      tests/test_start_time.py::test_every_phase_is_positive_and_adds_up \
      tests/test_start_time.py::test_results_round_trip_through_json \
      tests/test_plain_ulimits.py tests/test_cgroups.py::test_memory_hog_live \
      tests/test_cgroups.py::test_memory_hog_counter_witness_live || st=1
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider --nbval-lax \
      notebooks/00_start_here.ipynb notebooks/07_start_time.ipynb || st=1
    exit $st
  ) || status=1
  stop_pid "$pid"
  podman_leftovers || status=1
  rm -rf "$dir"
  [ $status = 0 ] && say "Podman pass: OK" || say "Podman pass: FAILED"
  return $status
}

# ------------------------------------------------------------------------------ rootless Docker
ROOTLESS_USER=${VLAB_ROOTLESS_USER:-vlabtest}

rootless_pass() {
  [ "$(id -u)" = 0 ] || skip rootless "needs root to create the unprivileged user $ROOTLESS_USER"
  local tool
  tool=$(command -v dockerd-rootless.sh || ls /usr/share/docker.io/contrib/dockerd-rootless.sh 2>/dev/null) \
    || skip rootless "dockerd-rootless.sh not found (it ships with docker.io)"
  for t in rootlesskit newuidmap slirp4netns dockerd; do
    command -v "$t" >/dev/null 2>&1 || skip rootless "$t is not installed (apt-get install rootlesskit uidmap slirp4netns)"
  done
  if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$ROOTLESS_USER" || skip rootless "could not create user $ROOTLESS_USER"
  fi
  grep -q "^$ROOTLESS_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 100000-165535 \
    --add-subgids 100000-165535 "$ROOTLESS_USER"
  if ! runuser -u "$ROOTLESS_USER" -- unshare -Ur true 2>/dev/null; then
    skip rootless "this kernel does not allow unprivileged user namespaces (unshare -Ur fails)"
  fi
  local run=/tmp/vlab-rootless-$(id -u "$ROOTLESS_USER") home
  home=$(getent passwd "$ROOTLESS_USER" | cut -d: -f6)
  mkdir -p "$run" && chown "$ROOTLESS_USER" "$run" && chmod 700 "$run"
  local env=(env -i HOME="$home" PATH="$(dirname "$tool"):/usr/sbin:/usr/bin:/sbin:/bin" XDG_RUNTIME_DIR="$run")
  say "rootless Docker for $ROOTLESS_USER on $run/docker.sock"
  # its own user, mount and network namespaces (rootlesskit + slirp4netns): it never touches the
  # main engine's docker0
  runuser -u "$ROOTLESS_USER" -- "${env[@]}" "$tool" --data-root "$home/.local/share/docker" \
    >"$run/dockerd.log" 2>&1 &
  local pid=$! status=0
  if ! wait_socket "$run/docker.sock" 60; then
    say "FAIL: rootless dockerd did not answer"; tail -5 "$run/dockerd.log"; stop_pid "$pid"; return 1
  fi
  # the venv's python may live where the user cannot read (pyenv under /root): then the system
  # python3 (same minor version as the venv on Debian) with the venv's packages
  local py site
  py=$(readlink -f "$VENV/bin/python")
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  runuser -u "$ROOTLESS_USER" -- test -x "$py" || py=/usr/bin/python3
  # (vlab.data is mapped by the editable install, which PYTHONPATH does not see: the recordings by path)
  runuser -u "$ROOTLESS_USER" -- "${env[@]}" DOCKER_HOST="unix://$run/docker.sock" VLAB_QUICK=1 \
    VLAB_RECORDING="$ROOT/data/recorded" PYTHONPATH="$ROOT:$site" "$py" - <<'EOF' || status=1
import os, sys
os.chdir("/tmp")
from vlab import doctor
from vlab.labs.first_container import look_inside
from vlab.core import sandbox

report = doctor.run(probe_kvm=False)
eng = report.engine
print(f"[vlab engines] doctor as uid {os.getuid()}: {eng.get('product')} {eng.get('server_version')}, "
      f"rootless={eng.get('rootless')}, cgroup driver {eng.get('cgroup_driver')}, mode {report.mode}")
assert eng.get("rootless") is True, "the doctor must see rootless Docker"
assert report.live, [c for c in report.checks if not c.ok and c.required]
first = look_inside()
print(f"[vlab engines] first container: pid {first.pid_inside}, kernel {first.kernel_inside}, "
      f"same kernel as host: {first.same_kernel}, safety {first.safety}")
assert not first.replayed and first.pid_inside == 1 and first.same_kernel
# no cgroups here (cgroup v1): the pids limit is dropped, so the nproc rlimit must hold the fork bomb
forks = sandbox.run(["sh", "-c", "(for i in $(seq 1 200); do sleep 3 & done) 2>/dev/null; "
                     "set -- /proc/[0-9]*; echo $#"], limits=sandbox.Limits(pids=32))  # no fork to count
alive = int(forks.stdout.split()[-1])
print(f"[vlab engines] 200 forks under pids=32 on cgroup driver {eng.get('cgroup_driver')}: {alive} processes")
assert alive <= 32 + 8, "the fork bomb was not held"
# a notebook's plain docker-py cell (every capability dropped, explicit nofile/nproc) starts here too
import docker
from vlab import course
from vlab.core import images
docker.from_env().containers.run(images.ensure(), ["true"], remove=True, mem_limit="32m", pids_limit=16,
                                 cap_drop=["ALL"], network_mode="none", ulimits=course.ulimits(),
                                 labels=sandbox.labels("engines: plain cell"))
# notebook 06: without a cgroup driver its measurements replay, saying why; with one they are live
from vlab.labs import cgroups
oom = cgroups.memory_hog()
print(f"[vlab engines] memory_hog: replayed={oom.replayed}, OOM fact {cgroups.oom_fact(oom)}")
if eng.get("cgroup_driver") == "none":
    assert oom.replayed and oom.extra.get("replayed_because") == cgroups.NOT_ENFORCED, oom.extra
else:
    assert not oom.replayed and cgroups.oom_fact(oom) == (137, True), oom.samples
left = sandbox.leftovers()
assert not left, f"vlab containers left on rootless Docker: {left}"
EOF
  stop_pid "$pid"
  # a shim or `runc init` that outlived its daemon; every process of this test user is ours
  for p in $(ps -u "$ROOTLESS_USER" -o pid= 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  [ $status = 0 ] && say "rootless Docker pass: OK" || say "rootless Docker pass: FAILED"
  return $status
}

case "${1:-}" in
  podman) podman_pass ;;
  rootless) rootless_pass ;;
  leftovers) podman_leftovers ;;
  *) echo "usage: $0 podman | rootless | leftovers"; exit 2 ;;
esac
