"""A proposal written as YAML text: what `itaku convert` and the web page's 提案書（YAML） save.

Only what the proposal states is written (a field left "not stated" and a default are left out, as
a person writing the YAML would), in the order of the model; reading the text back gives the same
proposal. Same proposal, same text.
"""

from __future__ import annotations

import yaml

from itaku.engine.models import Proposal

# Characters YAML reads as line breaks besides LF and CR: PyYAML writes them raw inside a quoted
# value, where reading folds them into a space (U+0085 came back as ' '). A text holding one is
# written double-quoted, where they are the escapes \N, \L and \P.
_YAML_BREAKS = frozenset("\x85\u2028\u2029")


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with every text written so that reading it back gives the same text."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if _YAML_BREAKS.intersection(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_Dumper.add_representer(str, _text)


def proposal_yaml(proposal: Proposal) -> str:
    """The proposal as YAML (UTF-8 text, one value per line, dates unquoted)."""
    data = proposal.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096
    )
