"""docs/national-requirements.md maps each of the 84 published outsourcing requirements to the rules that
check it, or gives the reason none does; the table and the catalog stay in step."""

from __future__ import annotations

import re
from pathlib import Path

from itaku.engine.catalog import Catalog

TABLE = Path(__file__).resolve().parents[1] / "docs" / "national-requirements.md"
# The published list (shared/docs/published-requirements.md): its groups and how many requirements each holds.
GROUPS = {"A": 2, "B": 5, "C": 21, "D": 8, "E": 3, "F": 9, "G": 14, "H": 2, "I": 8, "J": 5, "K": 5, "L": 2}
ROW = re.compile(r"^\| ([A-L]\d+) \|(.*)\|\s*$")


def _rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"{match.group(1)} appears twice"
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_every_published_requirement_has_a_row() -> None:
    expected = {f"{group}{n}" for group, count in GROUPS.items() for n in range(1, count + 1)}
    assert sum(GROUPS.values()) == 84
    assert set(_rows()) == expected


def test_every_rule_named_exists_and_every_row_without_one_says_why(catalog: Catalog) -> None:
    known = {c.id for c in catalog.rules} | {d.id for d in catalog.derivations}
    for number, (requirement, source, rules, status, note) in _rows().items():
        assert requirement and source, number
        assert status in ("covered", "partly", "explained"), number
        named = [] if rules == "—" else [r.strip() for r in rules.split(",")]
        assert not set(named) - known, (number, sorted(set(named) - known))
        if status == "explained":
            assert not named and note, f"{number}: an explained row names no rule and gives its reason"
        else:
            assert named, f"{number}: a {status} row names its rules"
        if status == "partly":
            assert note, f"{number}: a partly covered row says what is left"


def test_the_summary_counts_the_rows() -> None:
    statuses = [cells[3] for cells in _rows().values()]
    text = TABLE.read_text(encoding="utf-8")
    for status in ("covered", "partly", "explained"):
        assert f"| {status} | {statuses.count(status)} |" in text, status
