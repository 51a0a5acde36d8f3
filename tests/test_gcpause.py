"""The collector pause: off inside, back on after, shared by nested and failing calls."""

from __future__ import annotations

import gc
import importlib
import threading

import pytest

from matcher import WarmProposals, gcpause, load_case
from matcher.gcpause import without_gc


@pytest.fixture(autouse=True)
def no_pause_under_way() -> None:
    """These tests read the process-wide collector: wait out any proposal a
    thread of an earlier test may still be running."""
    for _ in range(600):
        if gcpause._depth == 0:
            break
        threading.Event().wait(0.05)
    assert gcpause._depth == 0 and gc.isenabled()


@without_gc
def _state() -> bool:
    return gc.isenabled()


def test_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    assert _state() is False
    assert gc.isenabled()


def test_nested_calls_resume_only_at_the_outermost() -> None:
    seen: list[bool] = []

    @without_gc
    def outer() -> None:
        seen.append(_state())
        seen.append(gc.isenabled())  # the inner call's end must not resume it

    outer()
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        assert _state() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_resumed_after_an_error() -> None:
    @without_gc
    def boom() -> None:
        raise ValueError("x")

    with pytest.raises(ValueError):
        boom()
    assert gc.isenabled()


def test_overlapping_threads_share_one_pause() -> None:
    inside, leave = threading.Event(), threading.Event()

    @without_gc
    def hold() -> None:
        inside.set()
        leave.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    inside.wait(10)
    assert _state() is False
    assert not gc.isenabled()  # the other thread's pause is still on
    leave.set()
    t.join()
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("module", "run"),
    [
        ("matcher.propose", lambda mod, case: mod.propose(case)),
        ("matcher.warm.proposals", lambda mod, case: WarmProposals().propose(case)),
    ],
    ids=["propose", "warm-proposals"],
)
def test_proposals_run_with_the_collector_paused(  # type: ignore[no-untyped-def]
    module, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    mod = importlib.import_module(module)  # the module, not the function of that name
    seen: list[bool] = []
    real = mod.prepare

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(mod, "prepare", spy)
    run(mod, load_case("data/sample-district"))
    assert seen == [False]
    assert gc.isenabled()


def test_a_long_shared_pause_collects_when_an_inner_proposal_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gcpause, "MAX_PAUSE", 0.0)
    monkeypatch.setattr(gcpause.gc, "collect", lambda *a: collected.append(1) or 0)

    @without_gc
    def outer() -> None:
        _state()  # ends inside outer's pause, which is already overdue
        assert not gc.isenabled()

    outer()
    assert collected == [1]
    assert gc.isenabled()
