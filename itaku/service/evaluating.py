"""The one way a proposal is evaluated, whoever asks (`itaku check`, `report`, `checklist`, `screen`'s
workers, the self-check page, `register add`): the profile's catalog, the waiver register, the
approved versions (from --approved or the case register), the department's answers, one Evaluator;
and what the results mean for `--fail-on` and the exit status.

Below the front ends and above the files they read: `itaku.files` loads, `itaku.engine` evaluates;
this layer puts the two together once, so that the same inputs give the same Evaluation everywhere.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from itaku.engine.catalog import SEVERITY_RANK, Catalog
from itaku.engine.errors import ExitCode, InputError
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.models import Proposal
from itaku.engine.profiles import DEFAULT_PROFILE, profile_catalog
from itaku.engine.safe_text import inert_line
from itaku.engine.waivers import Register
from itaku.engine.wording import phrase
from itaku.files.reading import (
    CONFIG_ENV,
    Approved,
    approved_from_register,
    configured_compare,
    configured_profile,
    configured_register,
    load_answers,
    load_approved,
    load_profile,
    load_proposal,
    load_register,
    with_answers,
)

# `--fail-on`: the least severe finding that fails a run, or never.
FAIL_ON_LEVELS = ("blocker", "advice", "question", "never")

Version = tuple[str, Proposal]  # (the file it was read from, as shown; the proposal)


def chosen_profile(option: str | None) -> str:
    """Which profile judges: --profile, else $ITAKU_PROFILE, else the user's configuration, else the
    shipped default (a shipped profile's name, or the path of a folder or file)."""
    return option or os.environ.get(CONFIG_ENV) or configured_profile() or DEFAULT_PROFILE


def load_catalog(profile: str) -> Catalog:
    """The catalog as a profile (a shipped name, or a folder or file) adapts it; a broken profile or
    rule file is an input error."""
    return profile_catalog(load_profile(profile))


class Service:
    """Evaluates proposals under one catalog, engine, date, waiver register and source of approved
    versions; build once, reuse for many proposals.

    Approved versions come from one place, chosen here: the files of --approved, else (when
    --register or the configuration's `compare_with_register:` says so) the register, else nowhere.
    With `answers`, the department's answers to the questions are taken as the responses of the
    proposals they are for (evaluate_files).

    The waiver register is read when the service is made; the approved versions when first needed
    (after the proposals, so that a bad proposal is reported before a bad approved version or
    configuration); the Evaluator (which compiles the catalog) when first used, so that a process that
    only checks its inputs (`screen` before its workers start) never compiles it.
    """

    def __init__(
        self,
        catalog: Catalog,
        engine: str = "durable",
        as_of: dt.date | None = None,
        waivers: Path | None = None,
        approved: Path | None = None,
        use_register: bool | None = False,
        register_db: str | None = None,
        answers: Path | None = None,
        outdir: Path | None = None,
    ) -> None:
        """`use_register`: compare with the register (None: as the configuration says); `register_db`:
        its place, a path or URL ("" the default place; None: the configuration's `register:`, else the
        default place); `outdir`: screen's results, never read as approved versions."""
        self.catalog = catalog
        self.engine = engine
        self.as_of = as_of
        self.register: Register = load_register(waivers) if waivers else {}
        self.approved_path = approved
        self.use_register = use_register
        self.register_db = register_db
        self.answers = answers
        self.outdir = outdir
        self._approved: Approved | None = None
        # the register the approved versions come from, once read_inputs has chosen: its place (""
        # the default place), or None when they do not come from the register
        self.register_place: str | None = None

    @cached_property
    def evaluator(self) -> Evaluator:
        """The Evaluator of this catalog and engine."""
        return Evaluator(self.catalog, self.engine)

    @property
    def approved(self) -> Approved:
        """The approved versions by case number, each with its file as given (or the register's
        name of it); none without --approved or the register."""
        if self._approved is None:
            self.read_inputs()
        assert self._approved is not None
        return self._approved

    def read_inputs(self, numbers: set[str] | None = None) -> None:
        """Read the approved versions now (the waiver register is read already): a run that leaves
        the evaluating to other processes stops on a broken input before any of them starts.
        `numbers`: the cases whose versions the register is asked for (None: every case)."""
        if self.approved_path is not None:
            self._approved = load_approved(self.approved_path, self.catalog, self.outdir)
            return
        if configured_compare() if self.use_register is None else self.use_register:
            place = self.register_db if self.register_db is not None else configured_register() or ""
            self.register_place = place
            self._approved = approved_from_register(place or None, numbers, self.catalog)
            return
        self._approved = {}

    def approved_for(self, proposal: Proposal, alone: bool = False) -> Version | None:
        """The version `proposal` is compared with, its file shown escaped: the one file given, when
        `alone` (the only proposal evaluated) and --approved names a file; else the approved version
        of its case number (None: no such version). A version of another case number is an InputError
        naming both numbers: comparing two cases would report every difference between them as a change."""
        single = alone and self.approved_path is not None and not self.approved_path.is_dir()
        pair = next(iter(self.approved.values()), None) if single else self.approved.get(proposal.case.number)
        if pair is None:
            return None
        source, earlier = pair
        if earlier.case.number != proposal.case.number:
            raise InputError(source, "case.number", phrase(
                "error.approved_other_case", approved=earlier.case.number, number=proposal.case.number,
            ))
        return inert_line(source), earlier

    def answered(self, proposals: list[tuple[Path, Proposal]]) -> list[tuple[Path, Proposal]]:
        """The proposals with the answers of the workbook `answers` taken as their responses (as
        given without one); a workbook answering none of them is refused (exit 2), naming the cases
        it is for."""
        if self.answers is None:
            return proposals
        given = load_answers(self.answers, self.catalog)
        if not any(p.case.number in given for _, p in proposals):
            sep = phrase("sep.list")
            cases = sep.join(phrase("case.number", number=p.case.number) for _, p in proposals)
            found = sep.join(phrase("case.number", number=n) for n in given)
            raise InputError(str(self.answers), None, phrase("answers.no_case", cases=cases, found=found))
        return [(path, with_answers(p, given)) for path, p in proposals]

    def evaluate(self, proposal: Proposal, source: str, approved: Version | None = None, detail: bool = True) -> Evaluation:
        """Evaluate one proposal, known as `source`, with the register's exceptions for its case
        number, compared with `approved` (see approved_for). `detail`: see Evaluator.evaluate."""
        exceptions = self.register.get(proposal.case.number, ())
        return self.evaluator.evaluate(proposal, source, self.as_of, exceptions, approved=approved, detail=detail)

    def evaluate_files(self, files: Sequence[Path], detail: bool = True) -> list[Evaluation]:
        """Load every file first (a bad one stops everything before any output), take the answers
        in, then evaluate each, compared with its approved version."""
        proposals = self.answered([(path, load_proposal(path, catalog=self.catalog)) for path in files])
        if self._approved is None:
            self.read_inputs({p.case.number for _, p in proposals})
        alone = len(proposals) == 1
        return [self.evaluate(p, inert_line(path), self.approved_for(p, alone), detail) for path, p in proposals]


def reaches(evaluation: Evaluation, fail_on: str) -> bool:
    """Whether a finding that counts (not set aside by an exception) is at least as severe as
    `fail_on`; never, for "never"."""
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in evaluation.findings if f.counts)


def exit_code(reached: bool, failed_inputs: bool = False, engine_errors: bool = False) -> ExitCode:
    """The exit status of a run, the worst that applies: an engine error, else an input that could
    not be read (screen goes on past both), else a finding that reached --fail-on, else OK."""
    if engine_errors:
        return ExitCode.ENGINE
    if failed_inputs:
        return ExitCode.INPUT
    return ExitCode.FINDINGS if reached else ExitCode.OK


def exit_code_of(evaluations: Iterable[Evaluation], fail_on: str) -> ExitCode:
    """The exit status of a command that evaluated `evaluations` (all of them, or it stopped)."""
    return exit_code(any(reaches(e, fail_on) for e in evaluations))
