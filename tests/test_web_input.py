"""What a clerk enters, as a clerk writes it, over HTTP (Starlette's test client): countries, counts
and dates read the way the command line and the Excel form read them; an end before the start and
an impossible date said beside their fields; a crafted form never quietly milder; messages and
the catalog in words a department reads (no field path, choice code, parser English or short name
of a document)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient
from web_support import FORM, body, pairs_of, visible_text

from conftest import SEED
from itaku.engine.catalog import Catalog
from itaku.engine.loader import parse_proposal
from itaku.engine.models import Proposal
from itaku.files.reading import load_proposal

SEED27 = SEED[-1]
VERDICT_RANK = {"sufficient": 0, "advice": 1, "insufficient": 2}
JAPAN = ("日本", "国内", "Japan", "JP", "jp", "日本国", "ＪＰ", " 日本 ")


def check(client: TestClient, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    answer = client.post("/api/check", content=body(pairs), headers=FORM)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def with_subcontractor(**columns: Any) -> Proposal:
    data = load_proposal(SEED27, lambda _: None).model_dump()
    data["subcontractors"] = [{"name": "株式会社サンプル処理", "role": "data_processing", **columns}]
    return Proposal.model_validate(data)


def rules_of(answer: dict[str, Any]) -> set[str]:
    return {f["rule_id"] for f in answer["evaluation"]["findings"]}


@pytest.mark.parametrize("written", JAPAN)
def test_japan_is_japan_on_the_page_and_on_the_command_line(written: str, client: TestClient, token: str) -> None:
    pairs = pairs_of(with_subcontractor(handles_personal_data=False, country="US"), token)
    pairs = [(k, written if k.endswith(".country") else v) for k, v in pairs]
    answer = check(client, pairs)
    assert answer["ok"] and "REDELEG-ABROAD" not in rules_of(answer)
    assert "「日本」として読み取りました" in next(v for k, v in answer["dates"].items() if k.endswith(".country"))
    yaml_text = SEED27.read_text(encoding="utf-8") + (
        f"subcontractors:\n  - {{name: 基盤事業者, role: hosting_only, handles_personal_data: false, country: '{written}'}}\n"
    )
    assert parse_proposal(yaml_text, "p.yaml", ".yaml").subcontractors[0].country == "JP"  # type: ignore[index]


def test_other_countries_by_their_japanese_names(client: TestClient, token: str) -> None:
    pairs = pairs_of(with_subcontractor(handles_personal_data=False, country="US"), token)
    answer = check(client, [(k, "シンガポール" if k.endswith(".country") else v) for k, v in pairs])
    abroad = [f for f in answer["evaluation"]["findings"] if f["rule_id"] == "REDELEG-ABROAD"]
    assert len(abroad) == 1 and "（シンガポール）" in abroad[0]["message"]


@pytest.mark.parametrize("typed", ["43,000", "４３０００", "43000人", "４３，０００"])
def test_counts_with_commas_or_full_width_digits(typed: str, client: TestClient, token: str) -> None:
    pairs = [(k, typed if k == "business.subject_count" else v) for k, v in pairs_of(load_proposal(SEED27), token)]
    answer = check(client, pairs)
    assert answer["ok"], answer["errors"]


def test_an_end_before_the_start_is_an_error_beside_it(client: TestClient, token: str, cli: Any, tmp_path: Path) -> None:
    pairs = pairs_of(load_proposal(SEED27), token)
    pairs = [p for p in pairs if not p[0].startswith("period.")]
    pairs += [("period.__applies", "true"), ("period.start", "令和8年4月1日"), ("period.end", "2026/3/31")]
    answer = check(client, pairs)
    assert not answer["ok"]
    assert answer["errors"] == {"period.end": "終了日（令和8年3月31日）が開始日（令和8年4月1日）より前です"}
    data = yaml.safe_load(SEED27.read_text(encoding="utf-8"))
    data["period"] = {"start": "2026-04-01", "end": "2026-03-31"}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = cli("check", path)
    assert done.exit_code == 2 and "委託期間／終了日" in done.stderr and "開始日（令和8年4月1日）より前" in done.stderr


@pytest.mark.parametrize("typed", ["令和8年2月30日", "2026/2/30", "R8.13.1", "令和0年1月1日"])
def test_an_impossible_date_is_said_to_be_one(typed: str, client: TestClient, token: str) -> None:
    pairs = [(k, typed if k == "case.meeting" else v) for k, v in pairs_of(load_proposal(SEED27), token)]
    assert check(client, pairs)["errors"]["case.meeting"] == f"{typed} は暦にない日付です。月と日を確かめてください"


# ------------------------------------------------------------------ nothing dropped, never milder


def _mutations(pairs: list[tuple[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The form with its list rows renamed as no page writes them: a huge, negative, zero-led,
    full-width or spaced index, or a column the list does not have."""
    out = []
    for bad in ("999999999", "-1", "01", "１", " 0", "0 ", "0.0", "+0", "0x0", ""):
        renamed = [(re.sub(r"^subcontractors\.0\.", f"subcontractors.{bad}.", k), v) for k, v in pairs]
        out.append((f"index {bad!r}", renamed))
    out.append(("column", [(k.replace(".approved_by_ward", ".approved"), v) for k, v in pairs]))
    out.append(("one column", [(k.replace("subcontractors.0.role", "subcontractors.999999999.role"), v) for k, v in pairs]))
    return out


