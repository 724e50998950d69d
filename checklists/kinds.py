"""The checklist kinds, in the order the CLI lists them (kept apart from the builders so that the
CLI can name them without importing openpyxl on every `itaku` run)."""

from __future__ import annotations

PER_PROPOSAL_KINDS = ("self-check", "inspection", "management-record", "pre-send", "questions")
OVERVIEW_KINDS = ("opinion-list", "matrix")
KINDS = (*PER_PROPOSAL_KINDS, *OVERVIEW_KINDS)
# Field documents: made only for proposals in which a vendor handles the personal data.
FIELD_KINDS = ("inspection", "management-record")
