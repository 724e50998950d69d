"""The two evaluators of one compiled catalog: durable_rules (default) and plain Python (reference).

Both take the same facts and return the same thing: which derivations matched (phase 1), and,
once `classify` has turned those into the classification fact, which rules matched (phase 2), each
match a rule id with its binding (section -> fact). Nothing else happens here: no messages, no
verdicts; the evaluation module builds findings from the matches.
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import durable_rules_engine as dre

from itaku.engine import conditions as cond
from itaku.engine.catalog import Catalog
from itaku.engine.errors import EngineError
from itaku.engine.facts import classification_fact

Binding = dict[str, dict[str, Any]]
Match = tuple[str, Binding]
Classify = Callable[[list[Match]], dict[str, Any]]


class Matcher(Protocol):
    """What an evaluator does: facts in, matches of derivations and rules out."""

    name: str

    def run(self, source: str, facts: cond.Facts, classify: Classify) -> tuple[list[Match], dict[str, Any], list[Match]]:
        """Phase 1 (derivations), classification, phase 2 (rules)."""
        ...


class ReferenceMatcher:
    """Plain-Python interpretation of the condition language: the oracle for durable_rules."""

    name = "reference"

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._derivations = [(c.id, cond.compile_match(c.conjuncts)) for c in catalog.derivations]
        self._rules = [(c.id, cond.compile_match(c.conjuncts)) for c in catalog.rules]

    def run(self, source: str, facts: cond.Facts, classify: Classify) -> tuple[list[Match], dict[str, Any], list[Match]]:
        derived = self._phase(self._derivations, facts)
        classification = classify(derived)
        facts2 = {**facts, "classification": [classification_fact(classification)]}
        return derived, classification, self._phase(self._rules, facts2)

    @staticmethod
    def _phase(compiled: list[tuple[str, Callable[[cond.Facts], cond.Bindings]]], facts: cond.Facts) -> list[Match]:
        return [(rule_id, binding) for rule_id, matches in compiled for binding in matches(facts)]


_counter = itertools.count(1)
_lock = threading.Lock()

# One encoder for every fact: json.dumps(..., ensure_ascii=False) builds a new JSONEncoder on each
# call, which cost as much as the C engine's own work per fact (docs/performance.md).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode

# In a firing, each bound fact reads '"alias":{"sid":"S","id":"I",...' (every fact we send starts
# with sid, then id); a quote inside a JSON string is escaped, so nothing else reads like that.
_FACT_START = '":{"sid":"'



@dataclass
class Sink:
    """Where firings go: the matches, with the full facts by id and each fact's place in its section."""

    by_id: dict[str, dict[str, Any]]
    place: dict[str, int]
    found: list[Match] = field(default_factory=list)
    keys: list[tuple[Any, ...]] = field(default_factory=list)

    def canonical(self) -> list[Match]:
        """The matches in the reference evaluator's order: catalog order, conjunct, then the places
        of the bound facts (sections by name). Rete fires in an order of its own, which depends on
        fact order; whatever keeps the first of equal matches downstream must not see that."""
        order = sorted(range(len(self.found)), key=self.keys.__getitem__)
        return [self.found[i] for i in order]


def _fields_read(conjunct: cond.Conjunct) -> Iterator[tuple[str, str]]:
    """(section, top-level key) for every field a conjunct's durable patterns can look at."""
    parts: list[tuple[str, cond.Node]] = [*conjunct.positive, *((n.section, n.expr) for n in conjunct.negative)]
    for section, expr in parts:
        for leaf in cond.leaves(expr):
            top = leaf.field.split(".", 1)[0]
            yield section, top
            yield section, top + cond.LIST_SUFFIX  # sizes: emptiness, presence of a group
        yield section, ""  # the section is read even when no field is (present: SECTION)


