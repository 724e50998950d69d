"""Hostile and broken input: clear errors, nothing lost, nothing let in.

Each bad input lives beside this file in inputs/; every command that reads proposals must answer it
with exit 2 and one line naming the file, in the user's language, without a traceback, without
hanging, and without leaving an output file behind.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from itaku.cli.main import main

INPUTS = Path(__file__).parent / "inputs"

BAD = {
    "malformed.yaml": "YAML",
    "two-documents.yaml": "複数の YAML 文書",
    "alias-bomb.yaml": "200,000",
    "deep-nesting.yaml": "64",
    "python-tag.yaml": "python/object",
    "duplicate-keys.yaml": "キー 'format' が重複",
    "empty.yaml": "空",
    "whitespace-only.yaml": "空",
    "long-list.yaml": "500",
    "shift-jis.yaml": "Shift_JIS",
    "utf-16.yaml": "UTF-16",
    "binary.yaml": "バイナリ",
}


@pytest.fixture
def guard() -> Iterator[None]:
    """Fail instead of hanging: a hostile input must be refused within seconds."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("itaku took more than 20 s on a hostile input")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_refused(code: int, stderr: str, name: str, expected: str) -> None:
    assert code == 2, stderr
    assert name in stderr and expected in stderr, stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


@pytest.mark.parametrize("name", sorted(BAD))
def test_check_refuses(name: str, guard: None) -> None:
    code, stdout, stderr = run("check", INPUTS / name)
    assert_refused(code, stderr, name, BAD[name])
    assert stdout == ""


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize(
    "command",
    [
        ("report", "--format", "html", "-o"),
        ("report", "--format", "md", "-o"),
        ("checklist", "self-check", "-o"),
    ],
    ids=["html", "md", "xlsx"],
)
def test_writers_refuse_and_write_nothing(name: str, command: tuple[str, ...], tmp_path: Path, guard: None) -> None:
    suffix = {"html": ".html", "md": ".md"}.get(command[2] if len(command) > 2 else "", ".xlsx")
    out = tmp_path / f"out{suffix}"
    args = [*command[:-1], INPUTS / name, EXAMPLES / "seed" / "21.yaml", command[-1], out] if command[0] == "checklist" else [
        *command[:-1], INPUTS / name, command[-1], out
    ]
    code, _, stderr = run(*args)
    assert_refused(code, stderr, name, BAD[name])
    assert list(tmp_path.iterdir()) == []


def test_messages_follow_the_language(guard: None) -> None:
    code, _, stderr = run("check", "--lang", "en", INPUTS / "shift-jis.yaml")
    assert code == 2 and "not UTF-8 (looks like Shift_JIS)" in stderr


def test_python_tag_is_never_constructed(guard: None) -> None:
    marker = Path("/tmp/itaku-pwned")
    marker.unlink(missing_ok=True)
    run("check", INPUTS / "python-tag.yaml")
    assert not marker.exists()


def test_size_limit_is_stated(tmp_path: Path, guard: None) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * 300_000)
    code, _, stderr = run("check", big)
    assert_refused(code, stderr, "big.yaml", "上限 2 MB")


def test_byte_order_mark_is_accepted(tmp_path: Path, guard: None) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "seed" / "21.yaml").read_bytes())
    code, stdout, stderr = run("check", path)
    assert code == 0, stderr
    assert "必要となる対策は十分にとられている" in stdout


def test_template_text_in_a_proposal_stays_text(guard: None) -> None:
    code, stdout, _ = run("check", "--format", "json", "--fail-on", "never", INPUTS / "template-title.yaml")
    assert code == 0
    [item] = json.loads(stdout)
    assert item["case"]["title"] == "{{ 7*7 }}{% for x in range(3) %}x{% endfor %}"
    code, stdout, _ = run("report", "--format", "md", "-o", "-", INPUTS / "template-title.yaml")
    assert code == 0
    assert "{{ 7\\*7 }}{% for x in range(3) %}x{% endfor %}" in stdout  # escaped for Markdown, not rendered
    assert "49xxx" not in stdout


def test_control_characters_never_reach_the_terminal(guard: None) -> None:
    code, stdout, _ = run("check", "--fail-on", "never", INPUTS / "control-chars.yaml")
    assert code == 0
    assert "\x1b" not in stdout and "\u202e" not in stdout
    assert "\\x1b" in stdout


def test_script_in_a_title_is_inert_in_html(tmp_path: Path, guard: None) -> None:
    out = tmp_path / "r.html"
    code, _, stderr = run("report", "--format", "html", "-o", out, INPUTS / "script-title.yaml")
    assert code == 0, stderr
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "&lt;script&gt;" in html


def test_formula_in_a_title_is_text_in_excel(tmp_path: Path, guard: None) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "o.xlsx"
    code, _, stderr = run("checklist", "opinion-list", INPUTS / "formula-title.yaml", "-o", out)
    assert code == 0, stderr
    for sheet in load_workbook(out).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    assert cell.data_type == "s"


def test_output_never_overwrites_an_input(tmp_path: Path, guard: None) -> None:
    source = tmp_path / "p.yaml"
    source.write_bytes((EXAMPLES / "seed" / "21.yaml").read_bytes())
    before = source.read_bytes()
    for args in (
        ("report", "--format", "md", "-o", source, source),
        ("checklist", "self-check", source, "-o", source),
    ):
        code, _, stderr = run(*args)
        assert code == 2, stderr
        assert source.read_bytes() == before


def test_refused_write_leaves_the_old_file(tmp_path: Path, guard: None) -> None:
    out = tmp_path / "r.md"
    out.write_text("old", encoding="utf-8")
    code, _, _ = run("report", "--format", "md", "-o", out, INPUTS / "malformed.yaml")
    assert code == 2
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]


def test_engine_error_is_exit_3_naming_rule_and_proposal(monkeypatch: pytest.MonkeyPatch, guard: None) -> None:
    from itaku.engine import matching

    def broken(handle: object, state: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(matching.dre, "complete_and_start_action", broken)
    code, stdout, stderr = run("check", EXAMPLES / "seed" / "27.yaml")
    assert code == 3 and stdout == ""
    assert "27.yaml" in stderr and "boom" in stderr and "[" in stderr


def test_hidden_cells_are_read_and_reported(tmp_path: Path, guard: None) -> None:
    from openpyxl import load_workbook

    form = tmp_path / "form.xlsx"
    assert run("template", "--from", EXAMPLES / "seed" / "27.yaml", "-o", form)[0] == 0
    wb = load_workbook(form)
    ws = wb["申請様式"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "case.department")
    ws.row_dimensions[row].hidden = True
    wb.save(form)
    code, stdout, stderr = run("check", "--fail-on", "never", form)
    assert code == 0, stderr
    assert f"申請様式!C{row}" in stderr and "非表示" in stderr
    assert "教育調整課" in stdout
