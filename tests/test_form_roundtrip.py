"""`itaku template --from X -o f.xlsx` then `itaku check f.xlsx` gives what `itaku check X` gives,
for every example under examples/ (found when the tests run: examples added later are covered)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, invoke
from itaku.engine.errors import InputError
from itaku.files.reading import load_proposal

SUFFIXES = {".yaml", ".yml", ".json"}
ALL_EXAMPLES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def _id(path: Path) -> str:
    return str(path.relative_to(EXAMPLES))


def test_there_are_examples() -> None:
    assert ALL_EXAMPLES, "no examples found under examples/"


@pytest.fixture(scope="module")
def checked() -> Callable[[Path], Any]:
    """`itaku check EXAMPLE --format json` once per example, for both languages' tests."""
    return functools.cache(lambda example: invoke("check", example, "--format", "json", "--fail-on", "never"))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str], tuple[Any, Path]]:
    """`itaku template --from EXAMPLE --lang LANG` once per example and language: (result, form).
    The module's tests only read the form."""
    folder = tmp_path_factory.mktemp("forms")

    @functools.cache
    def make(example: Path, lang: str) -> tuple[Any, Path]:
        form = (folder / lang / _id(example).replace("/", "__")).with_suffix(".xlsx")
        form.parent.mkdir(exist_ok=True)
        return invoke("template", "--from", example, "-o", form, "--lang", lang), form

    return make


def _json(result: Any) -> list[dict[str, Any]]:
    out = json.loads(result.stdout)
    for evaluation in out:
        evaluation.pop("source")
    return out


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=_id)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_check_of_the_form_equals_check_of_the_source(
    example: Path, lang: str, cli: Any, checked: Callable[[Path], Any], made: Callable[[Path, str], tuple[Any, Path]]
) -> None:
    direct = checked(example)
    written, form = made(example, lang)
    if direct.exit_code == 2:  # not a valid proposal (an exception register, a broken example): same refusal
        assert written.exit_code == 2, written.stderr
        assert not form.exists()
        return
    assert direct.exit_code == 0, direct.stderr
    assert written.exit_code == 0, written.stderr
    via_form = cli("check", form, "--format", "json", "--fail-on", "never")
    assert via_form.exit_code == 0, via_form.stderr
    expected, got = _json(direct), _json(via_form)
    assert got == expected
    # the parts the issue names, spelled out so that a failure says which one moved
    for a, b in zip(expected, got, strict=True):
        assert (a["verdict"], a["classification"], a["findings"]) == (b["verdict"], b["classification"], b["findings"])


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=_id)
def test_form_reads_back_into_the_same_model(example: Path, made: Callable[[Path, str], tuple[Any, Path]]) -> None:
    try:
        proposal = load_proposal(example)
    except InputError:
        pytest.skip("not a proposal")
    written, form = made(example, "ja")  # the form `itaku template --from` wrote for the test above
    assert written.exit_code == 0, written.stderr
    assert load_proposal(form, [].append) == proposal
