"""The JSON contract (itaku/present/json_view.py): `check --format json` and `screen` write the view model,
the published schema is up to date, and every example's output validates against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT
from itaku.present.json_view import EvaluationView, schema_text

PUBLISHED = ROOT / "docs" / "evaluation.schema.json"
SUFFIXES = {".yaml", ".yml", ".json"}
ALL_EXAMPLES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


def test_the_published_schema_is_up_to_date() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == schema_text(), (
        "docs/evaluation.schema.json is out of date: run `itaku schema > docs/evaluation.schema.json`"
    )


def test_itaku_schema_prints_it(cli: Any) -> None:
    done = cli("schema")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == PUBLISHED.read_text(encoding="utf-8")


def test_the_schema_is_strict(published: dict[str, Any]) -> None:
    """Every object lists its keys, all of them required, nothing else allowed: a key that goes
    missing or appears unannounced fails validation."""
    jsonschema.Draft202012Validator.check_schema(published)
    objects = [published, *published["$defs"].values()]
    for node in (o for o in objects if o.get("type") == "object" and "properties" in o):
        assert node["additionalProperties"] is False, node["title"]
        assert node["required"] == list(node["properties"]), node["title"]


def _check_keys(value: Any, node: dict[str, Any], defs: dict[str, Any], where: str) -> None:
    """The keys of every object, in order, are those of the schema (the view model's order)."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        if value is None:
            return
        (node,) = [o for o in node["anyOf"] if o.get("type") != "null"]
        _check_keys(value, node, defs, where)
        return
    if isinstance(value, dict) and "properties" in node:
        assert list(value) == list(node["properties"]), where
        for key, item in value.items():
            _check_keys(item, node["properties"][key], defs, f"{where}.{key}")
    elif isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            _check_keys(item, node["items"], defs, f"{where}[{i}]")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_examples_json_validates_against_the_published_schema(
    lang: str, published: dict[str, Any], cli: Any
) -> None:
    done = cli("check", *ALL_EXAMPLES, "--format", "json", "--lang", lang, "--fail-on", "never")
    if done.exit_code == 2:  # some example is not a proposal (an exception register): check them one by one
        outputs = [cli("check", p, "--format", "json", "--lang", lang, "--fail-on", "never") for p in ALL_EXAMPLES]
        evaluations = [e for o in outputs if o.exit_code == 0 for e in json.loads(o.stdout)]
    else:
        assert done.exit_code == 0, done.stderr
        evaluations = json.loads(done.stdout)
    assert len(evaluations) >= len(list((EXAMPLES / "seed").glob("*.yaml")))
    validator = jsonschema.Draft202012Validator(published, format_checker=jsonschema.FormatChecker())
    for evaluation in evaluations:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(evaluation)]
        assert errors == [], (evaluation["source"], errors[:3])
        _check_keys(evaluation, published, published["$defs"], evaluation["source"])
        assert EvaluationView.model_validate(evaluation).as_data() == evaluation


def test_screen_writes_the_check_object_compactly(cli: Any, tmp_path: Path, published: dict[str, Any]) -> None:
    """A screen result is the object `check --format json` prints for that file, on one line."""
    examples = sorted((EXAMPLES / "seed").glob("*.yaml"))
    out = tmp_path / "out"
    done = cli("screen", *examples, "-o", out, "--jobs", "1", "--fail-on", "never", "--no-opinion-list")
    assert done.exit_code == 0, done.stderr
    checked = json.loads(cli("check", *examples, "--format", "json", "--fail-on", "never").stdout)
    validator = jsonschema.Draft202012Validator(published)
    for path, expected in zip(examples, checked, strict=True):
        raw = (out / f"{path.name}.json").read_bytes()
        assert raw.count(b"\n") == 1 and raw.endswith(b"\n")
        result = json.loads(raw)
        validator.validate(result)
        assert result == expected
        assert raw == (json.dumps(expected, ensure_ascii=False) + "\n").encode()
