"""The /proc readers the overhead and spectrum labs share: RSS, parent, RSS of a process tree."""

from __future__ import annotations

import math
import os
import subprocess
import sys

from vlab.core.hostprobe import parent_pid, rss_mib, tree_rss_mib


def test_rss_and_parent_of_this_process():
    assert rss_mib(os.getpid()) > 1.0
    assert parent_pid(os.getpid()) == os.getppid()


def test_a_process_that_is_gone_gives_nan_and_none():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert math.isnan(rss_mib(proc.pid)) and parent_pid(proc.pid) is None


def test_tree_rss_sums_the_children_of_a_root():
    child = subprocess.Popen([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(30)"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"  # started: its memory no longer grows
        own = rss_mib(child.pid)
        total = tree_rss_mib(os.getpid())
        assert own > 1.0 and total >= own  # the child (and any other child of ours) is counted, not the root
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert math.isnan(tree_rss_mib(child.pid))  # a process without children has no tree below it
