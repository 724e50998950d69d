"""Cell values of the proposal form, both ways: a model value to what the form shows, and what a
person typed back to a model value.

People type what they type: yes/no as はい/いいえ, ○/×, 有/無, あり/なし, true/false, yes/no, in
full or half width; an enum as its value or its label in either language; dates as Excel dates,
西暦 or 和暦; numbers with thousands separators. Keys are compared after NFKC and case folding.
Free text is kept exactly as typed (never normalised), so a form read back gives the same proposal.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from itaku.engine import fields
from itaku.engine.fields import Field
from itaku.engine.wareki import NoSuchDay, parse_date
from itaku.engine.wording import default_words, fill, has, language, phrase, words

_YES = frozenset(words("read.yes"))
_NO = frozenset(words("read.no"))
_NOT_STATED = frozenset(words("read.not_stated"))
# A list field explicitly empty (e.g. no certifications), as opposed to blank (not stated).
_EMPTY_LIST = frozenset(words("read.empty_list"))
_SEPARATORS = words("read.list_separators")
_ITEM_SEPARATOR = _SEPARATORS[0]  # the one a single-line cell of a text list is split on (、)
_LIST_SPLIT = re.compile("[" + "".join(re.escape(s) for s in _SEPARATORS) + r"\n]")
_INT = re.compile(r"^([+-]?\d+)(?:\.0+)?\s*(?:" + "|".join(map(re.escape, words("read.count_units"))) + r")?$")
# Excel's serial-date range (1900-01-01 .. 9999-12-31).
_SERIAL_RANGE = (1, 2958465)
_MAX_DIGITS = 20  # as in YAML and JSON: a longer number means nothing in a proposal
# How spreadsheets write a character XML cannot hold (CR as `_x000D_`; checklists/workbook.py `clean`).
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class CellProblem(ValueError):
    """A cell whose content does not fit its field; the message says what was expected."""


class NoSuchDayProblem(CellProblem):
    """A date written in a way the form reads whose day is not on the calendar (令和8年2月30日):
    its message says so, rather than what writings of a date are read."""


def expected(what: str, value: object, **values: object) -> str:
    """`'<what>' expected（入力値: '<value>'）`, `what` being a key of the catalogue or a text."""
    shown = str(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return phrase("excel.expected", expected=phrase(what, **values) if has(what) else what, value=shown)


def key(text: str) -> str:
    """The comparison key of a typed word: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def unescape(text: str) -> str:
    """A cell's text as typed: the `_xHHHH_` escapes spreadsheets write (CR as `_x000D_`) decoded."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def is_blank(raw: Any) -> bool:
    """Nothing in the cell (or only spaces)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


# ------------------------------------------------------------------ reading


def read_yesno(raw: Any) -> bool | None:
    """はい/いいえ/未記載 and their variants; a blank cell is "not stated" (None)."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        k = key(raw)
        if k in _YES:
            return True
        if k in _NO:
            return False
        if k in _NOT_STATED:
            return None
    raise CellProblem(expected("excel.expected.yesno", raw))


def _choice_keys(node: Field) -> dict[str, str]:
    keys: dict[str, str] = {}
    for choice in node.choices:
        # the labels as this profile and as the default one name the municipality (市, 区)
        own = (choice.label("ja"), choice.label("en"))
        default = (fill(choice.ja, "ja", default_words()), fill(choice.en, "en", default_words()))
        for text in (choice.value, *own, *default):
            keys.setdefault(key(text), choice.value)
    return keys


def choices_text(node: Field) -> str:
    """The choices of an enum as the user reads them, in the current language: 入札/見積競争/..."""
    lang = language.get()
    return "/".join(c.label(lang) for c in node.choices)


def read_choice(node: Field, raw: Any) -> str | None:
    """An enum value from its value or its label (ja or en)."""
    if is_blank(raw):
        return None
    text = str(raw)
    found = _choice_keys(node).get(key(text))
    if found is not None:
        return found
    if key(text) in _NOT_STATED:
        return None
    raise CellProblem(expected(choices_text(node), raw))


def read_choice_list(node: Field, raw: Any) -> list[str] | None:
    """Several enum values in one cell, separated by 、 , ; or line breaks; なし = an empty list."""
    if is_blank(raw):
        return None
    text = str(raw)
    if key(text) in _EMPTY_LIST:
        return []
    if key(text) in _NOT_STATED:
        return None
    keys = _choice_keys(node)
    out = []
    for part in _LIST_SPLIT.split(unicodedata.normalize("NFKC", text)):
        if not part.strip():
            continue
        value = keys.get(key(part))
        if value is None:
            raise CellProblem(expected(choices_text(node) + _list_hint(), part.strip()))
        out.append(value)
    return out


def read_items(node: Field, raws: list[Any]) -> list[Any]:
    """A list field's items given one by one (the page's boxes and lines), not in one cell: blank
    items left out, a text trimmed, a choice by its value or its label (ja or en)."""
    items = [raw for raw in raws if not is_blank(raw)]
    if node.kind == fields.TEXT_LIST:
        return [_as_text(raw).strip() for raw in items]
    if node.kind != fields.MULTI_CHOICE:
        raise TypeError(f"{node.path}: a field of kind '{node.kind}' holds one value")
    keys = _choice_keys(node)
    out = []
    for raw in items:
        value = keys.get(key(str(raw)))
        if value is None:
            raise CellProblem(expected(choices_text(node), raw))
        out.append(value)
    return out


def _list_hint() -> str:
    return phrase("excel.list_hint")


def read_text_list(raw: Any) -> list[str] | None:
    """Items one per line, or separated by 、 when the cell holds a single line; なし = none."""
    if is_blank(raw):
        return None
    text = _as_text(raw)
    if key(text) in _EMPTY_LIST:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n") if "\n" in text else text.split(_ITEM_SEPARATOR)
    return [p.strip() for p in parts if p.strip()]


def _as_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return str(raw).upper()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return str(raw)


def read_text(raw: Any) -> str | None:
    """Free text exactly as typed; a number typed into a text cell (資料番号 27) becomes its digits."""
    if is_blank(raw):
        return None
    return _as_text(raw)


def int_expectation(node: Field) -> str:
    """What a whole-number field accepts, in words (0 以上の整数)."""
    if node.minimum is not None and node.maximum is not None:
        return phrase("excel.expected.int_range", low=node.minimum, high=node.maximum)
    if node.minimum is not None:
        return phrase("excel.expected.int_min", low=node.minimum)
    return phrase("excel.expected.int")


def read_int(node: Field, raw: Any) -> int | None:
    """A whole number: 43000, 43,000, ４３０００, 43000人; checked against the field's bounds."""
    if is_blank(raw):
        return None
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer() and abs(raw) < 10.0**_MAX_DIGITS:
        value = int(raw)
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace(",", "").replace(" ", "")
        if key(text) in _NOT_STATED:
            return None
        match = _INT.match(text)
        value = int(match.group(1)) if match and len(match.group(1).lstrip("+-")) <= _MAX_DIGITS else None
    if value is None:
        raise CellProblem(expected(int_expectation(node), raw))
    if (node.minimum is not None and value < node.minimum) or (node.maximum is not None and value > node.maximum):
        raise CellProblem(expected(int_expectation(node), raw))
    return value


