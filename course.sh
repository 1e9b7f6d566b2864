#!/usr/bin/env bash
# vlab course launcher. Two commands for a fresh machine:
#   ./course.sh lab    prepare everything, then open the course in JupyterLab at 00_start_here
#                      (./course.sh lab ko: the Korean edition, notebooks/ko/)
#   ./course.sh test   prepare everything, then run the whole test suite
# "Prepare" = system packages (Debian/Ubuntu as root), a running Docker engine, a virtual
# environment with vlab installed, and the course images. Both commands are idempotent.
# Extra options: ./course.sh test --soak (also the soak/load tests), --no-browser, --fast (unit tests only).
# For authors: ./course.sh notebooks [NN ...] [--execute] writes notebooks/NN.ipynb and notebooks/ko/NN.ipynb from notebooks/src/NN.py.
# The website: ./course.sh site builds _site/ (preview: python -m http.server -d _site).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV=${VLAB_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
say() { printf '\033[1m[vlab]\033[0m %s\n' "$*"; }

APT_PACKAGES=(docker.io busybox-static qemu-system-x86 hyperfine fonts-nanum)
APT_TEST_PACKAGES=(chromium fonts-noto-color-emoji podman uidmap rootlesskit slirp4netns)

is_debian_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

install_system_packages() {
  local want=("${APT_PACKAGES[@]}")
  [ "${1:-}" = test ] && want+=("${APT_TEST_PACKAGES[@]}")
  ls /boot/vmlinuz-* >/dev/null 2>&1 || want+=(linux-image-cloud-amd64)
  if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then want+=(python3-venv); fi
  local missing=()
  for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if is_debian_root; then
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/vlab-apt.log 2>&1 \
      || { say "apt-get failed; see /tmp/vlab-apt.log"; tail -5 /tmp/vlab-apt.log; }
  else
    say "missing system packages: ${missing[*]}"
    say "  fix: on Debian/Ubuntu run 'sudo apt-get install ${missing[*]}'; on macOS/Windows install Docker Desktop."
    say "  The course still runs: without Docker it uses replay mode (recorded real measurements)."
  fi
}

docker_up() { docker info >/dev/null 2>&1 || "$VENV/bin/python" -c 'import docker; docker.from_env(timeout=3).ping()' >/dev/null 2>&1; }

start_docker() {
  if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix:///var/run/docker.sock ]]; then return 0; fi
  docker_up && return 0
  if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null 2>&1; then
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      systemctl start docker >/dev/null 2>&1 || true
    fi
    if ! docker_up; then
      say "starting dockerd in the background (log: /var/log/vlab-dockerd.log)"
      nohup dockerd >/var/log/vlab-dockerd.log 2>&1 &
    fi
    for _ in $(seq 1 60); do docker_up && return 0; sleep 0.5; done
    say "dockerd did not come up; see /var/log/vlab-dockerd.log"; tail -5 /var/log/vlab-dockerd.log
  elif [ -S /var/run/docker.sock ] && [ ! -w /var/run/docker.sock ]; then
    say "Docker runs, but you may not use its socket."
    say "  fix: sudo usermod -aG docker \$USER  (then log out and in), or use rootless Docker."
  else
    say "No Docker engine is running."
    say "  fix: start Docker Desktop (macOS/Windows), 'sudo systemctl start docker' (Linux),"
    say "       or rootless Docker: dockerd-rootless-setuptool.sh install"
    say "  Going on in replay mode: every notebook runs on recorded real measurements."
  fi
  return 0
}

make_venv() {
  local extra=$1 stamp="$VENV/.vlab-installed"
  local want; want="$extra:$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtual environment $VENV"
    "$PY" -m venv "$VENV" || { say "python3 -m venv failed: install python3-venv"; exit 1; }
  fi
  # the test extra includes everything the lab extra has
  if [ ! -f "$stamp" ] || { ! grep -qx "$want" "$stamp" && ! grep -qx "test:${want#*:}" "$stamp"; }; then
    say "installing vlab and its dependencies ($extra) - about a minute the first time"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e ".[$extra]" || { say "pip install failed"; exit 1; }
    echo "$want" > "$stamp"
  fi
}

