"""Every output itaku writes, in one list: its name (what `--format` and `itaku checklist` take), its
file suffix, its media type, and the commands that offer it.

The command-line options, screening's result names, the self-check page's downloads and the table in
docs/outputs.md all come from here (tests/test_docs.py checks the table). Plain data, no renderer
imported: `itaku check` reads its choices from here without paying for openpyxl or the Word writer.
What makes an output is itaku.outputs; `Renderer` below only declares its shape, so that the web page
can be handed one without importing any renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from itaku.engine.catalog import Catalog
    from itaku.engine.changes import Comparison
    from itaku.engine.evaluation import Evaluation
    from itaku.engine.models import Proposal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Command = Literal["check", "report", "screen", "checklist", "template", "convert"]


@dataclass(frozen=True)
class Format:
    """One output."""

    key: str  # its name: `--format html`, `itaku checklist self-check`
    suffix: str  # the suffix of its file ("": standard output only)
    media_type: str
    commands: tuple[Command, ...]  # the commands that write it
    also: tuple[str, ...] = ()  # further suffixes of `-o` that name it (`report -o meeting.htm`)
    # Checklists only: "module.function" under itaku.checklists.sheets that builds it, adding one
    # sheet per proposal (`sheets="proposal"`) or one sheet over all of them ("overview").
    builder: str | None = None
    sheets: Literal["proposal", "overview"] | None = None
    # A field document (inspection, management record): made only for proposals in which a vendor
    # handles the personal data.
    field_document: bool = False

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Every suffix of `-o` that names this format, its own first."""
        return (self.suffix, *self.also)


def _checklist(key: str, builder: str, sheets: Literal["proposal", "overview"], field_document: bool = False) -> Format:
    return Format(key, ".xlsx", XLSX, ("checklist",), builder=builder, sheets=sheets, field_document=field_document)


FORMATS: tuple[Format, ...] = (
    Format("text", "", "text/plain; charset=utf-8", ("check",)),
    Format("json", ".json", "application/json", ("check", "screen")),
    Format("html", ".html", "text/html; charset=utf-8", ("report", "screen"), also=(".htm",)),
    Format("md", ".md", "text/markdown; charset=utf-8", ("report", "screen"), also=(".markdown",)),
    Format("docx", ".docx", DOCX, ("report",)),
    Format("yaml", ".yaml", "application/yaml; charset=utf-8", ("convert",), also=(".yml",)),
    Format("form", ".xlsx", XLSX, ("template",)),
    _checklist("self-check", "self_check.add_sheet", "proposal"),
    _checklist("inspection", "inspection.add_sheet", "proposal", field_document=True),
    _checklist("management-record", "management_record.add_sheet", "proposal", field_document=True),
    _checklist("pre-send", "pre_send.add_sheet", "proposal"),
    _checklist("questions", "questions.add_sheet", "proposal"),
    _checklist("opinion-list", "opinion_list.build", "overview"),
    _checklist("matrix", "matrix.build", "overview"),
)
BY_KEY: dict[str, Format] = {f.key: f for f in FORMATS}
FIELD_DOCUMENTS: tuple[str, ...] = tuple(f.key for f in FORMATS if f.field_document)


def offered_by(command: Command) -> tuple[Format, ...]:
    """The formats `command` writes, in the registry's order."""
    return tuple(f for f in FORMATS if command in f.commands)


def keys(command: Command) -> list[str]:
    """The names `command` takes (its `--format` choices, or `itaku checklist`'s kinds)."""
    return [f.key for f in offered_by(command)]


def named_by_suffix(command: Command) -> dict[str, str]:
    """Suffix of `-o` -> the format of `command` it names (`.htm` -> html)."""
    return {suffix: f.key for f in offered_by(command) for suffix in f.suffixes}


class Renderer(Protocol):
    """Makes the output `key` of the registry as the bytes of its file (itaku.outputs.render is one).

    `evaluations`: the proposals' reviews (none for the blank form and for the YAML); `proposal`: the
    proposal itself, for the YAML and the pre-filled form; `source`: the name of its file, which the
    form shows; `comparison`: the proposal compared with its approved version, marked in the form;
    `lines`: json only, one object per line (screening's result files) instead of an indented list.
    """

    def __call__(
        self, key: str, evaluations: Sequence[Evaluation], catalog: Catalog, lang: str, *,
        proposal: Proposal | None = None, source: str = "", comparison: Comparison | None = None, lines: bool = False,
    ) -> bytes:
        """The file's bytes."""
        ...
