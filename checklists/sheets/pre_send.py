"""メール送信前チェックリスト: one row per planned bulk send, for proposals that send bulk mail.

The number of rows is email.planned_sends (an addition to the format); when the proposal does not
state it, ten rows are given and the sheet says so.
"""

from __future__ import annotations

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase

DEFAULT_SENDS = 10
COLUMNS = ("no", "send_date", "content", "recipient_count", "bcc", "body", "attachment",
           "checker1", "checker2", "reported", "remarks")
WIDTHS = [6, 12, 26, 10, 11, 11, 11, 12, 12, 13, 20]
CHECKS = ("done", "fix", "na")


def sends_bulk_mail(evaluation: Evaluation) -> bool:
    """Whether the proposal sends bulk mail (email.bulk_send is yes)."""
    return common.value_at(evaluation, "email.bulk_send") is True


def planned_rows(evaluation: Evaluation) -> tuple[int, bool]:
    """(rows, whether the count is the default because the proposal states none)."""
    planned = common.value_at(evaluation, "email.planned_sends")
    return (DEFAULT_SENDS, True) if planned is None else (int(planned), False)


def _mail_measures(evaluation: Evaluation, lang: str) -> str:
    email = fields.index().get("email")
    if email is None:
        return "—"
    sep = phrase("sep.list", lang)
    names = [
        n.label(lang) for n in email.leaves()
        if n.kind == fields.YESNO and common.value_at(evaluation, n.path) is True and n.path != "email.bulk_send"
    ]
    return sep.join(names) or "—"


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's pre-send checklist."""
    del catalog
    columns = len(COLUMNS)
    ws, title = common.proposal_sheet(wb, evaluation, "pre-send", WIDTHS, columns, lang)
    rows, default = planned_rows(evaluation)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        (phrase("col.department", lang), evaluation.case.department),
        (phrase("head.vendor", lang), common.shown(evaluation, "vendor.name", lang)),
        (phrase("head.recipients", lang), common.shown(evaluation, "email.recipients", lang)),
        (phrase("head.attachments", lang), common.shown(evaluation, "email.attachments", lang)),
        (phrase("head.planned_sends", lang), common.shown(evaluation, "email.planned_sends", lang)),
        (phrase("head.measures", lang), _mail_measures(evaluation, lang)),
    ], columns, label_columns=3)
    if default:
        row = common.note_row(ws, row, phrase("note.default_sends", lang).format(n=rows), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in COLUMNS])
    for number in range(1, rows + 1):
        r = header + number
        wbk.put(ws, r, 1, number, horizontal="center")
        for column in range(2, columns + 1):
            wbk.put(ws, r, column, None)
        for column in (2, 10):
            ws.cell(row=r, column=column).number_format = wbk.DATE_FORMAT
    if rows:
        wbk.dropdown(ws, f"E{header + 1}:G{header + rows}", [phrase(f"check.{c}", lang) for c in CHECKS],
                     title=phrase("col.result", lang))
    common.finish(ws, title, header, columns)
