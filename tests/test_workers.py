"""Worker processes of `screen`: answers in order, memory bounded, a dying worker costs one input,
and an interrupted run leaves no worker behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from itaku.engine.errors import EngineError
from itaku.screening import workers

pytestmark = pytest.mark.xdist_group("processes")  # with tests/hostile/test_runs.py: one at a time


# Module-level, so that spawned workers can import them by name.
def _nothing() -> None:
    pass


def _refuse() -> None:
    raise RuntimeError("no rules here")


def _double(item: int) -> int:
    return item * 2


def _die_on_seven(item: int) -> int:
    if item == 7:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
    return item * 2


def _always_die(item: int) -> int:
    os._exit(5)


def _first_one_dies_idle(marker: str) -> None:
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    threading.Timer(0.2, os._exit, (9,)).start()  # this worker dies soon, whatever it is doing


def _first_one_dies_setting_up(marker: str) -> None:
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    os.kill(os.getpid(), signal.SIGKILL)


def _lost(item: int, cause: str) -> tuple[str, int, str]:
    return ("lost", item, cause)


def _our_workers() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.is_alive()]


def test_answers_come_in_input_order_and_at_most_a_window_is_in_flight() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for i in range(40):
            taken.append(i)
            yield i

    got = []
    for result in workers.ordered_map(_double, items(), 2, _nothing, (), _lost, window=3):
        got.append(result)
        assert len(taken) - len(got) <= 3, "never more than the window between taken and answered"
    assert got == [i * 2 for i in range(40)]
    assert not _our_workers()


def test_a_worker_that_dies_costs_only_the_item_it_was_on() -> None:
    got = list(workers.ordered_map(_die_on_seven, range(20), 2, _nothing, (), _lost))
    assert got[7] == ("lost", 7, "SIGKILL")
    assert got[:7] + got[8:] == [i * 2 for i in range(20) if i != 7], "the others answered, in order"


def test_a_worker_that_dies_while_idle_is_replaced_and_costs_nothing(tmp_path: Path) -> None:
    def items() -> Iterator[int]:
        yield from range(3)
        time.sleep(1.0)  # the inputs come slowly: one worker dies meanwhile, with nothing to do
        yield from range(3, 30)

    got = list(workers.ordered_map(_double, items(), 2, _first_one_dies_idle, (str(tmp_path / "died"),), _lost))
    assert got == [i * 2 for i in range(30)]
    assert (tmp_path / "died").exists(), "a worker was set to die"


def test_a_worker_killed_while_setting_up_costs_nothing(tmp_path: Path) -> None:
    got = list(workers.ordered_map(_double, range(30), 2, _first_one_dies_setting_up, (str(tmp_path / "died"),), _lost))
    assert got == [i * 2 for i in range(30)], "what it was sent goes to the others"
    assert (tmp_path / "died").exists(), "a worker was killed"


def test_workers_that_keep_dying_end_the_run_with_an_engine_error() -> None:
    with pytest.raises(EngineError) as caught:
        list(workers.ordered_map(_always_die, range(50), 2, _nothing, (), _lost))
    assert "exit code 5" in str(caught.value)
    assert not _our_workers()


def test_a_setup_that_fails_is_an_engine_error_naming_why() -> None:
    with pytest.raises(EngineError, match="no rules here"):
        list(workers.ordered_map(_double, range(5), 2, _refuse, (), _lost))
    assert not _our_workers()


def test_an_interrupted_run_leaves_no_worker_behind() -> None:
    results = workers.ordered_map(_double, range(1000), 2, _nothing, (), _lost)
    with pytest.raises(KeyboardInterrupt):
        for result in results:
            if result == 20:
                raise KeyboardInterrupt  # Ctrl-C while the consumer writes a result
    results.close()
    assert not _our_workers()
