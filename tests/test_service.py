"""The evaluation service (itaku/service) and the list of outputs (itaku/present/formats.py): what every
front end shares, so that `check`, `screen`, the page and the manual cannot drift apart."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import click
import pytest

from conftest import EXAMPLES, ROOT, SEED
from itaku.cli.main import main
from itaku.engine.errors import ExitCode
from itaku.present.formats import BY_KEY, FORMATS, keys
from itaku.service.evaluating import FAIL_ON_LEVELS, Service, exit_code, load_catalog, reaches


@pytest.fixture(scope="module")
def evaluations() -> list[Any]:
    return Service(load_catalog("default")).evaluate_files(SEED, detail=False)


def test_fail_on_thresholds_nest(evaluations: list[Any]) -> None:
    """What reaches blocker reaches advice, what reaches advice reaches question; never reaches nothing;
    and the seed tells the thresholds apart (else this test could not fail)."""
    reached = {level: [reaches(e, level) for e in evaluations] for level in FAIL_ON_LEVELS}
    assert not any(reached["never"])
    for stricter, looser in itertools.pairwise(FAIL_ON_LEVELS[:-1]):
        assert all(b for a, b in zip(reached[stricter], reached[looser], strict=True) if a)
    assert len({tuple(r) for r in reached.values()}) > 2


def test_the_worst_exit_status_wins() -> None:
    assert exit_code(False) == ExitCode.OK == 0
    assert exit_code(True) == ExitCode.FINDINGS == 1
    assert exit_code(True, failed_inputs=True) == ExitCode.INPUT == 2
    assert exit_code(True, failed_inputs=True, engine_errors=True) == ExitCode.ENGINE == 3
    assert exit_code(False, engine_errors=True) == ExitCode.ENGINE


def test_check_and_screen_fail_the_same_proposals(cli: Any, tmp_path: Path, evaluations: list[Any]) -> None:
    """A proposal fails `check --fail-on advice` exactly when `screen --fail-on advice` counts it."""
    failing = [path for path in SEED if cli("check", path, "--fail-on", "advice").exit_code == ExitCode.FINDINGS]
    assert failing == [path for path, e in zip(SEED, evaluations, strict=True) if reaches(e, "advice")]
    result = cli("screen", *SEED, "-o", tmp_path / "out", "--jobs", "1", "--fail-on", "advice")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["reached_fail_on"] == len(failing)
    assert result.exit_code == summary["exit_code"] == (ExitCode.FINDINGS if failing else ExitCode.OK)


def test_the_exit_codes_are_the_documented_ones() -> None:
    """docs/exit-codes-and-limits.md's table lists every named exit code, and no other."""
    text = (ROOT / "docs" / "exit-codes-and-limits.md").read_text(encoding="utf-8")
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", text, flags=re.MULTILINE)]
    assert sorted(documented) == sorted(int(c) for c in ExitCode)


# ---------------------------------------------------------------- the list of outputs


