"""A proposal written as YAML text: what `itaku convert` and the web page's 提案書（YAML） save.

Only what the proposal states is written (a field left "not stated" and a default are left out, as
a person writing the YAML would), in the order of the model; reading the text back gives the same
proposal. Same proposal, same text.
"""

from __future__ import annotations

import yaml

from itaku.engine.models import Proposal


def proposal_yaml(proposal: Proposal) -> str:
    """The proposal as YAML (UTF-8 text, one value per line, dates unquoted)."""
    data = proposal.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096)
