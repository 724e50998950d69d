"""`itaku template --from X -o f.xlsx` then `itaku check f.xlsx` gives what `itaku check X` gives,
for every example under examples/ (found when the tests run: examples added later are covered)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from itaku.checklists.form import build_form
from itaku.checklists.workbook import workbook_bytes
from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError
from itaku.files.reading import load_proposal

SUFFIXES = {".yaml", ".yml", ".json"}
ALL_EXAMPLES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def _id(path: Path) -> str:
    return str(path.relative_to(EXAMPLES))


def test_there_are_examples() -> None:
    assert ALL_EXAMPLES, "no examples found under examples/"


def _json(result: Any) -> list[dict[str, Any]]:
    out = json.loads(result.stdout)
    for evaluation in out:
        evaluation.pop("source")
    return out


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=_id)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_check_of_the_form_equals_check_of_the_source(example: Path, lang: str, cli: Any, tmp_path: Path) -> None:
    form = tmp_path / f"{example.stem}.xlsx"
    direct = cli("check", example, "--format", "json", "--fail-on", "never")
    made = cli("template", "--from", example, "-o", form, "--lang", lang)
    if direct.exit_code == 2:  # not a valid proposal (an exception register, a broken example): same refusal
        assert made.exit_code == 2, made.stderr
        assert not form.exists()
        return
    assert direct.exit_code == 0, direct.stderr
    assert made.exit_code == 0, made.stderr
    via_form = cli("check", form, "--format", "json", "--fail-on", "never")
    assert via_form.exit_code == 0, via_form.stderr
    expected, got = _json(direct), _json(via_form)
    assert got == expected
    # the parts the issue names, spelled out so that a failure says which one moved
    for a, b in zip(expected, got, strict=True):
        assert (a["verdict"], a["classification"], a["findings"]) == (b["verdict"], b["classification"], b["findings"])


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=_id)
def test_form_reads_back_into_the_same_model(example: Path, catalog: Catalog, tmp_path: Path) -> None:
    try:
        proposal = load_proposal(example)
    except InputError:
        pytest.skip("not a proposal")
    form = tmp_path / "form.xlsx"
    form.write_bytes(workbook_bytes(build_form(catalog, "ja", proposal, str(example))))
    assert load_proposal(form, [].append) == proposal