def _outputs_table() -> list[list[str]]:
    """The rows of the table under `## Every output` in docs/outputs.md, cells stripped."""
    text = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    section = text.split("## Every output", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # the header and its rule left out
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_the_docs_list_exactly_the_registered_outputs() -> None:
    from itaku.web.downloads import DOWNLOADS

    rows = _outputs_table()
    assert [row[0] for row in rows] == [f"`{f.key}`" for f in FORMATS]
    on_page = {d.format.key for d in DOWNLOADS.values()}
    for row, fmt in zip(rows, FORMATS, strict=True):
        shown_suffixes = re.findall(r"`(\.[a-z]+)`", row[1])
        assert tuple(shown_suffixes) == (fmt.suffixes if fmt.suffix else ()), row
        for command in fmt.commands:
            assert f"`itaku {command}" in row[2], (row, command)
        assert bool(row[3]) == (fmt.key in on_page), row


def _choices(*path: str) -> list[str]:
    """The choices of the --format option (or of the KIND argument) of `itaku PATH...`."""
    command: Any = main
    ctx = click.Context(main)
    for name in path:
        command = command.get_command(ctx, name)
    param = next(p for p in command.params if p.name in ("fmt", "kind"))
    return list(param.type.choices)


def test_the_command_line_offers_the_registered_outputs() -> None:
    assert _choices("check") == keys("check")
    assert _choices("report") == keys("report")
    assert _choices("screen") == sorted(keys("screen"))
    assert _choices("checklist") == keys("checklist")


@pytest.fixture(scope="module")
def detailed() -> list[Any]:
    """The seed's evaluations with their proposals (what the checklists read)."""
    return Service(load_catalog("default")).evaluate_files(SEED)


@pytest.mark.parametrize("key", [f.key for f in FORMATS])
def test_every_registered_output_is_made_by_the_one_dispatcher(detailed: list[Any], key: str) -> None:
    """itaku.outputs.render makes each output of the registry, as the file its suffix names, for the
    proposals it applies to (a field document: a vendor holds the data; pre-send: a bulk send)."""
    from itaku.files.reading import load_proposal
    from itaku.outputs import applies, render

    catalog = load_catalog("default")
    chosen = [e for e in detailed if applies(key, e, catalog)]
    assert chosen and (len(chosen) < len(detailed)) == (BY_KEY[key].field_document or key == "pre-send")
    data = render(key, chosen, catalog, "ja", proposal=load_proposal(SEED[0], catalog=catalog), lines=True)
    suffix = BY_KEY[key].suffix
    if suffix in (".xlsx", ".docx"):
        assert data.startswith(b"PK\x03\x04")  # a zip: the Office file
    elif suffix == ".json":
        assert [json.loads(line)["case"]["number"] for line in data.splitlines()] == [e.case.number for e in chosen]
    elif suffix == ".html":
        assert data.lstrip().lower().startswith(b"<!doctype html>")
    else:
        assert data.decode("utf-8").strip()


def test_the_dispatcher_refuses_an_output_it_does_not_know(evaluations: list[Any]) -> None:
    from itaku.outputs import render

    with pytest.raises(ValueError, match="pdf"):
        render("pdf", evaluations, load_catalog("default"), "ja")


@pytest.mark.parametrize("suffix", BY_KEY["html"].suffixes + BY_KEY["md"].suffixes)
def test_a_suffix_names_its_format(cli: Any, tmp_path: Path, suffix: str) -> None:
    """`report -o OUT` without --format writes the format the registry says OUT's suffix names."""
    named = next(f.key for f in FORMATS if suffix in f.suffixes and "report" in f.commands)
    by_suffix, by_option = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert cli("report", SEED[0], "-o", by_suffix).exit_code == 0
    assert cli("report", SEED[0], "--format", named, "-o", by_option).exit_code == 0
    assert by_suffix.read_bytes() == by_option.read_bytes()


def test_every_front_end_takes_approved_versions_from_where_the_service_chooses(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The configuration turns the register on: `check` and `screen`'s workers (two processes) compare
    the revision with the version the register holds as approved, and say the same; --approved
    overrides the register in both."""
    revision, approved = EXAMPLES / "revisions" / "23.yaml", EXAMPLES / "seed" / "23.yaml"
    config = tmp_path / "config" / "itaku"
    config.mkdir(parents=True)
    (config / "config.yaml").write_text(f"register: {tmp_path / 'reg.sqlite3'}\ncompare_with_register: true\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli("register", "add", approved, "--new").exit_code == 0
    assert cli("register", "decide", "23", "--outcome", "承認", "--meeting", "2019-09-09").exit_code == 0
    for extra, compared_with in (((), "登録簿 案件23 第1版"), (("--approved", approved), str(approved))):
        checked = json.loads(cli("check", revision, *extra, "--format", "json", "--fail-on", "never").stdout)[0]
        assert compared_with in checked["changes"]["compared_with"]["source"]
        out = tmp_path / f"screen{len(extra)}"
        result = cli("screen", revision, SEED[0], *extra, "-o", out, "--jobs", "2", "--fail-on", "never")
        assert result.exit_code == 0, result.stderr
        assert json.loads((out / "23.yaml.json").read_text(encoding="utf-8")) == checked
