"""Writing output files atomically, never over an input, a device, a pipe or through a link.

A target must be a regular file or a new name in an existing directory. Anything else that already
has the name (a directory, a device node such as /dev/null, a FIFO, a socket, a symbolic link to
anything) is refused before any work, with exit 2 naming the path: replacing it would replace the
device or the link itself. The bytes go to a new temporary file beside the target (created
exclusively, never through a link), which is renamed over the target only when complete; on any
failure or interruption (an exception, Ctrl-C, or SIGTERM, which the command line turns into an
exception) the temporary file is removed and an existing target is left as it was. An OS error
(permission denied, read-only or full disk, a name too long) is an InputError naming the path.

Durable: the temporary file is fsynced before the rename (or after a power cut the new name could
point at an empty file: file systems may commit the rename before the data), and the folder is
fsynced after it (or the rename itself could be lost). Where a folder cannot be opened (Windows) or
its file system cannot sync one, that step is skipped quietly. A writer of many files in one folder
(`itaku screen`) may pass `sync_parent=False` and sync the folder once (`sync_folder`) when done: the
contents of each file must still be synced one by one, since nothing else makes the data durable.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from itaku.engine.errors import InputError
from itaku.engine.wording import phrase
from itaku.files.reading import file_kind, real_path

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
# What fsync of a folder answers on a file system that cannot sync one (some network and FUSE mounts):
# nothing more can be done there, and the write itself succeeded.
_CANNOT_SYNC_FOLDER = {errno.EINVAL, errno.EBADF, getattr(errno, "ENOTSUP", errno.EINVAL), getattr(errno, "EOPNOTSUPP", errno.EINVAL)}


def _cannot_write(target: Path, exc: BaseException) -> InputError:
    error = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return InputError(str(target), None, phrase("error.cannot_write", error=error))


def _same_file(source: Path, existing: os.stat_result) -> bool:
    """Whether `source` is the file `existing` describes (a hard link to an input is that input)."""
    try:
        return os.path.samestat(os.stat(source), existing)
    except (OSError, ValueError):
        return False


def check_target(target: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output path that is an input, or not a regular file or a new name in an existing,
    writable directory."""
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    except (OSError, ValueError) as exc:  # a name too long, a parent that is a file, a NUL byte
        raise _cannot_write(target, exc) from None
    if existing is not None:
        if stat.S_ISDIR(existing.st_mode):
            raise InputError(str(target), None, phrase("error.output_is_directory"))
        if not stat.S_ISREG(existing.st_mode):
            raise InputError(str(target), None, phrase("error.output_not_regular", kind=file_kind(existing.st_mode)))
    resolved = real_path(target)
    for source in inputs:
        if real_path(source) == resolved or (existing is not None and _same_file(source, existing)):
            raise InputError(str(target), None, phrase("error.output_is_input"))
    directory = target.parent
    try:
        if not stat.S_ISDIR(os.stat(directory).st_mode):
            raise InputError(str(target), None, phrase("error.output_dir_missing"))
    except FileNotFoundError:
        raise InputError(str(target), None, phrase("error.output_dir_missing")) from None
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise _cannot_write(target, PermissionError(13, os.strerror(13)))


def sync_folder(directory: Path) -> None:
    """fsync `directory`, so that the names created, renamed or removed in it survive a power cut;
    skipped quietly where a folder cannot be opened or synced. OSError when the disk fails."""
    try:
        fd = os.open(directory, _FOLDER)
    except OSError:  # Windows: os.open opens no folder; the rename is as durable as NTFS's journal makes it
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _CANNOT_SYNC_FOLDER:
            raise
    finally:
        os.close(fd)


def write_bytes_atomic(target: Path, data: bytes, inputs: Iterable[Path] = (), sync_parent: bool = True) -> None:
    """Write `data` to `target` atomically and durably (see the module docstring); InputError when
    it cannot be. `sync_parent=False` leaves syncing the folder to the caller."""
    check_target(target, inputs)
    # A short, unguessable temporary name: it never exceeds the name length limit, never exists yet.
    tmp = target.parent / f".{target.name[:40]}.{secrets.token_hex(6)}.tmp"
    fd = -1
    try:
        fd = os.open(tmp, _CREATE, 0o666)  # the umask applies, as for any file the user writes
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)  # the contents on disk before any name points at them
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
        if sync_parent:
            sync_folder(target.parent)  # and the new name itself
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        # Unlinked whether or not we saw the open succeed: a signal can land between os.open returning
        # and the assignment, and the random name under O_EXCL means a file by that name is ours.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc) from None
        raise


def write_text_atomic(target: Path, text: str, inputs: Iterable[Path] = ()) -> None:
    """Write UTF-8 text atomically (a lone surrogate, from a file name that was not UTF-8, is
    written as its escape rather than failing)."""
    write_bytes_atomic(target, text.encode("utf-8", errors="backslashreplace"), inputs)
