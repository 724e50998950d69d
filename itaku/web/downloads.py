"""The files the page offers, each made by the function the command line uses for the same
proposal, so that the bytes are the same:

| download | the command that writes the same bytes |
|---|---|
| 提案書（YAML） | `itaku convert 資料N.yaml -o OUT.yaml` (any file of the same proposal) |
| 申請様式（Excel） | `itaku template --from 資料N.yaml -o OUT.xlsx` |
| 自己点検シート（Excel） | `itaku checklist self-check 資料N.yaml -o OUT.xlsx` |
| 審査報告（HTML） | `itaku report 資料N.yaml --format html -o OUT.html` |
| 意見（案）（Word） | `itaku report 資料N.yaml --format docx -o OUT.docx` |

資料N.yaml being the proposal as the page saves it (the report names its input file). When the page
holds an approved version, each command takes `--approved OLD` too: the form and the self-check
mark the changes, the HTML report lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from itaku.engine.dump import proposal_yaml
from itaku.engine.evaluation import Evaluation
from itaku.engine.models import Proposal
from itaku.engine.wording import phrase
from itaku.reports.formats import BY_KEY, Format
from itaku.web.review import Reviewer


@dataclass(frozen=True)
class Download:
    """One kind of file: which output it is (reports/formats.py), how it is named and made."""

    key: str
    format: Format
    name_label: str | None  # the label added to the file name (資料27_申請様式.xlsx)
    make: Callable[[Reviewer, Proposal, Evaluation], bytes]

    @property
    def suffix(self) -> str:
        """The file's suffix, the registry's."""
        return self.format.suffix

    @property
    def media_type(self) -> str:
        """The file's media type, the registry's."""
        return self.format.media_type


def _yaml(reviewer: Reviewer, proposal: Proposal, evaluation: Evaluation) -> bytes:
    return proposal_yaml(proposal).encode("utf-8")


def _form(reviewer: Reviewer, proposal: Proposal, evaluation: Evaluation) -> bytes:
    from itaku.checklists import workbook as wbk
    from itaku.checklists.form import build_form

    comparison = evaluation.changes.comparison  # the approved version the page holds, if any
    return wbk.workbook_bytes(build_form(reviewer.catalog, reviewer.lang, proposal, reviewer.source_name(proposal), comparison))


def _self_check(reviewer: Reviewer, proposal: Proposal, evaluation: Evaluation) -> bytes:
    from itaku.checklists import workbook as wbk
    from itaku.checklists.build import build_checklist

    return wbk.workbook_bytes(build_checklist("self-check", [evaluation], reviewer.catalog, reviewer.lang))


def _report(reviewer: Reviewer, proposal: Proposal, evaluation: Evaluation) -> bytes:
    from itaku.reports.render import render_report

    return render_report([evaluation], reviewer.catalog, "html", reviewer.lang).encode("utf-8")


def _opinion(reviewer: Reviewer, proposal: Proposal, evaluation: Evaluation) -> bytes:
    from itaku.reports.opinion_docx import render_opinion_docx

    return render_opinion_docx([evaluation], reviewer.catalog, reviewer.lang)


DOWNLOADS: dict[str, Download] = {
    d.key: d
    for d in (
        Download("yaml", BY_KEY["yaml"], None, _yaml),
        Download("form", BY_KEY["form"], "sheet.form", _form),
        Download("self-check", BY_KEY["self-check"], "kind.self-check", _self_check),
        Download("report", BY_KEY["html"], "report.title.proposal", _report),
        Download("docx", BY_KEY["docx"], "docx.title", _opinion),
    )
}


def file_name(reviewer: Reviewer, proposal: Proposal, download: Download) -> str:
    """資料27.yaml, 資料27_申請様式.xlsx, …"""
    stem = reviewer.file_stem(proposal)
    if download.name_label:
        stem = f"{stem}_{phrase(download.name_label, reviewer.lang)}"
    return stem + download.suffix