class DurableRuleset:
    """A catalog compiled into one durable_rules ruleset, with what the matcher needs to read firings.

    Compiling costs ~40 ms and ~2 MB of C memory, so it happens once per catalog (kept in
    `Catalog.compiled_forms`, shared by every matcher on that catalog, or on an equal one) and the
    ruleset is deleted from durable_rules when the last catalog and matcher using it are gone."""

    def __init__(self, catalog: Catalog) -> None:
        definition: dict[str, Any] = {}
        self.rule_of: dict[str, str] = {}
        self.rank: dict[str, tuple[int, int]] = {}  # durable rule -> (catalog position, conjunct)
        self.arity: dict[str, int] = {}  # durable rule -> facts a firing binds (the marker included)
        read: dict[str, set[str]] = {}
        shards = {1: 1, 2: 1}
        for phase, compiled in ((1, catalog.derivations), (2, catalog.rules)):
            count = 0
            for position, c in enumerate(compiled):
                for k, conjunct in enumerate(c.conjuncts):
                    shard = count // cond.RULES_PER_SHARD
                    alternatives = cond.to_durable(conjunct, phase, shard)
                    count += len(alternatives)
                    shards[phase] = shard + 1
                    for j, patterns in enumerate(alternatives):
                        name = f"{c.id}#{k}.{j}"
                        definition[name] = {"all": patterns}
                        self.rule_of[name] = c.id
                        self.arity[name] = sum(1 for p in patterns if not next(iter(p)).endswith("$not"))
                        self.rank[name] = (position, k)
                    for section, key in _fields_read(conjunct):
                        read.setdefault(section, {"id", "section"}).add(key)
        # "id" right after "sid": a firing names its facts as '"alias":{"sid":"..","id":".."' (see _firings)
        self.keys = {section: ("id", *sorted(keys - {"", "id"})) for section, keys in read.items()}
        self.ints = {section: cond.int_fields(section) for section in read}
        self.flags = {section: cond.enum_list_fields(section) for section in read}
        self.markers = {
            phase: [
                {"id": f"__phase{phase}.{shard}__", "section": cond.PHASE_SECTION, "n": phase, "shard": shard}
                for shard in range(count)
            ]
            for phase, count in shards.items()
        }
        self.text = json.dumps(definition, ensure_ascii=False, sort_keys=True)
        with _lock:
            self.name = f"itaku{next(_counter)}"
        self.handle: int | None = None
        # durable_rules' C state is not safe to drive from two threads at once: one proposal at a time
        self.lock = threading.Lock()

    def create(self) -> None:
        """Hand the definition to durable_rules (once)."""
        try:
            self.handle = dre.create_ruleset(self.name, self.text)
        except Exception as exc:  # durable_rules raises its own error type from C
            raise EngineError("rules/", None, f"durable_rules rejected the compiled catalog: {exc}") from None

    def __del__(self) -> None:
        if self.handle is not None:
            dre.delete_ruleset(self.handle)
            self.handle = None


# Equal catalogs (the same rule files loaded twice) share one ruleset while any of them lives.
_rulesets: weakref.WeakValueDictionary[str, DurableRuleset] = weakref.WeakValueDictionary()


def durable_ruleset(catalog: Catalog) -> DurableRuleset:
    """The catalog's durable_rules ruleset, compiled on first use and then reused."""
    with _lock:
        found = catalog.compiled_forms.get("durable")
    if found is not None:
        return found
    fresh = DurableRuleset(catalog)
    with _lock:
        shared = _rulesets.get(fresh.text)
        if shared is None:
            fresh.create()
            _rulesets[fresh.text] = shared = fresh
        return catalog.compiled_forms.setdefault("durable", shared)


def _delete_session(ruleset: DurableRuleset, box: list[str | None]) -> None:
    """Free a dropped matcher's open session (its facts and beta memories in C)."""
    sid = box[0]
    if sid is not None and ruleset.handle is not None:
        dre.delete_state(ruleset.handle, sid)
        box[0] = None


