"""The `itaku` command line.

Exit codes (ExitCode in engine/errors.py): 0 nothing reached --fail-on; 1 a finding reached it (or a
rule test failed); 2 bad input or usage; 3 an internal error (engine or rule evaluation).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

import click

from itaku.cli.common import (
    ANSWERS,
    APPROVED,
    AS_OF,
    ENGINE,
    FAIL_ON,
    LANG,
    PROFILE,
    REGISTER,
    REGISTER_DB,
    WAIVERS,
    as_date,
    catalog_for,
    evaluate_files,
    handles_errors,
    stops_cleanly,
)
from itaku.present.formats import keys
from itaku.service.evaluating import exit_code_of

# The other subcommands, imported only when one is run (or listed in --help): a YAML check must not
# pay for the Excel, report, web or rule-tooling modules (docs/performance.md: cold start).
LAZY = {
    "rules": ("itaku.cli.rules", "rules"),
    "template": ("itaku.cli.checklist", "template"),
    "checklist": ("itaku.cli.checklist", "checklist"),
    "report": ("itaku.cli.report", "report"),
    "screen": ("itaku.cli.screen", "screen"),
    "convert": ("itaku.cli.convert", "convert"),
    "serve": ("itaku.cli.serve", "serve"),
    "register": ("itaku.cli.register", "register"),
}


class _Itaku(click.Group):
    """The command group: every subcommand runs so that it ends cleanly (signals, closed pipes), and
    the LAZY ones are imported on first use."""

    def invoke(self, ctx: click.Context) -> object:
        with stops_cleanly():
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every subcommand name, the lazy ones included (for --help)."""
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand called `cmd_name`, importing its module if it is a lazy one."""
        if cmd_name in LAZY and cmd_name not in self.commands:
            module, name = LAZY[cmd_name]
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Itaku)
@click.version_option(package_name="itaku")
def main() -> None:
    """itaku: review outsourcing proposals that handle personal information (委託審査).

    Findings follow the ward's guidelines and the national guidance, in the advisor's words.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(keys("check")), default="text", show_default=True)
@LANG
@FAIL_ON
@ENGINE
@AS_OF
@WAIVERS
@PROFILE
@APPROVED
@REGISTER
@REGISTER_DB
@ANSWERS
@handles_errors
def check(
    files: tuple[Path, ...], fmt: str, lang: str, fail_on: str, engine_name: str,
    as_of: dt.datetime | None, waivers: Path | None, profile: str | None, approved: Path | None,
    use_register: bool | None, register_db: str | None, answers: Path | None,
) -> None:
    """Review proposals (YAML, JSON or a filled Excel form) and print findings and verdicts."""
    from itaku.outputs import render

    catalog = catalog_for(profile)
    evaluations = evaluate_files(
        files, engine_name, as_date(as_of), waivers, catalog, approved, detail=False,
        use_register=use_register, register_db=register_db, answers=answers,
    )
    click.echo(render(fmt, evaluations, catalog, lang).decode("utf-8"), nl=False)
    code = exit_code_of(evaluations, fail_on)
    if code:
        sys.exit(code)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the JSON output (one object of `check --format json`, one result
    file of `screen`); the same text as docs/evaluation.schema.json."""
    from itaku.present.json_view import schema_text

    click.echo(schema_text(), nl=False)
