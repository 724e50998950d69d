"""メール送信前チェックリスト: one row per planned bulk send, for proposals that send bulk mail.

The number of rows is email.planned_sends (an addition to the format); when the proposal does not
state it, ten rows are given and the sheet says so. The columns follow how the case sends: see
`columns_for`.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import Marks, marked_text
from itaku.checklists.sheets import common
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.changes import Change
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


def _mail_measures(evaluation: Evaluation, marks: Marks, lang: str) -> str | common.Marked:
    """The mail measures the proposal promises (yes/no fields of the mail section answered yes);
    compared with the approved version, each one that changed is marked and the value is bold and
    underlined when any of them changed (one no longer promised is in the list of changes)."""
    email = fields.index().get("email")
    if email is None:
        return "—"
    sep = phrase("sep.list", lang)
    nodes = [n for n in email.leaves() if n.kind == fields.YESNO and n.path != "email.bulk_send"]
    names = [
        marked_text(n.label(lang), marks.field(n.path), lang) for n in nodes if common.value_at(evaluation, n.path) is True
    ]
    text = sep.join(names) or phrase("list.empty", lang)  # none promised: なし, as an empty list reads everywhere
    changed = marks.first((n.path, common.value_at(evaluation, n.path) is not None) for n in nodes)
    return text if changed is None else common.Marked(text)


def is_mail_change(change: Change) -> bool:
    """Whether a change from the approved version is about sending mail (the mail section)."""
    return change.field.split(".")[0] == "email"


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's pre-send checklist. Compared with the approved version, the header values
    that changed are bold and underlined with their 【追加】／【変更】 mark, and the changes about
    sending mail are listed under the header: the way of sending may not be last year's."""
    del catalog
    keys = columns_for(evaluation)
    widths = [WIDTHS[k] for k in keys]
    columns = len(keys)
    marks = common.marks_of(evaluation)
    ws, title = common.proposal_sheet(wb, evaluation, "pre-send", widths, columns, lang)
    rows, default = planned_rows(evaluation)
    lead = common.lead_pairs(evaluation, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        *lead,
        (phrase("col.department", lang), evaluation.case.department),
        (phrase("head.vendor", lang), common.header_value(evaluation, marks, ["vendor.name"], lang)),
        (phrase("head.recipients", lang), common.header_value(evaluation, marks, ["email.recipients"], lang)),
        (phrase("head.attachments", lang), common.header_value(evaluation, marks, ["email.attachments"], lang)),
        (phrase("head.planned_sends", lang), common.header_value(evaluation, marks, ["email.planned_sends"], lang)),
        (phrase("head.measures", lang), _mail_measures(evaluation, marks, lang)),
    ], columns, label_columns=3)
    row = common.changes_block(ws, row, evaluation, columns, lang, only=is_mail_change, heading="checklist.mail_changes",
                               empty="checklist.no_mail_changes")
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
    rows_of = [2, *range(3 + len(lead), 3 + len(lead) + len(paths) - 1)]  # the lead lines come from no field
    wbk.id_column(ws, columns + 1, header, dict(zip(rows_of, paths, strict=True)), header=phrase("col.ids", lang))
    if rows:
        cells = [f"{get_column_letter(c)}{header + 1}:{get_column_letter(c)}{header + rows}" for c in checks]
        wbk.dropdown(ws, cells, [phrase(f"check.{c}", lang) for c in CHECKS], title=phrase("col.result", lang))
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * 2)
