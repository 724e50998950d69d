"""The approved version on the self-check page: uploaded beside the proposal, held by the page (not
the server), compared with as `itaku check NEW --approved OLD` compares, and let go on request."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient
from web_support import FORM, body, pairs_of, visible_text

from conftest import EXAMPLES
from itaku.files.reading import load_proposal
from itaku.web.review import APPROVED_DATA, APPROVED_NAME

NEW = EXAMPLES / "revisions" / "23.yaml"
OLD = EXAMPLES / "seed" / "23.yaml"



def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Pairs as a multipart form's fields (a name with several values keeps them all)."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def held(page: str) -> list[tuple[str, str]]:
    """The hidden fields in which the page holds the approved version."""
    out = []
    for name in (APPROVED_NAME, APPROVED_DATA):
        found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)
        assert found, f"the page does not hold {name}"
        out.append((name, html.unescape(found.group(1))))
    return out


def new_pairs(token: str) -> list[tuple[str, str]]:
    return pairs_of(load_proposal(NEW, lambda _: None), token)


def post_approved(client: TestClient, pairs: list[tuple[str, str]], name: str, data: bytes) -> Any:
    return client.post("/approved", data=grouped(pairs), files={"approved_upload": (name, data)})


def cli_answer(cli: Any, *args: Any) -> dict[str, Any]:
    done = cli("check", NEW, *args, "--format", "json", "--fail-on", "never")
    assert done.exit_code == 0, done.stderr
    (answer,) = json.loads(done.stdout)
    return answer


def without_sources(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer without the file names (the page's are the uploads', the CLI's the paths given)."""
    answer = json.loads(json.dumps(answer))
    answer.pop("source")
    if answer["changes"]["compared_with"]:
        answer["changes"]["compared_with"].pop("source")
    return answer


@pytest.mark.parametrize("kind", ["yaml", "xlsx"])
def test_the_page_compares_as_itaku_check_approved(kind: str, client: TestClient, token: str, cli: Any, tmp_path: Path) -> None:
    if kind == "yaml":
        name, data = "23.yaml", OLD.read_bytes()
    else:
        form = tmp_path / "approved-23.xlsx"
        assert cli("template", "--from", OLD, "-o", form).exit_code == 0
        name, data = form.name, form.read_bytes()
    pairs = new_pairs(token)
    page = post_approved(client, pairs, name, data)
    assert page.status_code == 200, page.text[:500]
    shown = visible_text(page.text)
    assert f"承認済みの内容として「{name}」を読み込みました。" in shown
    assert f"「{name}」の承認済みの内容と比べています。" in shown

    answer = client.post("/api/check", content=body(pairs + held(page.text)), headers=FORM).json()
    assert answer["ok"]
    expected = cli_answer(cli, "--approved", OLD)
    assert without_sources(answer["evaluation"]) == without_sources(expected)
    assert answer["evaluation"]["changes"]["compared_with"]["source"] == name
    fingerprints = [(f["rule_id"], f["fingerprint"], f["carried_over"]) for f in answer["evaluation"]["findings"]]
    assert fingerprints == [(f["rule_id"], f["fingerprint"], f["carried_over"]) for f in expected["findings"]]
    # what the advisor sees: each computed change, whether it was declared, what is carried over
    view = visible_text(answer["html"])
    for change in expected["changes"]["computed"]:
        assert change["label"] in view
    assert "示されていない" in view and "承認時にも指摘（継続）" in view
    undeclared = [f for f in expected["findings"] if f["rule_id"] == "CHANGE-UNDECLARED"]
    assert undeclared and all(f["message"] in view for f in undeclared)
    # the page as the server sends it (for browsers without the script) shows the same
    for change in expected["changes"]["computed"]:
        assert change["label"] in shown
    assert "承認時にも指摘（継続）" in shown


def test_without_an_approved_version_the_page_answers_as_plain_check(client: TestClient, token: str, cli: Any) -> None:
    answer = client.post("/api/check", content=body(new_pairs(token)), headers=FORM).json()
    assert without_sources(answer["evaluation"]) == without_sources(cli_answer(cli))
    assert answer["evaluation"]["changes"]["compared_with"] is None


def test_a_new_proposal_upload_keeps_the_approved_version(client: TestClient, token: str) -> None:
    page = post_approved(client, [("token", token)], "23.yaml", OLD.read_bytes())
    kept = held(page.text)
    refilled = client.post("/upload", data=grouped([("token", token), *kept]), files={"upload": ("new.yaml", NEW.read_bytes())})
    assert refilled.status_code == 200
    assert held(refilled.text) == kept
    assert "承認時にも指摘（継続）" in visible_text(refilled.text)


