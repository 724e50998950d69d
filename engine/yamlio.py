"""Safe YAML reading: the safe loader only, duplicate keys refused, size bounded, lines kept.

PyYAML's safe loader never constructs Python objects from tags, but it happily expands aliases
(a "billion laughs" file) and lets a repeated key silently win. We compose the node tree, count it
as if expanded, refuse duplicates, and remember the line of every path so that a validation error
can say where it is.
"""

from __future__ import annotations

from typing import Any

import yaml

from itaku.engine.wording import phrase

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - the C loader is absent on some builds
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 200_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]


class YamlProblem(Exception):
    """A YAML document that cannot be accepted; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(message)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int], budget: list[int], depth: int) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(phrase("error.yaml_expansion", limit=MAX_NODES), node.start_mark.line + 1)
    if depth > MAX_DEPTH:
        raise YamlProblem(phrase("error.yaml_depth", limit=MAX_DEPTH), node.start_mark.line + 1)
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key == "<<":
                raise YamlProblem(phrase("error.yaml_merge"), key_node.start_mark.line + 1)
            if key in seen:
                raise YamlProblem(phrase("error.yaml_duplicate", key=key, first=seen[key]), key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, budget, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, budget, depth + 1)


def load_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return the data and a map from each path to its line.

    Raises YamlProblem for syntax errors, several documents, duplicate keys, excessive expansion
    or nesting. Tags that name Python objects are refused by the safe loader itself.
    """
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.composer.ComposerError as exc:
            if "expected a single document" in str(exc):
                raise YamlProblem(phrase("error.yaml_documents"), _mark_line(exc)) from None
            raise YamlProblem(_first_line(exc), _mark_line(exc)) from None
        except yaml.YAMLError as exc:
            raise YamlProblem(_first_line(exc), _mark_line(exc)) from None
        if node is None:
            raise YamlProblem(phrase("error.empty"))
        lines: dict[Path, int] = {}
        _walk(node, (), lines, [MAX_NODES], 0)
        try:
            data = loader.construct_document(node)
        except yaml.YAMLError as exc:
            raise YamlProblem(_first_line(exc), _mark_line(exc)) from None
        return data, lines
    finally:
        loader.dispose()


def _mark_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def _first_line(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    text = " ".join(str(part) for part in (context, problem) if part) or str(exc).splitlines()[0]
    return phrase("error.yaml_syntax", detail=text)
