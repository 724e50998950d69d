"""Durable outputs: after a power cut a written file is whole or absent, never empty.

A file's contents are fsynced before its temporary file is renamed over the target, and the folder
is fsynced after the rename. `screen` syncs each result's contents but its folder only a few times
per run (before the first result, after the last, around summary.json), in an order that lets a
summary.json vouch for every result it counts. Recorded here by wrapping os.fsync and os.replace.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from test_hostile import run

from conftest import SEED
from itaku.engine.errors import InputError
from itaku.files import writing
from itaku.screening import batch as sc

Event = tuple[str, str, int]  # ("fsync", "file" | "folder", inode) or ("replace", target name, inode)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """Every fsync (what was synced) and every rename (of which file, onto which name), in order."""
    log: list[Event] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        log.append(("fsync", "folder" if stat.S_ISDIR(info.st_mode) else "file", info.st_ino))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        log.append(("replace", Path(dst).name, os.lstat(src).st_ino))
        real_replace(src, dst)

    monkeypatch.setattr(writing.os, "fsync", fsync)
    monkeypatch.setattr(writing.os, "replace", replace)
    return log


def _at(log: list[Event], wanted: Callable[[Event], bool]) -> list[int]:
    return [i for i, event in enumerate(log) if wanted(event)]


def test_a_file_is_synced_before_its_rename_and_its_folder_after(tmp_path: Path, events: list[Event]) -> None:
    target = tmp_path / "r.md"
    writing.write_bytes_atomic(target, b"whole")
    inode, folder = os.stat(target).st_ino, os.stat(tmp_path).st_ino
    assert events == [("fsync", "file", inode), ("replace", "r.md", inode), ("fsync", "folder", folder)]
    assert target.read_bytes() == b"whole"


def test_every_command_writing_a_file_syncs_it(tmp_path: Path, events: list[Event]) -> None:
    for name, args in {
        "r.html": ("report", SEED[0], "--format", "html"),
        "c.xlsx": ("checklist", "self-check", SEED[0]),
        "f.xlsx": ("template",),
        "p.yaml": ("convert", SEED[0]),
    }.items():
        events.clear()
        code, _, stderr = run(*args, "-o", tmp_path / name)
        assert code == 0, stderr
        inode = os.stat(tmp_path / name).st_ino
        assert events == [("fsync", "file", inode), ("replace", name, inode), ("fsync", "folder", os.stat(tmp_path).st_ino)]


def test_where_a_folder_cannot_be_opened_its_sync_is_skipped_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As on Windows, where os.open refuses a folder: the file is still written, and synced."""
    real_open, synced = os.open, []

    def no_folders(path: str | Path, flags: int, *args: int) -> int:
        if os.path.isdir(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, flags, *args)

    monkeypatch.setattr(writing.os, "open", no_folders)
    monkeypatch.setattr(writing.os, "fsync", lambda fd: synced.append(fd))
    writing.write_bytes_atomic(tmp_path / "r.md", b"whole")
    assert (tmp_path / "r.md").read_bytes() == b"whole" and len(synced) == 1


@pytest.mark.parametrize("error, refused", [(errno.EINVAL, False), (errno.EIO, True)], ids=["cannot-sync-folders", "disk-error"])
def test_a_folder_sync_that_is_not_supported_is_skipped_but_a_disk_error_is_not(
    error: int, refused: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(error, os.strerror(error))
        real_fsync(fd)

    monkeypatch.setattr(writing.os, "fsync", fsync)
    target = tmp_path / "r.md"
    if refused:
        with pytest.raises(InputError, match="r.md") as caught:
            writing.write_bytes_atomic(target, b"whole")
        assert os.strerror(error) in str(caught.value)
    else:
        writing.write_bytes_atomic(target, b"whole")
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"], "no temporary file left either way"


def test_a_failed_file_sync_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fsync is where a full disk or a failing one shows on many file systems: nothing is renamed."""
    target = tmp_path / "r.md"
    target.write_text("old", encoding="utf-8")

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(writing.os, "fsync", failing)
    code, _, stderr = run("report", SEED[0], "--format", "md", "-o", target)
    assert code == 2 and str(target) in stderr and os.strerror(errno.EIO) in stderr and "Traceback" not in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"] and target.read_text(encoding="utf-8") == "old"


def test_screen_syncs_each_result_and_its_folder_once_before_the_summary(tmp_path: Path, events: list[Event]) -> None:
    out = tmp_path / "out"
    code, _, stderr = run("screen", *SEED, "-o", out, "--jobs", "1", "--fail-on", "never")
    assert code == 0, stderr
    folder = os.stat(out).st_ino
    manifest = os.stat(out / sc.MANIFEST_NAME).st_ino
    results = {p.name: p.stat().st_ino for p in out.glob("*.yaml.json")}
    assert len(results) == len(SEED)
    renames = {name: i for i, (what, name, _) in enumerate(events) if what == "replace"}
    folder_syncs = _at(events, lambda e: e == ("fsync", "folder", folder))
    # each result: its own contents synced before its rename
    for name, inode in results.items():
        assert ("fsync", "file", inode) in events[: renames[name]], name
    # the names of every result listed on disk, and the earlier run's files gone, before any result
    first_result = min(renames[name] for name in results)
    planned = _at(events, lambda e: e == ("fsync", "file", manifest))
    assert planned and planned[0] < first_result and any(planned[0] < i < first_result for i in folder_syncs)
    assert set(results) <= set((out / sc.MANIFEST_NAME).read_text(encoding="utf-8").split())
    # the folder after every result and the opinion list, then summary.json, then the folder again
    last_write = max(renames[name] for name in (*results, sc.OPINION_LIST_NAME))
    summary = renames[sc.SUMMARY_NAME]
    assert any(last_write < i < summary for i in folder_syncs) and folder_syncs[-1] > summary
    # not once per result: the cost a folder sync per file would add is avoided
    assert len(folder_syncs) < len(results)
    assert json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))["status"] == "complete"
