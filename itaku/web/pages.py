"""The page's HTML from jinja2 templates (itaku/web/templates), autoescaped: text a person entered
reaches a template as a value, is escaped, and is never rendered as a template itself."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from itaku.engine.catalog import Compiled
from itaku.engine.errors import megabytes
from itaku.engine.safe_text import inert
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.forms.xlsx_guard import MAX_FORM_BYTES
from itaku.present.rule_text import what_raises_it, when_it_applies
from itaku.present.sources import source_parts
from itaku.web import fields as fd
from itaku.web import security
from itaku.web.downloads import DOWNLOADS
from itaku.web.formdata import FormValues
from itaku.web.review import APPROVED_DATA, APPROVED_NAME, Reviewer

# The largest file the page's upload takes: the limit of `itaku check` for a workbook (the form's own
# fields travel beside it, under the app's UPLOAD_LIMIT).
UPLOAD_LIMIT = MAX_FORM_BYTES


def _finalize(value: Any) -> Any:
    """Before escaping: None prints as nothing, control characters become visible escapes."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return inert(value)
    return value


def _data(value: Any) -> Markup:
    """A value as a form control holds it (an input's value, a textarea's text): exactly as the
    proposal states it, HTML-escaped, so that sending the form back gives the same proposal (the YAML
    saved from the page is `itaku convert`'s). A control character is kept, not made a visible escape
    as in the page's own text; CR is written as `&#13;`, which a browser's parser keeps (a raw CR it
    would read as LF)."""
    if value is None:
        return Markup("")
    return Markup(str(escape(str(value))).replace("\r", "&#13;"))


def _control_id(name: str, suffix: str = "") -> str:
    """An element id for a control name (names hold only a-z, 0-9, _ and .)."""
    return "f-" + name.replace(".", "-") + (f"-{suffix}" if suffix else "")


