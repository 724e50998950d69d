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
from itaku.engine.errors import InputError, ItakuError
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.models import Proposal
from itaku.engine.profiles import DEFAULT_PROFILE, profile_catalog
from itaku.engine.safe_text import inert_line
from itaku.engine.waivers import Register
from itaku.engine.wording import language, municipality, phrase
from itaku.files.reading import (
    CONFIG_ENV,
    Approved,
    approved_from_register,
    configuration_in_use,
    configured_compare,
    configured_profile,
    configured_register,
    load_answers,
    load_approved,
    load_profile,
    load_proposal,
    load_register,
    profile_files,
    proposal_files,
    with_answers,
)

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
        sys.exit(130)
    except Terminated:
        click.echo(f"itaku: {phrase('error.terminated')}", err=True)
        sys.exit(143)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(141)
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
            sys.exit(3)
        finally:
            municipality.reset(words)
            language.reset(token)

    return wrapper  # type: ignore[return-value]


def as_date(value: dt.datetime | None) -> dt.date | None:
    """click's DateTime option as a date."""
    return value.date() if value else None


def chosen_profile(option: str | None) -> str:
    """Which profile judges: --profile, else $ITAKU_PROFILE, else the user's configuration, else the
    shipped default (a shipped profile's name, or the path of a folder or file)."""
    return option or os.environ.get(CONFIG_ENV) or configured_profile() or DEFAULT_PROFILE


def catalog_for(option: str | None) -> Catalog:
    """The catalog as the chosen profile adapts it (a broken profile is an input error, exit 2). From
    here on the command names the municipality as that profile does (区, 市), in what it reads (a
    form's choices) as in what it writes."""
    catalog = profile_catalog(load_profile(chosen_profile(option)))
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
    """Load every file first (a bad one stops everything before any output), then evaluate; with
    `approved`, compare each proposal with its approved version (one file for one proposal, else
    matched by case number); else, with the register (`use_register`, or the configuration), with
    the version of its case the council last approved; with `answers`, take the department's answers
    to the questions as the responses of the proposals they are for. `detail`: see Evaluator.evaluate."""
    catalog = catalog or catalog_for(None)
    register: Register = load_register(waivers) if waivers else {}
    proposals = [(path, load_proposal(path, catalog=catalog)) for path in files]
    if answers is not None:
        proposals = merged_answers(proposals, answers, catalog)
    earlier = load_approved(approved, catalog) if approved else {}
    if approved is None and with_register(use_register):
        earlier = approved_from_register(register_db or configured_register(), {p.case.number for _, p in proposals}, catalog)
    evaluator = Evaluator(catalog, engine_name)
    out = []
    for path, p in proposals:
        pair = approved_version(earlier, approved, p, len(proposals))
        out.append(evaluator.evaluate(p, inert_line(path), as_of, register.get(p.case.number, ()), approved=pair, detail=detail))
    return out


def with_register(option: bool | None) -> bool:
    """Whether proposals are compared with the register: --register/--no-register, else the
    configuration."""
    return configured_compare() if option is None else option


def merged_answers(proposals: list[tuple[Path, Proposal]], answers: Path, catalog: Catalog) -> list[tuple[Path, Proposal]]:
    """The proposals with the answers of the workbook `answers` taken as their responses; a workbook
    answering none of them is refused (exit 2), naming the cases it is for."""
    given = load_answers(answers, catalog)
    if not any(p.case.number in given for _, p in proposals):
        sep = phrase("sep.list")
        cases = sep.join(phrase("case.number", number=p.case.number) for _, p in proposals)
        found = sep.join(phrase("case.number", number=n) for n in given)
        raise InputError(str(answers), None, phrase("answers.no_case", cases=cases, found=found))
    return [(path, with_answers(p, given)) for path, p in proposals]


def approved_version(earlier: Approved, approved: Path | None, proposal: Proposal, proposals: int) -> tuple[str, Proposal] | None:
    """The version `proposal` is compared with, (its file as shown, the proposal): the one file given
    for a single proposal, else the approved version of its case number (None: no such version). A
    single file of another case number is an InputError naming both numbers: comparing two cases
    would report every difference between them as a change."""
    single = approved is not None and not approved.is_dir() and proposals == 1
    pair = next(iter(earlier.values()), None) if single else earlier.get(proposal.case.number)
    if pair is None:
        return None
    if pair[1].case.number != proposal.case.number:
        raise InputError(pair[0], "case.number", phrase(
            "error.approved_other_case", approved=pair[1].case.number, number=proposal.case.number,
        ))
    return inert_line(pair[0]), pair[1]


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
