"""Writing output files atomically, never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from itaku.engine.errors import InputError
from itaku.engine.wording import phrase


def check_target(target: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is one of the inputs or a directory."""
    resolved = target.resolve()
    for source in inputs:
        if source.resolve() == resolved:
            raise InputError(str(target), None, phrase("error.output_is_input"))
    if target.is_dir():
        raise InputError(str(target), None, phrase("error.output_is_directory"))


def write_atomic(target: Path, write: Callable[[Path], None], inputs: Iterable[Path] = ()) -> None:
    """Call `write(tmp)` on a temporary file beside `target`, then move it into place.

    On any failure the temporary file is removed and an existing `target` is left as it was.
    """
    check_target(target, inputs)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(target), None, phrase("error.output_dir_missing"))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); an output is an ordinary file, readable as the umask allows
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(target: Path, text: str, inputs: Iterable[Path] = ()) -> None:
    """Write UTF-8 text atomically."""
    write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"), inputs)


def write_bytes_atomic(target: Path, data: bytes, inputs: Iterable[Path] = ()) -> None:
    """Write bytes atomically (built fully in memory first: a failure leaves nothing behind)."""
    write_atomic(target, lambda tmp: tmp.write_bytes(data), inputs)
