"""Dates on the command line, written as people write them (西暦 or 和暦)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from itaku.engine.safe_text import inert_line
from itaku.engine.wareki import parse_date
from itaku.engine.wording import phrase


class DateType(click.ParamType):
    """A date written as 西暦 (2020-01-06, 2020/1/6) or 和暦 (令和2年1月6日, R2.1.6)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """The date, or a usage error naming the option."""
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError:
            self.fail(phrase("register.bad_date", value=inert_line(value)), param, ctx)


DATE = DateType()
