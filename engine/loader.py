"""Parsing and validating a proposal's text (YAML or JSON); files are read by the layer above.

Everything a user can get wrong becomes one InputError naming the file and the place (field path
with its line, or sheet and cell), in the user's language. Limits keep a hostile file from
exhausting memory or time; they are stated in docs/exit-codes-and-limits.md and in the messages. YAML and JSON are
held to the same limits: list length, nesting depth, integer size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from itaku.engine.errors import InputError
from itaku.engine.models import Proposal
from itaku.engine.wareki import date_text
from itaku.engine.wording import language, phrase
from itaku.engine.yamlio import MAX_DEPTH, MAX_INT_DIGITS, YamlProblem, load_yaml

MAX_LIST_ITEMS = 500

Lines = Mapping[tuple[Any, ...], int]


def check_tree(value: Any, file: str, lines: Lines, path: tuple[Any, ...] = (), depth: int = 0) -> None:
    """Refuse lists longer than MAX_LIST_ITEMS and nesting deeper than MAX_DEPTH, naming the place."""
    if depth > MAX_DEPTH:
        raise InputError(file, where(path, lines), phrase("error.yaml_depth", limit=MAX_DEPTH))
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise InputError(file, where(path, lines), phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
        for i, item in enumerate(value):
            if isinstance(item, list | dict):
                check_tree(item, file, lines, (*path, i), depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, list | dict):
                check_tree(item, file, lines, (*path, key), depth + 1)


def field_place(loc: tuple[Any, ...], under: str = "") -> str:
    """A field's place by its labels, as the form names it: 案件／区分（1件目）, 再委託先等（2件目）／所在国;
    a key the proposal format does not know is quoted as written. Empty for the whole document.
    `under`: the list of the proposal whose records the document holds (a register of exceptions)."""
    from itaku.engine import fields  # the field tree reads this module's limits: imported when needed

    out: list[str] = []
    path: list[str] = [under] if under else []
    for part in loc:
        if isinstance(part, int):
            if not out and under:
                out.append(fields.get(under).label(language.get()))
            if out:
                out[-1] += phrase("evidence.item_number", number=part + 1)
            continue
        path.append(str(part))
        node = fields.index().get(".".join(path))
        out.append(node.label(language.get()) if node is not None else f"'{shown(part)}'")
    return phrase("sep.path").join(out)


def where(loc: tuple[Any, ...], lines: Lines, under: str = "") -> str:
    """A field's place as people read it: `案件／区分（1件目） (行 7)` (`under`: see field_place)."""
    text = field_place(loc, under)
    probe = tuple(loc)
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe)
    if not text:
        text = phrase("error.document")
    if len(text) > 100:  # a path nested absurdly deep stays readable on one line
        text = text[:99] + "…"
    return f"{text} ({phrase('error.line')} {line})" if line else text


def shown(value: Any) -> str:
    """A value quoted in a message: short, and never a number too large to print."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "…"
    if isinstance(value, dict | list):
        return type(value).__name__
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _bounds(ctx: dict[str, Any]) -> str:
    low = ctx.get("ge", ctx.get("gt"))
    high = ctx.get("le", ctx.get("lt"))
    if low is not None and high is not None:
        return phrase("error.bounds.range", low=low, high=high)
    return phrase("error.bounds.min", low=low) if low is not None else phrase("error.bounds.max", high=high)


def describe_validation(exc: ValidationError) -> tuple[tuple[Any, ...], str]:
    """The first error of a pydantic validation as (location, one clear sentence)."""
    return describe_error(exc.errors()[0])


def describe_error(err: Any) -> tuple[tuple[Any, ...], str]:
    """One error of a pydantic validation (an item of `errors()`) as (location, one clear sentence)."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return loc, phrase("error.unknown_field", name=shown(loc[-1]) if loc else "?")
    if kind == "missing":
        return loc, phrase("error.missing_field")
    if kind in ("enum", "literal_error"):
        expected = _choices_of(loc) or str(ctx.get("expected", "")).replace("'", "")
        return loc, phrase("error.bad_choice", value=shown(given), expected=expected)
    if kind == "period_order":
        lang = language.get()
        start, end = (date_text(ctx[k], lang) for k in ("start", "end"))
        return loc, phrase("error.end_before_start", start=start, end=end)
    if kind.startswith("bool"):
        return loc, phrase("error.bad_yesno", value=shown(given))
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "date_range"):
        return loc, phrase("error.out_of_range", value=shown(given), bounds=ctx.get("bounds") or _bounds(ctx))
    if kind in ("too_short", "string_too_short"):
        return loc, phrase("error.too_short")
    if kind.startswith(("int", "date", "float")):
        what = "date" if kind.startswith("date") else "int"
        return loc, phrase("error.bad_type", value=shown(given), kind=phrase(f"error.kind.{what}"))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return loc, phrase("error.bad_mapping", value=type(given).__name__)
    if kind == "list_type":
        return loc, phrase("error.bad_list", value=type(given).__name__)
    if kind == "string_type":
        return loc, phrase("error.text_expected", value=shown(given))
    return loc, err["msg"]


