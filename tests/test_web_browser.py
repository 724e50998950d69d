"""The self-check page in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium;
no browser is downloaded) against `itaku serve` from the installed command.

A clerk types seed case 27 field by field and sees what `itaku check` says; uploads the
pre-filled Excel form of case 24 and sees the page filled and its findings; downloads the
self-check and gets the CLI's bytes; and uses the page with the keyboard alone.
Screenshots of the empty form, the filled case 27 and the findings pane are written to the
test's folder (and to $ITAKU_SCREENSHOTS when set, to look at).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright
from web_support import BROWSER_ARGS, CHROMIUM, ITAKU, parts, serve

from conftest import SEED
from itaku.engine.models import Proposal
from itaku.files.reading import load_proposal
from itaku.web import fields as fd
from itaku.web.formdata import values_of

SEED27, SEED24 = SEED[-1], SEED[3]
pytestmark = pytest.mark.xdist_group("browser")  # one browser and one server for the module, on one pytest worker


def installed(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(ITAKU), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done


def cli_findings(path: Path, cwd: Path) -> dict[str, Any]:
    (answer,) = json.loads(installed("check", path, "--format", "json", "--fail-on", "never", cwd=cwd).stdout)
    return answer


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(cwd=tmp_path_factory.mktemp("serve")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, address: str, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="ja-JP")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: problems.append(str(e)))
    opened.goto(address)
    yield opened
    context.close()
    assert problems == [], problems  # no script error, nothing refused by the page's CSP


def shoot(page: Any, target: Any, name: str, tmp_path: Path, full: bool = False) -> None:
    path = tmp_path / f"{name}.png"
    if target is page:
        page.screenshot(path=str(path), full_page=full)
    else:
        target.screenshot(path=str(path))
    wanted = os.environ.get("ITAKU_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(wanted) / path.name)
    assert path.stat().st_size > 10_000


def settled(page: Any) -> None:
    """Wait until the pane shows the answer to the last change."""
    page.wait_for_selector("#pane-body:not([aria-busy])", state="attached", timeout=20_000)


def pane_state(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        verdict: document.querySelector('#pane-view .verdict-text')?.textContent,
        agenda: document.querySelector('#pane-view .agenda')?.textContent,
        redelegation: document.querySelector('#pane-view .redelegation')?.textContent,
        rules: [...document.querySelectorAll('#pane-view .finding')].map(e => e.dataset.rule),
        messages: [...document.querySelectorAll('#pane-view .finding .message')].map(e => e.textContent),
        errors: [...document.querySelectorAll('[data-error-for]:not([hidden])')].map(e => e.textContent),
    })""")


def assert_same_as_cli(page: Any, expected: dict[str, Any]) -> None:
    state = pane_state(page)
    assert state["errors"] == []
    assert state["verdict"] == expected["verdict_text"]
    assert state["agenda"] == expected["classification"]["agenda_label"]
    assert state["redelegation"] == expected["classification"]["redelegation_label"]
    assert sorted(state["rules"]) == sorted(f["rule_id"] for f in expected["findings"])
    assert sorted(state["messages"]) == sorted(f["message"] for f in expected["findings"])


def control(name: str) -> str:
    return "#f-" + name.replace(".", "-")


# ------------------------------------------------------------------ typing a proposal as a clerk would


def type_proposal(page: Any, proposal: Proposal) -> None:
    """Enter `proposal` field by field, in page order, the way a person does it: type texts and dates
    (dates in 和暦), tick boxes, pick choices by their labels, add rows with the add buttons."""
    values = values_of(proposal, parts())
    for part in parts():
        enter(page, part, values)


def enter(page: Any, part: fd.Part, values: Any) -> None:
    if isinstance(part, fd.Field):
        enter_field(page, part, part.name, values.getlist(part.name))
    elif isinstance(part, fd.Section):
        marker = f"{part.name}.{fd.APPLIES}"
        if part.asks_applies and values.get(marker):
            page.check(control(marker) + ("-true" if values.get(marker) == "true" else "-false"))
        if values.get(marker) != "false":
            for child in part.children:
                enter(page, child, values)
    elif isinstance(part, fd.Table):
        marker = f"{part.name}.{fd.APPLIES}"
        if part.asks_applies and values.get(marker):
            page.check(control(marker) + ("-true" if values.get(marker) == "true" else "-false"))
        for row in values.rows(part.name):
            page.click(f"#s-{part.name} [data-add]")
            for column in part.columns:
                name = column.control(row, part.name)
                enter_field(page, column, name, values.getlist(name))
    elif isinstance(part, fd.Mapping):
        for row in values.rows(part.name):
            page.click(f"#s-{part.name} [data-add]")
            topic = values.get(f"{part.name}.{row}.topic")
            page.select_option(control(f"{part.name}.{row}.topic"), label=next(c.label for c in part.topics if c.value == topic))
            page.locator(control(f"{part.name}.{row}.text")).press_sequentially(values.get(f"{part.name}.{row}.text"))


