"""Messages the command line prints for people come from the wording catalogue: Japanese by default,
English with --lang en (summary.json and JSON output keep their English keys and values)."""

from __future__ import annotations

import errno
import io
import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED
from itaku.engine.evaluation import Evaluator
from itaku.engine.lint import Problem
from itaku.engine.wording import language, phrase
from itaku.screening import batch as sc
from itaku.screening.progress import Progress

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LANGS = pytest.mark.parametrize("lang", ["ja", "en"])


def _in(lang: str) -> tuple[str, ...]:
    """The --lang option as given for `lang` (Japanese is the default: not given)."""
    return () if lang == "ja" else ("--lang", lang)


def _only(text: str, lang: str) -> None:
    """`text` is written in `lang`: Japanese text in Japanese, none in English."""
    assert bool(JAPANESE.search(text)) == (lang == "ja"), text


@LANGS
def test_screen_reports_what_it_did_and_an_empty_input(cli: Any, tmp_path: Path, lang: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("screen", empty, "-o", tmp_path / "out", "--jobs", "1", *_in(lang))
    assert result.exit_code == 0
    assert result.stderr == f"itaku: {phrase('screen.no_inputs', lang)}\n"
    shutil.copy(SEED[0], empty / SEED[0].name)
    (empty / "bad.yaml").write_text("format: x\n", encoding="utf-8")
    result = cli("screen", empty, "-o", tmp_path / "out", "--jobs", "1", "--fail-on", "never", *_in(lang))
    assert result.exit_code == 2
    done = phrase("screen.done", lang, screened=1, inputs=2, failed=1, engine_errors=0,
                  summary=str(tmp_path / "out" / sc.SUMMARY_NAME))
    assert result.stdout == done + "\n"
    _only(result.stdout.replace(str(tmp_path), ""), lang)
    summary = json.loads((tmp_path / "out" / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["status"] == "complete" and summary["lang"] == lang, "summary.json's values stay codes"


@LANGS
def test_screen_refuses_its_output_folder_in_the_language_asked(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    result = cli("screen", folder, "-o", folder, *_in(lang))
    assert result.exit_code == 2 and result.stderr == f"itaku: {folder}: {phrase('error.outdir_is_input', lang)}\n"

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    result = cli("screen", folder, "-o", tmp_path / "new", *_in(lang))
    expected = phrase("error.cannot_create_outdir", lang, error="Read-only file system")
    assert result.exit_code == 2 and result.stderr == f"itaku: {tmp_path / 'new'}: {expected}\n"


@LANGS
def test_the_progress_bar_speaks_the_language(lang: str) -> None:
    token = language.set(lang)
    try:
        stream = io.StringIO()
        bar = Progress(stream, total=2, enabled=True)
        bar.advance(2)
        bar.close()
    finally:
        language.reset(token)
    line = stream.getvalue().strip("\r\n")
    assert line.startswith("[" + "#" * 24 + "] 2/2") and ("毎秒" in line) == (lang == "ja") and ("ETA" in line) == (lang == "en")


@LANGS
def test_rules_tooling_speaks_the_language(cli: Any, lang: str) -> None:
    lint = cli("rules", "lint", *_in(lang))
    assert lint.exit_code == 0 and lint.stdout == phrase("lint.count", lang, count=0) + "\n"
    coverage = cli("rules", "coverage", *_in(lang))
    assert coverage.exit_code == 0
    legend, header, *_, total = coverage.stdout.splitlines()
    for line in (legend, total):
        _only(line, lang)
    assert header.startswith(phrase("coverage.col.topic", lang))
    listed = cli("rules", "list", *_in(lang)).stdout.splitlines()
    assert all(re.search(phrase("rules.list.examples", lang, fires=r"\d+", passes=r"\d+"), line) for line in listed)
    tested = cli("rules", "test", *_in(lang))
    assert tested.exit_code == 0 and re.fullmatch(phrase("rules.test.summary", lang, passed=r"\d+", failed="0") + "\n", tested.stdout)
    unknown = cli("rules", "explain", "NO-SUCH-RULE", *_in(lang))
    assert unknown.exit_code == 2 and unknown.stderr == f"itaku: NO-SUCH-RULE: {phrase('error.unknown_rule_id', lang)}\n"


def test_rules_explain_labels_every_line(cli: Any) -> None:
    """The rule's conditions and examples are shown as written (JSON), under labels in the language."""
    ja = cli("rules", "explain", "SITE-WEBMAIL").stdout.splitlines()
    en = cli("rules", "explain", "SITE-WEBMAIL", "--lang", "en").stdout.splitlines()
    assert len(ja) == len(en)
    for key in ("when", "fires", "passes"):
        assert any(line.startswith(phrase(f"explain.{key}", "ja") + ": {") for line in ja)
        assert any(line.startswith(phrase(f"explain.{key}", "en") + ": {") for line in en)


@LANGS
def test_rules_diff_without_a_profile_is_a_usage_error(cli: Any, lang: str) -> None:
    """It was an internal error (exit 3): nothing to compare."""
    result = cli("rules", "diff", *_in(lang))
    assert result.exit_code == 2 and phrase("error.diff_profiles", lang) in result.stderr


@LANGS
def test_lint_problems_are_described_in_the_language(lang: str) -> None:
    token = language.set(lang)
    try:
        problem = Problem("subsumed", "A-NARROW", "A-WIDE", phrase("lint.subsumed", other="A-WIDE"))
        line = problem.describe()
    finally:
        language.reset(token)
    assert line == f"{phrase('lint.kind.subsumed', lang)}: A-NARROW / A-WIDE: {phrase('lint.subsumed', lang, other='A-WIDE')}"


@LANGS
def test_convert_and_checklist_messages(cli: Any, tmp_path: Path, lang: str) -> None:
    wrong = cli("convert", SEED[0], "-o", tmp_path / "out.txt", *_in(lang))
    assert wrong.exit_code == 2 and wrong.stderr == f"itaku: {tmp_path / 'out.txt'}: {phrase('error.output_yaml_suffix', lang)}\n"
    made = cli("template", "-o", tmp_path / "form.xlsx", "-v", *_in(lang))
    assert made.exit_code == 0
    size = (tmp_path / "form.xlsx").stat().st_size
    pattern = re.escape(phrase("written", lang, path=tmp_path / "form.xlsx", size=size, seconds=0)).replace(r"0\.00", r"\d+\.\d\d")
    assert re.fullmatch(f"itaku: {pattern}\n", made.stderr), made.stderr


@LANGS
def test_an_internal_error_is_one_line_in_the_language(cli: Any, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Evaluator, "evaluate", broken)
    result = cli("check", SEED[0], *_in(lang))
    assert result.exit_code == 3 and result.stderr == f"itaku: {phrase('error.internal', lang, kind='RuntimeError', error='boom')}\n"


@LANGS
def test_serve_says_where_it_cannot_listen(cli: Any, lang: str) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        result = cli("serve", "--port", port, *_in(lang))
    finally:
        taken.close()
    assert result.exit_code == 2
    assert result.stderr.startswith(f"itaku: 127.0.0.1:{port}: ") and len(result.stderr.splitlines()) == 1
    _only(result.stderr.split(": ", 2)[2].split("（")[0].split("(")[0], lang)


@LANGS
def test_a_proposal_naming_an_unknown_topic_or_rule_is_told_so(cli: Any, tmp_path: Path, lang: str) -> None:
    base = next(t for t in (p.read_text(encoding="utf-8") for p in SEED) if "\nresponses:" not in t and "\nexceptions:" not in t)
    topic = tmp_path / "topic.yaml"
    topic.write_text(base + "responses:\n  no-such-topic: 対応します\n", encoding="utf-8")
    result = cli("check", topic, *_in(lang))
    assert result.exit_code == 2 and phrase("error.not_a_topic", lang, topic="no-such-topic") in result.stderr
    rule = tmp_path / "rule.yaml"
    rule.write_text(base + "exceptions:\n  - {rule: NO-SUCH-RULE, reason: x, approved_by: y, decision: z}\n", encoding="utf-8")
    result = cli("check", rule, *_in(lang))
    assert result.exit_code == 2 and phrase("error.not_a_rule", lang, rule="NO-SUCH-RULE") in result.stderr
