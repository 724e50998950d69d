"""Markdown escaping: text from a proposal (or a rule message quoting one) shown as written.

The Markdown templates run with `md_finalize`, so every `{{ value }}` is escaped even where a
template forgets the `md` filter; the filter marks its result so it is not escaped twice.
"""

from __future__ import annotations

import re
from typing import Any

from itaku.engine.safe_text import inert


class Md(str):
    """Text already made safe for Markdown (the `md` filter's result)."""


# Characters with a meaning anywhere in a line (CommonMark, and GitHub's extensions: tables,
# strikethrough, math). Escaping `[` also defuses links and images, `<` raw HTML and autolinks.
_INLINE = re.compile(r"([\\`*\[\]<>|&~#$@])")
# GitHub-flavoured Markdown links bare URLs (`https://…`, `www.…`) and e-mail addresses (`a@b.jp`,
# hence `@` above): an escaped `:` or `.` breaks the trigger, and the text still reads as written.
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
# Other renderers (markdown-it's linkify, VS Code, chat tools) also link a bare domain with a TLD they
# know (`example.com`, `a.co.jp`, `例え.jp`), without `www.`. Every dot between a label and one that
# could be a TLD (two or more ASCII letters, not followed by a letter or digit) is escaped, not just
# the last: `a.co\.jp` still links `a.co`. Numbers and versions (1.5, v1.2.3) keep their dots; a
# file name (`readme.md`) is escaped too, rightly: `.md` is a TLD. The rendered text is unchanged.
_DOMAIN_DOT = re.compile(r"(?<=[\w-])\.(?=[A-Za-z]{2,}(?![A-Za-z0-9]))")
# `_` emphasises only at a word boundary (a letter or digit on neither side); inside a word
# (`bulk_send`, 旧氏_追加) it is left as written, so field names stay readable as plain text.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# Characters that open a block only at the start of a line: lists, quotes, headings, rules.
_BULLET = re.compile(r"^([-+=])")
_NUMBERED = re.compile(r"^(\d+)([.)])")
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)+[ \t]*")
_BACKTICKS = re.compile(r"`+")


def md_escape(value: Any) -> Md:
    """`value` as one line of inert Markdown text: line breaks become spaces (a value must not
    start a new block), control characters become visible escapes, Markdown syntax is escaped."""
    if isinstance(value, Md):
        return value
    if value is None:
        return Md("")
    text = _LINE_BREAKS.sub(" ", str(value)).strip(" \t")
    text = _INLINE.sub(r"\\\1", inert(text))
    text = _DOMAIN_DOT.sub(r"\\.", _WWW.sub(r"\1\\.", _SCHEME.sub(r"\1\\:", text)))
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\\\1", text))
    return Md(text)


def md_code(value: Any) -> Md:
    """`value` as one Markdown code span, shown exactly as written (a file name, a rule id): inside
    one nothing is markup, links included, so nothing is escaped but line breaks and control
    characters; the fence is one backtick longer than any run of backticks in the value."""
    text = inert(_LINE_BREAKS.sub(" ", "" if value is None else str(value)).strip(" \t"))
    if not text:
        return Md("")
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""  # CommonMark strips one each side
    return Md(f"{fence}{pad}{text}{pad}{fence}")


def md_finalize(value: Any) -> Any:
    """Jinja `finalize` for Markdown: escape whatever the `md` filter has not escaped already."""
    return md_escape(value)
