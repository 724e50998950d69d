"""Second round, item 2: output targets are safe.

`-o` refuses anything that is not a regular file or a new name in an existing, writable folder;
nothing half-written and no temporary file is ever left, whatever happens during the write.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile import guard, run  # noqa: F401 - guard: the fixture every test here uses

from conftest import EXAMPLES
from itaku.engine.errors import InputError
from itaku.files import writing

pytestmark = pytest.mark.usefixtures("guard")

SOURCE = EXAMPLES / "seed" / "21.yaml"
COMMANDS = {
    "html": lambda out: ("report", SOURCE, "--format", "html", "-o", out),
    "md": lambda out: ("report", SOURCE, "--format", "md", "-o", out),
    "xlsx": lambda out: ("checklist", "self-check", SOURCE, "-o", out),
    "form": lambda out: ("template", "--from", SOURCE, "-o", out),
}


def _make(kind: str, path: Path, outside: Path) -> None:
    """Put a thing of `kind` at `path` (`outside` holds what links point to)."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device node, as /dev/null
    elif kind == "link-to-file":
        (outside / "victim.txt").write_text("keep", encoding="utf-8")
        path.symlink_to(outside / "victim.txt")
    elif kind == "link-to-nothing":
        path.symlink_to(outside / "nowhere")
    elif kind == "link-to-dir":
        path.symlink_to(outside)
    elif kind == "regular":
        path.write_text("old", encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every entry of `folder`: (file type, inode, content or link target)."""
    out = {}
    for entry in sorted(folder.iterdir()):
        info = os.lstat(entry)
        detail = ""
        if stat.S_ISLNK(info.st_mode):
            detail = os.readlink(entry)
        elif stat.S_ISREG(info.st_mode):
            detail = entry.read_text(encoding="utf-8", errors="replace")
        out[entry.name] = (stat.S_IFMT(info.st_mode), info.st_ino, detail)
    return out


KINDS = ["fifo", "socket", "directory", "device", "link-to-file", "link-to-nothing", "link-to-dir"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_target_that_is_not_a_regular_file_is_refused(kind: str, command: str, tmp_path: Path) -> None:
    folder, outside = tmp_path / "out", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    target = folder / f"target.{'xlsx' if command in ('xlsx', 'form') else command}"
    try:
        _make(kind, target, outside)
    except PermissionError:
        pytest.skip("creating a device node needs root")
    before, elsewhere = _snapshot(folder), _snapshot(outside)
    code, _, stderr = run(*COMMANDS[command](target))
    assert code == 2, stderr
    assert str(target) in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert _snapshot(folder) == before and _snapshot(outside) == elsewhere


def test_dev_null_is_never_replaced() -> None:
    before = os.lstat("/dev/null")
    code, _, stderr = run("report", SOURCE, "--format", "html", "-o", "/dev/null")
    assert code == 2 and "/dev/null" in stderr
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize(
    "target, fragment",
    [("missing-folder/out.html", "フォルダがありません"), ("x" * 300 + ".html", "書き込めません")],
    ids=["missing-folder", "name-too-long"],
)
def test_unwritable_targets_are_exit_2_naming_the_path(target: str, fragment: str, tmp_path: Path) -> None:
    code, _, stderr = run("report", SOURCE, "--format", "html", "-o", tmp_path / target)
    assert code == 2 and fragment in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES, errno.EROFS], ids=["full", "denied", "read-only"])
@pytest.mark.parametrize("stage", ["open", "write", "replace"])
def test_os_errors_while_writing_leave_the_old_file_and_no_temporary(
    error: int, stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.md"
    target.write_text("old", encoding="utf-8")
    real = getattr(os, stage)
    calls: list[object] = []

    def failing(*args: object, **kwargs: object) -> object:
        if stage != "open" or str(args[0]).endswith(".tmp"):
            calls.append(args)
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    monkeypatch.setattr(writing.os, stage, failing)
    code, _, stderr = run("report", SOURCE, "--format", "md", "-o", target, "--lang", "en")
    assert calls and code == 2
    assert str(target) in stderr and os.strerror(error) in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]
    assert target.read_text(encoding="utf-8") == "old"


def test_an_interruption_mid_write_removes_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from itaku.cli.common import Terminated

    target = tmp_path / "r.md"

    def interrupted(fd: int, data: object) -> int:
        raise Terminated()  # what the SIGTERM handler raises, wherever the program is

    monkeypatch.setattr(writing.os, "write", interrupted)
    with pytest.raises(Terminated):
        writing.write_bytes_atomic(target, b"x" * 100)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ property: any target situation

NAMES = st.one_of(
    st.sampled_from(["out.bin", "出力.bin", "a\nb.bin", " lead", "x" * 255, "y" * 256, ".hidden"]),
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=40),
)


@pytest.fixture(scope="module")
def arena(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("targets")


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, kind=st.sampled_from([None, "regular", *KINDS]), data=st.binary(max_size=2000))
def test_any_target_is_written_whole_or_refused_leaving_everything_else_alone(
    arena: Path, name: str, kind: str | None, data: bytes
) -> None:
    case = Path(os.fsdecode(os.urandom(6).hex().encode()))
    folder, outside = arena / case / "out", arena / case / "elsewhere"
    folder.mkdir(parents=True)
    outside.mkdir()
    target = folder / name
    if name in (".", ".."):
        return
    try:
        if kind is not None:
            _make(kind, target, outside)
    except OSError:
        return  # the name itself cannot exist on this disk (too long): covered by writing it
    before, elsewhere = _snapshot(folder), _snapshot(outside)
    try:
        writing.write_bytes_atomic(target, data)
    except InputError as exc:
        assert exc.file == str(target)
        assert _snapshot(folder) == before, "a refused write changes nothing"
    else:
        assert kind in (None, "regular"), f"wrote over a {kind}"
        assert target.read_bytes() == data and stat.S_ISREG(os.lstat(target).st_mode)
        assert set(_snapshot(folder)) == set(before) | {name}, "no temporary file left"
    assert _snapshot(outside) == elsewhere, "nothing outside the folder is touched"