def read_date(raw: Any) -> dt.date | None:
    """An Excel date, an Excel serial number, or text in 西暦 or 和暦."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]:
        # openpyxl only when a serial date is read: the page reads its values here too, and needs no Excel
        from openpyxl.utils.datetime import from_excel

        return from_excel(raw).date()
    if isinstance(raw, str):
        if key(raw) in _NOT_STATED:
            return None
        try:
            return parse_date(raw)
        except NoSuchDay:
            raise NoSuchDayProblem(phrase("excel.no_such_day", value=raw.strip()[:40])) from None
        except ValueError:
            pass
    raise CellProblem(expected("excel.expected.date", raw))


# How a cell of each kind of field is read: every kind of value a form cell holds.
READERS: dict[str, Callable[[Field, Any], Any]] = {
    fields.YESNO: lambda node, raw: read_yesno(raw),
    fields.CHOICE: read_choice,
    fields.MULTI_CHOICE: read_choice_list,
    fields.TEXT: lambda node, raw: read_text(raw),
    fields.TEXT_LIST: lambda node, raw: read_text_list(raw),
    fields.INT: read_int,
    fields.DATE: lambda node, raw: read_date(raw),
}


def read_cell(node: Field, raw: Any) -> Any:
    """The model value of one cell of field `node` (None: blank or not stated)."""
    reader = READERS.get(node.kind)
    if reader is None:
        raise TypeError(f"{node.path}: a field of kind '{node.kind}' has no cell")
    return reader(node, raw)


# ------------------------------------------------------------------ writing


def yesno_labels(lang: str) -> list[str]:
    """The three answers of a yes/no field, as the dropdown offers them."""
    return [text for _, text in fields.yesno_answers(lang)]


def show(node: Field, value: Any, lang: str) -> Any:
    """What the form shows for a model value (None: leave the cell blank).

    Raises CellProblem for a value one cell cannot hold (a list item with a line break)."""
    if value is None:
        return None
    kind = node.kind
    if kind == fields.YESNO:
        return phrase("yesno.true" if value else "yesno.false", lang)
    if kind == fields.CHOICE:
        return node.choice_label(str(value), lang)
    if kind == fields.MULTI_CHOICE:
        if not value:
            return phrase("list.empty", lang)
        return phrase("sep.list", lang).join(node.choice_label(str(v), lang) for v in value)
    if kind == fields.TEXT_LIST:
        if not value:
            return None
        for item in value:
            if "\n" in item or "\r" in item:
                raise CellProblem(phrase("excel.line_break_in_item", item=item[:40]))
        text = "\n".join(value)
        # One item that contains 、 would be split on reading; a line break marks it as one item.
        return text + "\n" if len(value) == 1 and _ITEM_SEPARATOR in text else text
    return value
