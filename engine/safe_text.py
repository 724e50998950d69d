"""Text from a proposal made harmless before a person sees it on a terminal or in a plain file."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(text: object) -> str:
    """Text from a proposal made safe for a terminal or a plain file: control characters and
    bidirectional overrides become visible escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
