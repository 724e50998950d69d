"""The layout of the workbooks itaku writes to be filled in and reads back: what the builders in
`itaku.checklists` (the proposal form, the questions before the meeting) and the readers here
both go by. Kept below the renderers so that reading a form needs none of them."""

from __future__ import annotations

from itaku.engine.catalog import Catalog, Rule
from itaku.engine.models import FORMAT_ID

# ------------------------------------------------------------------ the proposal form (申請様式)

FORM_VERSION = f"{FORMAT_ID} form 2"
VERSION_NAME = "itaku_form_version"  # the defined name that tells the reader which layout it reads
ROLE_PREFIX = "itaku_role_"  # a sheet's hidden key: the sheet-level name itaku_role_<role>
MAIN_ROLE = "form"  # the main sheet; a record sheet's role is its list's path (subcontractors, ...)
CHANGES_ROLE = "changes"
UNREAD_ROLES = frozenset({"instructions", "choices", CHANGES_ROLE})  # the form's own sheets that hold no input
HEADER_ROW = 3  # the header row of the main sheet and the key row of record sheets
FIRST_ROW = 4
INPUT_COLUMN = 3  # the main sheet's input cells (column B holds the field paths)

# ------------------------------------------------------------------ the questions before the meeting (事前確認事項)

ANSWER_COLUMN = 6  # the 回答欄, the last of the sheet's six printed columns
ID_COLUMN = ANSWER_COLUMN + 1  # the hidden column: the case number beside the case line, a topic beside each question
CASE_ID = "case "  # the hidden id beside the case line: "case 23"


def rule_names(catalog: Catalog, lang: str) -> dict[str, str]:
    """How the form names each rule that may be waived: its title, or its id where two rules
    share a title (the reader takes either)."""
    titles: dict[str, list[str]] = {}
    rules = [(c.id, c.spec.title.get(lang)) for c in catalog.rules if isinstance(c.spec, Rule)]
    for rule_id, title in rules:
        titles.setdefault(title, []).append(rule_id)
    return {rule_id: title if len(titles[title]) == 1 else rule_id for rule_id, title in rules}
