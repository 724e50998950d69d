"""The self-check page over HTTP (Starlette's test client): the form generated from the field
description, the same answers as `itaku check`, errors beside their fields, escaping, the
cross-site and host protections, the input limits, hostile uploads, byte-identical downloads."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient
from web_support import FORM, body, pairs_of, parts, visible_text

from conftest import EXAMPLES, PAGE, SEED
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.models import Proposal
from itaku.files.reading import load_proposal
from itaku.web.app import FORM_LIMIT, MAX_FIELDS
from itaku.web.formdata import FormValues, read, values_of

EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.yaml"))
HOSTILE = Path(__file__).parent / "hostile" / "inputs"



def check(client: TestClient, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    answer = client.post("/api/check", content=body(pairs), headers=FORM)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def load(path: Path) -> Proposal:
    return load_proposal(path, lambda _: None)


def with_changes(path: Path, **changes: Any) -> Proposal:
    """A proposal from `path` with sections replaced (dotted keys: case__title -> case.title)."""
    data = load(path).model_dump()
    for key, value in changes.items():
        where = data
        *parents, last = key.split("__")
        for part in parents:
            if where.get(part) is None:
                where[part] = {}
            where = where[part]
        where[last] = value
    return Proposal.model_validate(data)


# ------------------------------------------------------------------ the page itself


def test_page_is_self_contained_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "an inline script"
    assert not re.search(r"\s(on[a-z]+|style)=", html), "an inline handler or style"
    assert not re.search(r"""(src|href|action)=["'](https?:)?//""", html), "something fetched from elsewhere"
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        served = client.get(asset)
        assert served.status_code == 200 and served.content, asset
        assert "content-security-policy" in served.headers


def test_every_field_of_the_description_is_on_the_page(client: TestClient) -> None:
    html = client.get("/").text
    for node in fields.walk():
        if node.is_leaf and node.kind != fields.CONST:
            assert f'name="{node.path}"' in html, node.path
        elif node.kind == fields.SECTION and node.nullable:
            assert f'name="{node.path}.__applies"' in html, node.path
    for table in (n for n in fields.walk() if n.kind == fields.RECORDS):
        for column in table.children:
            assert f'name="{table.path}.__N__.{column.name}"' in html, (table.path, column.name)


def test_the_page_shows_no_internal_names(client: TestClient, token: str, catalog: Catalog) -> None:
    seen = []
    for path in EXAMPLE_FILES:
        seen.append(visible_text(check(client, pairs_of(load(path), token))["html"]))
    seen.append(visible_text(client.get("/").text))
    seen.append(visible_text(client.get("/rules").text))
    text = "\n".join(seen)
    ids = {r.id for r in catalog.rules} | {d.id for d in catalog.derivations}
    assert not [i for i in ids if i in text]
    assert not [t for t in catalog.topics if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text)]
    assert not re.findall(r"\b[a-z_]+\.[a-z_]+\b", text), "a field path"
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text), "an enum value or field name"


# ------------------------------------------------------------------ the same answers as `itaku check`


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_page_answers_as_itaku_check(path: Path, client: TestClient, token: str, cli: Any) -> None:
    page = check(client, pairs_of(load(path), token))
    assert page["ok"] and page["errors"] == {}
    done = cli("check", path, "--format", "json", "--fail-on", "never")
    (expected,) = json.loads(done.stdout)
    for answer in (page["evaluation"], expected):
        answer.pop("source")
    assert page["evaluation"] == expected


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_form_holds_every_proposal_exactly(path: Path) -> None:
    proposal = load(path)
    reading = read(values_of(proposal, parts()), parts(), "ja")
    assert reading.errors == {}
    assert reading.proposal == proposal


@pytest.mark.parametrize("typed", ["令和元年9月9日", "R1.9.9", "2019/9/9", "２０１９年９月９日", "2019-09-09", "令和元年9月9日（月）"])
def test_dates_in_wareki_or_western(typed: str, client: TestClient, token: str) -> None:
    pairs = [(k, typed if k == "case.meeting" else v) for k, v in pairs_of(load(SEED[-1]), token)]
    answer = check(client, pairs)
    assert answer["ok"], answer["errors"]
    assert answer["evaluation"]["as_of"] == "2019-09-09"
    assert answer["dates"]["case.meeting"] == "令和元年9月9日（2019-09-09）として読み取りました"


