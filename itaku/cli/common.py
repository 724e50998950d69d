"""What every `itaku` subcommand shares: error handling, common options, evaluating files."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itaku.engine.catalog import Catalog, default_catalog
from itaku.engine.errors import ItakuError
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.safe_text import inert
from itaku.engine.waivers import Register
from itaku.engine.wording import language
from itaku.files.reading import load_proposal, load_register

F = TypeVar("F", bound=Callable[..., Any])

LANG = click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True, help="Output language.")
ENGINE = click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["durable", "reference"]),
    default="durable",
    show_default=True,
    help="durable_rules, or the plain-Python reference evaluator.",
)
AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Rules in force on this date (default: each proposal's case.meeting).",
)
WAIVERS = click.option(
    "--waivers", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Exception register (YAML list)."
)


def handles_errors(func: F) -> F:
    """Turn itaku's own errors into one line on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = language.set(kwargs.get("lang") or "ja")
        try:
            return func(*args, **kwargs)
        except ItakuError as exc:
            click.echo(f"itaku: {inert(exc)}", err=True)  # messages quote proposal text
            sys.exit(exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # a bug of ours: one line, exit 3; ITAKU_DEBUG=1 shows the traceback
            if os.environ.get("ITAKU_DEBUG"):
                raise
            click.echo(f"itaku: internal error: {type(exc).__name__}: {exc}", err=True)
            sys.exit(3)
        finally:
            language.reset(token)

    return wrapper  # type: ignore[return-value]


def as_date(value: dt.datetime | None) -> dt.date | None:
    """click's DateTime option as a date."""
    return value.date() if value else None


def evaluate_files(
    files: tuple[Path, ...] | list[Path],
    engine_name: str = "durable",
    as_of: dt.date | None = None,
    waivers: Path | None = None,
    catalog: Catalog | None = None,
) -> list[Evaluation]:
    """Load every file first (a bad one stops everything before any output), then evaluate."""
    catalog = catalog or default_catalog()
    register: Register = load_register(waivers) if waivers else {}
    proposals = [(path, load_proposal(path)) for path in files]
    evaluator = Evaluator(catalog, engine_name)
    return [evaluator.evaluate(p, str(path), as_of, register.get(p.case.number, ())) for path, p in proposals]
