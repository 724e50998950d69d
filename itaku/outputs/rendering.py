"""`render`: the bytes of any output of the registry (itaku/present/formats.py), from evaluations.

Each renderer is imported when its output is first asked for (`maker`): `itaku check` imports this
module and must not pay for openpyxl, the templates or the Word writer (docs/performance.md: cold
start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from itaku.present.formats import BY_KEY

if TYPE_CHECKING:
    from itaku.engine.catalog import Catalog
    from itaku.engine.changes import Comparison
    from itaku.engine.evaluation import Evaluation
    from itaku.engine.models import Proposal
    from itaku.register.due import ManagementRecord


@dataclass(frozen=True)
class Job:
    """What one output is made from: `Renderer`'s parameters (itaku/present/formats.py)."""

    evaluations: Sequence[Evaluation]
    catalog: Catalog
    lang: str
    proposal: Proposal | None = None
    source: str = ""
    comparison: Comparison | None = None
    lines: bool = False


Maker = Callable[[Job], bytes]


def _text(data: str) -> bytes:
    """A text output's bytes, as the command line has always written them (an unpaired surrogate,
    from a file name that is not UTF-8, escaped rather than refused)."""
    return data.encode("utf-8", errors="backslashreplace")


def _check_text() -> Maker:
    from itaku.reports.text import render_text

    return lambda job: _text("\n\n".join(render_text(e, job.catalog, job.lang) for e in job.evaluations) + "\n")


def _json() -> Maker:
    from itaku.present.json_view import evaluation_json_line, evaluations_json

    def make(job: Job) -> bytes:
        if job.lines:  # screening: one object per line, written by json's fast C encoder
            return b"".join(evaluation_json_line(e, job.lang) for e in job.evaluations)
        return _text(evaluations_json(job.evaluations, job.lang) + "\n")

    return make


def _report(fmt: str) -> Maker:
    from itaku.reports.render import render_report

    return lambda job: _text(render_report(job.evaluations, job.catalog, fmt, job.lang))


def _opinion() -> Maker:
    from itaku.reports.opinion_docx import render_opinion_docx

    return lambda job: render_opinion_docx(job.evaluations, job.catalog, job.lang)


def _yaml() -> Maker:
    from itaku.engine.dump import proposal_yaml

    def make(job: Job) -> bytes:
        if job.proposal is None:
            raise ValueError("the YAML output needs the proposal")
        return _text(proposal_yaml(job.proposal))

    return make


def _form() -> Maker:
    from itaku.checklists.form import build_form
    from itaku.checklists.workbook import workbook_bytes

    return lambda job: workbook_bytes(build_form(job.catalog, job.lang, job.proposal, job.source, job.comparison))


def _checklist(key: str) -> Maker:
    from itaku.checklists.build import build_checklist
    from itaku.checklists.workbook import workbook_bytes

    return lambda job: workbook_bytes(build_checklist(key, list(job.evaluations), job.catalog, job.lang))


_MAKERS: dict[str, Callable[[], Maker]] = {
    "text": _check_text,
    "json": _json,
    "html": lambda: _report("html"),
    "md": lambda: _report("md"),
    "docx": _opinion,
    "yaml": _yaml,
    "form": _form,
}


def maker(key: str) -> Maker:
    """The function that makes output `key` (a key of itaku/present/formats.py), its renderer imported now:
    a missing module is refused here, before any work (screening asks once, then makes thousands)."""
    spec = BY_KEY.get(key)
    if spec is None:
        raise ValueError(f"unknown output {key!r}")
    return _checklist(key) if spec.builder is not None else _MAKERS[key]()


def render(
    key: str, evaluations: Sequence[Evaluation], catalog: Catalog, lang: str, *,
    proposal: Proposal | None = None, source: str = "", comparison: Comparison | None = None, lines: bool = False,
) -> bytes:
    """The bytes of output `key`, the same whoever asks: the file the command writes, or what it
    prints on standard output. The parameters are those of itaku/present/formats.py `Renderer`, the shape
    the web page is handed this function as."""
    return maker(key)(Job(evaluations, catalog, lang, proposal, source, comparison, lines))


def applies(key: str, evaluation: Evaluation, catalog: Catalog) -> bool:
    """Whether output `key` is made for this proposal: a field document (itaku/present/formats.py
    FIELD_DOCUMENTS: the inspection, the management record) only when a vendor handles the personal
    data, the pre-send checklist only when the proposal sends bulk mail; every other output always."""
    if BY_KEY[key].field_document:
        from itaku.checklists.sheets.common import vendor_handles_data

        return vendor_handles_data(evaluation, catalog)
    if key == "pre-send":
        from itaku.checklists.sheets.pre_send import sends_bulk_mail

        return sends_bulk_mail(evaluation)
    return True


def register_record(records: Sequence[ManagementRecord], today: dt.date, lang: str) -> bytes:
    """The management record (委託管理記録) workbook of the cases the register holds, overdue counted
    from `today` (`itaku checklist management-record --from-register`)."""
    from itaku.checklists.sheets.management_record import build_from_register
    from itaku.checklists.workbook import workbook_bytes

    return workbook_bytes(build_from_register(list(records), today, lang))
