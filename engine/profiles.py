"""A municipality's profile: its own practice applied to the bundled catalog, without forking it.

A profile is a folder (`profile.yaml`, and optionally `rules/*.yaml` with rules of its own) or one
YAML file (own rules inline under `rules:`). It names the municipality and its council, sets rule
parameters, switches rules off (with a reason), changes a rule's severity (with a reason, shown with
every finding of the rule), adds rules in the catalog's own format (checked the same way, their
examples run by `itaku rules test --profile`), chooses the classification scheme (which kinds are
諮問 and which 報告, per era) and lists the standard conditions its council attaches to approvals.

The seed's ward is the bundled profile `default`; `example-city` is a documented second one. Both
are package data under rules/profiles/, found through importlib.resources. Files a user names are
read by the layer above (itaku.files) and handed here as text.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from itaku.engine.catalog import (
    RULES_DIR,
    Catalog,
    Derivation,
    Effective,
    Examples,
    Loaded,
    Localized,
    ProfileInfo,
    Rule,
    Severity,
    SeverityNote,
    StandardCondition,
    assemble,
    load_scopes,
    load_topics,
    read_rule_files,
    read_rules,
)
from itaku.engine.errors import CatalogError
from itaku.engine.models import Kind, Scope
from itaku.engine.wording import phrase
from itaku.engine.yamlio import YamlProblem, load_yaml

PROFILE_FORMAT = "itaku/profile-v1"
PROFILE_FILE = "profile.yaml"
PROFILE_RULES = "rules"  # the folder of a profile's own rule files
PROFILES_DIR = RULES_DIR / "profiles"
DEFAULT_PROFILE = "default"

KINDS = tuple(k.value for k in Kind)
SCOPES = tuple(s.value for s in Scope)
# What a classification scheme classifies: a kind of case (any such case), a kind that is new or
# changes an approved matter (by case.previous_approval), or the scope of the case.
TOKENS = (*KINDS, *(f"new_{k}" for k in KINDS), *(f"changed_{k}" for k in KINDS), *SCOPES)
Token = Literal[TOKENS]  # type: ignore[valid-type]
AGENDAS = ("consultation", "report")
SCHEME_REPLACES = Localized(ja=phrase("profile.scheme_replaces", "ja"), en=phrase("profile.scheme_replaces", "en"))


def _localized(value: Any) -> Any:
    """A text may be written once (used in both languages) or as {ja, en}."""
    return {"ja": value, "en": value} if isinstance(value, str) else value


Text = Annotated[Localized, BeforeValidator(_localized)]

WORD_LIMIT = 40  # characters of a name filled into texts ({self}: 市, {privacy_office}: 情報公開課)


def _plain_word(value: Localized) -> Localized:
    """A word filled into every rule text: one line, no braces (a rule message is a template)."""
    for text in (value.ja, value.en):
        if len(text) > WORD_LIMIT or text != text.strip() or any(c in text for c in "{}\n\r\t"):
            raise ValueError(f"a name of at most {WORD_LIMIT} characters on one line, without braces or surrounding spaces")
    return value


Word = Annotated[Localized, BeforeValidator(_localized), AfterValidator(_plain_word)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Disable(_Strict):
    """A bundled rule the municipality does not apply, and why."""

    reason: Text


class SeverityChange(_Strict):
    """A bundled rule judged at another severity by this municipality, and why."""

    to: Severity
    reason: Text


class Era(_Strict):
    """Which kinds of case are consulted (諮問) and which reported (報告) in a period."""

    from_: dt.date | None = Field(None, alias="from")
    until: dt.date | None = None
    name: Text  # e.g. 条例期, shown in the classification notes
    consultation: tuple[Token, ...] = ()
    report: tuple[Token, ...] = ()
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _something(self) -> Era:
        if not self.consultation and not self.report:
            raise ValueError("an era classifies at least one kind (consultation or report)")
        if self.from_ and self.until and self.until <= self.from_:
            raise ValueError("'until' must come after 'from'")
        return self


class Condition(_Strict):
    """A standard condition the council attaches to approvals."""

    text: Text
    kinds: tuple[Kind, ...] | None = None  # attached only to cases of these kinds


class ProfileSpec(_Strict):
    """profile.yaml as written."""

    format: Literal["itaku/profile-v1"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    municipality: Text
    council: Text
    # How rule texts name the municipality ({self}: 区, 市, 町 / ward, city, town) and its privacy
    # office ({privacy_office}); omitted: as the default profile (区 / ward, 区政情報課 / the secretariat).
    self_name: Word | None = Field(None, alias="self")
    privacy_office: Word | None = None
    about: Text | None = None
    parameters: dict[str, dict[str, str]] = Field(default_factory=dict)
    disabled: dict[str, Disable] = Field(default_factory=dict)
    severity: dict[str, SeverityChange] = Field(default_factory=dict)
    classification: tuple[Era, ...] | None = None
    conditions: tuple[Condition, ...] = ()
    examples: dict[str, Examples] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(default_factory=list)  # own rules written inline
    derivations: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class ProfileText:
    """A profile's files as read: its main file and its own rule files, each (display name, text)."""

    source: str  # the bundled name, or the path as the user gave it
    main: tuple[str, str]
    rule_files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Profile:
    """A parsed, checked profile: its settings, its own rules, and what outputs say about it."""

    spec: ProfileSpec
    main_file: str
    lines: dict[tuple[Any, ...], int]
    own: tuple[Loaded, ...]
    info: ProfileInfo

    def line(self, *path: Any) -> int | None:
        """The line of a place in the main file."""
        return self.lines.get(tuple(path))