def test_errors_are_placed_beside_their_fields(client: TestClient, token: str) -> None:
    seed = load(SEED[-1])
    typed = {"case.meeting": "令和元年13月1日", "business.subject_count": "たくさん", "email.__applies": "false"}
    pairs = [(k, typed.get(k, v)) for k, v in pairs_of(seed, token) if k != "case.title"]
    pairs += [("subcontractors.4.name", "株式会社A")]
    answer = check(client, pairs)
    assert not answer["ok"] and answer["evaluation"] is None
    errors = answer["errors"]
    assert errors["case.meeting"] == "令和元年13月1日 は暦にない日付です。月と日を確かめてください"
    assert errors["business.subject_count"].endswith("の整数で入力してください（入力値: 'たくさん'）。")
    assert "記入されています" in errors["email.__applies"]
    assert errors["case.title"] == errors["subcontractors.4.role"] == "必須の項目がありません"
    assert not any(re.search(r"[A-Za-z]{4,}", message) for message in errors.values()), "an error not in Japanese"
    page = client.post("/", content=body(pairs), headers=FORM)  # without the page's script: the same, in the page
    assert page.status_code == 200
    for name, message in errors.items():
        shown = re.search(rf'<p class="error" id="[^"]+" data-error-for="{re.escape(name)}">([^<]*)</p>', page.text)
        assert shown and html.unescape(shown.group(1)) == message, name
    # fix those: the remaining error is the missing required title, then the subcontractor's role
    pairs = [(k, v) for k, v in pairs if k not in ("business.subject_count", "email.__applies", "case.meeting")]
    answer = check(client, pairs)
    assert answer["errors"] == {"case.title": "必須の項目がありません", "subcontractors.4.role": "必須の項目がありません"}
    assert "件名" in answer["html"] and "再委託先等 1／何を受け持ちますか" in answer["html"]


def test_section_marked_no_leaves_it_out(client: TestClient, token: str) -> None:
    seed = load(SEED[-1])
    pairs = [(k, v) for k, v in pairs_of(seed, token) if not k.startswith("email.")] + [("email.__applies", "false")]
    answer = check(client, pairs)
    assert answer["ok"]
    assert "MAIL-DOMAIN-AUTH" not in [f["rule_id"] for f in answer["evaluation"]["findings"]]


# ------------------------------------------------------------------ escaping


MARKUP = '<script>alert(1)</script>{{ 7*7 }}{% raw %}${7*7}"><img src=x onerror=alert(2)>'


def test_markup_and_template_syntax_are_shown_as_written(client: TestClient, token: str) -> None:
    proposal = with_changes(
        EXAMPLES / "extra" / "01-unapproved-redelegate.yaml",
        case__title=MARKUP, case__department=MARKUP, business__purpose="</textarea>" + MARKUP,
    )
    data = proposal.model_dump()
    data["subcontractors"][0]["name"] = MARKUP  # quoted in a finding's message through the rule's template
    data["responses"] = {"redelegation": "</textarea><script>alert(3)</script>"}
    pairs = pairs_of(Proposal.model_validate(data), token)
    answer = check(client, pairs)
    page = client.post("/", content=body(pairs), headers=FORM).text
    for shown in (answer["html"], page):
        assert "<script>alert" not in shown and "<img src=x" not in shown and "</textarea><script>" not in shown
        assert "{{ 7*7 }}{% raw %}${7*7}" in visible_text(shown)  # template syntax is text, never run
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in answer["html"]  # in the finding that names it
    assert "&lt;/textarea&gt;&lt;script&gt;" in page
    report = client.post("/download/report", content=body(pairs), headers=FORM)
    assert report.status_code == 200 and "<script>alert" not in report.text


# ------------------------------------------------------------------ cross-site requests, hosts, cookies


def test_the_token_cookie_is_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


