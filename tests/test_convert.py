"""`itaku convert`: a proposal (a filled form, JSON or YAML) written as YAML, the file the self-check
page saves; read back, it is the same proposal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, SEED
from itaku.engine.dump import proposal_yaml
from itaku.engine.loader import parse_proposal
from itaku.engine.wareki import date_text, parse_date
from itaku.files.reading import load_proposal

EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_yaml_reads_back_as_the_same_proposal(path: Path) -> None:
    proposal = load_proposal(path, lambda _: None)
    text = proposal_yaml(proposal)
    assert parse_proposal(text, "x.yaml", ".yaml") == proposal
    assert proposal_yaml(parse_proposal(text, "x.yaml", ".yaml")) == text  # same proposal, same text


def test_convert_from_a_form_and_from_json(cli: Any, tmp_path: Path) -> None:
    form = tmp_path / "form.xlsx"
    assert cli("template", "--from", SEED[-1], "-o", form).exit_code == 0
    from_form = tmp_path / "from-form.yaml"
    assert cli("convert", form, "-o", from_form).exit_code == 0
    as_json = tmp_path / "27.json"
    as_json.write_text(json.dumps(load_proposal(SEED[-1], lambda _: None).model_dump(mode="json")), encoding="utf-8")
    from_json = tmp_path / "from-json.yaml"
    assert cli("convert", as_json, "-o", from_json).exit_code == 0
    assert from_form.read_bytes() == from_json.read_bytes() == proposal_yaml(load_proposal(SEED[-1])).encode()
    shown = cli("convert", SEED[-1], "-o", "-")
    assert shown.exit_code == 0 and shown.stdout == from_form.read_text(encoding="utf-8")


def test_convert_refuses_what_it_must_not_write(cli: Any, tmp_path: Path) -> None:
    copy = tmp_path / "27.yaml"
    copy.write_bytes(SEED[-1].read_bytes())
    onto_input = cli("convert", copy, "-o", copy)
    assert onto_input.exit_code == 2 and copy.read_bytes() == SEED[-1].read_bytes()
    wrong_kind = cli("convert", copy, "-o", tmp_path / "x.xlsx")
    assert wrong_kind.exit_code == 2 and ".yaml" in wrong_kind.stderr and not (tmp_path / "x.xlsx").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("case: [", encoding="utf-8")
    refused = cli("convert", bad, "-o", tmp_path / "out.yaml")
    assert refused.exit_code == 2 and "bad.yaml" in refused.stderr and not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("day", [dt.date(2019, 9, 9), dt.date(2019, 4, 30), dt.date(2019, 5, 1), dt.date(1989, 1, 8), dt.date(2024, 2, 29)])
def test_wareki_written_and_read_back(day: dt.date) -> None:
    written = date_text(day)
    assert parse_date(written) == day
    assert written[:2] in ("令和", "平成")