# ---------------------------------------------------------------- reading


def _yaml(name: str, text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    try:
        return load_yaml(text)
    except YamlProblem as exc:
        raise CatalogError(name, exc.line, None, str(exc)) from None


def parse_profile(texts: ProfileText) -> Profile:
    """Validate a profile's files; CatalogError names the file, line and rule of the first fault."""
    main_name, main_text = texts.main
    data, lines = _yaml(main_name, main_text)
    if not isinstance(data, dict):
        raise CatalogError(main_name, 1, None, "a profile is a mapping (format, id, name, municipality, council, ...)")
    try:
        spec = ProfileSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
        probe = loc
        while probe and probe not in lines:
            probe = probe[:-1]
        where = ".".join(str(p) for p in loc) or "profile"
        raise CatalogError(main_name, lines.get(probe), None, f"{where}: {err['msg']}") from None
    own: list[Loaded] = []
    inline = {k: v for k, v in (("rules", spec.rules), ("derivations", spec.derivations)) if v}
    if inline:
        own += read_rules(inline, lines, main_name)
    for name, text in texts.rule_files:
        file_data, file_lines = _yaml(name, text)
        own += read_rules(file_data, file_lines, name)
    digest = hashlib.sha256()
    for name, text in (texts.main, *texts.rule_files):
        digest.update(f"{name}\0{text}\0".encode())
    conditions = tuple(
        StandardCondition(text=c.text, kinds=tuple(str(k) for k in c.kinds) if c.kinds else None)
        for c in spec.conditions
    )
    info = ProfileInfo(
        id=spec.id, name=spec.name, municipality=spec.municipality, council=spec.council,
        source=texts.source, digest=digest.hexdigest()[:12], conditions=conditions,
        self_name=spec.self_name, privacy_office=spec.privacy_office,
    )
    return Profile(spec, main_name, lines, tuple(own), info)


def bundled_profiles() -> tuple[str, ...]:
    """The names of the profiles shipped with itaku."""
    return tuple(sorted(p.name for p in PROFILES_DIR.iterdir() if (p / PROFILE_FILE).is_file()))


def bundled_profile_text(name: str) -> ProfileText:
    """A shipped profile's files (package data)."""
    folder = PROFILES_DIR / name
    if name not in bundled_profiles():
        raise CatalogError(name, None, None, f"no such profile (shipped: {', '.join(bundled_profiles())})")
    prefix = f"profiles/{name}"
    main = (f"{prefix}/{PROFILE_FILE}", (folder / PROFILE_FILE).read_text(encoding="utf-8"))
    own = folder / PROFILE_RULES
    files = sorted(own.glob("*.yaml")) if own.is_dir() else []
    return ProfileText(name, main, tuple((f"{prefix}/{PROFILE_RULES}/{p.name}", p.read_text(encoding="utf-8")) for p in files))


# ---------------------------------------------------------------- the classification scheme


def token_condition(token: str) -> dict[str, Any]:
    """The condition (rule language) a classification token stands for."""
    if token in SCOPES:
        return {"case.scope": token}
    for prefix, approval in (("new_", None), ("changed_", {"not": None})):
        if token.startswith(prefix):
            return {"case.kinds": {"contains": token.removeprefix(prefix)}, "case.previous_approval": approval}
    return {"case.kinds": {"contains": token}}


def token_label(token: str) -> Localized:
    """A classification token in words: 業務委託, 新たな外部結合, 承認済みの外部結合の変更, 基準の策定."""
    if token in SCOPES:
        return Localized(ja=phrase(f"choice.Scope.{token}", "ja"), en=phrase(f"choice.Scope.{token}", "en"))
    for prefix in ("new", "changed"):
        if token.startswith(f"{prefix}_"):
            kind = token.removeprefix(f"{prefix}_")
            return Localized(
                ja=phrase(f"profile.token.{prefix}", "ja", kind=phrase(f"choice.Kind.{kind}", "ja")),
                en=phrase(f"profile.token.{prefix}", "en", kind=phrase(f"choice.Kind.{kind}", "en").lower()),
            )
    return Localized(ja=phrase(f"choice.Kind.{token}", "ja"), en=phrase(f"choice.Kind.{token}", "en"))


def token_example(token: str, fires: bool) -> dict[str, Any]:
    """A partial proposal the token's derivation must (or must not) fire on."""
    approval = {"meeting": phrase("example.previous_meeting", "ja"), "changes": [phrase("example.change", "ja")]}
    if token in SCOPES:
        scope = token if fires else next(s for s in SCOPES if s != token)
        return {"case": {"kinds": ["outsourcing"], "scope": scope}}
    if token.startswith(("new_", "changed_")):
        kind = token.split("_", 1)[1]
        changed = token.startswith("changed_")
        case: dict[str, Any] = {"kinds": [kind]}
        if changed == fires:
            case["previous_approval"] = approval
        return {"case": case}
    return {"case": {"kinds": [token if fires else next(k for k in KINDS if k != token)]}}


def scheme_derivations(profile: Profile) -> list[Loaded]:
    """The profile's classification table as derivations, one per era, agenda and token, each with
    examples that fire and pass (so `itaku rules test --profile` checks the scheme too)."""
    eras = profile.spec.classification or ()
    ordered = sorted(enumerate(eras), key=lambda e: e[1].from_ or dt.date.min)
    for (_, a), (j, b) in itertools.pairwise(ordered):
        if a.until is None or (b.from_ is not None and b.from_ < a.until):
            raise CatalogError(profile.main_file, profile.line("classification", j), None, "classification eras overlap")
    out: list[Loaded] = []
    for i, era in enumerate(eras, start=1):
        effective = Effective.model_validate({"from": era.from_, "until": era.until})
        for agenda in AGENDAS:
            for token in getattr(era, agenda):
                what = token_label(token)
                spec = Derivation.model_validate({
                    "id": f"CLS-E{i}-{agenda}-{token}".upper().replace("_", "-"),
                    "derive": {"agenda": agenda},
                    "when": token_condition(token),
                    "note": {
                        lang: phrase(
                            "profile.scheme_note", lang, what=what.get(lang), agenda=phrase(f"agenda.{agenda}", lang),
                            municipality=profile.info.municipality.get(lang), era=era.name.get(lang),
                        )
                        for lang in ("ja", "en")
                    },
                    "source": era.source,
                    "effective": effective,
                    "examples": {"fires": [token_example(token, True)], "passes": [token_example(token, False)]},
                })
                out.append(Loaded(spec, profile.main_file, profile.line("classification", i - 1)))
    return out


# ---------------------------------------------------------------- the catalog a profile makes


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[dict[str, Any], dict[str, Any], tuple[Loaded, ...]]:
    return load_topics(RULES_DIR), load_scopes(RULES_DIR), tuple(read_rule_files(RULES_DIR))


def build_catalog(profile: Profile) -> Catalog:
    """The bundled catalog adapted by `profile`: its scheme, own rules, switched-off rules, changed
    severities, replacement examples and parameter settings; checked and compiled."""
    topics, scopes, bundled = _bundled()
    spec = profile.spec
    loaded = list(bundled)
    replaced: dict[str, Loaded] = {}
    disabled: dict[str, Localized] = {}
    if spec.classification is not None:  # the scheme replaces every bundled 諮問/報告 derivation
        for x in loaded:
            if isinstance(x.spec, Derivation) and "agenda" in x.spec.derive:
                disabled[x.spec.id] = SCHEME_REPLACES
        loaded = [x for x in loaded if x.spec.id not in disabled] + scheme_derivations(profile)
    loaded += profile.own
    rules = {x.spec.id: x for x in loaded if isinstance(x.spec, Rule)}

    def known(section: str, rule_id: str) -> Loaded:
        if rule_id in spec.disabled and section != "disabled":
            raise CatalogError(profile.main_file, profile.line(section, rule_id), rule_id, f"{section}: the profile switches this rule off")
        found = rules.get(rule_id)
        if found is None:
            raise CatalogError(profile.main_file, profile.line(section, rule_id), rule_id, f"{section}: no such rule")
        return found

    for rule_id, off in spec.disabled.items():
        known("disabled", rule_id)
        disabled[rule_id] = off.reason
    notes: dict[str, SeverityNote] = {}
    for rule_id, change in spec.severity.items():
        item = known("severity", rule_id)
        assert isinstance(item.spec, Rule)
        if change.to == item.spec.severity:
            raise CatalogError(profile.main_file, profile.line("severity", rule_id), rule_id, f"severity: the rule is already {change.to}")
        notes[rule_id] = SeverityNote(original=item.spec.severity, reason=change.reason)
        replaced[rule_id] = Loaded(item.spec.model_copy(update={"severity": change.to}), item.file, item.line)
    for rule_id, examples in spec.examples.items():
        item = replaced.get(rule_id) or known("examples", rule_id)
        replaced[rule_id] = Loaded(item.spec.model_copy(update={"examples": examples}), item.file, item.line)
    for rule_id in spec.parameters:
        known("parameters", rule_id)
    final = [replaced.get(x.spec.id, x) for x in loaded if x.spec.id not in disabled]
    return assemble(
        topics, final, RULES_DIR, settings=dict(spec.parameters), settings_file=profile.main_file, scopes=scopes,
        profile=profile.info, disabled=disabled, severity_notes=notes,
    )


_catalogs: dict[tuple[str, str], Catalog] = {}


def profile_catalog(profile: Profile | str) -> Catalog:
    """The catalog of a profile (a parsed one, or a shipped one by name), built once per process."""
    if isinstance(profile, str):
        profile = parse_profile(bundled_profile_text(profile))
    key = (profile.info.source, profile.info.digest)
    found = _catalogs.get(key)
    if found is None:
        found = _catalogs[key] = build_catalog(profile)
    return found


def default_catalog() -> Catalog:
    """The bundled catalog as the default profile (the seed's ward) adapts it, once per process."""
    return profile_catalog(DEFAULT_PROFILE)


def profile_path(text: str) -> Path | None:
    """The folder or file a --profile value names, or None when it names a shipped profile. A shipped
    profile's name always means the shipped profile, whatever the working folder holds (a folder or
    file called `default` there is `./default`); any other value is a path."""
    return None if text in bundled_profiles() else Path(text)
