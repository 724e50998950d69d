"""The files the page offers, each made by the renderer the page is handed (itaku.outputs.render, the
one the command line uses) from the same proposal, so that the bytes are the same:

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

from dataclasses import dataclass

from itaku.engine.evaluation import Evaluation
from itaku.engine.models import Proposal
from itaku.engine.wording import phrase
from itaku.present.formats import BY_KEY, Format, Renderer
from itaku.web.review import Reviewer


@dataclass(frozen=True)
class Download:
    """One kind of file: which output it is (itaku/present/formats.py) and how it is named."""

    key: str
    format: Format
    name_label: str | None  # the label added to the file name (資料27_申請様式.xlsx)

    @property
    def suffix(self) -> str:
        """The file's suffix, the registry's."""
        return self.format.suffix

    @property
    def media_type(self) -> str:
        """The file's media type, the registry's."""
        return self.format.media_type

    def make(self, render: Renderer, reviewer: Reviewer, proposal: Proposal, evaluation: Evaluation) -> bytes:
        """The file's bytes, made by `render` (the page is handed it: itaku.outputs.render) from what
        the command line gives it for the saved proposal: its file name, and the approved version the
        page holds, if any (the form marks the changes; the other outputs read them from the evaluation)."""
        return render(
            self.format.key, [evaluation], reviewer.catalog, reviewer.lang,
            proposal=proposal, source=reviewer.source_name(proposal), comparison=evaluation.changes.comparison,
        )


DOWNLOADS: dict[str, Download] = {
    d.key: d
    for d in (
        Download("yaml", BY_KEY["yaml"], None),
        Download("form", BY_KEY["form"], "sheet.form"),
        Download("self-check", BY_KEY["self-check"], "kind.self-check"),
        Download("report", BY_KEY["html"], "report.title.proposal"),
        Download("docx", BY_KEY["docx"], "docx.title"),
    )
}


def file_name(reviewer: Reviewer, proposal: Proposal, download: Download) -> str:
    """資料27.yaml, 資料27_申請様式.xlsx, …"""
    stem = reviewer.file_stem(proposal)
    if download.name_label:
        stem = f"{stem}_{phrase(download.name_label, reviewer.lang)}"
    return stem + download.suffix
