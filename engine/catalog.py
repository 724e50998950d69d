"""The rule catalog: YAML files under rules/, loaded through pydantic, checked, compiled once.

A rule file is a mapping with `rules:` (findings) and/or `derivations:` (classification facts
derived for other rules). Loading is all or nothing: the first broken rule stops it with its file,
line and id. What is checked: the schema of each rule, topics against rules/topics.yaml, unique ids,
every field path and operand against the proposal model, parameter settings against each rule's
parameters, and every `{scope: NAME}` against the shared conditions of rules/scopes.yaml. A
municipality's profile (engine/profiles.py) chooses the settings and adapts the catalog; this module
assembles whatever rules it is given, the same way for every source.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from itaku.engine import conditions as cond
from itaku.engine.errors import CatalogError
from itaku.engine.wording import LANGUAGES, MUNICIPAL, Words, default_words, fill, speaking_for, unknown_placeholders
from itaku.engine.yamlio import YamlProblem, load_yaml

# The bundled catalog is package data of itaku.rules, found through importlib (never the working directory).
RULES_DIR = Path(str(resources.files("itaku.rules")))
TOPICS_FILE = "topics.yaml"
DIGEST_FILE = "digest.yaml"
SCOPES_FILE = "scopes.yaml"
NON_RULE_FILES = {TOPICS_FILE, DIGEST_FILE, SCOPES_FILE}

Severity = Literal["blocker", "advice", "question", "info"]
# A question (事前確認) asks the department to state something before the meeting; only advice and
# blockers make the advisor's opinion (see OPINION).
SEVERITY_RANK = {"info": 0, "question": 1, "advice": 2, "blocker": 3}
OPINION = frozenset({"advice", "blocker"})
# Whether a finding comes from what the proposal states, or from what it leaves unstated (silence).
Basis = Literal["stated", "unstated"]
# How a rule declares it: `mixed` rules fire on a stated weakness and on silence alike (`{not: true}`);
# each finding's basis is then read from the fields the rule judges (see Evaluator._basis).
RuleBasis = Literal["stated", "unstated", "mixed"]
# How much a point weighs when the opinion's points are ranked (high first).
Impact = Literal["high", "medium", "low"]
IMPACT_RANK = {"high": 0, "medium": 1, "low": 2}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Localized(_Strict):
    """A text in Japanese (first) and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in `lang` (ja or en)."""
        return getattr(self, lang) if lang in ("ja", "en") else self.ja


class Effective(_Strict):
    """Dates a rule is in force: from (inclusive) until (exclusive)."""

    from_: dt.date | None = Field(None, alias="from")
    until: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether the rule is in force on `day`."""
        return (self.from_ is None or day >= self.from_) and (self.until is None or day < self.until)


EXAMPLE_NAME = "name"  # an example's own key beside the proposal's: what it shows, named on failure


