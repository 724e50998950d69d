"""The manual (README.md and docs/*.md) against what is installed: every `itaku ...` command line it
shows names subcommands and options the command line has, and every relative link leads to a file.

The commands are read from the installed click tree, never from a list kept here, so a command or
option renamed in the code and not in the manual (or the reverse) fails this test.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from itaku.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^```(\S*)\s*$")
SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\]\(([^()\s]+)\)")
# Where a command line ends: a shell operator, a redirection, or a comment.
END = re.compile(r"\s(?:>|&&|;|#)\s|\s#|\s>")


def _commands(text: str) -> list[tuple[int, str]]:
    """(line number, command) for every itaku command line the page shows: each line of an `sh` block
    that runs itaku, each `$ itaku ...` line of any other block, and each code span that starts with
    itaku or with one of its subcommands followed by more words (`check --format json`)."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    subcommands = set(main.list_commands(click.Context(main)))
    for number, line in enumerate(text.splitlines(), 1):
        opening = FENCE.match(line.strip())
        if opening:
            fence = None if fence is not None else opening.group(1)
            continue
        if fence is not None:
            shown = line.strip()
            if shown.startswith("$ "):
                shown = shown[2:]
            elif fence != "sh":
                continue
            shown = re.sub(r"^(?:\.venv/bin/)", "", shown)
            if shown.startswith("itaku "):
                found.append((number, shown))
            continue
        for span in SPAN.findall(line):
            span = re.sub(r"^(?:\$ )?(?:\.venv/bin/)?", "", span.replace("\\|", "|"))
            words = span.split()
            if words and words[0] == "itaku" and len(words) > 1:
                found.append((number, span))
            elif words and words[0] in subcommands and len(words) > 1:
                found.append((number, "itaku " + span))
            elif words and words[0].startswith("--"):
                found.append((number, "itaku * " + span))
    return found


def _options(command: click.Command) -> set[str]:
    """Every option name of one command (`--format`, `-o`), --help included."""
    names = {"--help"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def _every_command(group: click.Group, ctx: click.Context) -> list[click.Command]:
    """The group and every command under it."""
    found: list[click.Command] = [group]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found.extend(_every_command(command, click.Context(command, parent=ctx)))
        else:
            found.append(command)
    return found


def _problems(line: str) -> list[str]:
    """What in one command line the installed command line does not have."""
    root_ctx = click.Context(main)
    line = END.split(line, maxsplit=1)[0]
    segments = [segment.strip() for segment in line.split("|")]
    try:
        words = shlex.split(segments[0])[1:]
    except ValueError:
        words = segments[0].split()[1:]
    if words[:1] == ["*"]:  # an option shown on its own: some command must have it
        every = set().union(*(_options(c) for c in _every_command(main, root_ctx)))
        return [f"no command has {word}" for word in words[1:2] if word.split("=")[0] not in every]
    problems: list[str] = []
    command: click.Command = main
    ctx = root_ctx
    path = ["itaku"]
    for word in words:
        if word.startswith("-") and word != "-":
            name = word.split("=")[0]
            if name not in _options(command):
                problems.append(f"{' '.join(path)} has no option {name}")
            continue
        if isinstance(command, click.Group):
            alternatives = word.split("/")  # `rules test/coverage/lint`
            missing = [a for a in alternatives if command.get_command(ctx, a) is None]
            if missing:
                problems.append(f"{' '.join(path)} has no subcommand {'/'.join(missing)}")
                break
            group = command
            command = group.get_command(ctx, alternatives[0])  # type: ignore[assignment]
            ctx = click.Context(command, parent=ctx)
            path.append(alternatives[0])
            # `rules list | test | explain ID`: the segments after a pipe that name a sibling are
            # alternatives of this subcommand, checked the same way.
            for segment in segments[1:]:
                sibling = segment.split()[:1]
                if sibling and group.get_command(ctx, sibling[0]) is not None:
                    problems.extend(_problems(" ".join([*path[:-1], segment])))
    return problems


def _shown() -> list[tuple[str, int, str]]:
    return [(page.relative_to(ROOT).as_posix(), number, line)
            for page in PAGES for number, line in _commands(page.read_text(encoding="utf-8"))]


def test_the_manual_shows_commands() -> None:
    """The reading below found what it should: the pages exist and show many command lines."""
    assert (ROOT / "docs").is_dir() and len(PAGES) > 5
    shown = _shown()
    assert len(shown) > 50
    assert any(line.startswith("itaku rules diff") for _, _, line in shown)


@pytest.mark.parametrize(("page", "number", "line"), _shown(), ids=lambda v: str(v)[:60])
def test_every_command_shown_exists(page: str, number: int, line: str) -> None:
    """A command, subcommand or option the manual shows is one the installed `itaku` has."""
    assert not _problems(line), f"{page}:{number}: {line}: {_problems(line)}"


def test_a_wrong_command_is_caught() -> None:
    """The check itself: a subcommand or an option that does not exist is reported."""
    assert _problems("itaku check p.yaml --fail-on advice") == []
    assert _problems("itaku rules list | test | explain ID | coverage | lint --profile x") == []
    assert _problems("itaku chek p.yaml")
    assert _problems("itaku check p.yaml --fail-when advice")
    assert _problems("itaku rules lsit")
    assert _problems("itaku * --no-such-option")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(page: Path) -> None:
    """Each link to another page or file of the project points at one that exists."""
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if not (page.parent / path).exists():
            broken.append(target)
    assert not broken, f"{page.name}: links to missing files: {broken}"
