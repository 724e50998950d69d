"""Which checklist is which: KIND -> a function that builds its workbook from Evaluations."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.kinds import OVERVIEW_KINDS, PER_PROPOSAL_KINDS
from itaku.checklists.sheets import inspection, management_record, matrix, opinion_list, pre_send, questions, self_check
from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase
from itaku.reports.view import case_sort_key

SheetAdder = Callable[[Workbook, Evaluation, Catalog, str], None]

# Kinds with one sheet per proposal, and kinds with one sheet over all of them.
PER_PROPOSAL: dict[str, SheetAdder] = {
    "self-check": self_check.add_sheet,
    "inspection": inspection.add_sheet,
    "management-record": management_record.add_sheet,
    "pre-send": pre_send.add_sheet,
    "questions": questions.add_sheet,
}
OVERVIEW: dict[str, Callable[[Workbook, list[Evaluation], Catalog, str], None]] = {
    "opinion-list": opinion_list.build,
    "matrix": matrix.build,
}
KINDS = (*PER_PROPOSAL, *OVERVIEW)
assert (tuple(PER_PROPOSAL), tuple(OVERVIEW)) == (PER_PROPOSAL_KINDS, OVERVIEW_KINDS), "checklists/kinds.py is out of date"


@speaks_for_its_catalog
def build_checklist(kind: str, evaluations: list[Evaluation], catalog: Catalog, lang: str = "ja") -> Workbook:
    """The workbook of checklist `kind` over `evaluations` (proposals in case-number order)."""
    wb = wbk.new_workbook(phrase(f"kind.{kind}", lang))
    ordered = sorted(evaluations, key=case_sort_key)
    if kind in PER_PROPOSAL:
        for evaluation in ordered:
            PER_PROPOSAL[kind](wb, evaluation, catalog, lang)
    elif kind in OVERVIEW:
        OVERVIEW[kind](wb, ordered, catalog, lang)
    else:
        raise ValueError(f"unknown checklist kind {kind!r}")
    wb.active = 0
    return wb
