"""The one catalogue of wording (itaku.engine.wording): complete in both languages, the only place
Japanese is spelt in code, and in step with the code that looks texts up."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from itaku.engine import wording
from itaku.engine.wording import LANGUAGES, MUNICIPAL, READING, area_names, language, load_area, phrase, words

ROOT = Path(__file__).resolve().parent.parent
# The folders whose .py files make up the installed package (setup.cfg maps them under `itaku`).
PACKAGE_DIRS = ("itaku", "engine", "reports", "checklists", "rules")
TEMPLATES = (ROOT / "reports" / "templates", ROOT / "itaku" / "web" / "templates")
# Kana, kanji, and the CJK punctuation and full-width forms that only Japanese text uses (、（）【】〜).
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# The one other place Japanese may be written: the proposal models' field labels, label(ja, en).
FIELD_LABELS = (ROOT / "engine" / "models.py", "label")
LOOKUPS = {"phrase", "has", "words", "expected", "template"}  # functions whose first argument is a catalogue key


def _sources() -> list[Path]:
    return sorted(p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    def name(call: ast.Call) -> str | None:
        func = call.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None

    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and name(n) in names]


def _placeholders(text: str) -> set[str]:
    """The values a text takes from its caller; the municipality's words ({self}, {Self} in English
    at the start of a label) are filled from the profile, not passed, so either language may use them."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field} - {*MUNICIPAL, *(m.capitalize() for m in MUNICIPAL)}


# ------------------------------------------------------------------ the catalogue itself


def _incomplete(name: str, entries: dict[str, dict[str, object]]) -> list[str]:
    """Entries of area `name` that do not give exactly ja and en (texts, or lists of words for reading)."""
    problems = []
    for key, entry in entries.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            problems.append(f"{name}: {key} has {sorted(entry) if isinstance(entry, dict) else entry!r}")
        elif name == READING:
            if not all(isinstance(entry[lang], list) for lang in LANGUAGES):
                problems.append(f"{name}: {key} is not a list of words per language")
        elif not all(isinstance(entry[lang], str) and str(entry[lang]).strip() for lang in LANGUAGES):
            problems.append(f"{name}: {key} has an empty or non-text wording")
    return problems


def test_every_text_is_given_in_every_language() -> None:
    assert [p for name in area_names() for p in _incomplete(name, load_area(name))] == []


def test_a_key_missing_a_language_is_caught() -> None:
    """The check above can fail: an entry without English, or with an empty one, is reported."""
    assert _incomplete("x.yaml", {"demo.only_ja": {"ja": "日本語だけ"}})
    assert _incomplete("x.yaml", {"demo.empty_en": {"ja": "日本語", "en": " "}})
    assert not _incomplete("x.yaml", {"demo.both": {"ja": "日本語", "en": "English"}})


def test_the_languages_of_a_text_take_the_same_values() -> None:
    """A placeholder only one language names would raise, or silently drop a value."""
    differ = [
        key for name in area_names() if name != READING for key, entry in load_area(name).items()
        if _placeholders(entry["ja"]) != _placeholders(entry["en"])
    ]
    assert not differ


def test_a_key_given_twice_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "twice.yaml").write_text("a.b:\n  ja: 一\n  en: one\na.b:\n  ja: 二\n  en: two\n", encoding="utf-8")
    monkeypatch.setattr(wording, "files", lambda _: tmp_path)
    with pytest.raises(ValueError, match="duplicate key 'a.b'"):
        load_area("twice.yaml")


def test_keys_are_unique_across_areas() -> None:
    seen: dict[str, str] = {}
    for name in area_names():
        for key in load_area(name):
            assert key not in seen, f"{key} in {seen.get(key)} and {name}"
            seen[key] = name


def test_lookup_follows_the_language_the_command_line_set() -> None:
    assert phrase("severity.blocker") == "要対応"
    token = language.set("en")
    try:
        assert phrase("severity.blocker") == "Blocker"
        assert phrase("severity.blocker", "ja") == "要対応"
        assert phrase("error.list_too_long", limit=5) == "list too long (the limit is 5 items)"
    finally:
        language.reset(token)
    assert phrase("severity.blocker", "fr") == "要対応"  # a language we lack falls back to Japanese


def test_reading_vocabularies_hold_both_languages_words() -> None:
    assert {"はい", "yes", "○"} <= set(words("read.yes"))
    assert {"未記載", "記載なし", "not stated"} <= set(words("read.not_stated"))