class Examples(_Strict):
    """Partial proposals merged onto a minimal base: the rule must fire on each of `fires` and on none
    of `passes`. An example may carry `name:`, a short description that `itaku rules test` and the
    tests print when it fails, instead of its place in the list."""

    fires: list[dict[str, Any]] = Field(min_length=1)
    passes: list[dict[str, Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _names(self) -> Examples:
        seen: set[str] = set()
        for example in (*self.fires, *self.passes):
            if EXAMPLE_NAME not in example:
                continue
            name = example[EXAMPLE_NAME]
            if not isinstance(name, str) or not name.strip() or "\n" in name:
                raise ValueError(f"an example's {EXAMPLE_NAME} must be one line of text, not {name!r}")
            if name in seen:
                raise ValueError(f"two examples are named {name!r}")
            seen.add(name)
        return self


class Parameter(_Strict):
    """A choice the municipality makes (e.g. how to read a loosely worded guideline)."""

    default: str
    about: Localized
    choices: dict[str, Any] = Field(min_length=2)


class ResponseCheck(_Strict):
    """What a department's answer on this rule's topic must mention to close the finding."""

    must_mention: list[str] = Field(min_length=1)
    explain: Localized


class Escalation(_Strict):
    """Where silence matters more for this proposal's risk: when `when` holds, the finding is raised
    to `to`, and the output says `because`."""

    when: dict[str, Any] = Field(min_length=1)
    to: Literal["advice", "blocker"]
    because: Localized


class Rule(_Strict):
    """One finding rule as written in YAML."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    topic: str
    severity: Severity
    basis: RuleBasis = "stated"  # the bundled rules all declare it (tests/test_silence.py)
    silence: Severity | None = None  # a finding from silence (basis mixed): its severity, if not `severity`
    impact: Impact = "medium"
    escalate: list[Escalation] = Field(default_factory=list)  # where silence matters more (never a stated weakness)
    applies: dict[str, Any] | None = None
    when: dict[str, Any] | None = None
    title: Localized
    message: Localized
    source: str = Field(min_length=1)
    checklist: Localized
    ask: Localized
    clause: Localized
    unstated: str = Field(min_length=1)  # how "not stated" is judged, and why
    effective: Effective = Field(default_factory=Effective)
    waivable: bool = True
    response: ResponseCheck | None = None
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    examples: Examples

    @field_validator("when")
    @classmethod
    def _non_empty(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and not value:
            raise ValueError("'when' may be omitted but not empty")
        return value

    @model_validator(mode="after")
    def _silence_declared(self) -> Rule:
        if self.basis != "mixed" and self.silence is not None:
            raise ValueError("'silence' is the severity of a mixed rule's findings from silence: declare basis: mixed")
        if self.basis == "stated" and self.escalate:
            raise ValueError("'escalate' raises findings from silence: a rule of basis 'stated' has none")
        base = self.silent_severity
        for step in self.escalate:
            if SEVERITY_RANK[step.to] <= SEVERITY_RANK[base]:
                raise ValueError(f"escalate: 'to: {step.to}' is not above the severity of silence, {base}")
        return self

    @property
    def silent_severity(self) -> Severity:
        """The severity of this rule's findings from silence, before any escalation."""
        return self.silence or self.severity


class Derivation(_Strict):
    """A classification rule: when it matches, it derives a value for other rules to read."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    derive: dict[Literal["agenda", "redelegation"], str] = Field(min_length=1, max_length=1)
    applies: dict[str, Any] | None = None
    when: dict[str, Any]
    note: Localized
    source: str = Field(min_length=1)
    effective: Effective = Field(default_factory=Effective)
    examples: Examples


class SeverityNote(_Strict):
    """A rule's severity as a profile changed it, and why (shown with every finding of the rule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    original: Severity
    reason: Localized


class StandardCondition(_Strict):
    """A condition the council attaches to its approvals (to every one, or to those of some kinds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Localized
    kinds: tuple[str, ...] | None = None  # case kinds it is attached to; None: every proposal


class ProfileInfo(_Strict):
    """Which municipality's practice judged: what every output names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: Localized
    municipality: Localized
    council: Localized
    source: str  # the bundled profile's name, or the file or folder it was read from
    digest: str  # of the profile's own files: two edits of one profile are told apart
    conditions: tuple[StandardCondition, ...] = ()
    # How the municipality names itself (区, 市, 町) and its privacy office; None: as the default does.
    self_name: Localized | None = None
    privacy_office: Localized | None = None

    def words(self) -> Words:
        """The words that fill {self} and {privacy_office} in the texts of this profile's outputs."""
        given = {"self": self.self_name, "privacy_office": self.privacy_office}
        default = default_words()
        return {
            name: default[name] if (word := given[name]) is None else {lang: word.get(lang) for lang in LANGUAGES}
            for name in MUNICIPAL
        }


def words_of(profile: ProfileInfo | None) -> Words:
    """The words of `profile` (the default profile's when there is none)."""
    return profile.words() if profile is not None else default_words()


class Topic(_Strict):
    id: str
    ja: str
    en: str
    about: str
    # The topic's controls apply to outsourcing in general, whatever the kind of work: some rule of it
    # must be able to fire for a plain data-processing outsourcing at the vendor's site (coverage checks).
    general: bool = False

    def get(self, lang: str) -> str:
        """The topic's label in `lang` (ja or en)."""
        return getattr(self, lang) if lang in ("ja", "en") else self.ja


class SharedCondition(_Strict):
    """A condition several rules share, named in rules/scopes.yaml and used as `{scope: NAME}`."""

    about: str = Field(min_length=1)
    condition: dict[str, Any] = Field(min_length=1)


@dataclass(frozen=True)
class Compiled:
    """A rule or derivation with its condition parsed, normalised and ready for both engines."""

    spec: Rule | Derivation
    file: str
    line: int | None
    condition: cond.Node
    applies: cond.Node | None
    conjuncts: list[cond.Conjunct]
    paths: tuple[str, ...]  # every field the rule reads: the evidence a finding carries
    params: dict[str, str] = field(default_factory=dict)
    written: Rule | Derivation | None = None  # as written, when the profile's words changed its texts
    escalations: tuple[tuple[list[cond.Conjunct], Escalation], ...] = ()  # `escalate`, parsed
    silenceable: tuple[str, ...] = ()  # fields of `when` whose test holds on null: what silence can satisfy

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def as_written(self) -> Rule | Derivation:
        """The rule as its file has it ({self} unfilled): what two profiles' catalogs compare."""
        return self.written or self.spec

    @property
    def is_derivation(self) -> bool:
        return isinstance(self.spec, Derivation)


@dataclass(frozen=True)
class Catalog:
    """The loaded catalog: rules and derivations in file order, topics, and parameters in force;
    with the profile that adapted it, the rules it switched off and the severities it changed."""

    rules: tuple[Compiled, ...]
    derivations: tuple[Compiled, ...]
    topics: dict[str, Topic]
    directory: Path
    scopes: dict[str, SharedCondition] = field(default_factory=dict)
    profile: ProfileInfo | None = None
    disabled: dict[str, Localized] = field(default_factory=dict)  # rule id -> why the profile switched it off
    severity_notes: dict[str, SeverityNote] = field(default_factory=dict)
    # What engines compile from this catalog, kept as long as the catalog lives (see matching.py).
    compiled_forms: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def rule(self, rule_id: str) -> Compiled | None:
        """The rule or derivation with this id, if any."""
        return self._by_id.get(rule_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Compiled]:
        return {c.id: c for c in (*self.rules, *self.derivations)}


P = ParamSpec("P")
R = TypeVar("R")


def speaks_for_its_catalog(func: Callable[P, R]) -> Callable[P, R]:
    """Run a renderer so that the labels it fills ({self} in a field or column label: 区の承認,
    市の承認) name the municipality as the profile of the Catalog among its arguments does."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        catalog = next((a for a in (*args, *kwargs.values()) if isinstance(a, Catalog)), None)
        if catalog is None:
            return func(*args, **kwargs)
        with speaking_for(words_of(catalog.profile)):
            return func(*args, **kwargs)

    return wrapper


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _load_file(path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(_display(path), None, None, f"cannot read: {exc}") from None
    try:
        return load_yaml(text)
    except YamlProblem as exc:
        raise CatalogError(_display(path), exc.line, None, str(exc)) from None


def _validation_message(exc: ValidationError) -> tuple[tuple[Any, ...], str]:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    return loc, f"{'.'.join(str(p) for p in loc) or 'rule'}: {err['msg']}"


def load_topics(directory: Path) -> dict[str, Topic]:
    """The fixed topic vocabulary (a copy of shared/docs/topics.yaml kept with the rules)."""
    path = directory / TOPICS_FILE
    data, lines = _load_file(path)
    topics: dict[str, Topic] = {}
    for i, raw in enumerate((data or {}).get("topics", [])):
        try:
            topic = Topic.model_validate(raw)
        except ValidationError as exc:
            loc, msg = _validation_message(exc)
            raise CatalogError(_display(path), lines.get(("topics", i)), None, msg) from None
        for lang in LANGUAGES:
            if unknown := unknown_placeholders(topic.get(lang)):
                raise CatalogError(
                    _display(path), lines.get(("topics", i, lang), lines.get(("topics", i))), None,
                    f"{topic.id}.{lang}: unknown placeholder {{{unknown[0]}}} (a text may name {KNOWN_PLACEHOLDERS})",
                )
        topics[topic.id] = topic
    return topics


def load_scopes(directory: Path) -> dict[str, SharedCondition]:
    """The shared conditions rules name with `{scope: NAME}` (none when the file is absent)."""
    path = directory / SCOPES_FILE
    if not path.exists():
        return {}
    data, lines = _load_file(path)
    if not isinstance(data, dict) or not set(data) <= {"scopes"}:
        raise CatalogError(_display(path), 1, None, "a scopes file is a mapping with 'scopes:'")
    scopes: dict[str, SharedCondition] = {}
    for name, raw in (data.get("scopes") or {}).items():
        try:
            scopes[name] = SharedCondition.model_validate(raw)
            cond.parse(scopes[name].condition)
        except ValidationError as exc:
            raise CatalogError(_display(path), lines.get(("scopes", name)), None, f"{name}: {_validation_message(exc)[1]}") from None
        except cond.ConditionError as exc:
            raise CatalogError(_display(path), lines.get(("scopes", name)), None, f"{name}: {exc}") from None
    return scopes


def _substitute(raw: Any, rule: Rule | Derivation, chosen: dict[str, str], scopes: dict[str, SharedCondition]) -> Any:
    """Replace `{param: NAME}` by the condition of the chosen value of parameter NAME, and
    `{scope: NAME}` by the shared condition NAME."""
    if isinstance(raw, dict):
        if set(raw) == {"param"}:
            name = raw["param"]
            if not isinstance(rule, Rule) or name not in rule.parameters:
                raise cond.ConditionError(f"'param: {name}' names no parameter of this rule")
            return rule.parameters[name].choices[chosen[name]]
        if set(raw) == {"scope"}:
            name = raw["scope"]
            if not isinstance(name, str) or name not in scopes:
                raise cond.ConditionError(f"'scope: {name}' names no shared condition in {SCOPES_FILE}")
            return scopes[name].condition
        return {k: _substitute(v, rule, chosen, scopes) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_substitute(v, rule, chosen, scopes) for v in raw]
    return raw


def _compile(
    spec: Rule | Derivation, file: str, line: int | None, settings: dict[str, Any], settings_file: str,
    scopes: dict[str, SharedCondition], written: Rule | Derivation | None = None,
) -> Compiled:
    chosen: dict[str, str] = {}
    if isinstance(spec, Rule):
        own = settings.get(spec.id, {}) or {}
        unknown = set(own) - set(spec.parameters)
        if unknown:
            raise CatalogError(file, line, spec.id, f"{settings_file} sets unknown parameter(s) {sorted(unknown)}")
        for name, param in spec.parameters.items():
            value = own.get(name, param.default)
            if value not in param.choices:
                raise CatalogError(
                    file, line, spec.id, f"parameter '{name}' = '{value}' is not one of {sorted(param.choices)}"
                )
            chosen[name] = value
    try:
        applies = cond.parse(_substitute(spec.applies, spec, chosen, scopes)) if spec.applies else None
        when = cond.parse(_substitute(spec.when, spec, chosen, scopes)) if spec.when else None
    except cond.ConditionError as exc:
        raise CatalogError(file, line, spec.id, str(exc)) from None
    parts = [n for n in (applies, when) if n is not None]
    if not parts:
        raise CatalogError(file, line, spec.id, "a rule needs 'applies' or 'when'")
    condition = parts[0] if len(parts) == 1 else cond.And(tuple(parts))
    if isinstance(spec, Derivation) and "classification" in cond.sections_used(condition):
        raise CatalogError(file, line, spec.id, "a derivation cannot read the classification it derives")
    if isinstance(spec, Derivation):
        allowed = cond.CLASSIFICATION_FIELDS[next(iter(spec.derive))].values
        value = next(iter(spec.derive.values()))
        if value not in allowed:
            raise CatalogError(file, line, spec.id, f"derive value '{value}' is not one of {', '.join(allowed)}")
    paths = tuple(dict.fromkeys(leaf.path for leaf in cond.leaves(condition)))
    if cond.alternatives_bound(condition) > cond.MAX_ALTERNATIVES:
        raise CatalogError(
            file, line, spec.id,
            f"the condition has too many alternatives (more than {cond.MAX_ALTERNATIVES} once its 'any' lists are "
            "multiplied out); split the rule or list the values with 'in'",
        )
    escalations = []
    try:
        conjuncts = cond.normal_form(condition)
        for step in spec.escalate if isinstance(spec, Rule) else ():
            stepped = cond.parse(_substitute(step.when, spec, chosen, scopes))
            if cond.alternatives_bound(stepped) > cond.MAX_ALTERNATIVES:
                raise cond.ConditionError(f"an 'escalate' condition has more than {cond.MAX_ALTERNATIVES} alternatives")
            escalations.append((cond.normal_form(stepped), step))
    except cond.ConditionError as exc:
        raise CatalogError(file, line, spec.id, str(exc)) from None
    silenceable = tuple(dict.fromkeys(_silenceable(when))) if when else ()
    return Compiled(spec, file, line, condition, applies, conjuncts, paths, chosen, written, tuple(escalations), silenceable)


def _silenceable(node: cond.Node, negated: bool = False) -> Iterator[str]:
    """The fields whose silence (null) can make `node` hold: tests that hold on null, and, under
    `none`, tests that fail on null ("no backups: true" holds when backups are not stated)."""
    if isinstance(node, cond.Leaf):
        if _holds_on_null(node) != negated:
            yield node.path
    elif isinstance(node, (cond.And, cond.Or)):
        for child in node.children:
            yield from _silenceable(child, negated)
    elif isinstance(node, cond.NoneOf):
        yield from _silenceable(node.expr, not negated)


def _holds_on_null(leaf: cond.Leaf) -> bool:
    """Whether a test holds when its field is not stated (the documented null semantics)."""
    if leaf.op == "eq":
        return leaf.value is None
    if leaf.op == "not":
        return leaf.value is not None
    return leaf.op == "not_in" and None not in leaf.value


# ---------------------------------------------------------------- the municipality's words

# The texts of a rule in both languages (its message among them); all may name the municipality.
_LOCALIZED_TEXTS = ("title", "message", "checklist", "ask", "clause")
KNOWN_PLACEHOLDERS = "{self}, {Self}, {privacy_office}, {Privacy_office}"


def rule_texts(spec: Rule | Derivation) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every text of a rule or derivation that people read, with its place in the rule as a path
    into its YAML: ("message", "ja"), ("parameters", NAME, "about", "en"), ("source",)."""
    if isinstance(spec, Rule):
        for name in _LOCALIZED_TEXTS:
            text: Localized = getattr(spec, name)
            yield (name, "ja"), text.ja
            yield (name, "en"), text.en
        yield ("unstated",), spec.unstated
        if spec.response is not None:
            yield ("response", "explain", "ja"), spec.response.explain.ja
            yield ("response", "explain", "en"), spec.response.explain.en
        for pname, param in spec.parameters.items():
            yield ("parameters", pname, "about", "ja"), param.about.ja
            yield ("parameters", pname, "about", "en"), param.about.en
        for i, step in enumerate(spec.escalate):
            yield ("escalate", str(i), "because", "ja"), step.because.ja
            yield ("escalate", str(i), "because", "en"), step.because.en
    else:
        yield ("note", "ja"), spec.note.ja
        yield ("note", "en"), spec.note.en
    yield ("source",), spec.source


def _check_placeholders(
    spec: Rule | Derivation, lines: dict[tuple[Any, ...], int], place: tuple[Any, ...], rel: str, line: int | None
) -> None:
    """A {name} that is no placeholder of the municipality would be shown as written: refuse it."""
    for where, text in rule_texts(spec):
        if "{" in text and (unknown := unknown_placeholders(text)):
            probe: tuple[Any, ...] = (*place, *where)
            while len(probe) > len(place) and probe not in lines:
                probe = probe[:-1]
            raise CatalogError(
                rel, lines.get(probe, line), spec.id,
                f"{'.'.join(where)}: unknown placeholder {{{unknown[0]}}} (a text may name {KNOWN_PLACEHOLDERS})",
            )


def _filled(text: Localized, words: Words) -> Localized:
    if "{" not in text.ja and "{" not in text.en:  # most texts: nothing to fill, keep them cheap
        return text
    ja, en = fill(text.ja, "ja", words), fill(text.en, "en", words)
    return text if (ja, en) == (text.ja, text.en) else Localized(ja=ja, en=en)


def worded(spec: Rule | Derivation, words: Words) -> Rule | Derivation:
    """`spec` with its texts naming the municipality in `words` ({self}: 市); the same object when
    no text names it. One-language notes (`unstated`, `source`) are Japanese."""
    update: dict[str, Any] = {}
    if isinstance(spec, Rule):
        for name in _LOCALIZED_TEXTS:
            text = getattr(spec, name)
            if (new := _filled(text, words)) is not text:
                update[name] = new
        if (unstated := fill(spec.unstated, "ja", words)) != spec.unstated:
            update["unstated"] = unstated
        if spec.response is not None and (explain := _filled(spec.response.explain, words)) is not spec.response.explain:
            update["response"] = spec.response.model_copy(update={"explain": explain})
        abouts = {n: _filled(p.about, words) for n, p in spec.parameters.items()}
        if any(abouts[n] is not p.about for n, p in spec.parameters.items()):
            update["parameters"] = {n: p.model_copy(update={"about": abouts[n]}) for n, p in spec.parameters.items()}
        becauses = [_filled(step.because, words) for step in spec.escalate]
        if any(b is not step.because for b, step in zip(becauses, spec.escalate, strict=True)):
            update["escalate"] = [step.model_copy(update={"because": b}) for b, step in zip(becauses, spec.escalate, strict=True)]
    elif (note := _filled(spec.note, words)) is not spec.note:
        update["note"] = note
    if (source := fill(spec.source, "ja", words)) != spec.source:
        update["source"] = source
    return spec.model_copy(update=update) if update else spec


def _worded_topic(topic: Topic, words: Words) -> Topic:
    ja, en = fill(topic.ja, "ja", words), fill(topic.en, "en", words)
    return topic if (ja, en) == (topic.ja, topic.en) else topic.model_copy(update={"ja": ja, "en": en})


@dataclass(frozen=True)
class Loaded:
    """A rule or derivation as read from its file, not yet compiled."""

    spec: Rule | Derivation
    file: str
    line: int | None


def read_rules(data: Any, lines: dict[tuple[Any, ...], int], rel: str) -> list[Loaded]:
    """The rules and derivations of one rule file's parsed YAML, each validated (CatalogError names
    the file, line and id of the first fault)."""
    if not isinstance(data, dict) or not set(data) <= {"rules", "derivations"}:
        raise CatalogError(rel, 1, None, "a rule file is a mapping with 'rules:' and/or 'derivations:'")
    out: list[Loaded] = []
    for key, model in (("rules", Rule), ("derivations", Derivation)):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise CatalogError(rel, lines.get((key,)), None, f"'{key}' must be a list")
        for i, raw in enumerate(entries):
            line = lines.get((key, i))
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            try:
                spec = model.model_validate(raw)
            except ValidationError as exc:
                loc, msg = _validation_message(exc)
                raise CatalogError(rel, lines.get((key, i, *loc), line), rule_id, msg) from None
            _check_placeholders(spec, lines, (key, i), rel, line)
            out.append(Loaded(spec, rel, line))
    return out


def read_rule_files(directory: Path) -> list[Loaded]:
    """Every rule file of a catalog folder, in file-name order."""
    files = sorted(p for p in directory.glob("*.yaml") if p.name not in NON_RULE_FILES)
    if not files:
        raise CatalogError(str(directory), None, None, "no rule files found")
    out: list[Loaded] = []
    for path in files:
        data, lines = _load_file(path)
        out.extend(read_rules(data, lines, _display(path)))
    return out


def assemble(
    topics: dict[str, Topic],
    loaded: list[Loaded],
    directory: Path,
    settings: dict[str, Any] | None = None,
    settings_file: str = "parameters",
    scopes: dict[str, SharedCondition] | None = None,
    profile: ProfileInfo | None = None,
    disabled: dict[str, Localized] | None = None,
    severity_notes: dict[str, SeverityNote] | None = None,
) -> Catalog:
    """Check and compile rules into a Catalog: unique ids, known topics, parameter settings (by rule
    id, from `settings_file`) that name existing rules and parameters and allowed values, and the
    shared conditions (`scopes`) the rules name. Texts name the municipality as `profile` does."""
    settings = settings or {}
    scopes = scopes or {}
    words = words_of(profile)
    topics = {k: _worded_topic(t, words) for k, t in topics.items()}
    rules: list[Compiled] = []
    derivations: list[Compiled] = []
    seen: dict[str, str] = {}
    for item in loaded:
        spec = item.spec
        if spec.id in seen:
            raise CatalogError(item.file, item.line, spec.id, f"duplicate id (also in {seen[spec.id]})")
        seen[spec.id] = item.file
        if isinstance(spec, Rule) and spec.topic not in topics:
            raise CatalogError(item.file, item.line, spec.id, f"unknown topic '{spec.topic}'")
        out = rules if isinstance(spec, Rule) else derivations
        filled = worded(spec, words)
        out.append(_compile(filled, item.file, item.line, settings, settings_file, scopes, spec if filled is not spec else None))
    unknown_ids = set(settings) - set(seen)
    if unknown_ids:
        raise CatalogError(settings_file, None, None, f"settings for unknown rules {sorted(unknown_ids)}")
    return Catalog(
        tuple(rules), tuple(derivations), topics, directory, scopes, profile, dict(disabled or {}), dict(severity_notes or {})
    )


def load_catalog(directory: Path = RULES_DIR, settings: dict[str, Any] | None = None) -> Catalog:
    """Load, check and compile every rule file in `directory` (parameters at their defaults unless
    `settings` chooses); raise CatalogError on the first fault. No profile: see engine.profiles."""
    return assemble(load_topics(directory), read_rule_files(directory), directory, settings, scopes=load_scopes(directory))

