"""Bad input: one clear message naming the file and the field (and line), exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES

GOOD = (EXAMPLES / "seed" / "27.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format: itaku/v1\ncase: [\n", "YAML"),
        ("", "空"),
        (GOOD.replace("bulk_send: true", "bulk_send: maybe"), "メール送信／一斉送信 (行 "),
        (GOOD.replace("recipients: individual", "recipients: bbc"), "メール送信／宛先の指定 (行 "),
        (GOOD.replace("  waf: true", "  waf: true\n  wafer: true"), "システム／'wafer'"),
        (GOOD.replace("subject_count: 43000", "subject_count: many"), "事業／対象者数"),
        (GOOD.replace("format: itaku/v1", "format: itaku/v9"), "形式"),
        (GOOD.replace('  number: "27"\n', ""), "案件／資料番号"),
        ("- just\n- a list\n", "マッピング"),
    ],
    ids=["malformed", "empty", "bool", "enum", "unknown-key", "int", "format", "missing", "list"],
)
def test_bad_yaml_is_one_clear_message(cli, tmp_path: Path, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "bad.yaml", text)
    result = cli("check", path)
    assert result.exit_code == 2
    assert str(path) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_key_names_its_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = GOOD.replace("  waf: true", "  waf: true\n  wafer: true")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("  wafer:"))
    result = cli("check", _write(tmp_path, "bad.yaml", text))
    assert f"システム／'wafer' (行 {line})" in result.stderr


def test_english_messages_with_lang_en(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--lang", "en", _write(tmp_path, "bad.yaml", GOOD.replace("recipients: individual", "recipients: bbc")))
    assert result.exit_code == 2 and "is not one of the choices" in result.stderr and "line" in result.stderr


def test_directory_instead_of_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", tmp_path)
    assert result.exit_code == 2 and "フォルダ" in result.stderr


def test_missing_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "見つかりません" in result.stderr


def test_shift_jis_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", _write(tmp_path, "sjis.yaml", GOOD.encode("cp932", errors="replace")))
    assert result.exit_code == 2 and "Shift_JIS" in result.stderr


def test_utf8_bom_is_accepted(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--fail-on", "never", _write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + GOOD.encode()))
    assert result.exit_code == 0, result.stderr


def test_json_input_gives_the_same_result(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    import yaml

    data = yaml.safe_load(GOOD)
    path = _write(tmp_path, "27.json", json.dumps(data, default=str, ensure_ascii=False))
    from_json = json.loads(cli("check", "--format", "json", "--fail-on", "never", path).stdout)[0]
    from_yaml = json.loads(cli("check", "--format", "json", "--fail-on", "never", EXAMPLES / "seed" / "27.yaml").stdout)[0]
    from_json.pop("source"), from_yaml.pop("source")
    assert from_json == from_yaml


def test_one_bad_file_stops_before_any_output(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = _write(tmp_path, "bad.yaml", "format: [")
    result = cli("check", EXAMPLES / "seed" / "21.yaml", bad)
    assert result.exit_code == 2 and result.stdout == ""


def test_exit_codes_follow_fail_on(cli) -> None:  # type: ignore[no-untyped-def]
    advice_case = EXAMPLES / "seed" / "27.yaml"
    assert cli("check", advice_case).exit_code == 0
    assert cli("check", advice_case, "--fail-on", "advice").exit_code == 1
    assert cli("check", advice_case, "--fail-on", "never").exit_code == 0


def test_json_output_shape(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    result = cli("check", "--format", "json", EXAMPLES / "seed" / "24.yaml")
    [item] = json.loads(result.stdout)
    assert set(item) >= {"source", "case", "verdict", "classification", "findings", "changes"}
    assert set(item["case"]) >= {"number", "title", "department"}
    assert set(item["classification"]) >= {"agenda", "redelegation"}
    assert item["changes"]["added_items"] == ["旧氏"]
    for finding in item["findings"]:
        assert set(finding) >= {"rule_id", "topic", "severity", "title", "message", "source", "checklist"}


def test_duplicate_key_in_json_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", _write(tmp_path, "dup.json", '{"format": "itaku/v1", "format": "itaku/v1"}'))
    assert result.exit_code == 2 and "'format'" in result.stderr and "Traceback" not in result.stderr


def test_control_characters_in_an_error_are_escaped(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", _write(tmp_path, "bad.yaml", GOOD.replace("recipients: individual", 'recipients: "bcc\\x1b[2J"')))
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "\\x1b" in result.stderr
