"""`itaku screen`: screen folders of proposals into one result file each and a summary.json.

Exit codes: 0 all screened, nothing reached --fail-on; 1 a finding reached --fail-on; 2 some input
could not be read (the rest were screened); 3 the engine failed on some proposal (the rest were
screened). The highest applicable code wins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import sys
from pathlib import Path

import click

from itaku.cli.common import (
    APPROVED,
    AS_OF,
    ENGINE,
    FAIL_ON,
    LANG,
    PROFILE,
    REGISTER,
    REGISTER_DB,
    WAIVERS,
    Terminated,
    as_date,
    catalog_for,
    chosen_profile,
    handles_errors,
    run_inputs,
)
from itaku.engine.errors import ExitCode, InputError, ItakuError
from itaku.engine.safe_text import inert_line
from itaku.engine.wording import phrase
from itaku.files.reading import file_kind, real_path
from itaku.present.formats import offered_by
from itaku.service.evaluating import Service

FORMAT_SUFFIX = {f.key: f.suffix for f in offered_by("screen")}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "outdir", required=True, type=click.Path(path_type=Path),
    help="Folder for the results and summary.json (created if missing).",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Worker processes (default and most: the CPUs usable; at most one per input). Results do not depend on it.",
)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMAT_SUFFIX)), default="json", show_default=True)
@FAIL_ON
@click.option(
    "--opinion-list/--no-opinion-list", default=True, show_default=True,
    help=f"Also write the advisor opinion list ({'opinion-list.xlsx'}) for up to 1,000 proposals.",
)
@LANG
@ENGINE
@AS_OF
@WAIVERS
@PROFILE
@APPROVED
@REGISTER
@REGISTER_DB
@handles_errors
def screen(
    paths: tuple[Path, ...], outdir: Path, jobs: int | None, fmt: str, fail_on: str, opinion_list: bool, lang: str,
    engine_name: str, as_of: dt.datetime | None, waivers: Path | None, profile: str | None, approved: Path | None,
    use_register: bool | None, register_db: str | None,
) -> None:
    """Screen many proposals (files or folders, recursively: *.yaml, *.yml, *.json, *.xlsx).

    Writes one result per proposal into OUTDIR, named after its path (`a/b.yaml` -> `a__b.yaml.json`),
    and summary.json. A file that cannot be read is reported and the others are still screened.
    With --approved FOLDER, each proposal is compared with the approved version of its case number;
    with --register, with its case's last approved version in the register.
    """
    from itaku.screening import batch as sc
    from itaku.screening.progress import Progress

    chosen = chosen_profile(profile)
    catalog = catalog_for(chosen)  # a broken profile or catalog stops here, before any worker starts
    # a broken waiver register, approved version or case register stops here too (approved versions
    # are never this run's results); the workers read them from where this chose
    service = Service(catalog, waivers=waivers, approved=approved, use_register=use_register,
                      register_db=register_db or None, outdir=outdir)
    service.read_inputs()
    try:
        sc.renderer(fmt, lang, catalog)
    except ImportError as exc:
        raise click.UsageError(phrase("error.format_needs_module", fmt=fmt, module=exc.name)) from None
    _prepare(outdir, paths)
    # what the run reads is never removed nor replaced; the files in OUTDIR that are not results of
    # an earlier run stay too, and a result that would take such a name is renamed (`~2`)
    inputs = run_inputs([p for p in paths if not p.is_dir()], waivers, approved, chosen, outdir)
    folder = sc.OutputFolder(outdir, inputs)
    staying = folder.start()
    settings = sc.Settings(
        engine_name, as_date(as_of), waivers, fmt, lang, fail_on, opinion_list, chosen, approved, service.register_place, outdir,
    )
    reserved = (sc.SUMMARY_NAME, sc.OPINION_LIST_NAME, sc.MANIFEST_NAME, *staying)
    # Every result's name is on disk before the first result (see OutputFolder); the same walk counts them.
    total = folder.plan(task.name for task in sc.tasks(paths, outdir, FORMAT_SUFFIX[fmt], reserved=reserved))
    progress = Progress(sys.stderr, total, enabled=sys.stderr.isatty())
    summary = sc.Summary(settings)
    opinions = sc.OpinionList(opinion_list, chosen)
    task_iter = sc.tasks(paths, outdir, FORMAT_SUFFIX[fmt], reserved=reserved)
    try:
        for outcome in sc.outcomes(task_iter, settings, sc.worker_count(jobs, total)):
            outcome = sc.write_outcome(folder, outcome)
            summary.add(outcome)
            opinions.add(outcome)
            if outcome.error:
                progress.note(f"itaku: {outcome.error}")
            progress.advance()
        progress.close()
        try:
            written = opinions.write(folder, lang)
        except InputError as exc:
            summary.failed.append({"path": sc.OPINION_LIST_NAME, "error": inert_line(exc.render())})
            click.echo(f"itaku: {inert_line(exc.render())}", err=True)
            written = None
        summary.opinion_list = written or (
            f"skipped: more than {sc.OPINION_LIST_MAX} proposals" if opinions.skipped else None
        )
    except BaseException as exc:
        # what was screened stays, each result whole; the summary says the run did not finish, and
        # with the code the command exits with
        interrupted = isinstance(exc, (KeyboardInterrupt, Terminated))
        summary.status = "interrupted" if interrupted else "stopped"
        summary.stopped_with = _exit_code(exc)
        progress.close()
        with contextlib.suppress(Exception):  # the error that stopped the run is the one to report
            sc.write_summary(folder, summary)
        raise
    finally:
        if summary.status == "complete":
            sc.write_summary(folder, summary)
        folder.close()
    if total == 0:
        click.echo(f"itaku: {phrase('screen.no_inputs')}", err=True)
    click.echo(phrase(
        "screen.done", screened=summary.screened, inputs=summary.inputs, failed=len(summary.failed),
        engine_errors=len(summary.engine_errors), summary=inert_line(outdir / sc.SUMMARY_NAME),
    ))
    if summary.exit_code:
        sys.exit(summary.exit_code)


def _exit_code(exc: BaseException) -> ExitCode:
    """The code the command exits with after `exc` (as stops_cleanly and handles_errors choose it)."""
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(exc, Terminated):
        return ExitCode.TERMINATED
    if isinstance(exc, ItakuError):
        return exc.exit_code
    return ExitCode.ENGINE


def _prepare(outdir: Path, paths: tuple[Path, ...]) -> None:
    """Create OUTDIR; refuse one that is an input folder (results would mix with proposals), a
    symbolic link, or anything but a folder."""
    resolved = real_path(outdir)
    for path in paths:
        if path.is_dir() and real_path(path) == resolved:
            raise InputError(str(outdir), None, phrase("error.outdir_is_input"))
    try:
        existing = os.lstat(outdir)
    except FileNotFoundError:
        existing = None
    except (OSError, ValueError) as exc:
        raise InputError(str(outdir), None, phrase("error.cannot_write", error=getattr(exc, "strerror", None) or exc)) from None
    if existing is not None and stat.S_ISLNK(existing.st_mode):
        raise InputError(str(outdir), None, phrase("error.outdir_is_link"))
    if existing is not None and not stat.S_ISDIR(existing.st_mode):
        raise InputError(str(outdir), None, phrase("error.output_not_regular", kind=file_kind(existing.st_mode)))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(outdir), None, phrase("error.cannot_create_outdir", error=exc.strerror or exc)) from None