# gVisor: merge runtimes.runsc into /etc/docker/daemon.json (other keys kept, old file backed up,
# changes printed), then reload dockerd with SIGHUP (never a restart). Elsewhere the doctor says how.
register_gvisor() {
  is_debian_root && docker_up || return 0
  if ! command -v runsc >/dev/null 2>&1; then  # on its own: not every release ships it
    say "installing gVisor (runsc)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runsc >>/tmp/vlab-apt.log 2>&1 \
      || { say "runsc is not available from apt here; vlab doctor says how to install gVisor"; return 0; }
  fi
  "$VENV/bin/python" -m vlab.core.daemon_config || say "gVisor not registered (see above); the course goes on without it"
}

prepare() {
  install_system_packages "$1"
  make_venv "$1"
  start_docker
  register_gvisor
  "$VENV/bin/vlab" doctor --no-kvm || true   # builds the course images; exit 1 just means replay mode
}

run_lab() {
  # ./course.sh lab [en|ko]: the English or the Korean edition (default: Korean when LANG is Korean)
  local lang=${1:-} first
  [ -z "$lang" ] && case "${LANG:-}" in ko*) lang=ko ;; *) lang=en ;; esac
  case $lang in en) first=00_start_here.ipynb ;; ko) first=ko/00_start_here.ipynb ;;
    *) say "unknown edition $lang: use ./course.sh lab en or ./course.sh lab ko"; exit 2 ;; esac
  prepare lab
  local args=(--notebook-dir="$ROOT/notebooks" --ServerApp.ip=127.0.0.1)
  [ "$(id -u)" = 0 ] && args+=(--allow-root)
  [ -n "${VLAB_NO_BROWSER:-}" ] && args+=(--no-browser)
  say "opening JupyterLab at $first (Ctrl-C to stop)"
  exec "$VENV/bin/jupyter" lab "${args[@]}" "$ROOT/notebooks/$first"
}

