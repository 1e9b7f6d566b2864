"""Soak and load through vlab: 300 sequential lifecycles and 64 concurrent starts.

Both must end with zero errors and zero leftovers, and the harness's own memory must not
grow without bound. The figures are printed and written to test-artifacts/soak.json.
Run with ``pytest -m soak`` (``./course.sh test --soak``; CI runs them).
"""

from __future__ import annotations

import gc
import json
import resource
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from vlab.core import sandbox

pytestmark = [pytest.mark.soak, pytest.mark.engine]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report(name: str, data: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "soak.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    old[name] = data
    path.write_text(json.dumps(old, indent=1))
    print(f"\n{name}: {json.dumps(data)}")


def test_soak_300_sequential_lifecycles(engine):
    errors = 0
    for _ in range(20):  # warm-up: connection pools, caches
        sandbox.run(["true"], purpose="soak")
    gc.collect()
    tracemalloc.start()
    rss = [_rss_mib()]
    heap = [tracemalloc.get_traced_memory()[0] / 1024**2]
    for i in range(300):
        try:
            if not sandbox.run(["true"], purpose="soak").ok:
                errors += 1
        except Exception:  # noqa: BLE001 - counted, reported below
            errors += 1
        if (i + 1) % 100 == 0:
            gc.collect()
            rss.append(_rss_mib())
            heap.append(tracemalloc.get_traced_memory()[0] / 1024**2)
    tracemalloc.stop()
    left = sandbox.leftovers(this_run=True)
    _report("soak_300", {"errors": errors, "leftovers": len(left), "rss_mib": [round(x, 1) for x in rss],
                         "python_heap_mib": [round(x, 2) for x in heap]})
    assert errors == 0 and left == []
    # bounded: the Python heap the harness holds after 300 lifecycles is within 2 MiB of after 100
    assert heap[-1] - heap[1] < 2.0, heap
    assert rss[-1] - rss[1] < 32, rss


def test_load_64_concurrent_starts(engine):
    gc.collect()
    rss_before = _rss_mib()
    with ThreadPoolExecutor(max_workers=64) as pool:
        futures = [pool.submit(sandbox.run, ["sh", "-c", "sleep 1; echo ok"], purpose="load") for _ in range(64)]
        outcomes, failures = [], []
        for f in futures:
            try:
                outcomes.append(f.result(timeout=600).stdout.strip() == "ok")
            except Exception as exc:  # noqa: BLE001 - counted, and shown below
                outcomes.append(False)
                failures.append(f"{type(exc).__name__}: {exc}")
    gc.collect()
    left = sandbox.leftovers(this_run=True)
    errors = outcomes.count(False)
    _report("load_64", {"errors": errors, "leftovers": len(left), "rss_mib_before": round(rss_before, 1),
                        "rss_mib_after": round(_rss_mib(), 1), "failures": sorted(set(failures))[:5]})
    assert errors == 0 and left == []