def enter_field(page: Any, f: fd.Field, name: str, typed: list[str]) -> None:
    if not typed:
        return
    if f.kind == fd.YESNO:
        page.check(control(name) + "-" + typed[0])
    elif f.kind == fd.ENUM:
        page.select_option(control(name), label=next(c.label for c in f.choices if c.value == typed[0]))
    elif f.kind == fd.ENUM_LIST:
        for value in typed:
            page.check(control(name) + "-" + ("nothing" if value == fd.NONE_CHOSEN else value))
    elif f.kind == fd.TEXT_LIST:
        holder = page.locator(control(name))
        for i, item in enumerate(typed):
            if i:
                holder.locator("[data-add]").click()  # the new box takes the focus
            holder.locator("input[type=text]").nth(i).press_sequentially(item)
    else:
        page.locator(control(name)).press_sequentially(typed[0])


def test_typing_case_27_shows_what_itaku_check_says(page: Any, tmp_path: Path) -> None:
    settled(page)
    shoot(page, page, "empty-form", tmp_path)
    assert page.locator("#pane-view .empty").is_visible()
    type_proposal(page, load_proposal(SEED27, lambda _: None))
    assert page.input_value(control("case.meeting")) == "令和元年9月9日"
    settled(page)
    assert "2019-09-09" in page.text_content("[data-read-for='case.meeting']")
    assert_same_as_cli(page, cli_findings(SEED27, tmp_path))
    shoot(page, page, "filled-27", tmp_path)
    shoot(page, page.locator("#pane"), "findings-pane", tmp_path)
    # a finding links to its rule's own page
    link = page.locator("#pane-view .rule-link a").first
    rule = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{rule}")
    assert page.locator("h1").is_visible()


def test_an_error_appears_beside_its_field_and_clears(page: Any, tmp_path: Path) -> None:
    page.set_input_files("#upload", str(SEED27))
    page.click("#upload-button")
    page.wait_for_selector("#pane-view .verdict")
    date = page.locator(control("case.meeting"))
    date.fill("")
    date.press_sequentially("令和元年13月1日")
    settled(page)
    error = page.locator("[data-error-for='case.meeting']")
    assert error.is_visible() and "日付" in error.text_content()
    assert date.get_attribute("aria-invalid") == "true"
    assert page.locator("#pane-body").evaluate("e => e.classList.contains('stale')")  # the last review stays in sight
    date.fill("")
    date.press_sequentially("R1.9.9")
    settled(page)
    assert not error.is_visible()
    assert_same_as_cli(page, cli_findings(SEED27, tmp_path))


def test_uploading_the_prefilled_form_of_case_24(page: Any, tmp_path: Path) -> None:
    form = tmp_path / "form-24.xlsx"
    installed("template", "--from", SEED24, "-o", form, cwd=tmp_path)
    page.set_input_files("#upload", str(form))
    page.click("#upload-button")
    page.wait_for_selector("#pane-view .verdict")
    assert "「form-24.xlsx」を読み込みました。" in page.text_content(".upload")
    assert page.input_value(control("case.title")) == "住民基本台帳ネットワークシステムの外部結合について（情報項目の追加）"
    items = page.locator(f"{control('data.items')} input[type=text]")
    assert [items.nth(i).input_value() for i in range(items.count())][-1] == "旧氏"
    assert page.is_checked(control("system.firewall") + "-true")
    assert_same_as_cli(page, cli_findings(SEED24, tmp_path))


def test_the_downloaded_self_check_is_the_clis(page: Any, tmp_path: Path) -> None:
    page.set_input_files("#upload", str(SEED27))
    page.click("#upload-button")
    page.wait_for_selector("#pane-view .verdict")
    saved = {}
    for key in ("yaml", "self-check"):
        with page.expect_download() as info:
            page.click(f"[data-download='{key}']")
        download = info.value
        saved[key] = tmp_path / download.suggested_filename
        download.save_as(saved[key])
    assert saved["yaml"].name == "資料27.yaml" and saved["self-check"].name == "資料27_自己点検シート.xlsx"
    installed("checklist", "self-check", saved["yaml"].name, "-o", "cli.xlsx", cwd=tmp_path)
    assert (tmp_path / "cli.xlsx").read_bytes() == saved["self-check"].read_bytes()
    # the page is still there, unchanged, after the downloads
    assert page.input_value(control("case.number")) == "27"