def _choices_of(loc: tuple[Any, ...]) -> str:
    """The choices of the field at `loc` as people read them (入札/見積競争/…), '' if it has none."""
    from itaku.engine import fields  # the field tree reads this module's limits: imported when needed

    node = fields.index().get(".".join(str(p) for p in loc if not isinstance(p, int)))
    if node is None or not node.choices or node.kind == fields.CONST:
        return ""
    lang = language.get()
    return "/".join(c.label(lang) for c in node.choices)


def validate(data: Any, file: str, lines: Lines) -> Proposal:
    """Validate parsed data as a Proposal; raise InputError naming the field and line."""
    if not isinstance(data, dict):
        raise InputError(file, None, phrase("error.not_mapping"))
    check_tree(data, file, lines)
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        loc, text = describe_validation(exc)
        raise InputError(file, where(loc, lines), text) from None


def parse_proposal(text: str, file: str, suffix: str) -> Proposal:
    """Parse and validate one proposal's text, JSON when `suffix` is `.json`, else YAML."""
    data, lines = parse_data(text, file, suffix)
    return validate(data, file, lines)


def parse_data(text: str, file: str, suffix: str, under: str = "") -> tuple[Any, Lines]:
    """The plain data of a YAML or JSON text and the line of each path; InputError when unreadable
    (`under`: the proposal's list whose records the text holds, to name places, see field_place)."""
    if not text.strip():
        raise InputError(file, None, phrase("error.empty"))
    if suffix == ".json":
        return load_json(text, file)
    try:
        return load_yaml(text)
    except YamlProblem as exc:
        if exc.path is not None:
            raise InputError(file, where(exc.path, {exc.path: exc.line} if exc.line else {}, under), str(exc)) from None
        raise InputError(file, f"{phrase('error.line')} {exc.line}" if exc.line else None, str(exc)) from None


# ------------------------------------------------------------------ JSON


class _Refused(ValueError):
    """A JSON value refused while decoding: a duplicate key, a huge integer, NaN."""

    def __init__(self, message: str, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(phrase("error.duplicate_key", key=shown(key)), key)
        out[key] = value
    return out


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Refused(phrase("error.number_too_large", digits=digits))
    return int(text)


def _no_constants(name: str) -> Any:
    raise _Refused(phrase("error.json_constant", value=name))


def load_json(text: str, file: str) -> tuple[Any, Lines]:
    """Decode JSON with the same limits as YAML; lines are found only when an error needs one."""
    lines = JsonLines(text)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_parse_int, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise InputError(file, f"{phrase('error.line')} {exc.lineno}", phrase("error.json_syntax", error=exc.msg)) from None
    except _Refused as exc:
        place = lines.first_problem(duplicates=exc.key is not None)
        raise InputError(file, where(place, lines) if place is not None else None, str(exc)) from None
    except RecursionError:  # deeper than Python follows, so far deeper than MAX_DEPTH
        raise InputError(file, None, phrase("error.yaml_depth", limit=MAX_DEPTH)) from None
    found = _LONE_SURROGATE.search(json.dumps(data, ensure_ascii=False))
    if found is not None:  # half of a character: no file, cell or page could hold the text
        raise InputError(file, None, phrase("error.lone_surrogate", escape=f"\\u{ord(found.group()):04x}"))
    return data, lines


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON decodes a pair to one character: any left is alone


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|\n')


class JsonLines(Mapping[tuple[Any, ...], int]):
    """The line of every path of a JSON text, worked out the first time it is asked for (errors only)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[tuple[Any, ...], int] | None = None
        self._duplicate: tuple[Any, ...] | None = None
        self._big: tuple[Any, ...] | None = None

    def _scan(self) -> dict[tuple[Any, ...], int]:
        if self._lines is not None:
            return self._lines
        lines: dict[tuple[Any, ...], int] = {}
        line = 1
        # one frame per open container: [path, is_object, next index or pending key, keys seen, expecting key]
        stack: list[list[Any]] = []
        path: tuple[Any, ...] = ()
        for token in _TOKEN.finditer(self.text):
            tok = token.group()
            if tok == "\n":
                line += 1
                continue
            top = stack[-1] if stack else None
            if tok in ",:":
                if tok == "," and top is not None and top[1]:
                    top[4] = True
                continue
            if tok in "}]":
                if stack:
                    stack.pop()
                continue
            if top is not None and top[1] and top[4]:  # an object's key
                key = json.loads(tok) if tok.startswith('"') else tok
                if key in top[3] and self._duplicate is None:
                    self._duplicate = (*top[0], key)
                top[3].add(key)
                top[2], top[4] = key, False
                continue
            if top is None:
                path = ()
            elif top[1]:
                path = (*top[0], top[2])
            else:
                path = (*top[0], top[2])
                top[2] += 1
            lines.setdefault(path, line)
            digits = tok.lstrip("-")
            if self._big is None and digits.isdigit() and len(digits) > MAX_INT_DIGITS:
                self._big = path
            if tok in "{[":
                stack.append([path, tok == "{", 0, set(), True])
            line += tok.count("\n")
        self._lines = lines
        return lines

    def first_problem(self, duplicates: bool) -> tuple[Any, ...] | None:
        """The path of the first duplicate key (or the first integer too large) in the text."""
        self._scan()
        return self._duplicate if duplicates else self._big

    def __getitem__(self, key: tuple[Any, ...]) -> int:
        return self._scan()[key]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._scan())

    def __len__(self) -> int:
        return len(self._scan())

