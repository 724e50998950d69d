"""`itaku screen`: screen folders of proposals into one result file each and a summary.json.

Exit codes: 0 all screened, nothing reached --fail-on; 1 a finding reached --fail-on; 2 some input
could not be read (the rest were screened); 3 the engine failed on some proposal (the rest were
screened). The highest applicable code wins.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from itaku.cli.common import AS_OF, ENGINE, LANG, WAIVERS, as_date, handles_errors
from itaku.engine.errors import InputError

FORMAT_SUFFIX = {"json": ".json", "html": ".html", "md": ".md"}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "outdir", required=True, type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the results and summary.json (created if missing).",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Worker processes (default: the number of CPUs). Results do not depend on it.",
)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMAT_SUFFIX)), default="json", show_default=True)
@click.option(
    "--fail-on", type=click.Choice(["blocker", "advice", "never"]), default="blocker", show_default=True,
    help="Exit 1 when a finding reaches this severity.",
)
@click.option(
    "--opinion-list/--no-opinion-list", default=True, show_default=True,
    help=f"Also write the advisor opinion list ({'opinion-list.xlsx'}) for up to 1,000 proposals.",
)
@LANG
@ENGINE
@AS_OF
@WAIVERS
@handles_errors
def screen(
    paths: tuple[Path, ...], outdir: Path, jobs: int | None, fmt: str, fail_on: str, opinion_list: bool, lang: str,
    engine_name: str, as_of: dt.datetime | None, waivers: Path | None,
) -> None:
    """Screen many proposals (files or folders, recursively: *.yaml, *.yml, *.json, *.xlsx).

    Writes one result per proposal into OUTDIR, named after its path (`a/b.yaml` -> `a__b.yaml.json`),
    and summary.json. A file that cannot be read is reported and the others are still screened.
    """
    from itaku.engine.catalog import default_catalog
    from itaku.files.reading import load_register
    from itaku.screening import batch as sc
    from itaku.screening.progress import Progress

    default_catalog()  # a broken catalog stops here, before any worker starts
    if waivers:
        load_register(waivers)  # a broken register too
    _prepare(outdir, paths)
    try:
        sc.renderer(fmt, lang)
    except ImportError as exc:
        raise click.UsageError(f"--format {fmt} needs the module {exc.name}, which is not installed") from None
    settings = sc.Settings(engine_name, as_date(as_of), waivers, fmt, lang, fail_on, opinion_list)
    total = sum(1 for _ in sc.discover(paths, exclude=outdir))
    workers = max(1, min(jobs or os.cpu_count() or 1, total))
    progress = Progress(sys.stderr, total, enabled=sys.stderr.isatty())
    summary = sc.Summary(settings)
    opinions = sc.OpinionList(opinion_list)
    task_iter = sc.tasks(paths, outdir, FORMAT_SUFFIX[fmt], reserved=(sc.SUMMARY_NAME, sc.OPINION_LIST_NAME))
    for outcome in sc.outcomes(task_iter, settings, workers):
        sc.write_outcome(outdir, outcome)
        summary.add(outcome)
        opinions.add(outcome)
        if outcome.error:
            progress.note(f"itaku: {outcome.error}")
        progress.advance()
    progress.close()
    summary.opinion_list = opinions.write(outdir, lang) or (
        f"skipped: more than {sc.OPINION_LIST_MAX} proposals" if opinions.skipped else None
    )
    sc.write_summary(outdir, summary)
    if total == 0:
        click.echo("itaku: no proposal files found", err=True)
    click.echo(
        f"screened {summary.screened} of {summary.inputs} ({len(summary.failed)} unreadable, "
        f"{len(summary.engine_errors)} engine errors) -> {outdir / sc.SUMMARY_NAME}"
    )
    if summary.exit_code:
        sys.exit(summary.exit_code)


def _prepare(outdir: Path, paths: tuple[Path, ...]) -> None:
    """Create OUTDIR; refuse one that is an input folder (results would mix with proposals)."""
    resolved = outdir.resolve()
    for path in paths:
        if path.is_dir() and path.resolve() == resolved:
            raise InputError(str(outdir), None, "the output folder is one of the input folders; choose another")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(outdir), None, f"cannot create the output folder ({exc.strerror or exc})") from None
