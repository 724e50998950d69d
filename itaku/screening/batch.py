"""Batch screening: many proposal files in, one result file each plus a summary, in input order.

The parent process walks the inputs lazily, names each result, and writes results as they come
back; worker processes (spawned, never forked: durable_rules' C state and threads must not be
copied, see workers.py) each build one Evaluator and turn a path into the bytes of its result file.
Memory stays flat: tasks are taken from a generator, and at most `window` proposals are ever
between "sent to a worker" and "written to disk", whatever the speed of the disk.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itaku.engine.catalog import Catalog
from itaku.engine.errors import EngineError, ExitCode, InputError
from itaku.engine.safe_text import inert_line, json_text
from itaku.engine.wording import phrase
from itaku.files.reading import SUFFIXES, real_path
from itaku.files.writing import sync_folder, write_bytes_atomic
from itaku.outputs import Job, maker, render
from itaku.present.formats import keys
from itaku.screening.workers import ordered_map
from itaku.service.evaluating import Service, exit_code, load_catalog, reaches

SUMMARY_NAME = "summary.json"
OPINION_LIST_NAME = "opinion-list.xlsx"
MANIFEST_NAME = ".itaku-results"  # every file this run wrote into OUTDIR, one name a line
MAX_NAME_BYTES = 200  # a result's name, suffix and ~k included: room for the temporary name's extras
# Characters a result name never carries: controls, bidi marks, a byte that was not UTF-8, and what
# Windows file systems refuse (results are often copied onto a share).
_NAME_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          '\ud800-\udfff\\\\/:*?"<>|]')
_LEFTOVER_TMP = re.compile(r"^\..*\.[0-9a-f]{12}\.tmp$")  # a temporary file of an interrupted write
OPINION_LIST_MAX = 1000  # one workbook row per proposal, so its Evaluations are kept until the end


@dataclass(frozen=True)
class Settings:
    """What every worker needs to screen a proposal; sent once to each worker process."""

    engine: str = "durable"
    as_of: dt.date | None = None
    waivers: Path | None = None
    fmt: str = "json"
    lang: str = "ja"
    fail_on: str = "blocker"
    opinion_list: bool = True  # send back a slimmed Evaluation for the advisor opinion list
    profile: str = "default"  # a shipped profile's name, or the path of a profile folder or file
    approved: Path | None = None  # approved versions, matched by case number
    register: str | None = None  # else the register's approved versions (its place; "" the default)
    outdir: Path | None = None  # never read as approved versions, should it lie in the --approved folder


@dataclass(frozen=True)
class Task:
    """One input: where it is and the file name its result gets in OUTDIR."""

    index: int
    path: Path
    name: str
    plain_name: str = ""  # the name before making it safe, short and unique ("" when the same)

    def __post_init__(self) -> None:
        if not self.plain_name:
            object.__setattr__(self, "plain_name", self.name)


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one input: the result file's bytes and the summary facts."""

    task: Task
    status: str  # "ok" | "input_error" | "engine_error"
    error: str | None = None
    payload: bytes | None = None
    record: dict[str, Any] | None = None
    evaluation: Any = None  # slimmed (no proposal dump, no rule table), only for the opinion list


# ---------------------------------------------------------------- finding the inputs


def discover(paths: Iterable[Path], exclude: Path | None = None) -> Iterator[tuple[Path, str]]:
    """(file, relative name) for every input, lazily, in a fixed order.

    A file argument is taken as given (a wrong suffix is reported by the loader); a folder is
    walked recursively in sorted order for *.yaml, *.yml, *.json, *.xlsx, skipping hidden files,
    Excel lock files (~$) and the `exclude` folder (OUTDIR, so a rerun does not screen old results).
    The same file reached twice is screened once.
    """
    seen: set[Path] = set()
    excluded = real_path(exclude) if exclude is not None else None
    for root in paths:
        if not root.is_dir():
            key = real_path(root)
            if key not in seen:
                seen.add(key)
                yield root, root.name
            continue
        for directory, dirnames, filenames in os.walk(root):
            here = Path(directory)
            if excluded is not None and real_path(here) == excluded:
                dirnames[:] = []
                continue
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith((".", "~$")) or Path(name).suffix.lower() not in SUFFIXES:
                    continue
                path = here / name
                key = real_path(path)  # a loop of links is that input's error when it is read
                if key in seen:
                    continue
                seen.add(key)
                yield path, path.relative_to(root).as_posix()


