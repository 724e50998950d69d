"""Errors a user can cause (exit 2) and errors of itaku itself (exit 3), with where they happened."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What an `itaku` command's exit status says (docs/exit-codes-and-limits.md); the worst wins."""

    OK = 0  # done; nothing reached --fail-on
    FINDINGS = 1  # a finding reached --fail-on, or the rule tooling found a problem
    INPUT = 2  # bad input or usage
    ENGINE = 3  # an internal error: the engine or a rule failed
    INTERRUPTED = 130  # Ctrl-C
    CLOSED_PIPE = 141  # standard output was closed
    TERMINATED = 143  # SIGTERM


def megabytes(size: int) -> str:
    """A size as people read it in a message: 14 MB, 2 MB, 0.5 MB (never a count of bytes); a size
    under a tenth of a megabyte (a test's limit, a tiny file) in KB, so it never reads 0 MB."""
    if size < 1024 * 1024 // 10:
        return f"{max(size / 1024, 0.1):.1f}".rstrip("0").rstrip(".") + " KB"
    text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return f"{text} MB"


class ItakuError(Exception):
    """Base of itaku's own errors; the CLI turns each into one message and an exit code."""

    exit_code = ExitCode.ENGINE


class InputError(ItakuError):
    """A proposal, form, rule file or option the user gave is wrong.

    `where` names the place: a field path with its line (`case.kinds[0] (line 7)`), or a sheet and
    cell (`申請様式!C14`). The message is one sentence, in the user's language where we have it.
    """

    exit_code = ExitCode.INPUT

    def __init__(self, file: str, where: str | None, message: str) -> None:
        self.file = file
        self.where = where
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        """`file: where: message`, the one line the CLI prints."""
        place = f"{self.file}: {self.where}" if self.where else self.file
        return f"{place}: {self.message}"


class CatalogError(ItakuError):
    """A rule file is broken: the catalog does not load at all (never a partial catalog)."""

    exit_code = ExitCode.INPUT

    def __init__(self, file: str, line: int | None, rule_id: str | None, message: str) -> None:
        self.file = file
        self.line = line
        self.rule_id = rule_id
        self.message = message
        place = file + (f":{line}" if line else "") + (f" [{rule_id}]" if rule_id else "")
        super().__init__(f"{place}: {message}")


class EngineError(ItakuError):
    """Evaluation failed inside the engine: names the rule and the proposal."""

    exit_code = ExitCode.ENGINE

    def __init__(self, source: str, rule_id: str | None, message: str) -> None:
        self.source = source
        self.rule_id = rule_id
        place = source + (f" [{rule_id}]" if rule_id else "")
        super().__init__(f"{place}: {message}")
