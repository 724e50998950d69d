"""Reading input files: proposals (YAML, JSON or a filled Excel form), waiver registers, the
department's answers to the questions before the meeting, the approved versions proposals are
compared with, profiles and the user's configuration.

This is the one place that opens input files. Every file is read once, as bytes, and bounded: only
a regular file is opened (a FIFO, a device or a socket is refused before it is opened, and again
after, should the name have changed in between), opened without blocking, and never read past its
size limit plus one byte, whatever `stat` said. The reader is picked by the suffix: text formats go
to the engine's parser, a workbook's bytes to the Excel form reader. Every problem becomes one
InputError naming the file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError, megabytes
from itaku.engine.loader import parse_proposal
from itaku.engine.models import Proposal
from itaku.engine.profiles import (
    PROFILE_FILE,
    PROFILE_RULES,
    Profile,
    ProfileText,
    bundled_profile_text,
    bundled_profiles,
    parse_profile,
    profile_path,
)
from itaku.engine.safe_text import inert_line
from itaku.engine.waivers import Register, parse_register
from itaku.engine.wording import phrase
from itaku.engine.yamlio import YamlProblem, load_yaml
from itaku.forms.xlsx_guard import MAX_FORM_BYTES  # no openpyxl: the guard reads the zip itself

MAX_FILE_BYTES = 2 * 1024 * 1024
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
TEXT_SUFFIXES = YAML_SUFFIXES | {".json"}
FORM_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SUFFIXES = TEXT_SUFFIXES | FORM_SUFFIXES
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


def warn_on_stderr(text: str) -> None:
    """Show a reader's warning (a hidden cell, a macro ignored) to the person at the terminal."""
    click.echo(f"itaku: {inert_line(text)}", err=True)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in the user's language (for 'not a regular file' messages)."""
    if stat.S_ISDIR(mode):
        return phrase("error.kind.directory")
    if stat.S_ISFIFO(mode):
        return phrase("error.kind.fifo")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return phrase("error.kind.device")
    if stat.S_ISSOCK(mode):
        return phrase("error.kind.socket")
    if stat.S_ISLNK(mode):
        return phrase("error.kind.symlink")
    return phrase("error.kind.other")


