"""`itaku register ...`: the secretariat's register of cases, versions, decisions and events.

Where the register is: --db (a file or a postgresql:// URL), else `register:` in the user's
configuration, else the user's data directory. Dates are read as 西暦 or 和暦 and written as 和暦.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itaku.cli.common import (
    ENGINE,
    LANG,
    PROFILE,
    WAIVERS,
    catalog_for,
    handles_errors,
)
from itaku.cli.dates import DATE
from itaku.engine.errors import InputError
from itaku.engine.safe_text import inert_line
from itaku.engine.wareki import date_text, meeting_text
from itaku.engine.wording import phrase
from itaku.files.reading import (
    FORM_SUFFIXES,
    MAX_FILE_BYTES,
    configured_register,
    load_proposal_bytes,
    read_bytes,
    register_approved,
    warn_on_stderr,
)
from itaku.files.writing import check_target, sync_folder, write_bytes_atomic
from itaku.register.service import EVENT_KINDS, OUTCOMES, History, Register, event_label, outcome_label
from itaku.register.store import WAIT_SECONDS, open_store
from itaku.service.evaluating import Service

F = TypeVar("F", bound=Callable[..., Any])
MAX_EXPORT_FILE = 64 * 1024 * 1024




Callback = Callable[[click.Context, click.Parameter, str | None], str | None]


def _choice(labels: Callable[[str, str | None], str], codes: tuple[str, ...]) -> Callback:
    """A callback reading a code or its label in either language (承認, approved)."""

    def read(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        for code in codes:
            if value.strip() in (code, labels(code, "ja"), labels(code, "en")):
                return code
        shown = phrase("sep.list").join(labels(c, None) for c in codes)
        raise click.BadParameter(phrase("register.bad_choice", value=inert_line(value), choices=shown), ctx, param)

    return read


def register_options(func: F) -> F:
    """--db and --wait, which every register command takes."""
    func = click.option(
        "--wait", type=click.FloatRange(0, 3600), default=WAIT_SECONDS, show_default=True,
        help="Seconds to wait for another process's change to end before giving up.",
    )(func)
    return click.option(
        "--db", default=None, metavar="PATH|URL",
        help="The register: an SQLite file or a postgresql:// URL (default: `register:` in the configuration, "
        "else register.sqlite3 in the user's data directory).",
    )(func)  # type: ignore[return-value]


def _register(db: str | None, wait: float, create: bool = False) -> Register:
    return Register(open_store(db or configured_register(), create=create, wait=wait))


def _say(text: str) -> None:
    click.echo(f"itaku: {text}", err=True)


@click.group()
def register() -> None:
    """The secretariat's register (登録簿): cases, versions, decisions, and what is due.

    \b
    add       受付: a proposal version (the file kept byte for byte, read and reviewed)
    decide    審議会の決定 on a version
    event     データ引渡し, 立入り調査, 電話確認, 報告受理, データ消去確認, 条件の確認
    history   a case's versions, decisions and events
    due       what is due by a date (inspections, reports, deletion, exceptions, conditions)
    export / import   the whole register as plain files, and back into an empty register
    """


@register.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--case", "number", default=None, help="The register number (default: the proposal's case number).")
@click.option("--new", is_flag=True, help="Open a new case with this number (it must not exist yet).")
@click.option("--received", type=DATE, default=None, help="Day received (default: the proposal's meeting date, else today).")
@register_options
@LANG
@ENGINE
@WAIVERS
@PROFILE
@handles_errors
def add(
    file: Path, number: str | None, new: bool, received: dt.date | None, db: str | None, wait: float, lang: str,
    engine_name: str, waivers: Path | None, profile: str | None,
) -> None:
    """Add a proposal version to its case: the file byte for byte with its hash, the proposal as
    read, and its review then (compared with the case's last approved version)."""
    catalog = catalog_for(profile)
    content = read_bytes(file, 10 * MAX_FILE_BYTES if file.suffix.lower() in FORM_SUFFIXES else MAX_FILE_BYTES)
    proposal = load_proposal_bytes(str(file), content, warn_on_stderr, catalog)
    number = number or proposal.case.number
    reg = _register(db, wait, create=True)
    service = Service(catalog, engine_name, waivers=waivers)  # reviewed as `itaku check` reviews it
    approved = None if new else register_approved(reg, number, catalog)  # by the register number, from this register
    day = received or proposal.case.meeting or dt.date.today()
    evaluation = service.evaluate(proposal, inert_line(file), approved)
    seq, opened = reg.add_version(number, new, file.name, content, proposal, evaluation, catalog, day)
    if opened:
        _say(phrase("register.opened", number=number, date=date_text(day, lang)))
    _say(phrase("register.added", number=number, seq=seq, sha=hashlib.sha256(content).hexdigest()[:12]))


@register.command()
@click.argument("number", metavar="CASE")
@click.option("--version", "seq", type=click.IntRange(1), default=None, help="The version decided on (default: the latest).")
@click.option("--outcome", required=True, callback=_choice(outcome_label, OUTCOMES),
              help="The outcome, as the council's words say it (Japanese or English): approved, approved with an opinion, "
              "acknowledged (for a report), continued or not approved.")
@click.option("--meeting", type=DATE, required=True, help="The day of the council meeting.")
@click.option("--session", type=click.IntRange(1, 99), default=None, help="The meeting's number in its fiscal year.")
@click.option("--opinion", default="", help="The opinion as adopted.")
@click.option("--condition", "conditions", multiple=True, help="A condition attached (repeat for each).")
@click.option("--corrects", type=click.IntRange(1), default=None, help="The record number of the decision this one corrects.")
@register_options
@LANG
@handles_errors
def decide(
    number: str, seq: int | None, outcome: str, meeting: dt.date, session: int | None, opinion: str,
    conditions: tuple[str, ...], corrects: int | None, db: str | None, wait: float, lang: str,
) -> None:
    """Record the council's decision on a version of case CASE."""
    reg = _register(db, wait)
    if seq is None:
        versions = reg.history(number).versions
        seq = versions[-1].seq if versions else 1
    attached = tuple(c.strip() for c in conditions if c.strip())
    record = reg.decide(number, seq, outcome, meeting, session, opinion.strip(), attached, corrects)
    _say(phrase("register.decided", number=number, seq=seq, outcome=outcome_label(outcome, lang), record=record))


@register.command()
@click.argument("number", metavar="CASE")
@click.argument("kind", callback=_choice(event_label, EVENT_KINDS), metavar="KIND")
@click.option("--on", "day", type=DATE, required=True, help="The day it happened.")
@click.option("--staff", default="", help="Who did it for the ward (the inspector of an inspection).")
@click.option("--counterpart", default="", help="Who answered for the vendor.")
@click.option("--result", default="", help="The result (an inspection's, in the inspector's words).")
@click.option("--certificate", default="", help="The deletion certificate (its number or title).")
@click.option("--note", default="", help="Anything else worth keeping.")
@click.option("--condition", type=click.IntRange(1), default=None, help="Which condition is confirmed (1 = the first).")
@click.option("--decision", type=click.IntRange(1), default=None,
              help="The decision whose condition it is (default: the latest with conditions).")
@click.option("--corrects", type=click.IntRange(1), default=None, help="The record number of the event this one corrects.")
@register_options
@LANG
@handles_errors
def event(
    number: str, kind: str, day: dt.date, staff: str, counterpart: str, result: str, certificate: str, note: str,
    condition: int | None, decision: int | None, corrects: int | None, db: str | None, wait: float, lang: str,
) -> None:
    """Record what happened on case CASE: KIND is handover (データ引渡し), inspection (立入り調査),
    phone (電話確認), report (報告受理), deletion (データ消去確認) or condition (条件の確認)."""
    reg = _register(db, wait)
    record = reg.record_event(number, kind, day, staff.strip(), counterpart.strip(), result.strip(), certificate.strip(),
                              note.strip(), corrects, decision, condition)
    _say(phrase("register.recorded", number=number, what=event_label(kind, lang), date=date_text(day, lang), record=record))


def history_text(history: History, lang: str) -> str:
    """A case's history as people read it: the case, then every record by date."""
    case = history.case
    lines = [phrase("register.history.head", lang, number=case.number, title=case.title, department=case.department,
                    opened=date_text(case.opened_on, lang))]
    entries: list[tuple[dt.date, int, int, str]] = []
    for v in history.versions:
        period = phrase("register.history.period", lang, start=date_text(v.period_start, lang), end=date_text(v.period_end, lang))
        entries.append((v.received_on, 0, v.seq, phrase("register.history.version", lang, date=date_text(v.received_on, lang),
                                                         seq=v.seq, file=v.file_name, sha=v.sha256[:12], title=v.title, period=period)))
    corrected_decisions = {d.corrects for d in history.decisions}
    corrected_events = {e.corrects for e in history.events}
    for d in history.decisions:
        text = phrase("register.history.decision", lang, date=meeting_text(d.decided_on, d.session, lang), seq=d.version_seq,
                      outcome=outcome_label(d.outcome, lang), record=d.id)
        if d.opinion:
            text += "\n    " + phrase("register.history.opinion", lang, opinion=d.opinion)
        text += "".join("\n    " + phrase("register.history.condition", lang, n=n, text=c) for n, c in enumerate(d.conditions, 1))
        if d.corrects:
            text += "\n    " + phrase("register.history.corrects_decision", lang, record=d.corrects)
        if d.id in corrected_decisions:
            text += "\n    " + phrase("register.history.corrected", lang)
        entries.append((d.decided_on, 1, d.id, text))
    for e in history.events:
        parts = [phrase("register.history.event", lang, date=date_text(e.happened_on, lang), what=event_label(e.kind, lang), record=e.id)]
        for key, value in (("staff", e.staff), ("counterpart", e.counterpart), ("result", e.result),
                           ("certificate", e.certificate), ("note", e.note)):
            if value:
                parts.append(phrase(f"register.field.{key}", lang, value=value))
        if e.condition is not None:
            parts.append(phrase("register.field.condition", lang, decision=e.decision, condition=e.condition))
        text = " ".join(parts)
        if e.corrects:
            text += "\n    " + phrase("register.history.corrects", lang, record=e.corrects)
        if e.id in corrected_events:
            text += "\n    " + phrase("register.history.corrected", lang)
        entries.append((e.happened_on, 2, e.id, text))
    lines += [text for *_, text in sorted(entries, key=lambda x: x[:3])]
    return "\n".join(lines)


@register.command()
@click.argument("number", metavar="CASE")
@register_options
@LANG
@handles_errors
def history(number: str, db: str | None, wait: float, lang: str) -> None:
    """Show case CASE: its versions, decisions and events, by date."""
    text = history_text(_register(db, wait).history(number), lang)
    click.echo("\n".join(inert_line(line) for line in text.split("\n")))


@register.command()
@click.option("--by", "by", type=DATE, required=True, help="List what falls due on or before this day.")
@click.option("--today", type=DATE, default=None, help="The day overdue is counted from (default: today).")
@click.option("--case", "number", default=None, help="Only this case.")
@register_options
@LANG
@handles_errors
def due(by: dt.date, today: dt.date | None, number: str | None, db: str | None, wait: float, lang: str) -> None:
    """List what is due by a date and not yet recorded: inspections, annual reports, deletion
    confirmations, exceptions ending, conditions not yet confirmed."""
    from itaku.register.due import due_items, item_text

    items = due_items(_register(db, wait), by, today or dt.date.today(), number)
    click.echo(phrase("register.due.head", lang, date=date_text(by, lang), count=len(items)))
    for item in items:
        click.echo(inert_line(phrase(
            "register.due.line", lang, date=date_text(item.due_on, lang), number=item.number, title=item.title,
            what=item_text(item, lang),
            overdue=phrase("register.due.overdue", lang) if item.overdue else "",
        )))


@register.command()
@register_options
@LANG
@handles_errors
def verify(db: str | None, wait: float, lang: str) -> None:
    """Check every stored file against its hash; exit 2 naming each that no longer matches."""
    reg = _register(db, wait)
    bad = reg.verify()
    for number, seq in bad:
        _say(phrase("register.hash_mismatch", number=number, seq=seq))
    if bad:
        raise SystemExit(2)
    _say(phrase("register.verified", count=len(reg.numbers())))


@register.command(name="export")
@click.argument("folder", type=click.Path(path_type=Path))
@register_options
@LANG
@handles_errors
def export_(folder: Path, db: str | None, wait: float, lang: str) -> None:
    """Write the whole register to FOLDER (which must not exist) as YAML files and the original
    documents, for people to read and for `import`."""
    from itaku.register.transfer import export_files

    if folder.exists():
        raise InputError(str(folder), None, phrase("register.export_exists"))
    files = export_files(_register(db, wait))
    parent = folder.absolute().parent
    check_target(parent / ".itaku-export-probe", ())
    staging = Path(tempfile.mkdtemp(prefix=".itaku-export-", dir=parent))
    try:  # written aside, then moved into place in one step: never a half-written export
        for name, data in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(target, data, sync_parent=False)
        for directory in sorted({p for name in files for p in (staging / name).parents if staging in (p, *p.parents)}, reverse=True):
            sync_folder(directory)
        os.rename(staging, folder)
        sync_folder(parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _say(phrase("register.exported", folder=inert_line(folder), files=len(files)))


@register.command(name="import")
@click.argument("folder", type=click.Path(path_type=Path))
@register_options
@LANG
@handles_errors
def import_(folder: Path, db: str | None, wait: float, lang: str) -> None:
    """Read an export (FOLDER) into an empty register, all of it or nothing."""
    from itaku.register.transfer import import_files

    if not folder.is_dir():
        raise InputError(str(folder), None, phrase("error.not_found"))
    files = {p.relative_to(folder).as_posix(): read_bytes(p, MAX_EXPORT_FILE) for p in sorted(folder.rglob("*")) if p.is_file()}
    count = import_files(_register(db, wait, create=True), files)
    _say(phrase("register.imported", count=count))


@register.command()
@click.argument("number", metavar="CASE")
@click.option("--version", "seq", type=click.IntRange(1), required=True, help="Which version.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Where to write the file.")
@register_options
@LANG
@handles_errors
def original(number: str, seq: int, output: Path, db: str | None, wait: float, lang: str) -> None:
    """Write the file of a version as it was received (its hash checked first)."""
    check_target(output, ())
    _, content = _register(db, wait).file_of(number, seq)
    write_bytes_atomic(output, content)