class DurableMatcher:
    """durable_rules' Rete engine, driven through its C module directly.

    We skip durable.engine.Host: it starts timer threads and routes each firing through a
    Closure and Promise chain we do not need. Each alternative of each conjunct of each rule
    becomes one durable rule named `ID#k.j`; the phase markers keep matching until all facts are in (see conditions.to_durable).
    A session (sid) holds one proposal at a time: its facts are retracted after the run (markers
    first), and the session is deleted after `reuse` proposals or at once if anything is off, so
    state stays bounded (upstream #137) while the cost of creating sessions is shared.

    What crosses into C is cut to what the patterns can read, which cannot change a match: a
    section no rule names is not asserted at all (durable would answer "not handled"), and a fact
    carries only `id`, `section` and the top-level keys some pattern tests. Bindings are mapped
    back to the full Python facts by id, so messages and evidence see everything.
    """

    name = "durable"
    reuse = 256  # proposals per durable session before it is deleted (1: a fresh session each time)

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._ruleset = durable_ruleset(catalog)
        rs = self._ruleset
        self._handle, self._ruleset_name = rs.handle, rs.name
        self._rule_of, self._rank, self._arity = rs.rule_of, rs.rank, rs.arity
        self._keys, self._ints, self._flags, self._markers = rs.keys, rs.ints, rs.flags, rs.markers
        self._session_box: list[str | None] = [None]  # shared with the finalizer that frees it
        self._uses = 0
        self._head = ""
        self._marker_text: dict[int, list[str]] = {}
        self._asserted: list[str] = []  # this proposal's facts, as sent
        weakref.finalize(self, _delete_session, rs, self._session_box)

    @property
    def _sid(self) -> str | None:
        return self._session_box[0]

    @_sid.setter
    def _sid(self, value: str | None) -> None:
        self._session_box[0] = value

    def run(self, source: str, facts: cond.Facts, classify: Classify) -> tuple[list[Match], dict[str, Any], list[Match]]:
        with self._ruleset.lock:
            return self._run(source, facts, classify)

    def _run(self, source: str, facts: cond.Facts, classify: Classify) -> tuple[list[Match], dict[str, Any], list[Match]]:
        sid = self._session()
        head = self._head
        by_id = {f["id"]: f for fs in facts.values() for f in fs}
        place = {f["id"]: i for fs in facts.values() for i, f in enumerate(fs)}
        self._asserted.clear()
        clean = False
        try:
            keys = self._keys
            self._assert(source, [head + self._body(f)[1:] for f in self.order(
                [f for section, fs in facts.items() if section in keys for f in fs]
            )], None)
            derived = Sink(by_id, place)
            self._assert(source, self._marker_text[1], derived)
            classification = classify(derived.canonical())
            cfact = classification_fact(classification)
            by_id[cfact["id"]] = cfact
            place[cfact["id"]] = 0
            if cfact["section"] in keys:
                self._assert(source, [head + self._body(cfact)[1:]], None)
            found = Sink(by_id, place)
            self._assert(source, self._marker_text[2], found)
            clean = self._retract_all()
        finally:
            if not clean or self._uses >= self.reuse:
                dre.delete_state(self._handle, sid)
                self._sid = None
        return derived.canonical(), classification, found.canonical()

    def _session(self) -> str:
        """The session id for the next proposal: the current one while it is reusable, else a new one."""
        if self._sid is None:
            with _lock:
                self._sid = f"{self._ruleset_name}.{next(_counter)}"
            self._uses = 0
            # Every fact's JSON starts with its session id: '{"sid":"7",' + the fact's own keys;
            # the phase markers are the same texts for every proposal of a session.
            self._head = '{"sid":' + _encode(self._sid) + ","
            self._marker_text = {
                phase: [self._head + _encode(marker)[1:] for marker in markers] for phase, markers in self._markers.items()
            }
        self._uses += 1
        return self._sid

    def _retract_all(self) -> bool:
        """Take back this proposal's facts, markers first, so the session is empty again.

        Creating a session costs durable_rules about 2 µs per rule (its beta memories), far more
        than retracting a proposal's dozen facts, so a session serves up to `reuse` proposals and
        is then deleted. With the markers gone first no rule can fire; if one does anyway, or a
        retraction is refused, say so (False) and the session is deleted at once. Retracting a
        fact durable did not store (it matched no pattern) is a no-op.
        """
        if not self._asserted:
            return True
        code, state = dre.retract_facts(self._handle, "[" + ",".join(reversed(self._asserted)) + "]")
        if code not in (0, 1):
            return False
        result = dre.start_action_for_state(self._handle, state)
        return not (result and result[1])

    def _body(self, fact: dict[str, Any]) -> str:
        section = fact["section"]
        # walk the (few) keys patterns read, not the (many) keys a fact has
        keys = self._keys.get(section)
        # a field the root fact leaves out is "not stated" (encoded as NULL), as the reference reads it;
        # a size key stays absent, as `$nex` tests expect
        sent = (
            {k: fact.get(k) for k in keys if k in fact or not k.endswith(cond.LIST_SUFFIX)} if keys is not None else fact
        )
        return _encode(cond.durable_fact(sent, self._ints.get(section, frozenset()), flags=self._flags.get(section)))

    def order(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The order facts are asserted in (phase markers always come after): as built.

        Results must not depend on it; tests override this to shuffle and prove so."""
        return facts

    def _assert(self, source: str, messages: list[str], sink: Sink | None) -> None:
        """Assert facts (as sent) in one call, then run whatever fired into `sink`.

        One call for a batch: durable's C `assert_facts` stores every fact some pattern reads and
        answers 1 ("not handled") when any one was not, which is expected for many sections, so
        the actions are drained either way (durable's Python host would drop them on 1). Facts
        go in with `sink` None: nothing may fire before a phase marker."""
        if not messages:
            return  # durable answers an empty batch with no valid state
        try:
            code, state = dre.assert_facts(self._handle, "[" + ",".join(messages) + "]")
        except Exception as exc:
            raise EngineError(source, None, f"durable_rules failed on the facts: {exc}") from None
        self._asserted.extend(messages)  # the same texts retract them
        if code not in (0, 1):
            raise EngineError(source, None, f"durable_rules refused a fact (code {code})")
        self._drain(source, state, sink)

    def _drain(self, source: str, state: int, sink: Sink | None) -> None:
        result = dre.start_action_for_state(self._handle, state)
        pending = result[1] if result else None
        rule_of, rank = self._rule_of, self._rank
        while pending:
            rule_id = None
            for name, ids in self._firings(pending):
                rule_id = rule_of.get(name)
                if rule_id is None or sink is None:
                    # A rule fired before its phase marker: the marker discipline is broken.
                    raise EngineError(source, rule_id, f"durable_rules fired '{name}' outside its phase")
                try:
                    by_id, place = sink.by_id, sink.place
                    binding = {alias: by_id[fact_id] for alias, fact_id in ids if alias != "phase"}
                    sink.found.append((rule_id, binding))
                    aliases = sorted(binding) if len(binding) > 1 else binding
                    sink.keys.append((*rank[name], tuple([place[binding[a]["id"]] for a in aliases])))
                except Exception as exc:
                    # durable_rules can swallow an action's exception (upstream #305): never lose it.
                    raise EngineError(source, rule_id, f"action failed: {type(exc).__name__}: {exc}") from None
            try:
                pending = dre.complete_and_start_action(self._handle, state)
            except Exception as exc:
                raise EngineError(source, rule_id, f"action failed: {type(exc).__name__}: {exc}") from None

    def _firings(self, message: str) -> list[tuple[str, list[tuple[str, str]]]]:
        """(durable rule, [(alias, fact id)...]) for each rule in a firing message.

        Decoding the whole message (every bound fact again) was the largest Python cost per firing;
        the names we need sit at fixed places, since every fact we send starts with sid then id. A
        message that does not read as expected (one rule, as many facts as the rule binds) is
        decoded in full instead."""
        parts = message.split(_FACT_START)
        if message.startswith('{"'):
            name = message[2 : message.index('":')]
            pairs = []
            for before, after in itertools.pairwise(parts):
                head, sep, tail = after.partition('","id":"')
                if sep and '"' not in head:
                    pairs.append((before[before.rfind('"') + 1 :], tail[: tail.index('"')]))
            if len(pairs) == self._arity.get(name, -1) == len(parts) - 1:
                return [(name, pairs)]
        return [(name, [(alias, fact["id"]) for alias, fact in matched.items()]) for name, matched in json.loads(message).items()]


def make_matcher(catalog: Catalog, name: str) -> Matcher:
    """The evaluator called `name` (durable or reference) for this catalog."""
    if name == "reference":
        return ReferenceMatcher(catalog)
    if name == "durable":
        return DurableMatcher(catalog)
    raise ValueError(f"unknown engine '{name}'")