def _cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` bytes of UTF-8, at a character boundary."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


class Namer:
    """Deterministic, collision-safe result names: `a/b.yaml` -> `a__b.yaml.json`, then `~2`...

    A name keeps only characters safe on any disk and terminal (others become `_`), does not start
    with a dot, and is cut to MAX_NAME_BYTES. Names are compared case-folded, so two results never
    share a file on a case-insensitive disk.
    """

    def __init__(self, suffix: str, reserved: Iterable[str] = ()) -> None:
        self.suffix = suffix
        self._used = {n.casefold() for n in reserved}

    def __call__(self, relative: str) -> str:
        """The result file name for an input known by `relative`."""
        stem = _NAME_UNSAFE.sub("_", relative.replace("\\", "__").replace("/", "__"))
        if stem.startswith("."):
            stem = "_" + stem[1:]
        stem = _cut(stem, MAX_NAME_BYTES - len(self.suffix.encode("utf-8")) - 8)  # 8: room for ~k
        name = f"{stem}{self.suffix}"
        k = 1
        while name.casefold() in self._used:
            k += 1
            name = f"{stem}~{k}{self.suffix}"
        self._used.add(name.casefold())
        return name


def tasks(paths: Iterable[Path], outdir: Path, suffix: str, reserved: Iterable[str] = ()) -> Iterator[Task]:
    """Every input as a numbered, named Task, lazily."""
    namer = Namer(suffix, reserved)
    for index, (path, relative) in enumerate(discover(paths, exclude=outdir)):
        plain = relative.replace("\\", "__").replace("/", "__") + suffix
        yield Task(index, path, namer(relative), inert_line(plain))


# ---------------------------------------------------------------- the worker side


@dataclass
class _Worker:
    settings: Settings
    service: Service
    render: Callable[[Any], bytes]


_worker: _Worker | None = None


def renderer(fmt: str, lang: str, catalog: Catalog) -> Callable[[Any], bytes]:
    """A function Evaluation -> bytes of the result file in `fmt` (json, html or md); its renderer is
    imported now, so that a missing module is refused before any work."""
    if fmt not in keys("screen"):
        raise ValueError(f"unknown format '{fmt}'")
    make = maker(fmt)
    return lambda e: make(Job([e], catalog, lang, lines=True))


def init_worker(settings: Settings) -> None:
    """Build this process's evaluation service once (catalog compiled once per process)."""
    global _worker
    from itaku.engine.catalog import words_of
    from itaku.engine.wording import language, municipality

    language.set(settings.lang)
    catalog = load_catalog(settings.profile)
    municipality.set(words_of(catalog.profile))  # forms read (their choices) as the profile names itself
    # the approved versions from where the command chose (settings.register: the register's place,
    # or None), never from this run's results
    service = Service(
        catalog, settings.engine, settings.as_of, settings.waivers, settings.approved,
        use_register=settings.register is not None, register_db=settings.register, outdir=settings.outdir,
    )
    service.read_inputs()
    _ = service.evaluator  # compiled now, not on the first proposal
    _worker = _Worker(settings, service, renderer(settings.fmt, settings.lang, catalog))


def screen_one(task: Task) -> Outcome:
    """Load, evaluate and render one input; every failure becomes an Outcome, never an exception."""
    from itaku.files.reading import load_proposal

    assert _worker is not None, "init_worker() first"
    source = inert_line(task.path)  # a name that is not UTF-8, or holds a line break, is shown escaped
    try:
        service = _worker.service
        proposal = load_proposal(task.path, catalog=service.catalog)
        evaluation = service.evaluate(proposal, source, service.approved_for(proposal), detail=False)  # matched by case number
        payload = _worker.render(evaluation)
    except InputError as exc:
        return Outcome(task, "input_error", inert_line(exc.render()))
    except EngineError as exc:
        return Outcome(task, "engine_error", inert_line(exc))
    except Exception as exc:  # a bug of ours on this proposal: record it, screen the rest (exit 3)
        return Outcome(task, "engine_error", inert_line(f"{source}: {phrase('error.internal', kind=type(exc).__name__, error=exc)}"))
    slim = evaluation if _worker.settings.opinion_list else None  # detail=False: no proposal dump, no rule table
    return Outcome(task, "ok", payload=payload, record=summary_record(evaluation, _worker.settings.fail_on), evaluation=slim)


def summary_record(evaluation: Any, fail_on: str) -> dict[str, Any]:
    """The little the summary needs from one Evaluation (so the Evaluation need not travel)."""
    counted = [f for f in evaluation.findings if f.counts]
    return {
        "verdict": evaluation.verdict,
        "agenda": list(evaluation.classification.agenda),
        "redelegation": evaluation.classification.redelegation,
        "findings": [(f.topic, f.severity) for f in counted],
        "set_aside": len(evaluation.findings) - len(counted),
        "reached": reaches(evaluation, fail_on),
    }


# ---------------------------------------------------------------- the summary


@dataclass
class Summary:
    """Counts kept as results arrive; nothing per proposal is kept but the failures."""

    settings: Settings
    inputs: int = 0
    screened: int = 0
    by_verdict: dict[str, int] = field(default_factory=lambda: {"sufficient": 0, "advice": 0, "insufficient": 0})
    by_agenda: dict[str, int] = field(default_factory=lambda: {"consultation": 0, "report": 0, "none": 0})
    by_redelegation: dict[str, int] = field(default_factory=lambda: {"none": 0, "hosting_only": 0, "yes": 0})
    by_severity: dict[str, int] = field(default_factory=lambda: {"blocker": 0, "advice": 0, "question": 0, "info": 0})
    by_topic: dict[str, dict[str, int]] = field(default_factory=dict)
    set_aside: int = 0
    reached_fail_on: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    opinion_list: str | None = None  # its file name, or why there is none
    engine_errors: list[dict[str, str]] = field(default_factory=list)
    renamed: list[dict[str, str]] = field(default_factory=list)  # results not named plainly after their input
    status: str = "complete"  # or "interrupted" (Ctrl-C, SIGTERM) or "stopped" (an error ended the run early)
    stopped_with: ExitCode | None = None  # the exit code of a run that ended early: the summary says the run's code

    def add(self, outcome: Outcome) -> None:
        """Count one outcome in."""
        self.inputs += 1
        source = inert_line(outcome.task.path)
        if outcome.task.name != outcome.task.plain_name:
            self.renamed.append({"path": source, "result": outcome.task.name})
        if outcome.status == "input_error":
            self.failed.append({"path": source, "error": outcome.error or ""})
            return
        if outcome.status == "engine_error":
            self.engine_errors.append({"path": source, "error": outcome.error or ""})
            return
        record = outcome.record or {}
        self.screened += 1
        self.by_verdict[record["verdict"]] += 1
        for agenda in record["agenda"] or ["none"]:
            self.by_agenda[agenda] += 1
        self.by_redelegation[record["redelegation"]] += 1
        topics_here: set[str] = set()
        for topic, severity in record["findings"]:
            self.by_severity[severity] += 1
            entry = self.by_topic.setdefault(topic, {"proposals": 0, "findings": 0})
            entry["findings"] += 1
            if topic not in topics_here:
                topics_here.add(topic)
                entry["proposals"] += 1
        self.set_aside += record["set_aside"]
        self.reached_fail_on += bool(record["reached"])

    @property
    def exit_code(self) -> ExitCode:
        """The code of a run that ended early, else 3 an engine error, else 2 a failed input, else 1 a
        finding reached --fail-on, else 0."""
        if self.stopped_with is not None:
            return self.stopped_with
        return exit_code(bool(self.reached_fail_on), bool(self.failed), bool(self.engine_errors))

    def as_dict(self) -> dict[str, Any]:
        """summary.json: stable keys, topics sorted."""
        s = self.settings
        return {
            "status": self.status,
            "engine": s.engine,
            "profile": s.profile,
            "as_of": s.as_of.isoformat() if s.as_of else "case.meeting (each proposal's meeting date; today if none)",
            "format": s.fmt,
            "lang": s.lang,
            "fail_on": s.fail_on,
            "inputs": self.inputs,
            "screened": self.screened,
            "failed": len(self.failed),
            "engine_errors": len(self.engine_errors),
            "reached_fail_on": self.reached_fail_on,
            "by_verdict": self.by_verdict,
            "by_agenda": self.by_agenda,
            "by_redelegation": self.by_redelegation,
            "by_severity": self.by_severity,
            "set_aside_by_exception": self.set_aside,
            "by_topic": dict(sorted(self.by_topic.items())),
            "failed_inputs": self.failed,
            "engine_error_inputs": self.engine_errors,
            "opinion_list": self.opinion_list,
            "renamed_results": self.renamed,
            "exit_code": int(self.exit_code),
        }


# ---------------------------------------------------------------- running it


def outcomes(task_iter: Iterable[Task], settings: Settings, jobs: int, window: int | None = None) -> Iterator[Outcome]:
    """Screen every task, yielding outcomes in input order whatever `jobs` is.

    jobs == 1 runs in this process. Otherwise `jobs` spawned worker processes screen them (see
    workers.ordered_map): at most `window` outcomes wait in memory, and a worker that dies turns
    the proposal it was on into an engine error while the others are still screened.
    """
    if jobs <= 1:
        init_worker(settings)
        for task in task_iter:
            yield screen_one(task)
        return
    yield from ordered_map(screen_one, task_iter, jobs, init_worker, (settings,), _lost, window)


def _lost(task: Task, cause: str) -> Outcome:
    """The outcome of a task whose worker process died on it."""
    return Outcome(task, "engine_error", inert_line(f"{task.path}: {phrase('error.worker_stopped', cause=cause)}"))


class OutputFolder:
    """OUTDIR of one run: what an earlier run wrote there is removed first, what this run writes
    is listed before it is written (MANIFEST_NAME), so that a rerun, even after an interrupted or
    killed run, never leaves old results looking like new ones. Files nobody wrote from `screen` stay.

    Durability, with one folder sync per run rather than one per result (a folder's fsync costs
    as much as a file's, and a run writes thousands of files):
    1. `start` removes the earlier run's files; `plan` lists every result name of this run in the
       manifest, fsyncs it and fsyncs the folder, before any result exists. After a power cut the
       earlier summary cannot reappear beside new results, and every result on disk is listed.
    2. Each result is written with its contents fsynced before its rename (the one sync that nothing
       can replace: without it a renamed result can be empty), but the folder is not synced.
    3. `sync` fsyncs the folder once, after the last result; only then is summary.json written (synced,
       folder synced). A summary.json found after a power cut thus vouches for every result it counts;
       without one the run did not finish, and the next run removes what the manifest lists.
    """

    def __init__(self, outdir: Path, inputs: Iterable[Path] = ()) -> None:
        self.outdir = outdir
        self.inputs = {real_path(p) for p in inputs}  # files of this run never removed nor replaced
        self._manifest: Any = None

    def start(self) -> list[str]:
        """Remove the earlier run's results, its summary and any half-written temporary file; return
        the names of what stays in OUTDIR (the user's files, and inputs of this run), which no result
        of this run may take. An input under a name only the run itself writes (summary.json) is
        refused: the run would have to replace it."""
        for own in (SUMMARY_NAME, OPINION_LIST_NAME, MANIFEST_NAME):
            if real_path(self.outdir / own) in self.inputs:
                raise InputError(str(self.outdir / own), None, phrase("error.output_is_input"))
        manifest = self.outdir / MANIFEST_NAME
        names = {SUMMARY_NAME, OPINION_LIST_NAME}
        try:
            names.update(line for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines() if line)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise InputError(str(manifest), None, phrase("error.unreadable", error=exc.strerror or exc)) from None
        with os.scandir(self.outdir) as entries:
            names.update(e.name for e in entries if _LEFTOVER_TMP.match(e.name))
        for name in sorted(names):
            if "/" in name or name in (".", "..", MANIFEST_NAME):
                continue
            path = self.outdir / name
            if real_path(path) in self.inputs and not path.is_symlink():
                continue  # an earlier result screened or used again in this run is this run's input
            try:
                if path.is_symlink() or path.is_file():
                    path.unlink()
            except OSError as exc:
                raise InputError(str(path), None, phrase("error.cannot_remove", error=exc.strerror or exc)) from None
        try:
            self._manifest = manifest.open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(str(manifest), None, phrase("error.cannot_write", error=exc.strerror or exc)) from None
        with os.scandir(self.outdir) as entries:
            return sorted(e.name for e in entries if e.name != MANIFEST_NAME)

    def plan(self, names: Iterable[str]) -> int:
        """List the names of every result this run will write, durably, before any is written;
        return how many there are (streamed: nothing per result is kept)."""
        count = 0
        try:
            for name in names:
                self._manifest.write(name + "\n")
                count += 1
            self._manifest.flush()
            os.fsync(self._manifest.fileno())
        except OSError as exc:
            raise InputError(str(self.outdir / MANIFEST_NAME), None, phrase("error.cannot_write", error=exc.strerror or exc)) from None
        self.sync()
        return count

    def write_result(self, name: str, data: bytes, inputs: Iterable[Path] = ()) -> None:
        """Write one result atomically, its contents durable; the folder is synced later (`sync`).
        Its name is listed again first: a file that appeared in an input folder after `plan` walked
        it is screened too, and the next run must find its result listed (a name listed twice is
        removed once)."""
        self._manifest.write(name + "\n")
        self._manifest.flush()
        write_bytes_atomic(self.outdir / name, data, inputs, sync_parent=False)

    def write(self, name: str, data: bytes) -> None:
        """Write summary.json or the opinion list (names every run removes first), atomically and durably."""
        write_bytes_atomic(self.outdir / name, data, self.inputs)

    def sync(self) -> None:
        """Make every name written so far durable: one fsync of the folder."""
        try:
            sync_folder(self.outdir)
        except OSError as exc:
            raise InputError(str(self.outdir), None, phrase("error.cannot_write", error=exc.strerror or exc)) from None

    def close(self) -> None:
        """Close the manifest (it stays, for the next run)."""
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says, else the count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(requested: int | None, inputs: int) -> int:
    """--jobs as used: at most the usable CPUs (more workers only cost memory, about 90 MB each)
    and at most the number of inputs; the CPU count when not given."""
    return max(1, min(requested or usable_cpus(), usable_cpus(), inputs))


def write_outcome(folder: OutputFolder, outcome: Outcome) -> Outcome:
    """Write one result file atomically (never over its own input). A result that cannot be
    written (a disk full, a name the disk refuses) turns the outcome into that input's error."""
    if outcome.payload is None:
        return outcome
    try:
        folder.write_result(outcome.task.name, outcome.payload, (outcome.task.path,))
    except InputError as exc:
        return Outcome(outcome.task, "input_error", inert_line(exc.render()))
    return outcome


def write_summary(folder: OutputFolder, summary: Summary) -> None:
    """summary.json, atomically, once every file it counts is durable (see OutputFolder)."""
    folder.sync()
    folder.write(SUMMARY_NAME, (json_text(summary.as_dict(), indent=2) + "\n").encode("utf-8"))


class OpinionList:
    """The セキュリティアドバイザー意見一覧 over every screened proposal, up to OPINION_LIST_MAX of them.

    A workbook needs all its rows at once, so this is the one place screening keeps something per
    proposal; beyond the cap (a municipality sees a few hundred a year) it is skipped, with a note.
    """

    def __init__(self, enabled: bool, profile: str = "default") -> None:
        self.enabled = enabled
        self.profile = profile
        self.evaluations: list[Any] = []
        self.skipped = False

    def add(self, outcome: Outcome) -> None:
        """Keep this outcome's Evaluation for a row (until the cap)."""
        if not self.enabled or outcome.evaluation is None or self.skipped:
            return
        if len(self.evaluations) >= OPINION_LIST_MAX:
            self.skipped, self.evaluations = True, []
            return
        self.evaluations.append(outcome.evaluation)

    def write(self, folder: OutputFolder, lang: str) -> str | None:
        """Write the workbook; return its file name, or None when there is none to write."""
        if not self.enabled or self.skipped or not self.evaluations:
            return None
        folder.write(OPINION_LIST_NAME, render("opinion-list", self.evaluations, load_catalog(self.profile), lang))
        return OPINION_LIST_NAME
