"""Worker processes for batch screening, each on a pipe of its own.

multiprocessing.Pool is not used: its workers share one result queue guarded by one lock between
processes, so a worker stopped while writing a result (the out-of-memory killer, Ctrl-C reaching
`terminate()` at the wrong moment) leaves that lock held, and the pool, and its `terminate()`,
then wait for ever. Here nothing is shared: the parent talks to each worker over its own pipe and
watches its process, so a worker that dies costs the one input it was working on, a replacement
takes the rest, and stopping the run is a plain signal to each worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from itaku.engine.errors import EngineError
from itaku.engine.wording import phrase

Item = TypeVar("Item")
Result = TypeVar("Result")

PER_WORKER = 4  # items queued at one worker: it never waits for the parent, and the load spreads
REPLACEMENTS = 8  # workers that may die and be replaced in one run before the run is given up
STOP_GRACE = 5.0  # seconds a worker has to exit once told to (idle workers exit at once)


def _serve(conn: Connection, function: Callable[[Any], Any], initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """A worker's life: set up once, then answer each item with function(item), in order, until
    told to stop (None) or the parent is gone."""
    try:
        initializer(*initargs)
    except Exception as exc:  # a setup that cannot work here will not work in a replacement either
        conn.send(("setup_failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            item = conn.recv()
            if item is None:
                return
            conn.send(("done", function(item)))
        except (EOFError, BrokenPipeError):  # the parent has gone: nobody to answer
            return


@dataclass
class _Worker(Generic[Item]):
    process: BaseProcess
    conn: Connection
    queued: deque[tuple[int, Item]] = field(default_factory=deque)  # sent, not yet answered, in order
    ready: bool = False  # set up: from now on, the first item queued is the one it is working on


def _cause(exitcode: int | None) -> str:
    """How a worker ended, as a person reads it: a signal's name, else the exit code."""
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


class _Workers(Generic[Item]):
    """The running workers and what each has been sent."""

    def __init__(self, jobs: int, function: Callable[[Item], Any], initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        self._context = multiprocessing.get_context("spawn")  # never fork: durable_rules' C state and threads
        self._target = (function, initializer, initargs)
        self.replacements = 0
        self.all: list[_Worker[Item]] = []
        for _ in range(jobs):
            self.start()

    def start(self) -> None:
        """Start one worker with Ctrl-C ignored from its first instruction: Ctrl-C, sent to the whole
        process group, is the parent's to handle (no worker tracebacks)."""
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child_end, *self._target), daemon=True)
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
        try:
            process.start()
        finally:
            if in_main:
                signal.signal(signal.SIGINT, previous)
            child_end.close()
        self.all.append(_Worker(process, parent_end))

    def least_busy(self) -> _Worker[Item]:
        """The worker with the fewest items queued."""
        return min(self.all, key=lambda w: len(w.queued))

    def busy(self) -> list[_Worker[Item]]:
        """The workers that owe an answer."""
        return [w for w in self.all if w.queued]

    def remove(self, worker: _Worker[Item]) -> None:
        """Forget a worker that has died (its process is already gone)."""
        self.all.remove(worker)
        worker.conn.close()
        worker.process.join(STOP_GRACE)

    def stop(self, gracefully: bool) -> None:
        """End every worker: told to stop when the run is complete, terminated when it was cut short."""
        for worker in self.all:
            if gracefully:
                with contextlib.suppress(OSError):  # a worker that died just now needs no telling
                    worker.conn.send(None)
            else:
                worker.process.terminate()
        for worker in self.all:
            worker.process.join(STOP_GRACE)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.all = []


def ordered_map(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    lost: Callable[[Item, str], Result],
    window: int | None = None,
) -> Iterator[Result]:
    """function(item) for every item, computed by `jobs` worker processes, yielded in input order.

    Items are taken from `items` lazily, and no more than `window` are ever between "sent to a
    worker" and "yielded", so memory stays flat however many there are and however slow the
    consumer. A worker that dies answers its current item with lost(item, cause) (cause: the
    signal's name or the exit code); the items queued behind it, or all of them when it died
    while setting up, go to a replacement. When workers
    keep dying (more than REPLACEMENTS in a run) or cannot set up, EngineError ends the run. Closing
    the iterator early, or an exception (Ctrl-C) reaching it, terminates every worker.
    """
    window = max(1, window or jobs * PER_WORKER * 2)
    per_worker = max(1, min(PER_WORKER, window // jobs))
    source = iter(items)
    retry: deque[tuple[int, Item]] = deque()  # items a dead worker had queued but not started
    answered: dict[int, Result] = {}
    sent = 0  # positions taken from `items` so far
    next_out = 0  # the position to yield next
    exhausted = False
    workers: _Workers[Item] = _Workers(jobs, function, initializer, initargs)
    complete = False
    try:
        while True:
            while sent - next_out < window or retry:
                worker = workers.least_busy()
                if len(worker.queued) >= per_worker:
                    break
                if retry:
                    position, item = retry.popleft()
                elif exhausted:
                    break
                else:
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    position, sent = sent, sent + 1
                try:
                    worker.conn.send(item)
                except OSError:  # it died while idle: the item goes to the next worker
                    retry.appendleft((position, item))
                    _collect(worker, workers, answered, retry, lost)
                    continue
                worker.queued.append((position, item))
            if next_out in answered:
                yield answered.pop(next_out)
                next_out += 1
                continue
            busy = workers.busy()
            if not busy:
                if exhausted and not retry:
                    complete = True
                    return
                continue
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    _collect(worker, workers, answered, retry, lost)
    finally:
        workers.stop(gracefully=complete)


def _collect(
    worker: _Worker[Item], workers: _Workers[Item], answered: dict[int, Any], retry: deque[tuple[int, Item]],
    lost: Callable[[Item, str], Any],
) -> None:
    """Take every answer `worker` has sent; if it has died, account for what it was given."""
    alive = worker.process.is_alive()  # asked first: a process found dead has written all it will
    try:
        while worker.conn.poll():
            kind, value = worker.conn.recv()
            if kind == "setup_failed":
                raise EngineError("itaku screen", None, value)
            if kind == "ready":
                worker.ready = True
                continue
            position, _ = worker.queued.popleft()
            answered[position] = value
    except (EOFError, OSError):  # the pipe broke: the process is going or gone
        alive = False
    if alive:
        return
    workers.remove(worker)
    cause = _cause(worker.process.exitcode)
    if worker.queued and worker.ready:  # the first queued is the one it was on (none while setting up)
        position, item = worker.queued.popleft()
        answered[position] = lost(item, cause)
    waiting = sorted([*retry, *worker.queued], key=lambda pair: pair[0])  # to the next worker
    retry.clear()
    retry.extend(waiting)
    if workers.replacements >= REPLACEMENTS:
        raise EngineError("itaku screen", None, phrase("error.workers_keep_stopping", cause=cause))
    workers.replacements += 1
    workers.start()