def _refuse_os_error(file: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(file, None, phrase("error.not_found"))
    if exc.errno == errno.ELOOP:  # links pointing at each other: said in the user's language
        return InputError(file, None, phrase("error.link_loop"))
    return InputError(file, None, phrase("error.unreadable", error=exc.strerror or type(exc).__name__))


def regular_file(path: Path) -> os.stat_result:
    """The file's status when it is a regular file (a symlink to one counts); InputError otherwise."""
    file = str(path)
    try:
        status = os.stat(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise _refuse_os_error(file, exc if isinstance(exc, OSError) else OSError(str(exc))) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(file, None, phrase("error.is_directory"))
    if not stat.S_ISREG(status.st_mode):
        raise InputError(file, None, phrase("error.not_regular", kind=file_kind(status.st_mode)))
    return status


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputError (exit 2) for anything else."""
    file = str(path)
    status = regular_file(path)
    if status.st_size > limit:
        raise InputError(file, None, phrase("error.too_large", size=megabytes(status.st_size), limit=megabytes(limit)))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _refuse_os_error(file, exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # the name was swapped after the first look
            raise InputError(file, None, phrase("error.not_regular", kind=file_kind(opened.st_mode)))
        chunks: list[bytes] = []
        total = 0
        expected = min(opened.st_size, limit) + 1  # one read for the usual file, the +1 sees EOF
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, max(expected - total, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _refuse_os_error(file, exc) from None
    finally:
        os.close(fd)
    if total > limit:  # grew after stat: the limit holds on what is read, not on what stat said
        raise InputError(file, None, phrase("error.too_large", size=megabytes(total), limit=megabytes(limit)))
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode_text(raw: bytes, file: str) -> str:
    """The text of a file's bytes as UTF-8 (a byte-order mark is accepted); other encodings are
    refused by name."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and raw[1:2] == b"\x00" and raw[0:1] != b"\x00"):
        raise InputError(file, None, phrase("error.encoding", encoding="UTF-16"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise InputError(file, None, phrase("error.binary"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            raw.decode("cp932")
        except UnicodeDecodeError:
            raise InputError(file, None, phrase("error.encoding", encoding="?")) from None
        raise InputError(file, None, phrase("error.encoding", encoding="Shift_JIS")) from None


def read_text(path: Path) -> str:
    """A text input's content (bounded, UTF-8)."""
    return decode_text(read_bytes(path, MAX_FILE_BYTES), str(path))


def load_proposal(path: Path, warn: Callable[[str], None] = warn_on_stderr, catalog: Catalog | None = None) -> Proposal:
    """Read and validate one proposal file, whatever its kind (by suffix); a form is read as the
    profile of `catalog` names topics, rules and the municipality (default: the default profile)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        regular_file(path)  # a missing file is named missing, not "of the wrong kind"
        raise InputError(str(path), None, phrase("error.bad_suffix", suffixes=", ".join(sorted(SUFFIXES))))
    if suffix in FORM_SUFFIXES:
        data = read_bytes(path, MAX_FORM_BYTES)
        from itaku.forms.form_reader import read_form  # openpyxl only when a form is read

        return read_form(data, str(path), warn, catalog)
    return parse_proposal(read_text(path), str(path), suffix)


def load_proposal_bytes(name: str, data: bytes, warn: Callable[[str], None], catalog: Catalog | None = None) -> Proposal:
    """Read and validate a proposal held in memory (an upload named `name`), with the limits and the
    readers of `load_proposal`: the kind by the name's suffix, nothing written to disk."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(name, None, phrase("error.bad_suffix", suffixes=", ".join(sorted(SUFFIXES))))
    limit = MAX_FORM_BYTES if suffix in FORM_SUFFIXES else MAX_FILE_BYTES
    if len(data) > limit:
        raise InputError(name, None, phrase("error.too_large", size=megabytes(len(data)), limit=megabytes(limit)))
    if suffix in FORM_SUFFIXES:
        from itaku.forms.form_reader import read_form

        return read_form(data, name, warn, catalog)
    return parse_proposal(decode_text(data, name), name, suffix)


def load_register(path: Path) -> Register:
    """Read the waiver register kept apart from proposals (`--waivers FILE`)."""
    return parse_register(read_text(path), str(path), path.suffix.lower())


# ---------------------------------------------------------------- answers to the questions

Answers = dict[str, dict[str, str]]  # case number -> topic -> the department's answer


def load_answers(path: Path, catalog: Catalog, warn: Callable[[str], None] = warn_on_stderr) -> Answers:
    """The department's answers in a filled 事前確認事項 workbook (`--answers FILE.xlsx`), by case
    number and topic."""
    if path.suffix.lower() not in FORM_SUFFIXES:
        regular_file(path)
        raise InputError(str(path), None, phrase("error.bad_suffix", suffixes=", ".join(sorted(FORM_SUFFIXES))))
    data = read_bytes(path, MAX_FORM_BYTES)
    from itaku.forms.answers import read_answers  # openpyxl only when answers are read

    return read_answers(data, str(path), catalog, warn)


def with_answers(proposal: Proposal, answers: Answers) -> Proposal:
    """`proposal` with the department's answers for its case taken as its responses (an answer
    replaces the earlier response on its topic: the sheet carried that one to be edited)."""
    given = answers.get(proposal.case.number)
    if not given:
        return proposal
    return proposal.model_copy(update={"responses": {**proposal.responses, **given}})


# ---------------------------------------------------------------- approved versions

Approved = dict[str, tuple[str, Proposal]]  # case number -> (source, the approved proposal)


def real_path(path: Path) -> Path:
    """`path` with every link followed as far as it goes, never failing: a loop of links or a
    missing part leaves the rest as written (Path.resolve raises on a loop in Python 3.11)."""
    return Path(os.path.realpath(path))


def proposal_files(folder: Path, exclude: Path | None = None) -> list[Path]:
    """The proposal files under a folder, recursively, sorted (hidden and Excel lock files skipped,
    and the folder `exclude` with all it holds: screen's OUTDIR, whose results are no proposals)."""
    skipped = real_path(exclude) if exclude is not None else None
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
        and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
        and (skipped is None or skipped not in real_path(p).parents)
    )


def load_approved(path: Path, catalog: Catalog | None = None, exclude: Path | None = None) -> Approved:
    """The approved versions in a file or a folder, by case number; two with one number are an error
    (forms are read as `load_proposal` reads them; `exclude`: see proposal_files)."""
    if not os.path.lexists(path):
        raise InputError(str(path), None, phrase("error.not_found"))
    out: Approved = {}
    for file in proposal_files(path, exclude) if path.is_dir() else [path]:
        proposal = load_proposal(file, catalog=catalog)
        number = proposal.case.number
        if number in out:
            raise InputError(str(file), "case.number", phrase("error.approved_duplicate", number=number, other=out[number][0]))
        out[number] = (str(file), proposal)
    return out


def register_approved(register: Any, number: str, catalog: Catalog | None = None) -> tuple[str, Proposal] | None:
    """The version of case `number` the council last approved, read from the register's stored file
    (checked against its hash first: a changed file is an error, never used), as (how outputs name
    it, the proposal); None when the case is not in the register or was never approved."""
    found = register.approved_version(number)
    if found is None:
        return None
    seq, name, content = found
    return phrase("register.source", number=number, seq=seq, file=name), load_proposal_bytes(name, content, warn_on_stderr, catalog)


def approved_from_register(db: str | None, numbers: set[str] | None, catalog: Catalog | None = None) -> Approved:
    """The approved versions in the register at `db`, by case number: of cases `numbers` (those of
    the proposals reviewed; None: every case in the register). The register number is the case
    number a proposal states; a case not in the register, or never approved, has none."""
    from itaku.register.service import Register as CaseRegister  # SQLAlchemy only when the register is used
    from itaku.register.store import open_store

    register = CaseRegister(open_store(db))
    try:
        out: Approved = {}
        for number in sorted(numbers if numbers is not None else register.numbers()):
            pair = register_approved(register, number, catalog)
            if pair is not None:
                out[number] = pair
        return out
    finally:
        register.store.close()


# ---------------------------------------------------------------- profiles and configuration

CONFIG_ENV = "ITAKU_PROFILE"


def config_file() -> Path:
    """The user's configuration: $XDG_CONFIG_HOME/itaku/config.yaml (~/.config/itaku/config.yaml)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "itaku" / "config.yaml"


CONFIG_KEYS = ("profile", "register", "compare_with_register")


def configuration() -> tuple[Path, dict[str, Any], dict[tuple[Any, ...], int]]:
    """The user's configuration file, its settings and their lines ({} when there is no file); a
    key it does not know is an error naming the file. A configuration that exists but cannot be read
    (a folder, a FIFO, a link to nothing) is an InputError naming it: what the user chose is never
    replaced by the defaults without a word."""
    path = config_file()
    if not os.path.lexists(path):
        return path, {}, {}
    try:
        data, lines = load_yaml(read_text(path))
    except YamlProblem as exc:
        raise InputError(str(path), f"{phrase('error.line')} {exc.line}" if exc.line else None, str(exc)) from None
    if data is None:
        return path, {}, {}
    if not isinstance(data, dict) or set(data) - set(CONFIG_KEYS):
        raise InputError(str(path), None, phrase("error.config_keys"))
    return path, data, lines


def _configured_text(key: str) -> tuple[Path, str | None]:
    path, data, lines = configuration()
    value = data.get(key)
    if value is None:
        return path, None
    if not isinstance(value, str) or not value.strip():
        raise InputError(str(path), f"{key} ({phrase('error.line')} {lines.get((key,))})", phrase("error.config_keys"))
    return path, value


def configured_profile() -> str | None:
    """The profile the user's configuration names (`profile: NAME-or-PATH`), a relative path taken
    from the configuration's folder; None when there is no configuration file."""
    path, value = _configured_text("profile")
    if value is None:
        return None
    if profile_path(value) is None or Path(value).is_absolute():
        return value
    return str(path.parent / value)


def configuration_in_use() -> Path | None:
    """The user's configuration file when there is one (it is an input: no output replaces it)."""
    path = config_file()
    return path if os.path.lexists(path) else None


def profile_files(value: str) -> list[Path]:
    """The files the profile `value` is read from (none for a shipped one): outputs never replace them."""
    path = profile_path(value)
    if path is None:
        return []
    if path.is_dir():
        rules = path / PROFILE_RULES
        return [path / PROFILE_FILE, *(sorted(rules.glob("*.yaml")) if rules.is_dir() else [])]
    return [path]


def configured_register() -> str | None:
    """The register the user's configuration names (`register: PATH-or-URL`, a relative path taken
    from the configuration's folder); None: the default place."""
    path, value = _configured_text("register")
    if value is None or "://" in value:
        return value
    place = Path(value).expanduser()
    return str(place if place.is_absolute() else path.parent / place)


def configured_compare() -> bool:
    """Whether the configuration says to compare every proposal with its case's approved version
    in the register (`compare_with_register: true`)."""
    path, data, lines = configuration()
    value = data.get("compare_with_register", False)
    if not isinstance(value, bool):
        raise InputError(str(path), f"compare_with_register ({phrase('error.line')} {lines.get(('compare_with_register',))})",
                         phrase("error.config_keys"))
    return value


def load_profile(value: str) -> Profile:
    """A profile by the name of a shipped one (always: a folder of that name is `./NAME`), or from a
    folder (profile.yaml, rules/*.yaml) or a file."""
    path = profile_path(value)
    if path is None:
        return parse_profile(bundled_profile_text(value))
    if not os.path.lexists(path):
        raise InputError(value, None, phrase("error.profile_not_found", shipped=", ".join(bundled_profiles())))
    if path.is_dir():
        main = path / PROFILE_FILE
        if not main.is_file():
            raise InputError(str(path), None, phrase("error.profile_no_main", name=PROFILE_FILE))
        rules = path / PROFILE_RULES
        files = sorted(rules.glob("*.yaml")) if rules.is_dir() else []
        return parse_profile(
            ProfileText(str(path), (str(main), read_text(main)), tuple((str(f), read_text(f)) for f in files))
        )
    return parse_profile(ProfileText(str(path), (str(path), read_text(path))))
