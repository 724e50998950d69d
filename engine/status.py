"""Each topic's status for one proposal: the one function every output reads (report, checklists,
the web page, JSON), so that no two documents can disagree about a topic of the same case."""

from __future__ import annotations

from typing import Literal

from itaku.engine.catalog import SEVERITY_RANK
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase

# 要対応 / 助言 / 事前確認 / 参考 / 指摘なし / 該当なし (labels: the wording catalogue, `status.*`)
TopicStatus = Literal["action", "advice", "question", "info", "no_finding", "na"]
STATUSES: tuple[TopicStatus, ...] = ("action", "advice", "question", "info", "no_finding", "na")
_BY_SEVERITY: dict[str, TopicStatus] = {"blocker": "action", "advice": "advice", "question": "question", "info": "info"}


def topic_status(evaluation: Evaluation, topic: str) -> TopicStatus:
    """The worst counted finding of `topic` (an exception the council accepted sets one aside); with
    none, 指摘なし where some rule of the topic applies to the proposal, else 該当なし."""
    worst = max(
        (f.severity for f in evaluation.findings if f.topic == topic and f.counts),
        key=SEVERITY_RANK.__getitem__,
        default=None,
    )
    if worst is not None:
        return _BY_SEVERITY[worst]
    return "no_finding" if topic in evaluation.applicable_topics else "na"


def opinion_text(evaluation: Evaluation, lang: str) -> str:
    """The opinion in the council's phrase; while questions are open, said first to be provisional on
    what the proposal states (never a bare 十分 for a proposal that has not said enough)."""
    text = phrase(f"verdict.{evaluation.verdict}", lang)
    if evaluation.completeness.complete:
        return text
    return phrase("completeness.provisional", lang) + (" " if lang == "en" else "") + text


def verdict_label(evaluation: Evaluation, lang: str) -> str:
    """The verdict in one or two words (十分, 助言あり, 不十分), marked （暫定） while questions are open."""
    short = phrase(f"verdict_short.{evaluation.verdict}", lang)
    return short if evaluation.completeness.complete else phrase("verdict_short.provisional", lang, verdict=short)


def completeness_lead(evaluation: Evaluation, lang: str) -> str | None:
    """「記載の確認が必要な事項 N件」, the line every output leads with while questions are open."""
    n = evaluation.completeness.open_questions
    return phrase("completeness.lead", lang, count=n) if n else None