@pytest.mark.parametrize("route", ["/", "/api/check", "/download/yaml"])
def test_requests_without_the_pages_token_are_refused(route: str, client: TestClient, token: str) -> None:
    pairs = pairs_of(load(SEED[-1]), token)
    assert client.post(route, content=body(pairs), headers=FORM).status_code == 200
    missing = [(k, v) for k, v in pairs if k != "token"]
    wrong = [(k, "x" * 43 if k == "token" else v) for k, v in pairs]
    for sent in (missing, wrong):
        refused = client.post(route, content=body(sent), headers=FORM)
        assert refused.status_code == 403
        assert "この画面以外からの送信は受け付けません" in refused.text
    client.cookies.clear()  # a form from another site carries no cookie at all
    assert client.post(route, content=body(pairs), headers=FORM).status_code == 403


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
])
def test_cross_site_requests_are_refused_even_with_the_token(headers: dict[str, str], client: TestClient, token: str) -> None:
    pairs = pairs_of(load(SEED[-1]), token)
    refused = client.post("/api/check", content=body(pairs), headers={**FORM, **headers})
    assert refused.status_code == 403
    assert refused.json() == {"ok": False, "message": "この画面以外からの送信は受け付けません。ページを開き直してから操作してください。"}
    same = client.post("/api/check", content=body(pairs), headers={**FORM, "origin": PAGE, "sec-fetch-site": "same-origin"})
    assert same.status_code == 200


def test_only_loopback_names_are_answered(client: TestClient) -> None:
    assert client.get("/", headers={"host": "evil.example"}).status_code == 421
    assert client.get("/", headers={"host": "127.0.0.1.evil.example"}).status_code == 421
    for name in ("localhost:8765", "127.0.0.2:8765", "127.255.0.9", "[::1]:8765"):
        assert client.get("/", headers={"host": name}).status_code == 200, name
    assert client.head("/").status_code == 200


def test_unknown_pages_and_methods(client: TestClient) -> None:
    missing = client.get("/nothing")
    assert missing.status_code == 404 and "ページが見つかりません" in missing.text
    assert client.get("/api/check").status_code == 405
    assert client.get("/rules/NO-SUCH-RULE").status_code == 404


# ------------------------------------------------------------------ limits (the CLI's)


