"""What every `itaku` subcommand shares: error handling, common options, evaluating files."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from itaku.engine.catalog import Catalog, words_of
from itaku.engine.errors import ExitCode, InputError, ItakuError
from itaku.engine.evaluation import Evaluation
from itaku.engine.profiles import DEFAULT_PROFILE
from itaku.engine.safe_text import inert_line
from itaku.engine.wording import language, municipality, phrase
from itaku.files.reading import CONFIG_ENV, configuration_in_use, profile_files, proposal_files
from itaku.service.evaluating import FAIL_ON_LEVELS, Service, chosen_profile, load_catalog

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
    "--waivers", type=click.Path(path_type=Path), default=None, help="Exception register (YAML list)."
)
PROFILE = click.option(
    "--profile", "profile", default=None, metavar="NAME|PATH",
    help=f"The municipality's profile: a shipped one (default, example-city), a folder or a file. "
    f"Default: ${CONFIG_ENV}, else `profile:` in ~/.config/itaku/config.yaml, else {DEFAULT_PROFILE}.",
)
FAIL_ON = click.option(
    "--fail-on", type=click.Choice(FAIL_ON_LEVELS), default="blocker", show_default=True,
    help="Exit 1 when a finding reaches this severity.",
)
ANSWERS = click.option(
    "--answers", type=click.Path(path_type=Path), default=None,
    help="The questions before the meeting as the department answered them (the workbook of "
    "`itaku checklist questions`, filled in): each answer is taken as the response on its topic.",
)
APPROVED = click.option(
    "--approved", type=click.Path(path_type=Path), default=None,
    help="The version approved earlier: a file (one proposal), or a folder matched by case number. "
    "Changes are computed and findings already present then are marked as carried over.",
)

REGISTER = click.option(
    "--register/--no-register", "use_register", default=None,
    help="Compare each proposal with the version of its case the council last approved, from the register "
    "(default: `compare_with_register:` in the configuration). --approved overrides it.",
)
REGISTER_DB = click.option(
    "--db", "register_db", default=None, metavar="PATH|URL",
    help="The register, with --register (default: `register:` in the configuration, else the user's data directory).",
)


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that every `finally` runs (temporary files are
    removed, worker processes stopped) before the command exits 143. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` swallows it."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def stops_cleanly() -> Iterator[None]:
    """Run a command so that it ends cleanly: Ctrl-C exits 130 and SIGTERM 143 with one line, a
    closed pipe on standard output (`itaku rules list | head -1`) ends quietly with 141."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main else None
    try:
        yield
        sys.stdout.flush()  # a closed pipe shows here, not as a complaint at interpreter exit
    except KeyboardInterrupt:
        click.echo(f"itaku: {phrase('error.interrupted')}", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except Terminated:
        click.echo(f"itaku: {phrase('error.terminated')}", err=True)
        sys.exit(ExitCode.TERMINATED)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(ExitCode.CLOSED_PIPE)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered for the closed pipe is dropped."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


def handles_errors(func: F) -> F:
    """Turn itaku's own errors into one line on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = language.set(kwargs.get("lang") or "ja")
        words = municipality.set(None)  # the default profile's until the command chooses one (catalog_for)
        try:
            return func(*args, **kwargs)
        except ItakuError as exc:
            click.echo(f"itaku: {inert_line(exc)}", err=True)  # messages quote proposal text and file names
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, BrokenPipeError):
            raise
        except Exception as exc:  # a bug of ours: one line, exit 3; ITAKU_DEBUG=1 shows the traceback
            if os.environ.get("ITAKU_DEBUG"):
                raise
            click.echo(f"itaku: {phrase('error.internal', kind=type(exc).__name__, error=inert_line(exc))}", err=True)
            sys.exit(ExitCode.ENGINE)
        finally:
            municipality.reset(words)
            language.reset(token)

    return wrapper  # type: ignore[return-value]


def as_date(value: dt.datetime | None) -> dt.date | None:
    """click's DateTime option as a date."""
    return value.date() if value else None


def catalog_for(option: str | None) -> Catalog:
    """The catalog as the chosen profile adapts it (a broken profile is an input error, exit 2). From
    here on the command names the municipality as that profile does (区, 市), in what it reads (a
    form's choices) as in what it writes."""
    catalog = load_catalog(chosen_profile(option))
    municipality.set(words_of(catalog.profile))
    return catalog


def evaluate_files(
    files: tuple[Path, ...] | list[Path],
    engine_name: str = "durable",
    as_of: dt.date | None = None,
    waivers: Path | None = None,
    catalog: Catalog | None = None,
    approved: Path | None = None,
    detail: bool = True,
    use_register: bool | None = None,
    register_db: str | None = None,
    answers: Path | None = None,
) -> list[Evaluation]:
    """Evaluate the files as the evaluation service does (itaku/service): every file loaded first (a
    bad one stops everything before any output); with `answers`, the department's answers to the
    questions taken as the responses of the proposals they are for; each proposal compared with its
    approved version: with `approved`, one file for one proposal, else matched by case number; else,
    with the register (`use_register`, or the configuration), the version of its case the council last
    approved. `detail`: see Evaluator.evaluate."""
    service = Service(
        catalog or catalog_for(None), engine_name, as_of, waivers, approved,
        use_register=use_register, register_db=register_db or None, answers=answers,
    )
    return service.evaluate_files(list(files), detail)


def approved_inputs(approved: Path | None, exclude: Path | None = None) -> list[Path]:
    """The approved files, which an output must never overwrite (`exclude`: see proposal_files)."""
    if approved is None:
        return []
    if approved.is_dir():
        return proposal_files(approved, exclude)
    if not os.path.lexists(approved):
        raise InputError(str(approved), None, phrase("error.not_found"))
    return [approved]


def run_inputs(
    files: tuple[Path, ...] | list[Path] = (), waivers: Path | None = None, approved: Path | None = None,
    profile: str | None = None, outdir: Path | None = None, answers: Path | None = None,
) -> list[Path]:
    """Every file a command reads, which no output of it may replace: the proposals, the waivers,
    the answers to the questions, the approved versions (never what lies in screen's `outdir`), the
    chosen profile's files and the user's configuration."""
    configuration = configuration_in_use()
    return [
        *files, *([waivers] if waivers else []), *([answers] if answers else []), *approved_inputs(approved, outdir),
        *profile_files(chosen_profile(profile)), *([configuration] if configuration else []),
    ]
