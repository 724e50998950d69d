"""The review behind the page: one catalog and one Evaluator per process, the form read into a
proposal, the same evaluation as `itaku check`, the advisor's view prepared for the page, and the
files the page offers, made by the functions the command line uses.

Requests reach the engine like this: the app builds one `Reviewer` when it starts; each request
reads its form and evaluates in the app's fixed pool of worker threads (`WORKERS` in app.py), so
the event loop never waits on the engine; the durable_rules ruleset and the Evaluator's session are
shared and taken in turns (the lock per ruleset in engine/matching.py), everything else a request
touches is its own. Nothing of a request outlives its response.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from itaku.engine.catalog import Catalog, words_of
from itaku.engine.dump import proposal_yaml
from itaku.engine.errors import InputError
from itaku.engine.evaluation import Evaluation
from itaku.engine.models import Proposal
from itaku.engine.profiles import default_catalog
from itaku.engine.safe_text import inert_line
from itaku.engine.wording import language, phrase, speaking_for
from itaku.files.reading import load_proposal_bytes
from itaku.present.json_view import EvaluationView
from itaku.present.view import CaseReport, case_view
from itaku.service.evaluating import Service
from itaku.web import fields as fd
from itaku.web.formdata import FormValues, Reading, read

_UNSAFE = re.compile(r"[^\w\-]+")
# The approved version the page holds, in two hidden fields (names no field of the form has): its
# file name, and the proposal read from it as YAML, base64 (one line, whatever it contains). The
# server keeps nothing: each request brings it back, and it is read again as an uploaded YAML file.
APPROVED_NAME = "approved_name"
APPROVED_DATA = "approved_data"
_HELD_AS = "approved.yaml"

Approved = tuple[str, Proposal]  # (the file name it was loaded from, the approved proposal)


def approved_fields(name: str, proposal: Proposal) -> dict[str, str]:
    """The hidden fields that hold `proposal`, loaded from a file named `name`."""
    return {APPROVED_NAME: name, APPROVED_DATA: base64.b64encode(proposal_yaml(proposal).encode("utf-8")).decode("ascii")}


def approved_of(values: FormValues) -> Approved | None:
    """The approved version the form holds, read with the upload's reader and limits; None when it
    holds none. Raises InputError when the hidden fields do not read as a proposal."""
    data = values.get(APPROVED_DATA)
    if not data:
        return None
    name = inert_line(values.get(APPROVED_NAME)) or "?"
    try:
        text = base64.b64decode(data.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InputError(name, None, phrase("web.approved.unreadable")) from None
    return name, load_proposal_bytes(_HELD_AS, text, lambda _: None)


@dataclass
class Check:
    """One reading and, when the form reads as a proposal, its evaluation."""

    reading: Reading
    evaluation: Evaluation | None
    problem: str | None = None  # an error of the whole proposal (not of one field)


class Reviewer:
    """What every request of one process shares: the catalog, the form's description, the evaluation
    service (the one `itaku check` uses, without waivers: the page holds no register)."""

    def __init__(self, lang: str = "ja", engine: str = "durable", catalog: Catalog | None = None) -> None:
        self.lang = lang
        self.catalog = catalog or default_catalog()
        self.service = Service(self.catalog, engine)
        _ = self.service.evaluator  # compiled when the app starts, not on the first request
        with self.speaking():
            self.parts = fd.describe(lang, self.catalog)

    @contextlib.contextmanager
    def speaking(self) -> Iterator[None]:
        """Work in the page's language, naming the municipality as the catalog's profile does (区の承認,
        市の承認): each request's thread sets both, as `itaku` commands do."""
        token = language.set(self.lang)
        try:
            with speaking_for(words_of(self.catalog.profile)):
                yield
        finally:
            language.reset(token)

    # ------------------------------------------------------------ reading and evaluating

    def check(self, values: FormValues) -> Check:
        """Read the form and, if it is a proposal, evaluate it as `itaku check` would."""
        with self.speaking():
            reading = read(values, self.parts, self.lang)
            try:
                approved = approved_of(values)
            except InputError as exc:
                problem = phrase("web.approved.failed", self.lang, name=values.get(APPROVED_NAME) or "?", message=exc.message)
                return Check(Reading(None, reading.errors, reading.dates), None, inert_line(problem))
            if reading.proposal is None:
                return Check(reading, None)
            try:
                return Check(reading, self.evaluate(reading.proposal, approved))
            except InputError as exc:
                return Check(Reading(None, reading.errors, reading.dates), None, exc.message)

    def evaluate(self, proposal: Proposal, approved: Approved | None = None) -> Evaluation:
        """The Evaluation `itaku check FILE` gives, FILE being the proposal saved under `source_name`;
        with `approved`, the one `itaku check FILE --approved OLD` gives (OLD its file name)."""
        return self.service.evaluate(proposal, self.source_name(proposal), approved)

    def source_name(self, proposal: Proposal) -> str:
        """The proposal's file name when saved from the page (資料27.yaml): the name every download
        carries, so that the command line run on the saved file writes the same bytes."""
        return f"{self.file_stem(proposal)}.yaml"

    def file_stem(self, proposal: Proposal) -> str:
        """資料27 (Item 27 in English), reduced to characters safe in a file name on every system."""
        number = _UNSAFE.sub("_", proposal.case.number).strip("_")[:40] or "_"
        return _UNSAFE.sub("_", phrase("case.number", self.lang, number=number)).strip("_")

    # ------------------------------------------------------------ what the page shows

    def view(self, evaluation: Evaluation) -> CaseReport:
        """The advisor's view for the page: the reports' own CaseReport (evidence in the form's words)."""
        return case_view(evaluation, self.catalog, self.lang)

    def summary(self, evaluation: Evaluation) -> dict[str, Any]:
        """The evaluation as `itaku check --format json` gives it, for scripts and tests."""
        return EvaluationView.of(evaluation, self.lang).as_data()
