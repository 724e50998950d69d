"""Fuzz: random documents through load -> evaluate -> every renderer; only documented exit codes.

Documents are the seed proposals mutated at random paths (a value replaced by any YAML value, a key
dropped or added, any field of the format set, sections created as needed) plus wholly random
structures, so both validation and the renderers are reached. Field paths and choice values come
from the proposal's field tree (engine.fields).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED
from itaku.cli.main import main
from itaku.engine import fields

SEEDS = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in SEED]
LEAVES = [f for f in fields.walk() if f.is_leaf and f.kind != fields.CONST]
CHOICES = sorted({v for f in fields.walk(records=True) for v in f.values})

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 200_000), st.text(max_size=12),
    st.sampled_from(["true", "はい", "2024-04-01", "=1+1", "{{ 7*7 }}", "<b>x</b>", *CHOICES]),
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += _paths(value, (*prefix, i))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set_field(doc: dict[str, Any], field: fields.Field, draw: st.DrawFn) -> None:
    """Set one field of the format, creating its sections: a value of its own kind, or any value."""
    parent = doc
    for part in field.path.split(".")[:-1]:
        if not isinstance(parent.get(part), dict):
            parent[part] = {}
        parent = parent[part]
    if field.kind == fields.YESNO:
        own = st.sampled_from([True, False, None])
    elif field.kind == fields.CHOICE:
        own = st.sampled_from(field.values)
    elif field.kind == fields.MULTI_CHOICE:
        own = st.lists(st.sampled_from(field.values), unique=True)
    else:
        own = values
    parent[field.name] = draw(own | values)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(values)
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["toggle", "toggle", "toggle", "replace", "drop", "add", "field"]))
        if action == "field" and isinstance(doc, dict):
            _set_field(doc, draw(st.sampled_from(LEAVES)), draw)
            continue
        paths = [p for p in _paths(doc) if p]
        if action == "toggle":  # stays valid: reaches evaluation and rendering
            paths = [p for p in paths if _get(doc, p) is None or isinstance(_get(doc, p), bool)]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        parent = _get(doc, path[:-1])
        if action == "toggle":
            parent[path[-1]] = draw(st.sampled_from([True, False, None]))
        elif action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(values)
    return doc


def _run(args: list[Any]) -> int:
    result = CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result.exit_code


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_random_documents_give_documented_exit_codes(doc: Any, tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(yaml.safe_dump(doc, allow_unicode=True, default_flow_style=False), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    codes = [
        _run(["check", source, "--format", "json"]),
        _run(["check", source]),
        _run(["report", source, "--format", "md", "-o", out / "r.md"]),
        _run(["report", source, "--format", "html", "-o", out / "r.html"]),
        _run(["checklist", "self-check", source, "-o", out / "s.xlsx"]),
        _run(["checklist", "inspection", source, "-o", out / "i.xlsx"]),
    ]
    assert set(codes) <= {0, 1, 2}, codes
    # the same input is judged the same way by every command: all refused, or all accepted
    assert (codes[0] == 2) == (codes[2] == 2) == (codes[4] == 2), codes


def test_fuzzing_reaches_the_renderers() -> None:
    """The strategy is worth something only if many documents get past validation."""
    from itaku.engine.loader import validate

    accepted = 0

    @settings(max_examples=100, deadline=None, derandomize=True)
    @given(doc=documents())
    def probe(doc: Any) -> None:
        nonlocal accepted
        try:
            validate(doc, "x", {})
        except Exception:
            return
        accepted += 1

    probe()
    assert accepted >= 20