def environment() -> Environment:
    """The templates' environment: HTML autoescaped, strict about undefined names."""
    env = Environment(
        loader=PackageLoader("itaku.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        control_id=_control_id,
        Field=fd.Field, Section=fd.Section, Table=fd.Table, Mapping=fd.Mapping, Constant=fd.Constant,
        kinds={"yesno": fd.YESNO, "enum": fd.ENUM, "enum_list": fd.ENUM_LIST, "text": fd.TEXT,
               "text_list": fd.TEXT_LIST, "int": fd.INT, "date": fd.DATE},
        APPLIES=fd.APPLIES, NONE_CHOSEN=fd.NONE_CHOSEN, TOKEN_FIELD=security.TOKEN_FIELD,
        APPROVED_NAME=APPROVED_NAME, APPROVED_DATA=APPROVED_DATA,
    )
    env.filters["data"] = _data
    env.tests["field"] = lambda p: isinstance(p, fd.Field)
    env.tests["section"] = lambda p: isinstance(p, fd.Section)
    env.tests["table"] = lambda p: isinstance(p, fd.Table)
    env.tests["mapping"] = lambda p: isinstance(p, fd.Mapping)
    env.tests["constant"] = lambda p: isinstance(p, fd.Constant)
    return env


class Pages:
    """Renders the page's templates for one Reviewer (its language and catalog)."""

    def __init__(self, reviewer: Reviewer) -> None:
        self.reviewer = reviewer
        self.lang = reviewer.lang
        self.env = environment()
        self.env.globals.update(lang=self.lang, t=lambda key, **values: phrase(key, self.lang, **values))
        self.sections = [p for p in reviewer.parts if not isinstance(p, fd.Constant)]
        self.by_name = {p.name: p for p in fd.walk(reviewer.parts)}
        # where the skip link lands: the first field to fill in (資料番号)
        self.first_field = next(p.name for p in fd.walk(reviewer.parts) if isinstance(p, fd.Field))

    def index(self, token: str, values: FormValues, **context: Any) -> str:
        """The self-check page showing `values`."""
        defaults: dict[str, Any] = {
            "errors": {}, "dates": {}, "view": None, "problem": None, "upload_error": None, "upload_notes": [],
            "approved_error": None, "approved_notes": [],
        }
        return self.env.get_template("index.html.j2").render(
            token=token, values=values, parts=self.reviewer.parts, sections=self.sections,
            downloads=[(key, phrase(f"web.download.{key}", self.lang)) for key in DOWNLOADS],
            label_for=functools.partial(self.label_for, values), first_field=self.first_field,
            upload_bytes=UPLOAD_LIMIT, upload_limit=megabytes(UPLOAD_LIMIT), **{**defaults, **context},
        )

    def pane(self, values: FormValues, **context: Any) -> str:
        """The pane's content alone (what the script puts in the page as the clerk types)."""
        defaults: dict[str, Any] = {"view": None, "errors": {}, "problem": None}
        return self.env.get_template("_pane.html.j2").render(
            label_for=functools.partial(self.label_for, values), **{**defaults, **context}
        )

    def label_for(self, values: FormValues, name: str) -> str:
        """What a control is called on the page (認証／多要素認証, 再委託先等 2／名称)."""
        path, _, last = name.rpartition(".")
        if last == fd.APPLIES:
            part = self.by_name.get(path)
            return phrase("web.applies.of", self.lang, label=part.label if part else "")
        match = re.fullmatch(r"([a-z_]+)\.(\d+)\.([a-z_]+)", name)
        if match:
            table, row, column = match.groups()
            part = self.by_name.get(table)
            rows = values.rows(table)
            n = rows.index(int(row)) + 1 if int(row) in rows else int(row) + 1
            if isinstance(part, fd.Table):
                label_text = next((c.label for c in part.columns if c.name == column), "")
            else:
                label_text = phrase(f"web.mapping.{column}", self.lang) if column in ("topic", "text") else ""
            head = phrase("web.list.item", self.lang, label=part.label if part else "", n=n)
            return phrase("sep.path", self.lang).join((head, label_text)) if label_text else head
        part = self.by_name.get(name)
        if isinstance(part, fd.Field):
            return part.full_label
        return part.label if part is not None and not isinstance(part, fd.Constant) else ""

    def rules(self) -> str:
        """The catalog by topic."""
        catalog = self.reviewer.catalog
        topics = []
        for topic in catalog.topics.values():
            rules = [self._rule(r) for r in catalog.rules if r.spec.topic == topic.id]
            if rules:
                topics.append({"id": topic.id, "label": topic.en if self.lang == "en" else topic.ja, "rules": rules})
        return self.env.get_template("rules.html.j2").render(topics=topics)

    def rule(self, rule: Compiled) -> str:
        """One rule's page."""
        return self.env.get_template("rule.html.j2").render(rule=self._rule(rule))

    def message(self, text: str) -> str:
        """A short page that says one thing (a refusal, a page not found, an internal error)."""
        return self.env.get_template("message.html.j2").render(text=text)

    def _rule(self, rule: Compiled) -> dict[str, Any]:
        spec = rule.spec
        lang = self.lang
        topic = self.reviewer.catalog.topics[spec.topic]
        effective = []
        if spec.effective.from_:
            effective.append(phrase("web.rule.effective_from", lang, date=_date(spec.effective.from_, lang)))
        if spec.effective.until:
            effective.append(phrase("web.rule.effective_until", lang, date=_date(spec.effective.until, lang)))
        with self.reviewer.speaking():
            applies, raises = when_it_applies(rule, lang), what_raises_it(rule, lang)
            sources = source_parts(spec.source, lang)
        return {
            "id": spec.id,
            "applies": applies,
            "raises": raises,
            "sources": sources,
            "own": rule.file.startswith("profiles/"),
            "profile": self.reviewer.catalog.profile.name.get(lang),
            "title": spec.title.get(lang),
            "severity": spec.severity,
            "severity_label": phrase(f"severity.{spec.severity}", lang),
            "topic": topic.en if lang == "en" else topic.ja,
            "source": phrase("sep.list", lang).join(sources),
            "checklist": spec.checklist.get(lang),
            "ask": spec.ask.get(lang),
            "clause": spec.clause.get(lang),
            "effective": phrase("sep.list", lang).join(effective) if effective else phrase("web.rule.always", lang),
            "waivable": phrase("web.rule.waivable.yes" if spec.waivable else "web.rule.waivable.no", lang),
        }


def _date(day: dt.date, lang: str) -> str:
    return date_text(day) if lang == "ja" else day.isoformat()