def test_not_stated_is_one_wording() -> None:
    """未記載 is the council's (and the form's) word for "not stated"; 記載なし is only read, never written."""
    texts = [entry["ja"] for name in area_names() if name != READING for entry in load_area(name).values()]
    assert not [t for t in texts if "記載なし" in t]
    assert phrase("value.none", "ja") == phrase("yesno.none", "ja") == "未記載"


# ------------------------------------------------------------------ the code against the catalogue


def test_no_japanese_literal_outside_the_catalogue_and_the_field_labels() -> None:
    """Docstrings and comments may be Japanese (nobody reads them in the output); string literals
    may not, except the models' field labels label(ja, en)."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = _docstrings(tree)
        if path == FIELD_LABELS[0]:
            for call in _calls(tree, {FIELD_LABELS[1]}):
                allowed |= {id(a) for a in call.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed and JAPANESE.search(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:40]!r}")
    assert not found, "\n".join(found)


def test_the_scan_sees_a_japanese_literal(tmp_path: Path) -> None:
    """The check above can fail: a literal in an f-string is a string constant too."""
    tree = ast.parse('"""説明"""\nx = f"資料{n}"\n')
    constants = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in _docstrings(tree)]
    assert [c.value for c in constants if JAPANESE.search(str(c.value))] == ["資料"]


def _used_keys() -> tuple[set[str], set[str], set[str]]:
    """(literal keys looked up, prefixes of keys built with f-strings, every string constant) in the
    package's code and templates."""
    literal, prefixes, constants = set(), set(), set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        for call in _calls(tree, LOOKUPS):
            arg = call.args[0] if call.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.fullmatch(r"[a-z_]+(\.[\w-]+)+", arg.value):
                literal.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                prefixes.add(str(arg.values[0].value))
            elif isinstance(arg, ast.IfExp):
                literal |= {b.value for b in (arg.body, arg.orelse) if isinstance(b, ast.Constant)}
    for template in (path for folder in TEMPLATES for path in folder.glob("*.j2")):
        literal |= set(re.findall(r"\bt\('([^']+)'", template.read_text(encoding="utf-8")))
    return literal, prefixes, constants


def test_every_key_the_code_looks_up_exists() -> None:
    literal, prefixes, _ = _used_keys()
    known = wording.keys()
    assert literal, "the scan found no lookups"
    assert sorted(literal - known) == []
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in known)) == []


def test_every_key_of_the_catalogue_is_used() -> None:
    """A key no code names (literally, as a string it passes on, or under a prefix it builds keys
    from) is dead wording."""
    literal, prefixes, constants = _used_keys()
    unused = [
        k for k in sorted(wording.keys())
        if k not in literal and k not in constants and not any(k.startswith(p) for p in prefixes)
    ]
    assert unused == []


# ------------------------------------------------------------------ messages printed for people

# Calls whose argument is a message a person reads, and which argument it is: what the command line
# prints (click.echo, a usage error, a progress note) and every input error's message.
MESSAGES = {"echo": 0, "note": 0, "UsageError": 0, "ClickException": 0, "BadParameter": 0, "InputError": 2}
ENGLISH = re.compile(r"[A-Za-z]{3,}")
NOT_WORDS = {"itaku"}  # the program's name prefixes every line it prints


def _english_in_messages(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, literal) of every English word written into a message in code rather than looked up."""
    found = []
    for call in _calls(tree, set(MESSAGES)):
        position = MESSAGES[call.func.id if isinstance(call.func, ast.Name) else call.func.attr]  # type: ignore[union-attr]
        if len(call.args) <= position:
            continue
        message = call.args[position]
        parts = message.values if isinstance(message, ast.JoinedStr) else [message]
        for part in parts:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                words = set(ENGLISH.findall(part.value)) - NOT_WORDS
                if words:
                    found.append((call.lineno, part.value))
    return found


def test_no_message_for_people_is_an_english_literal() -> None:
    """Messages printed for people follow --lang: they come from the catalogue (phrase), never from
    an English literal in code (the Japanese-literal test above cannot see those)."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:50]!r}"
        for path in _sources() for line, text in _english_in_messages(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "\n".join(found)


def test_the_message_scan_sees_an_english_literal() -> None:
    """The check above can fail: an f-string's literal part, a plain string, an input error's message."""
    tree = ast.parse(
        'click.echo(f"itaku: {n} done")\nraise click.UsageError("give one")\n'
        'raise InputError(f, None, f"bad {x}")\nclick.echo(f"itaku: {phrase(\'a.b\')}")\n'
    )
    assert [line for line, _ in _english_in_messages(tree)] == [1, 2, 3]
