"""Fixed wording of every output, Japanese first: verdicts in the council's phrases, severities,
classification, statuses. Renderers look labels up here; nothing else spells them."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # verdicts: the advisor's three shapes of opinion (seed digest, "How the council works")
    "verdict.sufficient": {
        "ja": "必要となる対策は十分にとられている。",
        "en": "The necessary measures are sufficiently in place.",
    },
    "verdict.advice": {
        "ja": "必要となる一定の対策はとられているものの、さらに以下の内容について助言する。",
        "en": "A baseline of the necessary measures is in place; in addition, the following advice is given.",
    },
    "verdict.insufficient": {
        "ja": "必要となる対策が十分にとられておらず、このままでは承認できない。以下の内容について対応されたい。",
        "en": "The necessary measures are not in place and the proposal cannot be approved as it stands; address the following.",
    },
    "verdict_short.sufficient": {"ja": "十分", "en": "Sufficient"},
    "verdict_short.advice": {"ja": "助言あり", "en": "Advice"},
    "verdict_short.insufficient": {"ja": "不十分", "en": "Insufficient"},
    "severity.blocker": {"ja": "要対応", "en": "Blocker"},
    "severity.advice": {"ja": "助言", "en": "Advice"},
    "severity.info": {"ja": "参考", "en": "Info"},
    "agenda.consultation": {"ja": "諮問", "en": "Consultation"},
    "agenda.report": {"ja": "報告", "en": "Report"},
    "redelegation.none": {"ja": "再委託なし", "en": "No re-delegation"},
    "redelegation.hosting_only": {
        "ja": "基盤提供のみ（再委託に当たらない）",
        "en": "Hosting only (not re-delegation)",
    },
    "redelegation.yes": {"ja": "再委託あり", "en": "Re-delegation"},
    "judgement.fit": {"ja": "適", "en": "Met"},
    "judgement.action": {"ja": "要対応", "en": "Action needed"},
    "judgement.advice": {"ja": "助言", "en": "Advice"},
    "judgement.na": {"ja": "該当なし", "en": "Not applicable"},
    "exception.accepted": {"ja": "例外承認済み", "en": "Excepted"},
    "exception.expired": {"ja": "例外の期限切れ（指摘は有効）", "en": "Exception expired (finding reopened)"},
    "exception.no_reason": {"ja": "例外に理由がない（指摘は有効）", "en": "Exception has no reason (finding reopened)"},
    "exception.not_waivable": {"ja": "例外不可のルール（指摘は有効）", "en": "Rule cannot be waived (finding stands)"},
    "exception.unused": {"ja": "該当する指摘なし", "en": "No finding to except"},
    "response.closes": {"ja": "回答は指摘に対応している", "en": "The response addresses the finding"},
    "response.open": {"ja": "回答は指摘に対応していない", "en": "The response does not address the finding"},
    "response.unjudged": {"ja": "回答の評価基準なし（要確認）", "en": "No criterion to judge the response (to confirm)"},
    "no_findings": {"ja": "指摘事項なし", "en": "No findings"},
}


def label(key: str, lang: str = "ja") -> str:
    """The fixed label `key` in `lang` (ja or en)."""
    entry = LABELS[key]
    return entry.get(lang) or entry["ja"]