@pytest.mark.parametrize("seed", [SEED27, *SEED[:3]], ids=lambda p: p.stem)
def test_no_mutated_form_makes_the_verdict_milder(seed: Path, client: TestClient, token: str) -> None:
    data = load_proposal(seed, lambda _: None).model_dump()
    data["subcontractors"] = [
        {"name": "未承認の再委託先", "role": "data_processing", "handles_personal_data": True, "approved_by_ward": False},
        *(data.get("subcontractors") or []),
    ]
    pairs = pairs_of(Proposal.model_validate(data), token)
    base = check(client, pairs)
    assert base["ok"]
    for what, mutated in _mutations(pairs):
        answer = check(client, mutated)
        if answer["ok"]:
            rank = VERDICT_RANK[answer["evaluation"]["verdict"]]
            assert rank >= VERDICT_RANK[base["evaluation"]["verdict"]], what
            assert rules_of(base) <= rules_of(answer), what
        else:
            assert any("この画面が送らない形の行" in m for m in answer["errors"].values()), (what, answer["errors"])


# ------------------------------------------------------------------ words for people


def _upload(client: TestClient, token: str, name: str, data: bytes) -> str:
    answer = client.post("/upload", data={"token": token}, files={"upload": (name, data)})
    assert answer.status_code == 422
    shown = re.search(r'<p class="alert error" role="alert">([^<]*)</p>', answer.text)
    assert shown, answer.text[:300]
    return html.unescape(shown.group(1)).split("を読み込めませんでした: ", 1)[1]  # after the file's name


def test_upload_errors_name_fields_by_label_and_choices_by_theirs(client: TestClient, token: str) -> None:
    good = SEED27.read_text(encoding="utf-8")
    text = _upload(client, token, "p.yaml", good.replace("recipients: individual", "recipients: nonsense").encode())
    assert "メール送信／宛先の指定" in text and "行 " in text and "BCC/宛先・CC/1通ずつ個別に送信" in text
    text = _upload(client, token, "p.yaml", b"format: itaku/v1\ncase: {number: 1, title: t, department: d, kinds: [nonsense]}\n")
    assert "案件／区分（1件目）" in text and "業務委託" in text
    for message in (text, _upload(client, token, "p.yaml", good.replace("bulk_send: true", "bulk_send: maybe").encode())):
        assert not re.search(r"[a-z]+[._][a-z_]+", message), message  # no field path, no choice code


@pytest.mark.parametrize("broken", [
    "format: itaku/v1\ncase: {number: 1, kinds: [outsourcing}\n",
    "format: itaku/v1\ncase:\n  title: a: b\n",
    "format: itaku/v1\ncase:\n\t- x\n",
    "format: itaku/v1\ncase: \"abc\n",
    "format: itaku/v1\n  case: 1\n bad: 2\n",
])
def test_yaml_syntax_errors_in_japanese_with_line_and_column(broken: str, client: TestClient, token: str) -> None:
    text = _upload(client, token, "p.yaml", broken.encode())
    assert re.search(r"行 \d+", text) and re.search(r"\d+文字目", text), text
    assert "YAML の書き方の誤り" in text
    assert not re.search(r"[A-Za-z]{4,}", text.replace("YAML", "")), text  # no parser English


def test_sizes_are_in_megabytes(client: TestClient, token: str) -> None:
    refused = client.post("/upload", data={"token": token}, files={"upload": ("big.xlsx", b"0" * (15 * 1024 * 1024))})
    assert refused.status_code == 413 and "MB" in refused.text and "バイト" not in refused.text


def test_the_catalog_reads_for_a_clerk(client: TestClient, catalog: Catalog) -> None:
    shown = visible_text(client.get("/rules").text)
    for short in ("PPC", "national-guidance", "itoyohei", "NISC ", "目安A-", "目安B-"):
        assert short not in shown, short
    assert "個人情報保護委員会「個人情報の保護に関する法律についての事務対応ガイド（行政機関等向け）」" in shown
    for rule in catalog.rules:
        page = client.get(f"/rules/{rule.id}")
        assert page.status_code == 200
        words = visible_text(page.text)
        assert "確認する案件" in words and "指摘となる記載" in words and "共通の基準" in words
        assert not re.search(r"\b[a-z]+_[a-z_]+\b|\b[a-z_]+\.[a-z_]+\b", words), (rule.id, words[:300])
    abroad = visible_text(client.get("/rules/REDELEG-ABROAD").text)
    assert "再委託先等／所在国が記載され、「日本」以外" in abroad


def test_every_field_on_the_page_has_a_hint(client: TestClient) -> None:
    page = client.get("/").text
    form = page.split('<form id="proposal"', 1)[1].split("</form>", 1)[0]
    described = re.findall(r'<(?:input|select|textarea|fieldset)[^>]*aria-describedby="([^"]*)"', form)
    controls = re.findall(r'<(?:input type="text"|select|textarea)[^>]* name="([^"]+)"', form)
    assert controls and len(described) >= len(set(controls))
    hints = set(re.findall(r'<p class="hint" id="([^"]+)"', form))
    missing = [d for d in described if not any(part in hints for part in d.split() if part.endswith("-hint"))]
    assert missing == [], missing[:5]
    assert "整数（" not in page and "1000000000" not in page
