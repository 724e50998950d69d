"""Safe YAML reading: plain data only, YAML 1.2 scalars, bounded, every value placed by its line.

PyYAML composes the node tree (the C parser when present); we build the data from it ourselves in
one pass instead of letting PyYAML's constructor do it, so that every problem is reported with the
field it is in and its line, and nothing but plain data is ever made:
- scalars follow YAML 1.2's core schema: only `true`/`false` are yes/no (`yes`, `no`, `on`, `off`,
  `y`, `n` stay text, so a yes/no field refuses them), integers are decimal (`027` is 27, not octal),
  `0o` octal or `0x` hex, and at most MAX_INT_DIGITS digits; dates must exist on the calendar;
- only the core tags are accepted (no `!!python/...`, `!!binary`, `!!set`, custom tags);
- keys are plain text (no `? [a, b]` complex keys, no numbers, dates or null as keys), never
  repeated, and merge keys (`<<`) are refused;
- aliases are counted as if expanded (a "billion laughs" file stops at MAX_NODES), and nesting
  stops at MAX_DEPTH.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from itaku.engine.wording import phrase

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - the C loader is absent on some builds
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_INT_DIGITS = 20  # beyond 64-bit integers nothing in a proposal means anything

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
SEQ, MAP, MERGE = _TAG + "seq", _TAG + "map", _TAG + "merge"
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with YAML 1.2 core resolution of booleans and integers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (BOOL, INT)]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(BOOL, _BOOL, list("tTfF"))
_Loader.add_implicit_resolver(INT, _INT, list("-+0123456789"))
_TIMESTAMPS = SafeConstructor()


class YamlProblem(Exception):
    """A YAML document that cannot be accepted; `line` is 1-based when known, `path` the field."""

    def __init__(self, message: str, line: int | None = None, path: Path | None = None) -> None:
        self.line = line
        self.path = path
        super().__init__(message)


def _line(node: yaml.Node | yaml.Event) -> int:
    return node.start_mark.line + 1


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _tag(tag: str) -> str:
    """A tag as it is written in YAML (`!!binary`, not its full URI)."""
    return _shown("!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag)


def _scalar(node: yaml.ScalarNode, path: Path) -> Any:
    tag, value = node.tag, node.value
    if tag == STR:
        return value
    if tag == NULL and value in _NULLS:
        return None
    if tag == BOOL and _BOOL.match(value):
        return value.lower() == "true"
    if tag == INT:
        text = value.replace("_", "")
        if not _INT.match(text):
            raise YamlProblem(phrase("error.not_a_value", value=_shown(value), kind="integer"), _line(node), path)
        digits = len(text.lstrip("+-")) - (2 if text[:2] in ("0o", "0x") else 0)
        if digits > MAX_INT_DIGITS:
            raise YamlProblem(phrase("error.number_too_large", digits=digits), _line(node), path)
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        return int(text[2:] if base != 10 else text, base)
    if tag == FLOAT:
        special = _SPECIAL_FLOATS.get(value.lower())
        if special is not None:
            return special
        try:
            return float(value.replace("_", ""))
        except ValueError:
            raise YamlProblem(phrase("error.not_a_value", value=_shown(value), kind="number"), _line(node), path) from None
    if tag == TIMESTAMP:
        try:
            return _TIMESTAMPS.construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError, TypeError):
            raise YamlProblem(phrase("error.bad_date", value=_shown(value)), _line(node), path) from None
    if tag in (NULL, BOOL):
        raise YamlProblem(phrase("error.not_a_value", value=_shown(value), kind=tag.rsplit(":", 1)[-1]), _line(node), path)
    raise YamlProblem(phrase("error.yaml_tag", tag=_tag(tag)), _line(node), path)


class _Builder:
    """Plain data from a node tree, with the line of every path."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.budget = MAX_NODES

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(phrase("error.yaml_expansion", limit=MAX_NODES), _line(node))
        if depth > MAX_DEPTH:
            raise YamlProblem(phrase("error.yaml_depth", limit=MAX_DEPTH), _line(node))
        self.lines[path] = _line(node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ:
                raise YamlProblem(phrase("error.yaml_tag", tag=_tag(node.tag)), _line(node), path)
            return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        if node.tag != MAP:
            raise YamlProblem(phrase("error.yaml_tag", tag=_tag(node.tag)), _line(node), path)
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                raise YamlProblem(phrase("error.yaml_merge"), _line(key_node), path)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR:
                raise YamlProblem(phrase("error.yaml_key"), _line(key_node), path)
            key = key_node.value
            if key in first:
                raise YamlProblem(phrase("error.yaml_duplicate", key=_shown(key), first=first[key]), _line(key_node), path)
            first[key] = _line(key_node)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


def _compose(loader: _Loader) -> yaml.Node | None:
    """The document's node tree, built from the parser's events with a stack of our own.

    PyYAML's C composer recurses once per level of nesting and crashes the process on a document
    nested a few ten thousand levels deep (`[[[[…`); the event parser does not recurse, and this
    stops at MAX_DEPTH. An alias refers to its anchor's node, as in PyYAML's tree.
    """
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # document start
    anchors: dict[str, yaml.Node] = {}
    stack: list[list[Any]] = []  # [collection node, its pending mapping key]
    root: yaml.Node | None = None
    while not loader.check_event(yaml.DocumentEndEvent):
        event = loader.get_event()
        if isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            stack.pop()
            continue
        node: yaml.Node
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise YamlProblem(phrase("error.yaml_syntax", detail=phrase("error.yaml.alias")), _line(event))
            node = anchors[event.anchor]
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag if event.tag not in (None, "!") else loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        else:
            kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
            tag = event.tag if event.tag not in (None, "!") else loader.resolve(kind, None, event.implicit)
            node = kind(tag, [], event.start_mark, event.end_mark, flow_style=event.flow_style)
        if getattr(event, "anchor", None) is not None and not isinstance(event, yaml.AliasEvent):
            anchors[event.anchor] = node
        if not stack:
            root = node
        elif isinstance(stack[-1][0], yaml.SequenceNode):
            stack[-1][0].value.append(node)
        elif stack[-1][1] is None:
            stack[-1][1] = node
        else:
            stack[-1][0].value.append((stack[-1][1], node))
            stack[-1][1] = None
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            stack.append([node, None])
            if len(stack) > MAX_DEPTH + 1:
                raise YamlProblem(phrase("error.yaml_depth", limit=MAX_DEPTH), _line(event))
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        raise YamlProblem(phrase("error.yaml_documents"), _line(loader.peek_event()))
    return root


def load_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return the data and a map from each path to its line.

    Raises YamlProblem for syntax errors, several documents, and every value the module docstring
    refuses.
    """
    loader = _Loader(text)
    try:
        try:
            node = _compose(loader)
        except yaml.YAMLError as exc:
            raise YamlProblem(_first_line(exc), _mark_line(exc)) from None
        if node is None:
            raise YamlProblem(phrase("error.empty"))
        builder = _Builder()
        return builder.build(node, (), 0), builder.lines
    finally:
        loader.dispose()


def _mark_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


# PyYAML's problems (English, for programmers) as what the person should look at, in the catalogue:
# the first pattern found in the problem's text names the sentence (error.yaml.<key>).
_SYNTAX = (
    ("mapping values are not allowed", "colon"),
    ("expected ',' or", "flow"),
    ("did not find expected ','", "flow"),
    ("did not find expected '-'", "list_indent"),
    ("did not find expected key", "indent"),
    ("expected <block end>", "indent"),
    ("could not find expected ':'", "no_colon"),
    ("that cannot start any token", "character"),
    ("unexpected end of stream", "unclosed"),
    ("unknown escape character", "escape"),
    ("found undefined", "alias"),
)


def _first_line(exc: Exception) -> str:
    """The syntax error in the reader's language, with the column it was found at (the line goes
    with the place)."""
    problem = f"{getattr(exc, 'context', None) or ''} {getattr(exc, 'problem', None) or ''}"
    key = next((k for pattern, k in _SYNTAX if pattern in problem), "other")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    detail = phrase(f"error.yaml.{key}")
    if mark is not None:
        detail = phrase("error.yaml.at_column", column=mark.column + 1, detail=detail)
    return phrase("error.yaml_syntax", detail=detail)
