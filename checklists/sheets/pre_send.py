"""メール送信前チェックリスト: one row per planned bulk send, for proposals that send bulk mail.

The number of rows is email.planned_sends (an addition to the format); when the proposal does not
state it, ten rows are given and the sheet says so. The columns follow how the case sends: see
`columns_for`.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase

DEFAULT_SENDS = 10
WIDTHS = {
    "no": 5, "send_date": 15, "content": 24, "recipient_count": 9, "bcc": 10, "recipient_list": 11,
    "addressing": 11, "body": 10, "attachment": 10, "checker1": 11, "checker2": 11, "reported": 15, "remarks": 16,
}
CHECKS = ("done", "fix", "na")
# How the recipients are addressed decides what is checked before each send: BCC when the mail goes
# to many in BCC, the list of addresses when the system sends one mail per address, and the To/CC
# fields (that no address is visible) when the proposal sends them openly or does not say.
RECIPIENT_CHECK = {"bcc": "bcc", "individual": "recipient_list", "to_cc": "addressing"}


def columns_for(evaluation: Evaluation) -> tuple[str, ...]:
    """The sheet's columns for this case's way of sending: the recipient check that fits the
    method, and an attachment check only where attachments are sent (or not stated)."""
    recipients = common.value_at(evaluation, "email.recipients")
    check = RECIPIENT_CHECK.get(str(recipients), "addressing")
    attachments = common.value_at(evaluation, "email.attachments")
    middle = ("body",) if attachments == "none" else ("body", "attachment")
    return ("no", "send_date", "content", "recipient_count", check, *middle, "checker1", "checker2", "reported", "remarks")


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
    keys = columns_for(evaluation)
    widths = [WIDTHS[k] for k in keys]
    columns = len(keys)
    ws, title = common.proposal_sheet(wb, evaluation, "pre-send", widths, columns, lang)
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
        row = common.note_row(ws, row, phrase("note.default_sends", lang, n=rows), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in keys])
    checks = [i for i, k in enumerate(keys, start=1) if k in ("bcc", "recipient_list", "addressing", "body", "attachment")]
    for number in range(1, rows + 1):
        r = header + number
        wbk.put(ws, r, 1, number, horizontal="center")
        for column in range(2, columns + 1):
            wbk.put(ws, r, column, None, fill=wbk.INPUT_FILL,
                    horizontal="center" if column in checks else None)
    paths = ("case.number", "case.department", "vendor.name", "email.recipients", "email.attachments", "email.planned_sends", "email")
    wbk.id_column(ws, columns + 1, header, dict(zip(range(2, 9), paths, strict=True)), header=phrase("col.ids", lang))
    if rows:
        cells = [f"{get_column_letter(c)}{header + 1}:{get_column_letter(c)}{header + rows}" for c in checks]
        wbk.dropdown(ws, cells, [phrase(f"check.{c}", lang) for c in CHECKS], title=phrase("col.result", lang))
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * 2)
