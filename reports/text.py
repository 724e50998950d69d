"""Terminal output: the open questions first, then findings grouped by topic in the opinion's rank
order, then the verdict line."""

from __future__ import annotations

from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.safe_text import inert_line
from itaku.engine.status import completeness_lead, opinion_text
from itaku.engine.wording import phrase
from itaku.present.json_view import agenda_text
from itaku.present.view import grouped_by_topic, profile_label


@speaks_for_its_catalog
def render_text(evaluation: Evaluation, catalog: Catalog, lang: str) -> str:
    """One proposal's review as plain text (control characters from the proposal escaped)."""
    c = evaluation.case
    lines = [
        f"== {inert_line(c.number)} {inert_line(c.title)} ({inert_line(c.department)})",
        f"   {phrase('text.source', lang)}: {inert_line(evaluation.source)}",
        f"   {phrase('text.agenda', lang)}: {agenda_text(evaluation, lang)} / "
        f"{phrase('redelegation.' + evaluation.classification.redelegation, lang)}",
        f"   {phrase('report.profile', lang)}: {inert_line(profile_label(evaluation, lang))}",
    ]
    if evaluation.changes.added_items or evaluation.changes.changes:
        changed = [*evaluation.changes.changes, *(f"+{i}" for i in evaluation.changes.added_items)]
        lines.append(f"   {phrase('text.changes', lang)}: " + ", ".join(inert_line(x) for x in changed))
    comparison = evaluation.changes.comparison
    if comparison is not None:
        lines.append(f"   {phrase('report.compared_with', lang)}: {inert_line(comparison.approved_source)}")
        for c in comparison.changes:
            declared = phrase("report.declared_yes" if c.declared else "report.declared_no", lang)
            lines.append(f"     {inert_line(phrase('change.with_declared', lang, text=c.text.get(lang), declared=declared))}")
        if not comparison.changes:
            lines.append(f"     {phrase('report.no_changes', lang)}")
    if (lead := completeness_lead(evaluation, lang)) is not None:
        lines.append(f"   {lead}")
    if not evaluation.findings:
        lines.append(f"   {phrase('no_findings', lang)}")
    for group in grouped_by_topic(evaluation, catalog, lang):
        lines.append(f"-- {group.label}{phrase('report.topic_status', lang, status=group.status_label)} [{group.topic}]")
        for f in group.findings:
            carried = phrase("text.carried_over", lang, note=phrase("report.carried_over", lang)) if f.carried_over else ""
            lines.append(f"   [{f.severity_label}] {f.rule_id}: {inert_line(f.message)}{carried}")
            if f.escalated:
                lines.append(f"      {phrase('escalated', lang)}: {f.escalated}")
            if f.severity_changed:
                s = f.severity_changed
                text = phrase("report.severity_changed_text", lang, before=s.from_label, after=f.severity_label, reason=s.reason)
                lines.append(f"      {phrase('report.severity_changed', lang)}: {inert_line(text)}")
            if f.item:
                lines.append(f"      {phrase('text.item', lang)}: {inert_line(f.item)}")
            lines.append(f"      {phrase('text.source_ref', lang)}: {f.source}")
            if f.exception:
                e = f.exception
                lines.append(f"      {phrase('text.exception', lang)}: {e.status_label} — {inert_line(e.reason or '')}")
            if f.response:
                r = f.response
                if r.text is not None:  # once per topic, at its first finding
                    lines.append(f"      {phrase('text.response', lang)}: {inert_line(r.text)}")
                lines.append(f"      → {r.status_label}" + (f": {r.explain}" if r.explain else ""))
    for e in evaluation.exceptions:
        if e.status == "unused":
            lines.append(f"   {phrase('text.exception', lang)} {e.rule_id}: {phrase('exception.unused', lang)}")
    lines.append(f"=> {opinion_text(evaluation, lang)}")
    for condition in evaluation.conditions:
        lines.append(f"   {phrase('report.conditions', lang)}: {inert_line(condition.get(lang))}")
    return "\n".join(lines)
