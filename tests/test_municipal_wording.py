"""Each council names itself (issue 14): the rules' texts, the labels and the documents say 区 / ward,
市 / city or 町 / town, and name the privacy office, as the judging profile does ({self},
{privacy_office} in rules/*.yaml, engine/wording/*.yaml and the field labels)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from conftest import EXAMPLES, ROOT
from itaku.engine import fields
from itaku.engine.catalog import Catalog, Rule, load_catalog, rule_texts, words_of
from itaku.engine.errors import CatalogError
from itaku.engine.evaluation import Evaluator
from itaku.engine.profiles import build_catalog, profile_catalog
from itaku.engine.wording import MUNICIPAL, READING, area_names, load_area, phrase, placeholders, speaking_for
from itaku.files.reading import load_profile, load_proposal

CITY_FOLDER = ROOT / "rules" / "profiles" / "example-city"
# Words with 区 that are not the municipality naming itself (区分 = category, 地区 = district, ...).
COMPOUNDS = ("区分", "区別", "区域", "地区", "区切", "特別区")
_COMPOUND = re.compile("|".join(COMPOUNDS))
_WARD = re.compile(r"\bwards?\b", re.IGNORECASE)


def self_references(text: str) -> list[str]:
    """Where `text` names a ward itself: 区 outside the compounds, 区政情報課, 'ward' (with context)."""
    found = [text[max(0, m.start() - 6): m.end() + 6] for m in re.finditer("区", _COMPOUND.sub("", text))]
    found += [text[max(0, m.start() - 12): m.end() + 12] for m in _WARD.finditer(text)]
    return found + [f"{{{name}}}" for name in placeholders(text)]  # a placeholder of the municipality left unfilled


def catalog_texts(catalog: Catalog) -> list[tuple[str, str]]:
    """(where, text) for every text of the catalog a person reads, except the sources (citations of
    other bodies' documents, quoted as written: see test_sources_are_citations_quoted_as_written)."""
    out = []
    for c in (*catalog.rules, *catalog.derivations):
        out += [(f"{c.id} {'.'.join(where)}", text) for where, text in rule_texts(c.spec) if where != ("source",)]
    for topic in catalog.topics.values():
        out += [(f"topic {topic.id}.{lang}", topic.get(lang)) for lang in ("ja", "en")]
    return out


def labels_and_wording(catalog: Catalog) -> list[tuple[str, str]]:
    """(where, text) for every field and choice label and every fixed text of the wording catalogue,
    as filled for the profile of `catalog`; except the abbreviations of sources spelled out (they
    name the documents the sources cite, quoted as written, like the sources themselves)."""
    out = []
    with speaking_for(words_of(catalog.profile)):
        for f in fields.walk(records=True):
            for lang in ("ja", "en"):
                out.append((f"field {f.path}.{lang}", f.label(lang)))
                out += [(f"choice {f.path}={c.value}.{lang}", c.label(lang)) for c in f.choices]
        for name in area_names():
            if name != READING:  # profile.self and profile.privacy_office are the default's words themselves
                # the full names of documents cited (source.name.*) are citations, as rules' sources are
                keys = [k for k in load_area(name) if k not in (f"profile.{m}" for m in MUNICIPAL) and not k.startswith("source.name.")]
                out += [(f"wording {key}.{lang}", phrase(key, lang)) for key in keys for lang in ("ja", "en")]
    return out


def town_folder(tmp_path: Path) -> Path:
    """The example profile copied, naming itself 町 / town: a third word the tests never wrote in a rule."""
    folder = tmp_path / "town"
    (folder / "rules").mkdir(parents=True)
    text = (CITY_FOLDER / "profile.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^self: .*$", "self: {ja: 町, en: town}", text, flags=re.M)
    (folder / "profile.yaml").write_text(text.replace("id: example-city", "id: test-town"), encoding="utf-8")
    for rule_file in (CITY_FOLDER / "rules").glob("*.yaml"):
        (folder / "rules" / rule_file.name).write_text(rule_file.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def city() -> Catalog:
    return profile_catalog("example-city")


# ------------------------------------------------------------------ texts under another profile


def test_no_rule_text_names_the_ward_under_the_example_city(city: Catalog) -> None:
    faults = [f"{where}: {found!r} in {text[:80]!r}" for where, text in catalog_texts(city) for found in self_references(text)]
    assert not faults, "\n".join(faults)


def test_no_label_or_fixed_text_names_the_ward_under_the_example_city(city: Catalog) -> None:
    faults = [f"{where}: {found!r} in {text[:80]!r}" for where, text in labels_and_wording(city) for found in self_references(text)]
    assert not faults, "\n".join(faults)


def test_the_scan_finds_the_ward_in_the_default_profile() -> None:
    """The two checks above can fail: under the default profile the same texts name the ward."""
    default = profile_catalog("default")
    found = {where.split()[0] for where, text in catalog_texts(default) if self_references(text)}
    assert {"SUP-INSPECTION", "WORK-ATTENDANCE", "REDELEG-NOT-APPROVED", "topic"} <= found
    labels = {where for where, text in labels_and_wording(default) if self_references(text)}
    assert "field subcontractors.approved_by_ward.ja" in labels and "wording form.note.ja" in labels
    assert self_references("区の施設外") and self_references("ward staff") and not self_references("区分・地区・区域")


def test_the_city_says_city_where_the_ward_said_ward(city: Catalog) -> None:
    default = profile_catalog("default")
    for rule_id, part, lang, ward, town in [
        ("SUP-INSPECTION", "message", "ja", "区政情報課が作成した", "情報公開課が作成した"),
        ("SUP-INSPECTION", "message", "en", "the secretariat's checklist", "the Information Disclosure Section's checklist"),
        ("WORK-ATTENDANCE", "message", "ja", "区職員が立ち会わない", "市職員が立ち会わない"),
        ("HANDOVER-UNSTATED-OFFSITE", "title", "en", "(data off ward premises)", "(data off city premises)"),
        ("MAIL-DOMAIN-AUTH", "message", "ja", "区民に送るメール", "市民に送るメール"),
    ]:
        before, after = (getattr(c.rule(rule_id).spec, part).get(lang) for c in (default, city))  # type: ignore[union-attr]
        assert ward in before and town in after and ward not in after
    assert city.topics["real-data-by-staff"].ja == "実データ検証は市職員"
    own = city.rule("KAMOME-EXISTING-CONTRACT").spec  # type: ignore[union-attr]
    assert isinstance(own, Rule) and own.title.ja.endswith("（本市の基準）") and "The city requires" in own.message.en


def test_sources_are_citations_quoted_as_written(city: Catalog) -> None:
    """A source cites the document a rule was written from (the seed ward's minutes, another ward's
    specification): it is the same under every profile, quotation and all."""
    default = profile_catalog("default")
    for c in default.rules:
        other = city.rule(c.id)
        if other is not None:
            assert other.spec.source == c.spec.source
    assert "区政情報課" in default.rule("SUP-INSPECTION").spec.source  # type: ignore[union-attr]


def test_the_default_profile_keeps_the_wards_words() -> None:
    """Nothing changes for the seed's ward: its texts read as they did before the placeholders."""
    default = profile_catalog("default")
    words = words_of(default.profile)
    assert {n: (w["ja"], w["en"]) for n, w in words.items()} == {
        "self": ("区", "ward"), "privacy_office": ("区政情報課", "the secretariat"),
    }
    message = default.rule("SUP-INSPECTION-UNSTATED-OFFSITE").spec.message  # type: ignore[union-attr]
    assert "区の施設外" in message.ja and "又は区が自ら確認する" in message.ja and "the ward's premises" in message.en
    assert fields.get("subcontractors.approved_by_ward").label("ja") == "区の承認"
    assert fields.get("system.real_data_verification_by").choice_label("staff", "en") == "Ward staff"


def test_rules_diff_compares_rules_as_written_and_names_the_words(city: Catalog) -> None:
    from itaku.engine.profile_diff import diff_catalogs

    diffs = diff_catalogs(profile_catalog("default"), city)
    assert [(d.subject, d.a, d.b) for d in diffs if d.section == "profile" and d.subject in ("self", "privacy_office")] == [
        ("self", "区", "市"), ("privacy_office", "区政情報課", "情報公開課"),
    ]
    # the rules that name the municipality are the same rules under either name
    assert not [d for d in diffs if d.section == "definition" and d.subject in ("SUP-INSPECTION", "WORK-ATTENDANCE")]


# ------------------------------------------------------------------ a profile of one's own: 町


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_a_town_reads_town_in_check_a_checklist_and_the_report(cli: Any, tmp_path: Path, engine: str) -> None:
    profile = str(town_folder(tmp_path))
    proposal = EXAMPLES / "extra" / "01-unapproved-redelegate.yaml"
    args = ("--profile", profile, "--engine", engine)
    text = cli("check", proposal, *args, "--fail-on", "never").stdout
    assert "町の承認が得られていない" in text and "区の承認" not in text
    english = cli("check", proposal, *args, "--fail-on", "never", "--lang", "en").stdout
    assert "the town's approval" in english and "ward" not in english.lower().replace("forward", "")
    book = tmp_path / "self-check.xlsx"
    assert cli("checklist", "self-check", proposal, *args, "-o", book).exit_code == 0
    cells = [str(c.value) for ws in load_workbook(book).worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("町の事前承認" in c for c in cells), "no checklist question names the town"
    assert not [c for c in cells if "区の承認" in c or "区の事前承認" in c]  # (sources cite the seed: 資料27（区職員立会い…）)
    html = tmp_path / "r.html"
    assert cli("report", proposal, *args, "-o", html).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "町の承認が得られていない" in page
    assert "町の承認" in page.split("町の承認が得られていない", 1)[1]  # the evidence's label: 再委託先等（1件目）／町の承認
    assert "区の承認" not in page


def test_a_town_form_names_the_town_and_reads_back(cli: Any, tmp_path: Path) -> None:
    profile = str(town_folder(tmp_path))
    source = EXAMPLES / "seed" / "22.yaml"  # work in the ward office, real data verified by staff
    form = tmp_path / "form.xlsx"
    assert cli("template", "--from", source, "--profile", profile, "-o", form).exit_code == 0
    cells = {str(c.value) for ws in load_workbook(form).worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "町職員" in cells and "区職員" not in cells
    assert any("情報公開課に提出してください" in c for c in cells)  # whom the form goes to
    as_yaml = cli("convert", form, "--profile", profile, "-o", "-")
    assert as_yaml.exit_code == 0, as_yaml.stderr
    assert yaml.safe_load(as_yaml.stdout) == yaml.safe_load(cli("convert", source, "-o", "-").stdout)
    evaluation = json.loads(cli("check", form, "--profile", profile, "--format", "json", "--fail-on", "never").stdout)[0]
    assert evaluation["case"]["number"] == "22"


def test_a_town_page_names_the_town(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from itaku.outputs import render
    from itaku.web.app import create_app

    catalog = build_catalog(load_profile(str(town_folder(tmp_path))))
    with TestClient(create_app(render, catalog=catalog), base_url="http://127.0.0.1") as client:
        page = client.get("/").text
        assert "町が承認しましたか" in page and "区が承認" not in page
        rule = client.get("/rules/REDELEG-NOT-APPROVED").text
        assert "町の事前承認" in rule and "区の事前承認" not in rule


def test_a_town_proposal_changes_are_named_in_its_words(tmp_path: Path) -> None:
    """The changes computed against the approved version name fields with the profile's labels."""
    catalog = build_catalog(load_profile(str(town_folder(tmp_path))))
    approved = load_proposal(EXAMPLES / "extra" / "01-unapproved-redelegate.yaml")
    data = approved.model_dump(mode="json", exclude_none=True)
    data["subcontractors"][0]["approved_by_ward"] = True
    new = type(approved).model_validate(data)
    evaluation = Evaluator(catalog, "reference").evaluate(new, "new.yaml", approved=("old.yaml", approved))
    labels = [c.label.ja for c in evaluation.changes.comparison.changes]  # type: ignore[union-attr]
    assert any(label.endswith("町の承認") for label in labels), labels


# ------------------------------------------------------------------ mistakes are named


def test_an_unknown_placeholder_in_a_rule_is_refused_with_its_line(tmp_path: Path, cli: Any) -> None:
    folder = town_folder(tmp_path)
    own = folder / "rules" / "city.yaml"
    text = own.read_text(encoding="utf-8")
    own.write_text(text.replace("本{self}は、契約", "本{city}は、契約"), encoding="utf-8")
    line = next(i for i, row in enumerate(own.read_text(encoding="utf-8").splitlines(), 1) if "{city}" in row)
    for command in (("rules", "lint"), ("rules", "test"), ("check", EXAMPLES / "seed" / "27.yaml")):
        result = cli(*command, "--profile", folder)
        assert result.exit_code == 2
        assert f"city.yaml:{line}" in result.stderr and "{city}" in result.stderr and "message.ja" in result.stderr


def test_an_unknown_placeholder_in_the_bundled_catalog_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("topics.yaml", "scopes.yaml", "sources.yaml", "mail.yaml"):
        (rules / name).write_text((ROOT / "rules" / name).read_text(encoding="utf-8"), encoding="utf-8")
    mail = (rules / "mail.yaml").read_text(encoding="utf-8")
    assert "{self}" in mail
    (rules / "mail.yaml").write_text(mail.replace("{self}", "{ward}", 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"unknown placeholder \{ward\}") as caught:
        load_catalog(rules)
    assert caught.value.file == "rules/mail.yaml" and caught.value.line is not None
    lines = (rules / "mail.yaml").read_text(encoding="utf-8").splitlines()
    assert "{ward}" in " ".join(lines[caught.value.line - 1: caught.value.line + 2])  # the text's line (a folded one's key)
    (rules / "mail.yaml").write_text(mail, encoding="utf-8")
    assert load_catalog(rules).rules  # and the file as shipped loads


@pytest.mark.parametrize(("word", "needle"), [
    ("{ja: '', en: town}", "self.ja"),
    ("{ja: '町{x}', en: town}", "self"),
    ("{ja: 町, en: ' town'}", "self"),
    ("{ja: 町, en: town, kana: まち}", "self.kana"),
])
def test_a_bad_word_in_a_profile_is_exit_2_naming_file_and_field(cli: Any, tmp_path: Path, word: str, needle: str) -> None:
    folder = town_folder(tmp_path)
    text = (folder / "profile.yaml").read_text(encoding="utf-8")
    (folder / "profile.yaml").write_text(text.replace("self: {ja: 町, en: town}", f"self: {word}"), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("self:"))
    result = cli("check", EXAMPLES / "seed" / "27.yaml", "--profile", folder)
    assert result.exit_code == 2 and not result.stdout
    assert f"profile.yaml:{line}: {needle}" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_profile_without_the_words_speaks_as_the_default(tmp_path: Path) -> None:
    """The fields are optional: a profile written before them loads, and names itself 区 as the ward."""
    folder = town_folder(tmp_path)
    text = (folder / "profile.yaml").read_text(encoding="utf-8")
    (folder / "profile.yaml").write_text(
        "\n".join(row for row in text.splitlines() if not row.startswith(("self:", "privacy_office:"))), encoding="utf-8"
    )
    catalog = build_catalog(load_profile(str(folder)))
    inspection, offsite = (catalog.rule(i).spec for i in ("SUP-INSPECTION", "LIFE-DELETION-UNSTATED-OFFSITE"))  # type: ignore[union-attr]
    assert isinstance(inspection, Rule) and isinstance(offsite, Rule)
    assert "区政情報課" in inspection.message.ja and "区の施設外" in offsite.title.ja
