"""A seeded, deterministic corpus of varied, valid proposals made from the bundled examples.

Proposal i starts from example i mod 7 and gets mutations drawn from its own random stream
(seed, i): yes/no fields flipped or left unstated, enum values changed, list fields redrawn,
optional sections dropped, subcontractors replaced by 0-3 generated ones, numbers changed. So
`proposal(i)` does not depend on how many are made, and a corpus can be generated on the fly.
Every proposal is validated by the pydantic model before it is returned.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from functools import lru_cache
from pathlib import Path
from typing import Any

from itaku.engine import fields
from itaku.engine.fields import Field
from itaku.engine.models import Proposal
from itaku.engine.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "seed").glob("*.yaml"))
MUTATION_RATE = 0.3
NAMES = ("株式会社データ処理", "クラウド基盤株式会社", "保守サービス有限会社", "印刷センター")
MEETINGS = (dt.date(2019, 9, 9), dt.date(2022, 11, 1), dt.date(2023, 4, 1), dt.date(2024, 6, 3))
FIXED = ("format", "number", "title", "department", "kinds")  # what identifies a case stays as the example has it


@lru_cache(maxsize=1)
def examples() -> tuple[dict[str, Any], ...]:
    """The bundled examples as plain data (the starting points)."""
    return tuple(load_yaml(p.read_text(encoding="utf-8"))[0] for p in EXAMPLES)


def _draw(rng: random.Random, field: Field) -> Any:
    """A fresh value for a field of this kind (None only where the model allows it)."""
    if field.nullable and rng.random() < 0.2:
        return None
    if field.kind == fields.MULTI_CHOICE:
        return rng.sample(field.values, rng.randint(0, len(field.values)))
    if field.kind == fields.TEXT_LIST:
        return [rng.choice(NAMES) for _ in range(rng.randint(0, 3))]
    if field.kind == fields.CHOICE:
        return rng.choice(field.values)
    if field.kind == fields.YESNO:
        return rng.random() < 0.5
    if field.kind == fields.INT:
        low = field.minimum if field.minimum is not None else 0
        high = field.maximum if field.maximum is not None else 10**9
        return rng.choice([n for n in (0, 1, 2, 4, 12, 150, 43000) if low <= n <= high] or [low])
    if field.kind == fields.DATE:
        return rng.choice(MEETINGS)
    return rng.choice(NAMES)


def _mutate(rng: random.Random, data: dict[str, Any], children: tuple[Field, ...]) -> None:
    for field in children:
        if field.kind == fields.SECTION:
            if isinstance(data.get(field.name), dict):
                _mutate(rng, data[field.name], field.children)
            continue
        if field.kind in (fields.RECORDS, fields.MAPPING):
            continue  # subcontractors are generated whole; responses and exceptions are left out
        if field.name in FIXED or rng.random() >= MUTATION_RATE:
            continue
        data[field.name] = _draw(rng, field)


def _subcontractor(rng: random.Random, k: int) -> dict[str, Any]:
    sub: dict[str, Any] = {"name": f"{rng.choice(NAMES)}{k + 1}"}
    _mutate(rng, sub, fields.get("subcontractors").children)
    sub.setdefault("role", rng.choice(["hosting_only", "data_processing", "development", "operation"]))
    sub.pop("tier", None)
    return sub


def proposal_data(i: int, seed: int = 20240601) -> dict[str, Any]:
    """Proposal number i of the corpus, as the data a YAML file would hold."""
    rng = random.Random(seed * 1_000_003 + i)
    data = copy.deepcopy(examples()[i % len(examples())])
    data.pop("exceptions", None)  # waivers name rules; the catalog may change under the corpus
    data.pop("responses", None)
    for section in ("system", "email", "application_site", "devices", "lifecycle", "supervision", "contract"):
        if section in data and rng.random() < 0.1:
            del data[section]
    _mutate(rng, data, fields.tree())
    period = data.get("period")
    if isinstance(period, dict) and period.get("start") and period.get("end") and period["end"] < period["start"]:
        period["start"], period["end"] = period["end"], period["start"]  # an end before the start is refused
    data["case"]["number"] = f"B{i:06d}"
    if rng.random() < 0.5:
        data["subcontractors"] = [_subcontractor(rng, k) for k in range(rng.randint(0, 3))]
    return data


def proposal(i: int, seed: int = 20240601) -> Proposal:
    """Proposal number i of the corpus, validated."""
    return Proposal.model_validate(proposal_data(i, seed))


def write_yaml(directory: Path, n: int, seed: int = 20240601) -> list[Path]:
    """Write proposals 0..n-1 as YAML files (what `itaku screen` reads); return their paths."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = directory / f"p{i:06d}.yaml"
        text = yaml.dump(proposal_data(i, seed), Dumper=dumper, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
