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
import types
import typing
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from itaku.engine.models import Proposal, Subcontractor
from itaku.engine.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "seed").glob("*.yaml"))
MUTATION_RATE = 0.3
NAMES = ("株式会社データ処理", "クラウド基盤株式会社", "保守サービス有限会社", "印刷センター")
MEETINGS = (dt.date(2019, 9, 9), dt.date(2022, 11, 1), dt.date(2023, 4, 1), dt.date(2024, 6, 3))


@lru_cache(maxsize=1)
def examples() -> tuple[dict[str, Any], ...]:
    """The bundled examples as plain data (the starting points)."""
    return tuple(load_yaml(p.read_text(encoding="utf-8"))[0] for p in EXAMPLES)


def _optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _bounds(info: FieldInfo) -> tuple[int, int]:
    low, high = 0, 10**9
    for meta in info.metadata:
        low = max(low, getattr(meta, "ge", low))
        high = min(high, getattr(meta, "le", high))
    return low, high


def _draw(rng: random.Random, annotation: Any, nullable: bool, info: FieldInfo) -> Any:
    """A fresh value for a field of this type (None only where the model allows it)."""
    if nullable and rng.random() < 0.2:
        return None
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        if isinstance(inner, type) and issubclass(inner, Enum):
            values = [m.value for m in inner]
            return rng.sample(values, rng.randint(0, len(values)))
        return [rng.choice(NAMES) for _ in range(rng.randint(0, 3))]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return rng.choice([m.value for m in annotation])
    if annotation is bool:
        return rng.random() < 0.5
    if annotation is int:
        low, high = _bounds(info)
        return rng.choice([n for n in (0, 1, 2, 4, 12, 150, 43000) if low <= n <= high] or [low])
    if annotation is dt.date:
        return rng.choice(MEETINGS)
    return rng.choice(NAMES)


def _mutate(rng: random.Random, data: dict[str, Any], model: type[BaseModel]) -> None:
    for name, info in model.model_fields.items():
        inner, nullable = _optional(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            if isinstance(data.get(name), dict):
                _mutate(rng, data[name], inner)
            continue
        if typing.get_origin(inner) in (list, dict) and name in ("subcontractors", "responses", "exceptions"):
            continue
        if name in ("format", "number", "title", "department", "kinds") or rng.random() >= MUTATION_RATE:
            continue
        data[name] = _draw(rng, inner, nullable, info)


def _subcontractor(rng: random.Random, k: int) -> dict[str, Any]:
    sub: dict[str, Any] = {"name": f"{rng.choice(NAMES)}{k + 1}"}
    _mutate(rng, sub, Subcontractor)
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
    _mutate(rng, data, Proposal)
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
