"""Terminal output: findings grouped by topic, severity first, then the verdict line."""

from __future__ import annotations

from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.labels import label
from itaku.engine.safe_text import inert
from itaku.reports.view import agenda_text, grouped_by_topic


def render_text(evaluation: Evaluation, catalog: Catalog, lang: str) -> str:
    """One proposal's review as plain text (control characters from the proposal escaped)."""
    c = evaluation.case
    en = lang == "en"
    lines = [
        f"== {inert(c.number)} {inert(c.title)} ({inert(c.department)})",
        f"   {'Source' if en else '入力'}: {inert(evaluation.source)}",
        f"   {'Agenda' if en else '区分'}: {agenda_text(evaluation, lang)} / "
        f"{label('redelegation.' + evaluation.classification.redelegation, lang)}",
    ]
    if evaluation.changes.added_items or evaluation.changes.changes:
        changed = [*evaluation.changes.changes, *(f"+{i}" for i in evaluation.changes.added_items)]
        lines.append(f"   {'Changes' if en else '変更'}: " + ", ".join(inert(x) for x in changed))
    if not evaluation.findings:
        lines.append(f"   {label('no_findings', lang)}")
    for group in grouped_by_topic(evaluation, catalog, lang):
        lines.append(f"-- {group['label']} [{group['topic']}]")
        for f in group["findings"]:
            lines.append(f"   [{f['severity_label']}] {f['rule_id']}: {inert(f['message'])}")
            if f["item"]:
                lines.append(f"      {'item' if en else '対象'}: {inert(f['item'])}")
            lines.append(f"      {'source' if en else '根拠'}: {f['source']}")
            if f["exception"]:
                e = f["exception"]
                lines.append(f"      {'exception' if en else '例外'}: {e['status_label']} — {inert(e['reason'] or '')}")
            if f["response"]:
                r = f["response"]
                lines.append(f"      {'response' if en else '担当課の対応'}: {inert(r['text'])}")
                lines.append(f"      → {r['status_label']}" + (f": {r['explain']}" if r["explain"] else ""))
    for e in evaluation.exceptions:
        if e.status == "unused":
            lines.append(f"   {'exception' if en else '例外'} {e.rule_id}: {label('exception.unused', lang)}")
    lines.append(f"=> {label('verdict.' + evaluation.verdict, lang)}")
    return "\n".join(lines)
