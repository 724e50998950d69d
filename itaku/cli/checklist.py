"""`itaku template` (the proposal form) and `itaku checklist KIND` (the Excel checklists).

Both make their workbook with itaku.outputs, which imports the builders (and openpyxl) only when one
is made: `itaku check` on YAML stays as fast as it was.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click

from itaku.cli.common import (
    ANSWERS,
    APPROVED,
    AS_OF,
    ENGINE,
    LANG,
    PROFILE,
    REGISTER,
    REGISTER_DB,
    WAIVERS,
    as_date,
    catalog_for,
    evaluate_files,
    handles_errors,
    run_inputs,
)
from itaku.cli.dates import DATE
from itaku.engine.errors import InputError
from itaku.engine.safe_text import inert_line
from itaku.engine.wording import phrase
from itaku.files.reading import configured_register, load_proposal
from itaku.files.writing import check_target, write_bytes_atomic
from itaku.outputs import applies, register_record, render
from itaku.present.formats import BY_KEY, FIELD_DOCUMENTS, keys
from itaku.service.evaluating import Service

OUTPUT = click.option(
    "-o", "--output", "output", required=True, type=click.Path(path_type=Path),
    help="The .xlsx file to write (replaced atomically; never one of the inputs).",
)


def _check_suffix(output: Path, kind: str) -> None:
    if output.suffix.lower() != BY_KEY[kind].suffix:
        raise InputError(str(output), None, phrase("excel.output_suffix"))


def _done(output: Path, started: float, verbose: bool) -> None:
    if verbose:
        done = phrase("written", path=inert_line(output), size=output.stat().st_size, seconds=time.perf_counter() - started)
        click.echo(f"itaku: {done}", err=True)


@click.command()
@OUTPUT
@click.option(
    "--from", "source", type=click.Path(path_type=Path), default=None,
    help="Pre-fill the form from this proposal (YAML, JSON or a filled form).",
)
@click.option(
    "--approved", type=click.Path(path_type=Path), default=None,
    help="With --from: the version approved earlier (a file, or a folder matched by case number); "
    "the inputs that changed are marked and a sheet lists every change.",
)
@LANG
@PROFILE
@click.option("-v", "--verbose", is_flag=True, help="Say what was written and how long it took.")
@handles_errors
def template(output: Path, source: Path | None, approved: Path | None, lang: str, profile: str | None, verbose: bool) -> None:
    """Write the proposal form (申請様式) as an Excel workbook, blank or pre-filled.

    Fill it in and review it with `itaku check FORM.xlsx`. The profile decides how the form names
    the municipality (区の承認, 市の承認), whom it is sent to, and which rules it offers to waive.
    """
    from itaku.engine.changes import compare

    started = time.perf_counter()
    _check_suffix(output, "form")
    if approved is not None and source is None:
        raise InputError(str(approved), None, phrase("excel.approved_without_from"))
    inputs = run_inputs([source] if source is not None else [], None, approved, profile)
    check_target(output, inputs)  # refuse a bad target before any work
    catalog = catalog_for(profile)
    proposal = load_proposal(source, catalog=catalog) if source is not None else None
    comparison = None
    if proposal is not None and approved is not None:
        pair = Service(catalog, approved=approved).approved_for(proposal, alone=True)
        comparison = compare(pair[1], proposal, pair[0]) if pair is not None else None
    data = render("form", [], catalog, lang, proposal=proposal, source=str(source or ""), comparison=comparison)
    write_bytes_atomic(output, data, inputs)
    _done(output, started, verbose)


@click.command()
@click.argument("kind", type=click.Choice(keys("checklist")))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@OUTPUT
@LANG
@ENGINE
@AS_OF
@WAIVERS
@PROFILE
@APPROVED
@REGISTER
@REGISTER_DB
@click.option(
    "--from-register", is_flag=True,
    help="management-record only, instead of FILES: the record of each case the council approved, from the register "
    "(--db), with the dates recorded and what is overdue.",
)
@click.option("--case", "cases", multiple=True, help="With --from-register: only this case (repeat for more).")
@click.option("--today", type=DATE, default=None, help="With --from-register: the day overdue is counted from (default: today).")
@ANSWERS
@click.option("-v", "--verbose", is_flag=True, help="Say what was written and how long it took.")
@handles_errors
def checklist(
    kind: str, files: tuple[Path, ...], output: Path, lang: str, engine_name: str,
    as_of: dt.datetime | None, waivers: Path | None, profile: str | None, approved: Path | None,
    use_register: bool | None, register_db: str | None, from_register: bool, cases: tuple[str, ...], today: dt.date | None,
    answers: Path | None, verbose: bool,
) -> None:
    """Write checklist KIND for the proposals FILES as an Excel workbook.

    \b
    self-check         自己点検シート: one row per rule that applies, pre-judged
    inspection         立入り調査チェックシート: one row per measure the proposal promises
    management-record  委託管理記録: header and a dated log seeded from the contract period
    pre-send           メール送信前チェックリスト: one row per planned bulk send
    questions          事前確認事項: the questions before the meeting, with room to answer
                       (read the answers back with `itaku check FILE --answers THIS.xlsx`)
    opinion-list       セキュリティアドバイザー意見一覧: one row per proposal
    matrix             topics down, proposals across, each topic's status in each cell
    """
    started = time.perf_counter()
    _check_suffix(output, kind)
    if from_register or not files:
        if not from_register or files or kind != "management-record":
            raise click.UsageError(phrase("register.record.files_or_register"))
        _record_from_register(output, register_db, list(cases) or None, today or dt.date.today(), lang)
        _done(output, started, verbose)
        return
    catalog = catalog_for(profile)
    inputs = run_inputs(files, waivers, approved, profile, answers=answers)
    check_target(output, inputs)  # refuse a bad target before the (slower) evaluation
    evaluations = evaluate_files(
        files, engine_name, as_date(as_of), waivers, catalog, approved,
        use_register=use_register, register_db=register_db, answers=answers,
    )
    if kind == "pre-send":
        for evaluation in evaluations:
            if not applies(kind, evaluation, catalog):
                click.echo(f"itaku: {evaluation.source}: {phrase('excel.skipped_no_bulk_send')}", err=True)
        evaluations = [e for e in evaluations if applies(kind, e, catalog)]
        if not evaluations:
            raise InputError(", ".join(str(f) for f in files), None, phrase("excel.no_bulk_send"))
    if kind in FIELD_DOCUMENTS:  # an inspection or a record needs a vendor holding the data
        kept = [e for e in evaluations if applies(kind, e, catalog)]
        if not kept:  # one line: nothing to make, nothing written
            raise InputError(", ".join(str(f) for f in files), None, phrase("excel.no_vendor"))
        for evaluation in evaluations:
            if evaluation not in kept:
                click.echo(f"itaku: {evaluation.source}: {phrase('excel.skipped_no_vendor')}", err=True)
        evaluations = kept
    write_bytes_atomic(output, render(kind, evaluations, catalog, lang), inputs)
    _done(output, started, verbose)


def _record_from_register(output: Path, db: str | None, cases: list[str] | None, today: dt.date, lang: str) -> None:
    """The management record workbook from the register."""
    from itaku.register.due import management_records
    from itaku.register.service import Register
    from itaku.register.store import open_store

    check_target(output, [])
    records = management_records(Register(open_store(db or configured_register())), cases, today)
    if not records:
        raise InputError(str(output), None, phrase("register.record.none"))
    write_bytes_atomic(output, register_record(records, today, lang), [])