def test_a_body_over_the_limit_is_refused_before_reading_it(client: TestClient, token: str) -> None:
    pairs = pairs_of(None, token, {"case.title": "あ" * (FORM_LIMIT // 3)})
    refused = client.post("/api/check", content=body(pairs), headers=FORM)
    assert refused.status_code == 413
    assert "大きすぎます" in refused.json()["message"]
    assert client.get("/").status_code == 200


def test_too_many_fields_are_refused(client: TestClient, token: str) -> None:
    pairs = [("token", token)] + [("x", "")] * (MAX_FIELDS + 1)
    refused = client.post("/api/check", content=body(pairs), headers=FORM)
    assert refused.status_code == 413


def test_lists_are_held_to_the_clis_limit(client: TestClient, token: str) -> None:
    pairs = pairs_of(load(SEED[-1]), token)
    pairs = [(k, v) for k, v in pairs if k != "data.items"] + [("data.items", f"項目{i}") for i in range(501)]
    answer = check(client, pairs)
    assert "500" in answer["errors"]["data.items"]
    rows = [(f"subcontractors.{i}.name", f"会社{i}") for i in range(501)]
    rows += [(f"subcontractors.{i}.role", "operation") for i in range(501)]
    answer = check(client, [*pairs_of(load(SEED[-1]), token), *rows])
    assert any("500" in message for message in answer["errors"].values())


def test_an_upload_is_held_to_the_workbook_limit(client: TestClient, token: str) -> None:
    big = b"0" * (15 * 1024 * 1024)
    refused = client.post("/upload", data={"token": token}, files={"upload": ("big.xlsx", big)})
    assert refused.status_code == 413
    text = client.post("/upload", data={"token": token}, files={"upload": ("big.yaml", b"#" * (FORM_LIMIT + 1))})
    assert text.status_code == 422 and "ファイルが大きすぎます" in text.text


# ------------------------------------------------------------------ uploads


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir()))
def test_each_hostile_file_gets_a_message_and_the_page_keeps_serving(
    name: str, client: TestClient, token: str, cli: Any
) -> None:
    data = (HOSTILE / name).read_bytes()
    answer = client.post("/upload", data={"token": token}, files={"upload": (name, data)})
    done = cli("check", HOSTILE / name, "--fail-on", "never")
    if done.exit_code == 2:  # the CLI refuses it: the page says the same, beside the file's name
        assert answer.status_code == 422
        shown = re.search(r'<p class="alert error" role="alert">([^<]*)</p>', answer.text)
        assert shown, answer.text[:300]
        cli_line = done.stderr.strip().split(f"{HOSTILE / name}: ", 1)[1]
        assert html.unescape(shown.group(1)) == f"「{name}」を読み込めませんでした: {cli_line}"
        assert "Traceback" not in answer.text
    else:  # a valid proposal with hostile text in it: shown, escaped, reviewed
        assert done.exit_code == 0 and answer.status_code == 200
        assert "<script>alert" not in answer.text and 'class="verdict' in answer.text
    assert client.get("/").status_code == 200
    assert check(client, pairs_of(load(SEED[-1]), token))["ok"]


def test_hostile_workbooks_get_a_message(client: TestClient, token: str, tmp_path: Path) -> None:
    import zipfile

    fake = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/big.xml", b"\0" * (60 * 1024 * 1024))
    cases = {"fake.xlsx": "Excel ブック", "bomb.xlsx": "展開", "old.xls": "対応していない", "text.xlsx": "Excel ブック"}
    files = {"fake.xlsx": fake.read_bytes(), "bomb.xlsx": bomb.read_bytes(), "old.xls": b"\xd0\xcf\x11\xe0" * 8,
             "text.xlsx": b"format: itaku/v1\n"}
    for name, fragment in cases.items():
        answer = client.post("/upload", data={"token": token}, files={"upload": (name, files[name])})
        assert answer.status_code == 422 and fragment in answer.text, (name, answer.text[-800:])
    assert client.get("/").status_code == 200


def test_a_failed_upload_keeps_what_was_on_the_page(client: TestClient, token: str) -> None:
    fields = dict(pairs_of(load(SEED[-1]), token))
    answer = client.post("/upload", data=fields, files={"upload": ("bad.yaml", b"case: [")})
    assert answer.status_code == 422
    assert 'value="一斉メール配信における業務の委託について（対象者の拡大等）"' in answer.text
    assert 'class="verdict verdict-advice"' in answer.text


def test_upload_of_a_prefilled_form_fills_the_page(client: TestClient, token: str, cli: Any, tmp_path: Path) -> None:
    form = tmp_path / "form-24.xlsx"
    assert cli("template", "--from", SEED[3], "-o", form).exit_code == 0
    answer = client.post("/upload", data={"token": token}, files={"upload": ("form-24.xlsx", form.read_bytes())})
    assert answer.status_code == 200
    assert "「form-24.xlsx」を読み込みました。" in answer.text
    assert 'value="住民基本台帳ネットワークシステムの外部結合について（情報項目の追加）"' in answer.text
    assert 'value="旧氏"' in answer.text
    assert "内部のセキュリティ対策" in answer.text or "定期的な見直し" in answer.text


# ------------------------------------------------------------------ downloads: the CLI's bytes


DOWNLOAD_COMMANDS = {
    "yaml": lambda src, out: ["convert", src, "-o", out],
    "form": lambda src, out: ["template", "--from", src, "-o", out],
    "self-check": lambda src, out: ["checklist", "self-check", src, "-o", out],
    "report": lambda src, out: ["report", src, "--format", "html", "-o", out],
    "docx": lambda src, out: ["report", src, "--format", "docx", "-o", out],
}


@pytest.mark.parametrize("kind", sorted(DOWNLOAD_COMMANDS))
@pytest.mark.parametrize("path", [SEED[-1], SEED[3], EXAMPLES / "extra" / "10-waived.yaml"], ids=lambda p: p.stem)
def test_downloads_are_the_bytes_the_cli_writes(
    kind: str, path: Path, client: TestClient, token: str, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = pairs_of(load(path), token)
    saved = client.post("/download/yaml", content=body(pairs), headers=FORM)
    source = attachment_name(saved.headers["content-disposition"])
    assert source == f"資料{load(path).case.number}.yaml"
    monkeypatch.chdir(tmp_path)
    Path(source).write_bytes(saved.content)  # the proposal as the page saves it, then the CLI on that file
    answer = client.post(f"/download/{kind}", content=body(pairs), headers=FORM)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    out = "cli-out" + Path(attachment_name(answer.headers["content-disposition"])).suffix
    done = cli(*DOWNLOAD_COMMANDS[kind](source, out))
    assert done.exit_code == 0, done.stderr
    assert Path(out).read_bytes() == answer.content


def test_the_page_makes_its_downloads_with_the_renderer_it_is_handed() -> None:
    """The page imports no renderer: each download is what the renderer `create_app` is handed
    returns, asked for by the registry's key with the proposal, its saved file name and one evaluation."""
    from web_support import token_of

    from itaku.web.app import create_app

    asked: list[tuple[str, Any]] = []

    def render(key: str, evaluations: Any, catalog: Any, lang: str, **given: Any) -> bytes:
        asked.append((key, given))
        return f"{key}:{len(evaluations)}:{lang}:{given['source']}".encode()

    proposal = load(SEED[-1])
    with TestClient(create_app(render), base_url=PAGE) as page:
        pairs = pairs_of(proposal, token_of(page))
        answer = page.post("/download/docx", content=body(pairs), headers=FORM)
    assert answer.status_code == 200
    assert answer.content == f"docx:1:ja:資料{proposal.case.number}.yaml".encode()
    [(key, given)] = asked
    assert key == "docx"
    assert given["proposal"].case.number == proposal.case.number and given["comparison"] is None


def attachment_name(disposition: str) -> str:
    found = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert found, disposition
    return unquote(found.group(1))


def test_a_download_of_a_form_in_error_shows_the_errors(client: TestClient, token: str) -> None:
    pairs = [(k, v) for k, v in pairs_of(load(SEED[-1]), token) if k != "case.department"]
    answer = client.post("/download/self-check", content=body(pairs), headers=FORM)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert 'data-error-for="case.department">必須の項目がありません' in answer.text


# ------------------------------------------------------------------ the catalog


def test_the_catalog_lists_every_rule_and_findings_link_to_it(client: TestClient, token: str, catalog: Catalog) -> None:
    listing = client.get("/rules").text
    for rule in catalog.rules:
        assert f'href="/rules/{rule.id}"' in listing
        page = client.get(f"/rules/{rule.id}")
        assert page.status_code == 200 and rule.spec.clause.ja in page.text and rule.spec.ask.ja in page.text
    for topic in catalog.topics.values():
        if any(r.spec.topic == topic.id for r in catalog.rules):
            assert topic.ja in listing
    pane = check(client, pairs_of(load(SEED[-1]), token))["html"]
    links = re.findall(r'href="/rules/([A-Z0-9-]+)"', pane)
    assert links and all(catalog.rule(i) is not None for i in links)


# ------------------------------------------------------------------ nothing a user enters is logged


def test_an_internal_error_is_a_page_and_logs_only_its_kind(
    app: Any, token: str, client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itaku.web.review import Reviewer

    def broken(self: Reviewer, values: FormValues) -> None:
        raise RuntimeError(f"bug while reading {values.get('case.title')}")

    monkeypatch.setattr(Reviewer, "check", broken)
    secret = "秘密の件名XYZ"
    answer = client.post("/", content=body(pairs_of(None, token, {"case.title": secret})), headers=FORM)
    assert answer.status_code == 500
    assert "内部エラーが発生しました" in answer.text and "Traceback" not in answer.text and secret not in answer.text
    assert "RuntimeError" in caplog.text and secret not in caplog.text
