"""Dates as people write and read them on Japanese documents: 和暦 (令和元年9月9日, R1.9.9) and
西暦 (2019/9/9), both ways.

`parse_date` reads any common writing into a `datetime.date` or raises `ValueError` with a short
reason; text is NFKC-normalised first, so full-width digits (２０２０／１／６) are read too.
`date_text` writes a date the way a clerk reads it (令和元年9月9日; 9 September 2019 in English),
`fiscal_year_text` names a fiscal year (令和元年度). The engine holds this so that the reports and
the workbooks write every date the same way; JSON keeps ISO dates.
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


class NoSuchDay(ValueError):
    """A text written as a date whose day is not on the calendar (令和8年2月30日, 2026/13/1): the
    writing was understood, the day does not exist."""


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NoSuchDay(f"{year}-{month}-{day} is not a date") from None


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
        raise NoSuchDay(f"{era} {year} does not exist")
    month = int(match["m1"] or match["m2"])
    day = int(match["d1"] or match["d2"])
    date = _make(start.year + year - 1, month, day)
    if date < start:
        raise NoSuchDay(f"{era} {year}-{month}-{day} is before {era} began ({start.isoformat()})")
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


def era_of(day: dt.date) -> tuple[str, int]:
    """(era name, year of the era) of a date: 2019-09-09 -> ("令和", 1)."""
    for name, _, start in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day.isoformat()} is before the first era ({ERAS[-1][2].isoformat()})")


def _era_year(name: str, year: int) -> str:
    """令和元年, 令和2年: the first year of an era is written 元."""
    number = phrase("date.first_year", "ja") if year == 1 else str(year)
    return phrase("date.era_year", "ja", era=name, year=number)


def date_text(day: dt.date | None, lang: str = "ja", empty: str = "—") -> str:
    """A date as people read it: 令和元年9月9日 (ja), 9 September 2019 (en); `empty` for None. A
    date before 明治 (none a proposal may hold) is written in 西暦 with 年月日."""
    if day is None:
        return empty
    if lang == "en":
        return phrase("date.day", "en", year=day.year, month=day.strftime("%B"), day=day.day)
    if day < ERAS[-1][2]:
        return phrase("date.day", "ja", year=phrase("date.era_year", "ja", era="", year=day.year), month=day.month, day=day.day)
    return phrase("date.day", "ja", year=_era_year(*era_of(day)), month=day.month, day=day.day)


def fiscal_year_text(day: dt.date, lang: str = "ja") -> str:
    """The Japanese fiscal year (April to March) a date falls in: 令和元年度 (ja), FY2019 (en)."""
    year = day.year if day.month >= 4 else day.year - 1
    if lang == "en":
        return phrase("date.fiscal_year", "en", year=year)
    # Named by the era in force on the date (the council's minutes call April 2019's year 平成31年度
    # and September 2019's 令和元年度); a year that would be 0 of that era belongs to the one before.
    for name, _, start in ERAS:
        if day >= start and year - start.year + 1 >= 1:
            return phrase("date.fiscal_year", "ja", year=_era_year(name, year - start.year + 1))
    raise ValueError(f"{day.isoformat()} is before the first era ({ERAS[-1][2].isoformat()})")


_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_text(text: str, lang: str = "ja") -> str:
    """ISO dates inside a text (a rule's source, a note) written as people read them."""

    def repl(match: re.Match[str]) -> str:
        try:
            return date_text(dt.date(int(match[1]), int(match[2]), int(match[3])), lang)
        except ValueError:
            return match[0]

    return _ISO.sub(repl, text)


def meeting_text(day: dt.date | None, session: int | None, lang: str = "ja") -> str:
    """A council meeting as its minutes name it: 令和元年度第4回（令和元年9月9日）; the date alone
    when the session is not known; empty when neither is."""
    if day is None:
        return ""
    if session is None:
        return date_text(day, lang)
    return phrase("date.meeting", lang, year=fiscal_year_text(day, lang), session=session, date=date_text(day, lang))