def test_the_approved_version_can_be_removed(client: TestClient, token: str) -> None:
    pairs = new_pairs(token)
    page = post_approved(client, pairs, "23.yaml", OLD.read_bytes())
    removed = client.post("/approved/remove", content=body(pairs + held(page.text)), headers=FORM)
    assert removed.status_code == 200
    assert APPROVED_DATA not in removed.text
    shown = visible_text(removed.text)
    assert "承認済みの内容との比較をやめました。" in shown
    assert "承認時にも指摘（継続）" not in shown and "承認時の版からの変更点" not in shown


def test_a_bad_approved_file_gets_a_message_and_the_page_is_kept(client: TestClient, token: str) -> None:
    pairs = new_pairs(token)
    before = post_approved(client, pairs, "23.yaml", OLD.read_bytes())
    kept = held(before.text)
    answer = post_approved(client, pairs + kept, "bad.yaml", b"case: [")
    assert answer.status_code == 422
    shown = visible_text(answer.text)
    assert "「bad.yaml」を読み込めませんでした" in shown
    assert held(answer.text) == kept  # the version held before is still compared with
    assert 'value="地域包括ケア推進課"' in answer.text
    wrong = post_approved(client, pairs, "notes.txt", b"hello")
    assert wrong.status_code == 422 and "「notes.txt」を読み込めませんでした" in visible_text(wrong.text)
    assert APPROVED_DATA not in wrong.text


def test_a_damaged_held_version_is_said_in_the_pane(client: TestClient, token: str) -> None:
    pairs = [*new_pairs(token), (APPROVED_NAME, "23.yaml"), (APPROVED_DATA, "not base64 !")]
    answer = client.post("/api/check", content=body(pairs), headers=FORM).json()
    assert not answer["ok"]
    assert "承認済みの内容（「23.yaml」）を読み直せませんでした" in visible_text(answer["html"])


def _download_and_command(client: TestClient, token: str, cli: Any, kind: str, args: list[str], out: str) -> tuple[bytes, bytes]:
    """The page's download of `kind` with the approved version 23 held, and what the command line
    writes (`args` --approved 23.yaml -o out) from the proposal the page saves, in this folder."""
    pairs = new_pairs(token)
    page = post_approved(client, pairs, "23.yaml", OLD.read_bytes())
    form = pairs + held(page.text)
    Path("資料23.yaml").write_bytes(client.post("/download/yaml", content=body(form), headers=FORM).content)
    Path("23.yaml").write_bytes(OLD.read_bytes())
    answer = client.post(f"/download/{kind}", content=body(form), headers=FORM)
    assert answer.status_code == 200
    done = cli(*args, "--approved", "23.yaml", "-o", out)
    assert done.exit_code == 0, done.stderr
    return answer.content, Path(out).read_bytes()


@pytest.mark.parametrize("kind,args", [("report", ["--format", "html"]), ("docx", ["--format", "docx"])])
def test_the_report_download_is_the_bytes_report_approved_writes(
    kind: str, args: list[str], client: TestClient, token: str, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    downloaded, written = _download_and_command(client, token, cli, kind, ["report", "資料23.yaml", *args], "out")
    assert written == downloaded


@pytest.mark.parametrize("kind,args", [
    ("form", ["template", "--from", "資料23.yaml"]),
    ("self-check", ["checklist", "self-check", "資料23.yaml"]),
])
def test_the_workbook_downloads_mark_the_changes_as_the_command_line_does(
    kind: str, args: list[str], client: TestClient, token: str, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    downloaded, written = _download_and_command(client, token, cli, kind, args, "out.xlsx")
    assert written == downloaded
    marked = [c for ws in load_workbook(io.BytesIO(downloaded)).worksheets for row in ws.iter_rows() for c in row
              if c.value is not None and c.font.b and c.font.u == "single"]
    assert any("【追加】" in str(c.value) for c in marked) and any("【変更】" in str(c.value) for c in marked)
    plain = client.post(f"/download/{kind}", content=body(new_pairs(token)), headers=FORM)  # without the approved version
    assert not [c for ws in load_workbook(io.BytesIO(plain.content)).worksheets for row in ws.iter_rows() for c in row
                if c.value is not None and c.font.b and c.font.u == "single"]
