"""The first container's safety facts mean the same on every engine."""

from __future__ import annotations

import pytest

from vlab.labs import first_container


@pytest.mark.parametrize(("line", "none_left"), [
    ("CapEff:\t0000000000000000", True),
    ("CapEff:\t00000000a80425fb", False),  # Docker's default set
    ("", False),
    ("CapPrm:\t0000000000000000", False),
])
def test_an_empty_effective_set_is_read_as_all_dropped(line, none_left):
    assert first_container._no_capabilities(line) is none_left


@pytest.mark.engine
def test_the_first_container_has_no_capability_left(engine):
    res = first_container.measure()
    assert res.extra["safety"]["CapDrop"] == ["ALL"] and res.extra["safety"]["Privileged"] is False
