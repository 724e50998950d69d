"""Where the changes from the approved version (`--approved`, engine.changes) show in a workbook.

The council marks a changed item in bold and underlined (太ゴシックの下線) and, in plain text,
with 【追加】／【削除】／【変更】 after it. A workbook marks the cells whose value changed: a field
(its input cell on the form, its value in a sheet's header), a record of a list added since (its
whole row), one field of a record that is still there. What was removed has no cell in this
version: it is shown in the list of changes only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from itaku.engine import fields
from itaku.engine.changes import Change, Comparison
from itaku.engine.wording import phrase

BOLD_UNDERLINE = {"bold": True, "underline": True}  # `workbook.put` options of a marked cell


class Marks:
    """The changes of one comparison (or none), looked up by what a workbook shows."""

    def __init__(self, comparison: Comparison | None) -> None:
        self.comparison = comparison
        self._fields: dict[str, list[Change]] = {}
        self._sections: dict[str, Change] = {}  # top-level sections added or removed as a whole
        self._records: dict[tuple[str, int], Change] = {}  # (list, place) -> the record added
        self._record_fields: dict[tuple[str, int, str], Change] = {}  # (list, place, column) -> change
        index = fields.index()
        for change in comparison.changes if comparison is not None else ():
            node = index.get(change.field)
            if node is None:
                continue
            if change.record is not None:
                if node.kind == fields.RECORDS:
                    self._records[(node.path, change.record)] = change
                else:
                    table = next((n for n in reversed(fields.ancestry(change.field)) if n.kind == fields.RECORDS), None)
                    if table is not None:
                        column = change.field[len(table.path) + 1:].split(".")[0]
                        self._record_fields.setdefault((table.path, change.record, column), change)
            elif node.kind == fields.SECTION:
                self._sections[node.path] = change
            elif node.kind != fields.RECORDS:
                self._fields.setdefault(node.path, []).append(change)

    def __bool__(self) -> bool:
        return self.comparison is not None

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every change, in the comparison's order."""
        return self.comparison.changes if self.comparison is not None else ()

    def field(self, path: str, present: bool = True) -> Change | None:
        """The change that makes field `path` show another value than in the approved version: its
        own (the first, for a list with several), or, when it has a value (`present`), that of its
        top-level section, added as a whole."""
        own = self._fields.get(path)
        if own:
            return own[0]
        return self._sections.get(path) or (self._section_added(path) if present else None)

    def field_changes(self, path: str) -> list[Change]:
        """Every change of field `path` (a list field has one per item added or removed)."""
        return list(self._fields.get(path, ()))

    def first(self, paths: Iterable[tuple[str, bool]]) -> Change | None:
        """The change of the first of `paths` (each with whether it has a value) that changed: a
        value shown from several fields (a period from its start and end)."""
        return next((c for c in (self.field(p, present) for p, present in paths) if c is not None), None)

    def record(self, table: str, place: int, column: str | None = None) -> Change | None:
        """The change of record `place` of list `table`: the record added, or (with `column`) that
        field of it changed."""
        added = self._records.get((table, place))
        if added is not None or column is None:
            return added
        return self._record_fields.get((table, place, column))

    def _section_added(self, path: str) -> Change | None:
        change = self._sections.get(path.split(".")[0])
        return change if change is not None and change.kind == "added" else None


def marker(change: Change, lang: str) -> str:
    """【追加】, 【削除】 or 【変更】 ( [added]… in English)."""
    return phrase(f"change.marker.{change.kind}", lang)


def marked_text(text: str, change: Change | None, lang: str) -> str:
    """`text` followed by the change's marker, as the council writes it (unchanged: as it is)."""
    return text if change is None else text + marker(change, lang)


def marked_items(items: Sequence[str], changes: Sequence[Change], lang: str) -> list[str]:
    """A list's items as the reports show them: each added one followed by its marker, the removed
    ones last with theirs (in a header value, not in a cell read back as the list)."""
    added = {c.item: c for c in changes if c.kind == "added"}
    removed = [marked_text(c.item, c, lang) for c in changes if c.kind == "removed" and c.item is not None]
    return [*(marked_text(item, added.get(item), lang) for item in items), *removed]
