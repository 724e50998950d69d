"""`itaku report`: one proposal's review, or a meeting report, as HTML or Markdown; or the
advisor's draft opinion as a Word document."""

from __future__ import annotations

import datetime as dt
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
from itaku.engine.errors import InputError
from itaku.engine.wording import phrase
from itaku.files.writing import check_target, write_bytes_atomic
from itaku.present.formats import keys, named_by_suffix

# Output suffixes that name a format, so `-o meeting.html` needs no --format.
_SUFFIX_FORMAT = named_by_suffix("report")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(keys("report")), default=None,
    help="html, md, or docx for the advisor's draft opinion in Word (default: from the suffix of -o; "
    "a suffix naming another format is refused).",
)
@LANG
@ENGINE
@AS_OF
@WAIVERS
@PROFILE
@APPROVED
@REGISTER
@REGISTER_DB
@ANSWERS
@click.option(
    "-o", "--output", "output", required=True, metavar="OUT",
    help="File to write, atomically; never one of the inputs. '-' writes to standard output.",
)
@handles_errors
def report(
    files: tuple[Path, ...], fmt: str | None, lang: str, engine_name: str,
    as_of: dt.datetime | None, waivers: Path | None, profile: str | None, approved: Path | None,
    use_register: bool | None, register_db: str | None, answers: Path | None, output: str,
) -> None:
    """Write one proposal's review, or a meeting report for several (agenda, then each case in
    case-number order), as one self-contained HTML file or as Markdown; with --format docx, the
    advisor's draft opinion on each case in the council's form, as a Word document to edit."""
    from itaku.outputs import render

    named = _SUFFIX_FORMAT.get(Path(output).suffix.lower()) if output != "-" else None
    if fmt is not None and named is not None and named != fmt:
        # neither wins silently: an .html file holding Markdown would be opened wrongly
        raise InputError(output, None, phrase("error.output_format_conflict", fmt=fmt, suffix=Path(output).suffix))
    fmt = fmt or named
    if fmt is None:
        raise InputError(output, None, phrase("error.output_format_unknown"))
    if fmt == "docx" and output == "-":
        raise InputError(output, None, phrase("error.docx_to_stdout"))
    inputs = run_inputs(files, waivers, approved, profile, answers=answers)
    target = None if output == "-" else Path(output)
    if target is not None:
        check_target(target, inputs)  # refuse before any work: an input is never overwritten
    catalog = catalog_for(profile)
    evaluations = evaluate_files(
        files, engine_name, as_date(as_of), waivers, catalog, approved, detail=False,
        use_register=use_register, register_db=register_db, answers=answers,
    )
    data = render(fmt, evaluations, catalog, lang)
    if target is None:  # html or md (docx was refused above)
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_bytes_atomic(target, data, inputs)
