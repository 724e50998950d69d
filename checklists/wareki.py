"""Dates as people write them on Japanese forms: 和暦 (令和2年1月6日, R2.1.6) and 西暦 (2020/1/6).

`parse_date` returns a `datetime.date` or raises `ValueError` with a short reason. Text is
NFKC-normalised first, so full-width digits and punctuation (２０２０／１／６) are read too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from itaku.engine.wording import phrase, words

# Era name, its one-letter abbreviation, and its first day (the day the era began).
ERAS: tuple[tuple[str, str, dt.date], ...] = tuple(
    (phrase(f"era.{letter}", "ja"), letter, start)
    for letter, start in (
        ("R", dt.date(2019, 5, 1)),
        ("H", dt.date(1989, 1, 8)),
        ("S", dt.date(1926, 12, 25)),
        ("T", dt.date(1912, 7, 30)),
        ("M", dt.date(1868, 10, 23)),
    )
)
_BY_NAME = {name: (name, start) for name, _, start in ERAS}
_BY_NAME.update({letter: (name, start) for name, letter, start in ERAS})
# Some writers use the single-character era ligatures (㋿ ㍻ ㍼ ㍽ ㍾); NFKC turns them into 令和 etc.


def _any(key: str) -> str:
    """A regex alternative of the words of reading vocabulary `key`."""
    return "|".join(re.escape(w) for w in words(key))


_FIRST_YEAR = words("read.date.first_year")
# 年 月 日 written out (2020年1月6日), or separators (2020/1/6); the day mark is optional.
_DAY_MONTH = (
    rf"(?:(?:{_any('read.date.year')})\s*(?P<m1>\d{{1,2}})\s*(?:{_any('read.date.month')})\s*(?P<d1>\d{{1,2}})\s*"
    rf"(?:{_any('read.date.day')})?"
)
_WAREKI = re.compile(
    rf"^(?P<era>{'|'.join(name for name, _, _ in ERAS)}|[{''.join(letter for _, letter, _ in ERAS)}])\s*"
    rf"(?P<year>{_any('read.date.first_year')}|\d{{1,2}})\s*"
    rf"{_DAY_MONTH}|[./\-]\s*(?P<m2>\d{{1,2}})\s*[./\-]\s*(?P<d2>\d{{1,2}}))$",
    re.IGNORECASE,
)
_SEIREKI = re.compile(
    rf"^(?:(?:{_any('read.date.western')})\s*)?(?P<year>\d{{4}})\s*"
    rf"{_DAY_MONTH}|(?P<sep>[./\-])\s*(?P<m2>\d{{1,2}})\s*[./\-]\s*(?P<d2>\d{{1,2}}))$"
)
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
# A weekday in brackets after the date, as calendars print it: 令和2年1月6日（月）, 2020/1/6(Mon)
_WEEKDAY = re.compile(rf"\s*\(\s*(?:{_any('read.date.weekday')})[a-z]*\.?\s*\)\s*$", re.IGNORECASE)


def normalise(text: str) -> str:
    """NFKC, trimmed, without a trailing weekday."""
    return _WEEKDAY.sub("", unicodedata.normalize("NFKC", text).strip())


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{year}-{month}-{day} is not a date") from None


def parse_wareki(text: str) -> dt.date | None:
    """A 和暦 date, or None if `text` is not written as one. Raises ValueError for an impossible
    date, or a date before its era began (令和1年4月30日). A date after the era ended is accepted
    (平成32年 = 2020 appears on forms printed before the change of era)."""
    match = _WAREKI.match(normalise(text))
    if not match:
        return None
    era, start = _BY_NAME[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
    year = 1 if match["year"] in _FIRST_YEAR else int(match["year"])
    if year < 1:
        raise ValueError(f"{era} {year} does not exist")
    month = int(match["m1"] or match["m2"])
    day = int(match["d1"] or match["d2"])
    date = _make(start.year + year - 1, month, day)
    if date < start:
        raise ValueError(f"{era} {year}-{month}-{day} is before {era} began ({start.isoformat()})")
    return date


def parse_date(text: str) -> dt.date:
    """A date written as 西暦 (2020-01-06, 2020/1/6, 2020.1.6, 2020年1月6日, 20200106) or 和暦
    (令和2年1月6日, 令和元年9月2日, R2.1.6, H31/4/1). Raises ValueError otherwise."""
    wareki = parse_wareki(text)
    if wareki is not None:
        return wareki
    value = normalise(text)
    match = _SEIREKI.match(value)
    if match:
        return _make(int(match["year"]), int(match["m1"] or match["m2"]), int(match["d1"] or match["d2"]))
    match = _COMPACT.match(value)
    if match:
        return _make(int(match["year"]), int(match["month"]), int(match["day"]))
    raise ValueError(f"'{text}' is not a date")


def format_wareki(day: dt.date) -> str:
    """A date in 和暦 as clerks write it (令和元年9月9日); before 明治, in 西暦 with 年月日."""
    for name, _, start in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            shown = phrase("wareki.first_year", "ja") if year == 1 else str(year)
            return phrase("wareki.date", "ja", era=name, year=shown, month=day.month, day=day.day)
    return phrase("wareki.date", "ja", era="", year=day.year, month=day.month, day=day.day)