# ------------------------------------------------------------------ the keyboard alone


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, name: e.name || '', type: e.type || '', text: (e.textContent || '').trim()}; }""")


def tab_to(page: Any, match: Any, limit: int = 400, key: str = "Tab") -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if match(now):
            return now
    raise AssertionError(f"the keyboard never reached the element (last: {focused(page)})")


def test_the_page_with_the_keyboard_alone(page: Any, tmp_path: Path) -> None:
    start = tab_to(page, lambda e: True)
    assert start["tag"] == "A" and "入力欄へ移動" in start["text"]  # the first stop skips to the form
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "case.number"  # it lands on the first field, past the uploads
    page.keyboard.type("27")
    page.keyboard.press("Tab")
    page.keyboard.type("一斉メール配信")
    page.keyboard.press("Tab")
    page.keyboard.type("教育調整課")
    page.keyboard.press("Tab")
    page.keyboard.type("令和元年9月9日")
    tab_to(page, lambda e: e["name"] == "case.kinds" and e["id"].endswith("outsourcing"))
    page.keyboard.press("Space")
    settled(page)
    assert page.locator("#pane-view .verdict").is_visible()
    # a choice from a list, by the arrow keys
    tab_to(page, lambda e: e["name"] == "case.scope")
    page.keyboard.press("ArrowDown")
    assert page.input_value(control("case.scope")) == "individual_case"
    # a yes/no answer: into the group, then the arrow keys move the answer
    tab_to(page, lambda e: e["name"] == "case.previous_approval.__applies")
    page.keyboard.press("ArrowLeft")  # from 未記載 to いいえ: the section does not apply
    assert focused(page)["id"] == "f-case-previous_approval-__applies-false"
    assert page.locator("[data-applies-body='case.previous_approval']").evaluate("e => e.disabled")
    assert page.locator(control("case.previous_approval.meeting")).is_disabled()
    # add a data item with the add button, type it, remove it again
    tab_to(page, lambda e: e["name"] == "data.items")
    page.keyboard.type("保護者氏名")
    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"].startswith("追加"))
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "data.items"
    page.keyboard.type("メールアドレス")
    page.keyboard.press("Tab")
    assert focused(page)["text"].startswith("削除")
    page.keyboard.press("Enter")
    assert focused(page)["name"] in ("data.items", "") and page.locator(f"{control('data.items')} input").count() == 1
    # Enter in a field asks for the review in place (no reload: what was typed stays)
    tab_to(page, lambda e: e["name"] == "case.title", key="Shift+Tab")
    page.keyboard.press("End")
    page.keyboard.type("について")
    page.keyboard.press("Enter")
    settled(page)
    assert page.input_value(control("case.title")) == "一斉メール配信について"
    # from the form to the advisor's view and on to a rule's page
    link = tab_to(page, lambda e: e["tag"] == "A" and "この観点の説明" in e["text"], limit=2000)
    assert link["tag"] == "A"
    page.keyboard.press("Enter")
    page.wait_for_url("**/rules/*")
    assert page.locator("h1").is_visible()


def test_the_page_works_without_its_script(browser: Any, address: str, tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True, locale="ja-JP")
    page = context.new_page()
    page.goto(address)
    page.set_input_files("#upload", str(SEED27))
    page.click("#upload-button")
    page.wait_for_selector("#pane-view .verdict")
    page.fill(control("case.meeting"), "R1.9.9")
    page.click("#update")  # the server answers with the page, the review beside the form
    page.wait_for_selector("#pane-view .verdict")
    assert page.input_value(control("case.meeting")) == "R1.9.9"
    assert_same_as_cli(page, cli_findings(SEED27, tmp_path))
    with page.expect_download() as info:
        page.click("[data-download='report']")
    assert info.value.suggested_filename == "資料27_委託審査報告.html"
    context.close()


# ------------------------------------------------------------------ entered as clerks write it, nothing lost


def add_subcontractor(page: Any, name: str, country: str) -> None:
    page.check(control("subcontractors.__applies") + "-true")
    page.click("#s-subcontractors [data-add]")
    row = page.locator("#s-subcontractors li.record").last
    row.locator("input[name$='.name']").press_sequentially(name)
    row.locator("select[name$='.role']").select_option(label="基盤の提供のみ")
    row.locator("input[name$='.handles_personal_data'][value='false']").check()
    row.locator("input[name$='.country']").press_sequentially(country)


def test_japan_as_clerks_write_it_stays_domestic(page: Any) -> None:
    page.set_input_files("#upload", str(SEED27))
    page.click("#upload-button")
    page.wait_for_selector("#pane-view .verdict")
    for written in ("日本", "国内", "Japan", "jp", "日本国"):
        add_subcontractor(page, f"データセンター{written}", written)
    add_subcontractor(page, "海外の事業者", "米国")
    settled(page)
    abroad = [m for m in pane_state(page)["messages"] if "所在国が国内ではない" in m]
    # 日本, 国内, Japan, jp and 日本国 are all Japan; 米国 is read as the United States, named in full
    assert len(abroad) == 1 and abroad[0].startswith("「海外の事業者」の所在国が国内ではない（アメリカ合衆国）。")
    read = page.locator("[data-read-for$='.country']")
    assert "「日本」として読み取りました" in read.nth(1).text_content()
    # 日本 is the first country the page offers
    assert page.locator("datalist[id$='-country-list'] option").first.get_attribute("value") == "日本"


def fill_some(page: Any) -> dict[str, str]:
    typed = {"case.number": "31", "case.title": "図書館システムの更新", "case.department": "中央図書館",
             "case.meeting": "令和8年2月3日"}
    for name, text in typed.items():
        page.locator(control(name)).press_sequentially(text)
    page.check(control("case.kinds") + "-outsourcing")
    settled(page)
    return typed


def test_a_file_too_large_keeps_everything_typed(page: Any, tmp_path: Path) -> None:
    typed = fill_some(page)
    big = tmp_path / "big.xlsx"
    with big.open("wb") as out:
        out.truncate(30 * 1024 * 1024)
    page.set_input_files("#upload", str(big))
    page.click("#upload-button")
    alert = page.locator(".upload [data-size-error]")
    alert.wait_for()
    assert "30 MB" in alert.text_content() and "10 MB" in alert.text_content() and "そのまま" in alert.text_content()
    for name, text in typed.items():
        assert page.input_value(control(name)) == text
    shoot(page, page.locator(".upload").first, "error-too-large", tmp_path)


def test_back_and_a_lost_connection_never_empty_the_form(browser: Any, address: str) -> None:
    # a page of its own: a refused connection and a page not found are the browser console's errors here
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    page = context.new_page()
    page.goto(address)
    typed = fill_some(page)
    page.goto(address + "rules")
    page.go_back()
    page.wait_for_function("() => !document.getElementById('proposal').hasAttribute('data-fresh')")
    for name, text in typed.items():
        assert page.input_value(control(name)) == text
    assert "このタブ" in page.text_content(".privacy")  # the page says where the draft is kept
    # the server cannot be reached: the pane says so in the page's words, and nothing typed goes
    page.route("**/api/check", lambda route: route.abort("connectionrefused"))
    page.locator(control("case.title")).press("End")
    page.locator(control("case.title")).press_sequentially("（第2版）")
    page.wait_for_function("() => document.getElementById('pane-status').textContent.includes('届きませんでした')")
    assert page.input_value(control("case.title")) == typed["case.title"] + "（第2版）"
    page.unroute("**/api/check")
    # an answer page from the server (an internal error, a refusal): Back brings the form back
    page.goto(address + "rules/no-such-rule")
    page.go_back()
    page.wait_for_function("() => !document.getElementById('proposal').hasAttribute('data-fresh')")
    assert page.input_value(control("case.title")) == typed["case.title"] + "（第2版）"
    context.close()


# ------------------------------------------------------------------ accessible


def axe_violations(page: Any) -> list[str]:
    """The serious and critical violations axe-core finds on the page (axe.min.js from the
    axe-playwright-python wheel, injected here; nothing is fetched)."""
    script = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(script)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation(page: Any, address: str, tmp_path: Path) -> None:
    settled(page)
    assert axe_violations(page) == [], "empty page"
    page.set_input_files("#upload", str(SEED27))
    page.click("#upload-button")
    page.wait_for_selector("#pane-view .verdict")
    assert axe_violations(page) == [], "filled page"
    page.locator(control("case.meeting")).fill("令和8年2月30日")
    page.locator(control("case.meeting")).dispatch_event("input")
    settled(page)
    assert "暦にない日付" in page.text_content("[data-error-for='case.meeting']")
    assert axe_violations(page) == [], "page with errors"
    shoot(page, page, "error-fields", tmp_path)
    page.goto(address + "rules")
    assert axe_violations(page) == [], "the catalog"
    page.goto(address + "rules/REDELEG-ABROAD")
    assert axe_violations(page) == [], "a rule's page"
    assert "所在国が記載され、「日本」以外" in page.text_content(".rule-raises")
    shoot(page, page, "rule-page", tmp_path, full=True)


def test_the_findings_pane_is_announced_and_sections_are_named(page: Any) -> None:
    assert page.get_attribute("#pane-body", "aria-live") == "polite"
    legends = page.locator(".applies legend").all_text_contents()
    assert len(legends) == len(set(legends)), "two yes/no questions read the same"
    assert any("システム" in text for text in legends)
    # 「追加」 a subcontractor after 「はい」: the list is no longer empty, the error goes
    page.check(control("subcontractors.__applies") + "-true")
    settled(page)
    assert page.locator("[data-error-for='subcontractors.__applies']").is_visible()
    page.click("#s-subcontractors [data-add]")
    assert not page.locator("[data-error-for='subcontractors.__applies']").is_visible()
