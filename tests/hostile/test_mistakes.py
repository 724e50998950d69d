"""Second round, item 1 and 8: no user mistake is an internal error; yes/no is true, false or null.

Each input lives beside this file in inputs/ (large ones are made here). Every command that reads it
answers exit 2 with one line naming the file, the field and its line, writes nothing, prints no
traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_hostile import INPUTS, assert_refused, guard, run  # noqa: F401 - guard: the fixture every test here uses

from conftest import EXAMPLES

pytestmark = pytest.mark.usefixtures("guard")

# file -> (what the error names: the field and line, and a fragment of the message)
MISTAKES = {
    "impossible-date.yaml": ("案件／審議会の開催日 (行 6)", "暦にない日付"),
    "month-13.yaml": ("案件／審議会の開催日 (行 6)", "暦にない日付"),
    "year-0.yaml": ("案件／審議会の開催日 (行 6)", "暦にない日付"),
    "explicit-bad-date.yaml": ("案件／審議会の開催日 (行 6)", "暦にない日付"),
    "year-9999.yaml": ("委託期間／開始日 (行 9)", "範囲外"),
    "inspections-900.yaml": ("委託先の管理・監督／年間の立入り調査回数 (行 10)", "範囲外"),
    "complex-key.yaml": ("事業 (行 9)", "キーは文字列"),
    "number-key.yaml": ("担当課の対応 (行 9)", "キーは文字列"),
    "huge-integer.yaml": ("事業／対象者数 (行 9)", "5,000 桁"),
    "huge-hex.yaml": ("事業／対象者数 (行 9)", "5,000 桁"),
    "huge-integer.json": ("案件／資料番号 (行 4)", "5,000 桁"),
    "deep-nesting.json": ("(行 1)", "64"),
    "duplicate-key.json": ("案件／件名 (行 2)", "重複"),
    "binary-tag.yaml": ("事業／目的 (行 9)", "!!binary"),
    "yesno-off.yaml": ("メール送信／一斉送信 (行 9)", "'off'"),
    "yesno-zero.yaml": ("メール送信／一斉送信 (行 9)", "'0'"),
    "yesno-n.yaml": ("メール送信／一斉送信 (行 9)", "'n'"),
    "yesno-string.json": ("メール送信／一斉送信 (行 11)", "'true'"),
}

WRITERS = [
    ("report", "--format", "html", "-o", "out.html"),
    ("report", "--format", "md", "-o", "out.md"),
    ("checklist", "management-record", "-o", "out.xlsx"),
    ("template", "-o", "out.xlsx", "--from"),
]


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_check_names_file_field_and_line(name: str) -> None:
    code, stdout, stderr = run("check", INPUTS / name)
    place, fragment = MISTAKES[name]
    assert_refused(code, stderr, name, fragment)
    assert place in stderr, stderr
    assert stdout == ""


@pytest.mark.parametrize("name", sorted(MISTAKES))
@pytest.mark.parametrize("command", WRITERS, ids=["html", "md", "xlsx", "form"])
def test_writers_refuse_and_write_nothing(name: str, command: tuple[str, ...], tmp_path: Path) -> None:
    args = [a if not a.startswith("out.") else tmp_path / a for a in command]
    code, _, stderr = run(*args, INPUTS / name) if command[0] == "template" else run(*args[:-2], INPUTS / name, *args[-2:])
    assert_refused(code, stderr, name, MISTAKES[name][1])
    assert list(tmp_path.iterdir()) == []


def test_english_messages() -> None:
    code, _, stderr = run("check", "--lang", "en", INPUTS / "impossible-date.yaml")
    assert code == 2 and "Case / Meeting date (line 6): '2019-02-30' is not a date on the calendar" in stderr


def test_json_nested_past_what_python_follows(tmp_path: Path) -> None:
    path = tmp_path / "very-deep.json"
    path.write_text('{"format": "itaku/v1", "case": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    code, _, stderr = run("check", path)
    assert_refused(code, stderr, "very-deep.json", "64")


def test_yaml_nested_past_what_python_follows(tmp_path: Path) -> None:
    path = tmp_path / "very-deep.yaml"
    path.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    code, _, stderr = run("check", path)
    assert code == 2 and "Traceback" not in stderr and "very-deep.yaml" in stderr


def test_waiver_register_mistakes_name_the_register(tmp_path: Path) -> None:
    code, _, stderr = run("check", "--waivers", INPUTS / "register-bad-date.yaml", EXAMPLES / "seed" / "21.yaml")
    assert_refused(code, stderr, "register-bad-date.yaml", "暦にない日付")
    assert "例外（1件目）／期限 (行 4)" in stderr
    # the register has the same list limit as a proposal
    long = tmp_path / "register.yaml"
    long.write_text("".join(f"- {{case: '{i}', rule: R, reason: x}}\n" for i in range(501)), encoding="utf-8")
    code, _, stderr = run("check", "--waivers", long, EXAMPLES / "seed" / "21.yaml")
    assert_refused(code, stderr, "register.yaml", "500")


def test_true_false_null_are_the_only_yes_no_words(tmp_path: Path) -> None:
    """YAML 1.1 would read `yes`, `no`, `on`, `off` as booleans; the format accepts only true/false/null."""
    template = (INPUTS / "yesno-off.yaml").read_text(encoding="utf-8")
    for word in ("yes", "No", "ON", "y", "1", "'true'"):
        path = tmp_path / "p.yaml"
        path.write_text(template.replace("bulk_send: off", f"bulk_send: {word}"), encoding="utf-8")
        code, _, stderr = run("check", path)
        assert code == 2 and "メール送信／一斉送信" in stderr, (word, stderr)
    for word, expected in (("true", True), ("false", False), ("null", None), ("~", None)):
        path = tmp_path / "p.yaml"
        path.write_text(template.replace("bulk_send: off", f"bulk_send: {word}"), encoding="utf-8")
        code, stdout, stderr = run("check", "--format", "json", "--fail-on", "never", path)
        assert code == 0, stderr
        assert json.loads(stdout)[0]["source"].endswith("p.yaml")
        from itaku.files.reading import load_proposal

        email = load_proposal(path).email
        assert email is not None and email.bulk_send is expected


def test_a_leading_zero_is_decimal_not_octal(tmp_path: Path) -> None:
    from itaku.files.reading import load_proposal

    path = tmp_path / "p.yaml"
    text = (INPUTS / "yesno-off.yaml").read_text(encoding="utf-8").replace("bulk_send: off", "planned_sends: 010")
    path.write_text(text, encoding="utf-8")
    email = load_proposal(path).email
    assert email is not None and email.planned_sends == 10


def test_every_example_still_reads_and_judges_the_same() -> None:
    """The bounds and the stricter YAML leave every example valid (their findings are pinned by
    test_examples; this says that none of them is refused)."""
    from itaku.files.reading import load_proposal

    for path in sorted(EXAMPLES.rglob("*.yaml")):
        load_proposal(path)
