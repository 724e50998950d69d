"""The rule condition language, one module per concern.

A condition is YAML. Its forms:

    {all: [C, ...]}   {any: [C, ...]}   {none: [C, ...]}      combinators
    {present: SECTION}  {absent: SECTION}                     a section is / is not in the proposal
    {PATH: TEST}                                              a test on one field
    {PATH1: TEST1, PATH2: TEST2}                              several tests, all must hold

PATH names a field of the proposal model (`email.sender_domain_auth.spf`, `work_location`), of a
subcontractor (`subcontractors.role`: some one subcontractor) or assurance (`assurances.scope`), of a
data item (`data_items.added`), of the classification derived by the classification rules
(`classification.redelegation`), or of the comparison with the approved version (`comparison.changes`,
`changes.declared`: some one computed change, `declared_changes.found`: some one declared change).

TEST is a value (equality; `null` means "not stated") or one of
    {not: V} {in: [..]} {not_in: [..]} {lt|lte|gt|gte: N}
    {contains: V} {contains_any: [..]} {contains_none: [..]} {empty: true|false}

Null ("not stated") semantics, the same in both evaluators: `not` and `not_in` hold on null (null is
not V); every other test except `== null` fails on null. A rule that wants "not stated" to count
says so explicitly, and its `unstated` note says why.

Within one conjunction, all tests on a list section (LIST_SECTIONS) speak of the same
item; `none` must stay inside one section and means "no fact of that section satisfies it".

Conditions are checked against the proposal's fields (engine.fields, derived from the pydantic
models) when the catalog loads (unknown path, wrong operator for the field's kind, enum value that
does not exist), then evaluated two ways from the same
tree: `match` in plain Python (the reference evaluator) and `to_durable` as durable_rules patterns.

Modules: `tree` (the syntax tree), `paths` (field paths against engine.fields), `parser` (YAML to a
checked tree), `normal_form` (DNF across sections), `evaluate` (plain Python) and `durable`
(durable_rules patterns). Everything public is re-exported here: `from itaku.engine import conditions as cond`.
"""

from itaku.engine.conditions.durable import (
    END,
    FLAG,
    MAX_ALTERNATIVES,
    NULL,
    PHASE_SECTION,
    RULES_PER_SHARD,
    Test,
    alternatives_bound,
    durable_fact,
    to_durable,
)
from itaku.engine.conditions.evaluate import Bindings, Facts, Predicate, compile_match, predicate, value_at
from itaku.engine.conditions.normal_form import Conjunct, normal_form
from itaku.engine.conditions.parser import COMPARISONS, OPERATORS, parse
from itaku.engine.conditions.paths import (
    CLASSIFICATION_FIELDS,
    DATA_ITEM_FIELDS,
    DERIVED_SECTIONS,
    LIST_SECTIONS,
    LIST_SUFFIX,
    NOT_MATCHED,
    ROOT,
    enum_list_fields,
    int_fields,
    resolve,
    section_names,
)
from itaku.engine.conditions.tree import And, ConditionError, Exists, Leaf, Node, NoneOf, Or, has_negation, leaves, sections_used

__all__ = [
    "CLASSIFICATION_FIELDS", "COMPARISONS", "DATA_ITEM_FIELDS", "DERIVED_SECTIONS", "END", "FLAG", "LIST_SECTIONS",
    "LIST_SUFFIX", "MAX_ALTERNATIVES", "NOT_MATCHED", "NULL", "OPERATORS", "PHASE_SECTION", "ROOT", "RULES_PER_SHARD", "And",
    "Bindings", "ConditionError", "Conjunct", "Exists", "Facts", "Leaf", "Node", "NoneOf", "Or", "Predicate",
    "Test", "alternatives_bound", "compile_match", "durable_fact", "enum_list_fields", "has_negation", "int_fields", "leaves",
    "normal_form", "parse", "predicate", "resolve", "section_names", "sections_used", "to_durable", "value_at",
]
