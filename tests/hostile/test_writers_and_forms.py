"""Third round, items 2 and 8 to 10: forms read as shown, writers that hold every text, round trips
that keep the data, and a long answer judged once per topic.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_hostile import INPUTS, guard, run  # noqa: F401 - guard: the fixture every test here uses

from conftest import EXAMPLES

pytestmark = pytest.mark.usefixtures("guard")

UNSAFE = INPUTS / "xml-unsafe.json"  # U+FFFE, U+FFFF, C0 controls, NEL, LS, PS, ESC, CR, a line break in the title
SOURCE = EXAMPLES / "seed" / "21.yaml"


# ------------------------------------------------------------------ 8. every writer holds every text

WRITERS = {
    "docx": lambda out: ("report", UNSAFE, "--format", "docx", "-o", out),
    "html": lambda out: ("report", UNSAFE, "--format", "html", "-o", out),
    "md": lambda out: ("report", UNSAFE, "--format", "md", "-o", out),
    "form": lambda out: ("template", "--from", UNSAFE, "-o", out),
    **{kind: (lambda kind: lambda out: ("checklist", kind, UNSAFE, "-o", out))(kind)
       for kind in ("self-check", "inspection", "management-record", "opinion-list")},
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_writer_holds_characters_xml_cannot(writer: str, tmp_path: Path) -> None:
    out = tmp_path / ("out." + {"docx": "docx", "html": "html", "md": "md"}.get(writer, "xlsx"))
    code, _, stderr = run(*WRITERS[writer](out))
    assert code == 0, stderr
    if out.suffix == ".xlsx":
        import openpyxl

        openpyxl.load_workbook(out)  # opens: every cell is XML a spreadsheet reads
    elif out.suffix == ".docx":
        import docx

        docx.Document(str(out))
    else:
        text = out.read_text(encoding="utf-8")
        assert "\ufffe" not in text and "\uffff" not in text and "\x01" not in text


def test_a_line_break_in_a_value_never_makes_a_line_of_the_word_opinion(tmp_path: Path) -> None:
    import docx

    out = tmp_path / "opinion.docx"
    assert run("report", UNSAFE, "--format", "docx", "-o", out)[0] == 0
    document = docx.Document(str(out))
    lines = [line for p in document.paragraphs for line in p.text.split("\n")]
    assert not any(line.lstrip().startswith("=>") for line in lines), "no forged 意見 line"
    subject = next(p.text for p in document.paragraphs if "意見: 承認してよい" in p.text)
    assert "件名" in subject and "\n" not in subject  # the title stays inside its own line
    assert not document.element.body.xpath(".//w:br"), "no line break inside a paragraph"


def test_a_lone_surrogate_is_no_text(tmp_path: Path) -> None:
    code, stdout, stderr = run("check", INPUTS / "lone-surrogate.json")
    assert code == 2 and "lone-surrogate.json" in stderr and "\\ud800" in stderr and stdout == ""


# ------------------------------------------------------------------ 9. round trips keep the data


@pytest.mark.parametrize("char", ["\u0085", "\u2028", "\u2029", "\x1b", "\r", "\r\n", "\t", "\x7f"])
def test_convert_keeps_every_character(char: str, tmp_path: Path) -> None:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    data["case"]["title"] = f"件名{char}続き"
    data["business"]["purpose"] = f"一行目\n二行目{char}三行目"
    source = tmp_path / "p.json"
    source.write_text(_json(data), encoding="utf-8")
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert run("convert", source, "-o", first)[0] == 0
    assert run("convert", first, "-o", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    back = yaml.safe_load(first.read_text(encoding="utf-8"))
    assert back["case"]["title"] == data["case"]["title"] and back["business"]["purpose"] == data["business"]["purpose"]


def _json(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=True, default=str)


class FormFields(HTMLParser):
    """The (name, value) pairs a browser sends for the page's form as shown: text and hidden inputs,
    text areas, checked boxes and radio buttons, selected options (templates are not the form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self._area: list[str] | None = None
        self._select: str | None = None
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._template += tag == "template"
        name = a.get("name")
        if self._template or (not name and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type") or "text"
            if kind in ("text", "hidden") or (kind in ("radio", "checkbox") and "checked" in a):
                self.pairs.append((name or "", a.get("value") or ""))
        elif tag == "textarea":
            self._area = [name or "", ""]
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        elif tag == "textarea" and self._area is not None:
            self.pairs.append((self._area[0], self._area[1]))
            self._area = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self._area[1] += data


@pytest.mark.parametrize("path", [UNSAFE, SOURCE, EXAMPLES / "seed" / "27.yaml"], ids=lambda p: p.name)
def test_the_pages_upload_and_yaml_download_are_convert(path: Path, client: Any, token: str, tmp_path: Path) -> None:
    from web_support import FORM, body

    page = client.post("/upload", data={"token": token}, files={"upload": (path.name, path.read_bytes())})
    assert page.status_code == 200
    form = FormFields()
    form.feed(page.text)
    saved = client.post("/download/yaml", content=body(form.pairs), headers=FORM)
    assert saved.status_code == 200
    out = tmp_path / "converted.yaml"
    assert run("convert", path, "-o", out)[0] == 0
    assert saved.content == out.read_bytes()


# ------------------------------------------------------------------ 2. a form is read as it is shown


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("form") / "form.xlsx"
    assert run("template", "--from", SOURCE, "-o", out)[0] == 0
    return out


def _department_cell(ws: Any) -> str:
    return next(c.coordinate for row in ws.iter_rows() for c in row if c.value == "子ども家庭課")


# the department as a worksheet may hold it: as characters, or as character references
DEPARTMENT_XML = re.escape("子ども家庭課".encode()) + b"|" + "".join(f"&#{ord(c)};" for c in "子ども家庭課").encode()


def _main_sheet(wb: Any) -> Any:
    """The form's sheet of questions (the instructions come first)."""
    return next(ws for ws in wb.worksheets if any(c.value == "子ども家庭課" for row in ws.iter_rows() for c in row))


@pytest.mark.parametrize("number_format, outcome", [
    (';;;"総務課"', "refused"), ('"総務課";"総務課";"総務課";"総務課"', "refused"), (';;;"課: "@', "refused"),
    (";;;", "warned"), (";;; ", "warned"), ("[Red];;;", "warned"),
    (";;;@", "read"), ("@", "read"), ("General", "read"), ('0;-0;0', "read"),
])
def test_a_number_format_that_replaces_or_hides_text(number_format: str, outcome: str, form: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(form)
    ws = _main_sheet(wb)
    cell = _department_cell(ws)
    ws[cell].number_format = number_format
    path = tmp_path / "formatted.xlsx"
    wb.save(path)
    code, stdout, stderr = run("check", path, "--fail-on", "never", "--format", "json")
    if outcome == "refused":
        assert code == 2 and f"{ws.title}!{cell}" in stderr and "表示形式" in stderr and stdout == "", stderr
    else:
        assert code == 0, stderr
        assert '"department": "子ども家庭課"' in stdout
        assert ("表示形式" in stderr) == (outcome == "warned"), stderr


def test_a_hidden_number_in_a_number_field_is_warned_about(form: Path, tmp_path: Path) -> None:
    from itaku.forms.form_reader import shown_otherwise

    assert shown_otherwise("0;;;", 0) == "hidden" and shown_otherwise("0;;;", 5) is None
    assert shown_otherwise('"十分";"十分";"十分"', 3) == "replaced" and shown_otherwise('0"人"', 3) is None


def _with_shared_string(form: Path, out: Path, index: bytes) -> str:
    """The form with its department cell stored as shared string `index` (two shared strings exist);
    returns the cell."""
    found: list[str] = []

    def shared(m: re.Match[bytes]) -> bytes:
        found.append(m.group(1).decode())
        return b'<c r="' + m.group(1) + b'"' + m.group(2) + b' t="s"><v>' + index + b"</v></c>"

    with zipfile.ZipFile(form) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<c r="([A-Z]+[0-9]+)"([^>]*) t="inlineStr"><is><t>(?:' + DEPARTMENT_XML + rb")</t></is></c>",
                    shared,
                    data,
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            target.writestr(info, data)
        target.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        "<si><t>総務課</t></si><si><t>子ども家庭課</t></si></sst>")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("index, ok", [(b"1", True), (b"-1", False), (b"-2", False), (b"2", False), (b"99999999999", False)])
def test_a_shared_string_that_is_not_there_is_a_broken_workbook(index: bytes, ok: bool, form: Path, tmp_path: Path) -> None:
    path = tmp_path / "shared.xlsx"
    cell = _with_shared_string(form, path, index)
    code, stdout, stderr = run("check", path, "--fail-on", "never", "--format", "json")
    if ok:
        assert code == 0 and '"department": "子ども家庭課"' in stdout, stderr
    else:
        assert code == 2 and f"!{cell}" in stderr and "壊れています" in stderr and stdout == "", stderr
        assert len(stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ 10. an answer judged once per topic


def test_a_long_answer_is_read_once_per_topic_however_many_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    from itaku.engine import responses
    from itaku.engine.evaluation import Evaluator
    from itaku.engine.loader import parse_proposal
    from itaku.engine.profiles import default_catalog

    data = yaml.safe_load((EXAMPLES / "extra" / "01-unapproved-redelegate.yaml").read_text(encoding="utf-8"))
    first = data["subcontractors"][0]
    data["subcontractors"] = [{**first, "name": f"協力会社{i}"} for i in range(200)]
    data["responses"] = {"redelegation": "再委託先は承認を得てから使う。" * 2000, "removable-media": "暗号化する。"}
    proposal = parse_proposal(yaml.safe_dump(data, allow_unicode=True), "p.yaml", ".yaml")
    calls: list[int] = []
    real = responses._sentences
    monkeypatch.setattr(responses, "_sentences", lambda text: calls.append(len(text)) or real(text))
    evaluation = Evaluator(default_catalog(), "reference").evaluate(proposal, "p.yaml")
    judged = [f for f in evaluation.findings if f.response is not None]
    assert len([f for f in judged if f.topic == "redelegation"]) >= 200
    assert len(calls) == len({f.topic for f in judged}), "one reading per topic answered"
