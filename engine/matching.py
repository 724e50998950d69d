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
from collections.abc import Callable
from typing import Any, Protocol

import durable_rules_engine as dre

from engine import conditions as cond
from engine.catalog import Catalog, Compiled
from engine.errors import EngineError
from engine.facts import classification_fact

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

    def run(self, source: str, facts: cond.Facts, classify: Classify) -> tuple[list[Match], dict[str, Any], list[Match]]:
        derived = self._phase(self.catalog.derivations, facts)
        classification = classify(derived)
        facts2 = {**facts, "classification": [classification_fact(classification)]}
        return derived, classification, self._phase(self.catalog.rules, facts2)

    @staticmethod
    def _phase(compiled: tuple[Compiled, ...], facts: cond.Facts) -> list[Match]:
        return [(c.id, binding) for c in compiled for binding in cond.match(c.conjuncts, facts)]


_counter = itertools.count(1)
_lock = threading.Lock()


class DurableMatcher:
    """durable_rules' Rete engine, driven through its C module directly.

    We skip durable.engine.Host: it starts timer threads and routes each firing through a
    Closure and Promise chain we do not need. Each conjunct of each rule becomes one durable rule
    named `ID#k`; the phase markers keep matching until all facts are in (see conditions.to_durable).
    One session id per proposal, deleted afterwards, or state grows without bound.
    """

    name = "durable"

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        definition: dict[str, Any] = {}
        self._rule_of: dict[str, str] = {}
        for phase, compiled in ((1, catalog.derivations), (2, catalog.rules)):
            for c in compiled:
                for k, conjunct in enumerate(c.conjuncts):
                    name = f"{c.id}#{k}"
                    definition[name] = {"all": cond.to_durable(conjunct, phase)}
                    self._rule_of[name] = c.id
        with _lock:
            self._ruleset_name = f"itaku{next(_counter)}"
        try:
            self._handle = dre.create_ruleset(self._ruleset_name, json.dumps(definition, ensure_ascii=False))
        except Exception as exc:  # durable_rules raises its own error type from C
            raise EngineError("rules/", None, f"durable_rules rejected the compiled catalog: {exc}") from None

    def run(self, source: str, facts: cond.Facts, classify: Classify) -> tuple[list[Match], dict[str, Any], list[Match]]:
        with _lock:
            sid = str(next(_counter))
        by_id = {f["id"]: f for fs in facts.values() for f in fs}
        try:
            for fs in facts.values():
                for fact in fs:
                    self._assert(source, {**fact, "sid": sid}, None)
            derived: list[Match] = []
            self._assert(source, {"id": "__phase1__", "section": cond.PHASE_SECTION, "n": 1, "sid": sid}, (derived, by_id))
            classification = classify(derived)
            cfact = classification_fact(classification)
            by_id[cfact["id"]] = cfact
            self._assert(source, {**cfact, "sid": sid}, None)
            found: list[Match] = []
            self._assert(source, {"id": "__phase2__", "section": cond.PHASE_SECTION, "n": 2, "sid": sid}, (found, by_id))
        finally:
            dre.delete_state(self._handle, sid)
        return derived, classification, found

    def _assert(self, source: str, fact: dict[str, Any], sink: tuple[list[Match], dict[str, Any]] | None) -> None:
        try:
            code, state = dre.assert_fact(self._handle, json.dumps(fact, ensure_ascii=False))
        except Exception as exc:
            raise EngineError(source, None, f"durable_rules failed on fact '{fact.get('id')}': {exc}") from None
        if code == 1:  # MessageNotHandled: no rule tests this fact; expected for many sections
            return
        if code != 0:
            raise EngineError(source, None, f"durable_rules refused fact '{fact.get('id')}' (code {code})")
        self._drain(source, state, sink)

    def _drain(self, source: str, state: int, sink: tuple[list[Match], dict[str, Any]] | None) -> None:
        result = dre.start_action_for_state(self._handle, state)
        pending = result[1] if result else None
        while pending:
            message = json.loads(pending)
            for name, matched in message.items():
                rule_id = self._rule_of.get(name)
                if rule_id is None or sink is None:
                    # A rule fired before its phase marker: the marker discipline is broken.
                    raise EngineError(source, rule_id, f"durable_rules fired '{name}' outside its phase")
                found, by_id = sink
                binding = {alias: by_id[f["id"]] for alias, f in matched.items() if alias != "phase"}
                found.append((rule_id, binding))
            pending = dre.complete_and_start_action(self._handle, state)


def make_matcher(catalog: Catalog, name: str) -> Matcher:
    """The evaluator called `name` (durable or reference) for this catalog."""
    if name == "reference":
        return ReferenceMatcher(catalog)
    if name == "durable":
        return DurableMatcher(catalog)
    raise ValueError(f"unknown engine '{name}'")
