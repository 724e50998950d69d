"""HTML and Markdown reports: one proposal's review, or a meeting of several, from templates.

Python only prepares the Evaluations (`reports.view`'s typed MeetingReport); the templates in `reports/templates/`
decide what the reader sees. Text from a proposal reaches a template as a value and is never
rendered as a template itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.safe_text import inert
from itaku.engine.wording import phrase
from itaku.present.view import meeting_view
from itaku.reports.markdown import md_code, md_escape, md_finalize

FORMATS: tuple[str, ...] = ("html", "md")


def _html_finalize(value: Any) -> Any:
    """Before autoescaping: None prints as nothing, control characters become visible escapes."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return inert(value)
    return value


@functools.cache
def environment(fmt: str) -> Environment:
    """The jinja2 environment for `fmt`: HTML autoescaped, Markdown escaped by `md_finalize`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    html = fmt == "html"
    env = Environment(
        loader=PackageLoader("itaku.reports", "templates"),
        autoescape=html,
        undefined=StrictUndefined,  # a misspelt name in a template is an error, not a blank
        finalize=_html_finalize if html else md_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["md_code"] = md_code
    env.filters["css_string"] = css_string
    return env


def css_string(value: Any) -> Markup:
    """`value` as a quoted CSS string for a stylesheet inside the page: every character that could
    end the string, the rule or the <style> element is written as a CSS escape."""
    text = inert(str(value)).replace("\n", " ")
    escaped = "".join(ch if ch.isalnum() or ch == " " or ord(ch) > 0x2FFF else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{escaped}"')


def labeller(lang: str) -> Callable[..., str]:
    """The templates' `t(key, **values)`: a fixed label in `lang`, with values filled in."""

    def t(key: str, **values: Any) -> str:
        return phrase(key, lang, **values)

    return t


@speaks_for_its_catalog
def render_report(evaluations: Sequence[Evaluation], catalog: Catalog, fmt: str, lang: str) -> str:
    """One proposal's review (one Evaluation) or a meeting report (several), as HTML or Markdown."""
    if not evaluations:
        raise ValueError("a report needs at least one evaluation")
    shape = "proposal" if len(evaluations) == 1 else "meeting"
    template = environment(fmt).get_template(f"{shape}.{fmt}.j2")
    report = meeting_view(list(evaluations), catalog, lang)
    return template.render(**dict(report), lang=lang, t=labeller(lang))
