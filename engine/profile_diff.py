"""What differs between two profiles' catalogs: for a secretariat reviewing a neighbour's practice.

Compared: the names (and how each names itself and its privacy office), the standard conditions, the
classification (by behaviour: each kind of case, new or changing an approved matter, is classified
under both catalogs on a day of every period either scheme distinguishes), the rules each applies,
their severities (with the reasons given), parameter settings, and the definition of rules both have
(as written: a text naming the municipality {self} is the same rule under either name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itaku.engine.catalog import Catalog, Compiled, Derivation, Rule, words_of
from itaku.engine.evaluation import Evaluator
from itaku.engine.loader import validate
from itaku.engine.profiles import KINDS, SCHEME_REPLACES, token_example, token_label
from itaku.engine.value_text import AGENDA, value_words
from itaku.engine.wording import MUNICIPAL, phrase

# Cases the classification is probed with: each kind new and changing an approved matter, and rule-making.
PROBES = (*(f"new_{k}" for k in KINDS), *(f"changed_{k}" for k in KINDS), "rule_making")
SECTIONS = ("profile", "conditions", "classification", "rules", "severity", "parameters", "definition")


@dataclass(frozen=True)
class Difference:
    """One thing the two profiles do differently; `a` and `b` say how each does it."""

    section: str  # profile, conditions, classification, rules, severity, parameters, definition
    subject: str
    a: str
    b: str


def _periods(a: Catalog, b: Catalog, lang: str) -> list[tuple[str, dt.date]]:
    """The periods the two classification schemes distinguish: (label, a day inside it)."""
    bounds = sorted({
        day for catalog in (a, b) for d in catalog.derivations if "agenda" in d.spec.derive
        for day in (d.spec.effective.from_, d.spec.effective.until) if day is not None
    })
    if not bounds:
        return [("", dt.date(2019, 9, 9))]
    before = bounds[0] - dt.timedelta(days=1)
    out = [(phrase("diff.period_until", lang, day=before.isoformat()), before)]
    for start, end in zip(bounds, [*bounds[1:], None], strict=True):
        last = (end - dt.timedelta(days=1)).isoformat() if end else ""
        out.append((phrase("diff.period_from", lang, start=start.isoformat(), end=last), start))
    return out


def _agenda(evaluator: Evaluator, token: str, day: dt.date, lang: str) -> str:
    doc = {"format": "itaku/v1", "case": {"number": "P", "title": "P", "department": "P", "meeting": day}}
    doc["case"].update(token_example(token, True)["case"])
    evaluation = evaluator.evaluate(validate(doc, "probe", {}), "probe", day)
    return value_words(AGENDA, list(evaluation.classification.agenda), lang)


def _rule_text(catalog: Catalog, rule_id: str, lang: str) -> str:
    c = catalog.rule(rule_id)
    if c is not None:
        spec = c.spec
        what = spec.title.get(lang) if isinstance(spec, Rule) else spec.note.get(lang)
        return phrase("diff.applies", lang, what=what)
    off = catalog.disabled.get(rule_id)
    return phrase("diff.switched_off", lang, reason=off.get(lang)) if off else "—"


def _definition(rule: Compiled) -> dict[str, object]:
    """A rule as written (its texts' {self} unfilled: each profile names itself, the rule is the same)."""
    return rule.as_written.model_dump(mode="json", exclude={"severity", "examples"})


def diff_catalogs(a: Catalog, b: Catalog, lang: str = "ja") -> list[Difference]:
    """Everything the two catalogs (two profiles) do differently, in a fixed order."""
    out: list[Difference] = []
    pa, pb = a.profile, b.profile
    for field in ("municipality", "council"):
        va = getattr(pa, field).get(lang) if pa else "—"
        vb = getattr(pb, field).get(lang) if pb else "—"
        if va != vb:
            out.append(Difference("profile", field, va, vb))
    wa, wb = words_of(pa), words_of(pb)
    for name in MUNICIPAL:  # how each names itself and its privacy office
        if wa[name][lang] != wb[name][lang]:
            out.append(Difference("profile", name, wa[name][lang], wb[name][lang]))
    ca = [c.text.get(lang) for c in (pa.conditions if pa else ())]
    cb = [c.text.get(lang) for c in (pb.conditions if pb else ())]
    for text in [*ca, *(t for t in cb if t not in ca)]:
        if (text in ca) != (text in cb):
            out.append(Difference("conditions", text, "○" if text in ca else "—", "○" if text in cb else "—"))
    ea, eb = Evaluator(a, "reference"), Evaluator(b, "reference")
    for period, day in _periods(a, b, lang):
        for token in PROBES:
            xa, xb = _agenda(ea, token, day, lang), _agenda(eb, token, day, lang)
            if xa != xb:
                out.append(Difference("classification", f"{period} {_probe_label(token, lang)}".strip(), xa, xb))
    # 諮問/報告 derivations are compared by what they classify (above), not one by one
    ids = [i for i in dict.fromkeys(
        [c.id for c in (*a.rules, *a.derivations)] + [c.id for c in (*b.rules, *b.derivations)]
        + [*a.disabled, *b.disabled]
    ) if not (_derives_agenda(a, i) or _derives_agenda(b, i))]
    for rule_id in ids:
        ra, rb = a.rule(rule_id), b.rule(rule_id)
        if (ra is None) != (rb is None):
            out.append(Difference("rules", rule_id, _rule_text(a, rule_id, lang), _rule_text(b, rule_id, lang)))
            continue
        if ra is None or rb is None:
            continue
        if isinstance(ra.spec, Rule) and isinstance(rb.spec, Rule) and ra.spec.severity != rb.spec.severity:
            out.append(Difference("severity", rule_id, _severity(a, ra.spec, lang), _severity(b, rb.spec, lang)))
        if ra.params != rb.params:
            fmt = ", ".join
            out.append(Difference(
                "parameters", rule_id, fmt(f"{k}={v}" for k, v in ra.params.items()), fmt(f"{k}={v}" for k, v in rb.params.items())
            ))
        if _definition(ra) != _definition(rb):
            out.append(Difference("definition", rule_id, ra.file, rb.file))
    return sorted(out, key=lambda d: SECTIONS.index(d.section))  # stable: each section keeps its order


def _severity(catalog: Catalog, spec: Rule, lang: str) -> str:
    note = catalog.severity_notes.get(spec.id)
    text = phrase(f"severity.{spec.severity}", lang)
    return phrase("diff.severity_reason", lang, severity=text, reason=note.reason.get(lang)) if note else text


def _derives_agenda(catalog: Catalog, rule_id: str) -> bool:
    c = catalog.rule(rule_id)
    if c is None:
        return catalog.disabled.get(rule_id) == SCHEME_REPLACES
    return isinstance(c.spec, Derivation) and "agenda" in c.spec.derive


def _probe_label(token: str, lang: str) -> str:
    text = token_label(token).get(lang)
    if token == "rule_making":  # probed as the rules for outsourcing
        return phrase("diff.rule_making_probe", lang, text=text, kind=phrase("choice.Kind.outsourcing", lang))
    return text
