"""Which checklist is which: KIND -> a function that builds its workbook from Evaluations."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase
from itaku.present.formats import BY_KEY, offered_by
from itaku.present.view import case_sort_key

# The kinds, in the order `itaku checklist` lists them; those with one sheet per proposal.
KINDS = tuple(f.key for f in offered_by("checklist"))
PER_PROPOSAL = tuple(f.key for f in offered_by("checklist") if f.sheets == "proposal")


def builder(kind: str) -> Callable[..., None]:
    """The function that adds checklist `kind` to a workbook, as the registry (itaku/present/formats.py)
    names it: (wb, evaluation, catalog, lang) per proposal, (wb, evaluations, catalog, lang) overall."""
    spec = BY_KEY.get(kind)
    if spec is None or spec.builder is None:
        raise ValueError(f"unknown checklist kind {kind!r}")
    module, function = spec.builder.split(".")
    found: Any = getattr(importlib.import_module(f"itaku.checklists.sheets.{module}"), function)
    return found


@speaks_for_its_catalog
def build_checklist(kind: str, evaluations: list[Evaluation], catalog: Catalog, lang: str = "ja") -> Workbook:
    """The workbook of checklist `kind` over `evaluations` (proposals in case-number order)."""
    wb = wbk.new_workbook(phrase(f"kind.{kind}", lang))
    ordered = sorted(evaluations, key=case_sort_key)
    build = builder(kind)
    if kind in PER_PROPOSAL:
        for evaluation in ordered:
            build(wb, evaluation, catalog, lang)
    else:
        build(wb, ordered, catalog, lang)
    wb.active = 0
    return wb