run_tests() {
  local soak=0 browser=1 fast=0
  for a in "$@"; do case $a in
    --soak) soak=1 ;; --no-browser) browser=0 ;; --fast) fast=1 ;;
    *) say "unknown option $a"; exit 2 ;; esac; done
  prepare test
  export VLAB_QUICK=1 PYTHONDONTWRITEBYTECODE=1
  local status=0 markers="not soak"
  LOG=$(mktemp /tmp/vlab-test.XXXXXX)
  pytest() { "$VENV/bin/python" -m pytest "$@" 2>&1 | tee -a "$LOG"; return "${PIPESTATUS[0]}"; }
  docker_up && export VLAB_REQUIRE_ENGINE=1
  [ $browser = 0 ] && markers="$markers and not browser"
  say "0/4 lint (ruff), notebooks in sync with their sources, the Korean catalog"
  "$VENV/bin/ruff" check vlab tests tools benchmarks site || status=1
  "$VENV/bin/lint-imports" --no-cache >/dev/null || { "$VENV/bin/lint-imports" --no-cache | tail -20; status=1; }
  pytest -q tests/test_notebook_sources.py || status=1
  say "1/4 unit and integration tests (real engine)"
  pytest tests -m "$markers" || status=1
  if [ $fast = 0 ]; then
    say "2/4 every English notebook and the Korean 00 and 07 under nbval, LIVE (quick mode)"
    pytest --nbval-lax notebooks/*.ipynb notebooks/ko/00_start_here.ipynb notebooks/ko/07_start_time.ipynb || status=1
    say "3/4 every notebook of both editions under nbval, REPLAY (engine unreachable, like Binder)"
    VLAB_MODE=replay DOCKER_HOST=unix:///nonexistent/docker.sock VLAB_REQUIRE_ENGINE=0 \
      pytest --nbval-lax notebooks/*.ipynb notebooks/ko/*.ipynb || status=1
    say "3b/4 the other engines: a Podman API service, then rootless Docker (tests/engines/run_engines.sh)"
    for engine_pass in podman rootless; do
      VENV="$VENV" tests/engines/run_engines.sh "$engine_pass" 2>&1 | tee -a "$LOG"
      [ "${PIPESTATUS[0]}" = 0 ] || status=1
    done
  fi
  if [ $soak = 1 ]; then
    say "soak and load tests"
    pytest tests -m soak; rc=$?; [ $rc = 5 ] && rc=0; [ $rc = 0 ] || status=1
  fi
  say "4/4 leftover check: no container labelled vlab may remain"
  if docker_up; then
    left=$(docker ps -aq --filter label=vlab | wc -l)
    if [ "$left" != 0 ]; then say "FAIL: $left vlab container(s) left behind"; docker ps -a --filter label=vlab; status=1
    else say "no vlab containers left behind"; fi
  fi
  tests/engines/run_engines.sh leftovers || status=1   # Podman (rootless Docker: checked in its pass)
  local passed failed
  passed=$(grep -E '^=+ .* in [0-9.]+s' "$LOG" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  failed=$(grep -E '^=+ .* in [0-9.]+s' "$LOG" | grep -oE '[0-9]+ (failed|error|errors)' | awk '{s+=$1} END {print s+0}')
  rm -f "$LOG"
  [ $status = 0 ] && say "ALL TESTS PASSED" || say "SOME TESTS FAILED"
  echo "vlab: $passed passed, $failed failed"
  exit $status
}

build_notebooks() {
  # tools/editions.py writes both editions of each notebooks/src/NN.py: notebooks/NN.ipynb (English) and
  # notebooks/ko/NN.ipynb (Korean); --execute runs each (quick mode, live when an engine answers) and nbstripout
  # then keeps only the outputs of cells tagged keep_output: the facts nbval checks.
  make_venv test
  "$VENV/bin/python" tools/editions.py build "$@"
}

build_messages() {
  # the Korean message catalog: extract every _("…")/N_("…") in vlab/ and tr("…") in notebooks/src/ with Babel, merge the new ones into
  # vlab/locale/ko/LC_MESSAGES/vlab.po (existing translations are kept; fill in the empty msgstr) and compile .mo
  make_venv test
  local pot=vlab/locale/vlab.pot po=vlab/locale/ko/LC_MESSAGES/vlab.po
  "$VENV/bin/pybabel" -q extract -F babel.cfg -k tr --no-location --sort-output --omit-header -o "$pot" \
    vlab notebooks/src || return 1
  if [ -f "$po" ]; then "$VENV/bin/pybabel" -q update --no-fuzzy-matching -i "$pot" -d vlab/locale -D vlab -l ko || return 1
  else "$VENV/bin/pybabel" -q init -i "$pot" -d vlab/locale -D vlab -l ko || return 1; fi
  "$VENV/bin/pybabel" compile -d vlab/locale -D vlab --statistics
}

build_site() {
  # the course website (Sphinx + myst-nb) into _site/: every notebook executed in replay mode, cached in _build/site/
  make_venv site
  command -v npm >/dev/null 2>&1 || { say "npm is missing (the widget manager is bundled with it): apt-get install nodejs npm"; exit 1; }
  "$VENV/bin/python" site/build.py "$@"
}

case "${1:-}" in
  lab) shift; run_lab "$@" ;;
  site) shift; build_site "$@" ;;
  test) shift; run_tests "$@" ;;
  prepare) shift; prepare "${1:-test}" ;;
  notebooks) shift; build_notebooks "$@" ;;
  messages) shift; build_messages "$@" ;;
  *) echo "usage: ./course.sh lab [en|ko] | test [--soak] [--no-browser] [--fast] | notebooks [NN ...] [--execute] | site [--fresh] [--lang en|ko] | messages"; exit 2 ;;
esac
