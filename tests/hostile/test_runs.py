"""Second round, items 5 to 7: file names of any kind, text on the terminal, runs that end cleanly.

Signals are sent to the real command (the `itaku` script beside this Python) in its own process
group, as a terminal or a service manager sends them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile import INPUTS, guard, run  # noqa: F401 - guard: the fixture every test here uses

from conftest import SEED
from itaku.engine.safe_text import inert, inert_line, json_text
from itaku.screening import batch as sc

# the screens here run worker processes against a 20 s guard: one such test at a time (make test
# runs two pytest workers; tests of a group stay on one of them)
pytestmark = [pytest.mark.usefixtures("guard"), pytest.mark.xdist_group("processes")]

ITAKU = Path(sys.executable).with_name("itaku")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ITAKU_DEBUG")}


# ------------------------------------------------------------------ the terminal shows text

UNSAFE = {"Cc", "Cs", "Zl", "Zp"}
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@settings(max_examples=500, derandomize=True)
@given(st.text(st.characters(), max_size=60) | st.binary(max_size=30).map(os.fsdecode))
def test_any_text_is_one_inert_line(text: str) -> None:
    """Whatever a value or a file name holds, the terminal gets one line of visible characters."""
    line = inert_line(text)
    assert len(line.splitlines()) <= 1
    assert not any(unicodedata.category(c) in UNSAFE or c in BIDI for c in line), ascii(line)
    line.encode("utf-8")  # a lone surrogate (a byte that was not UTF-8) never reaches the encoder
    if all(unicodedata.category(c) not in UNSAFE and c not in BIDI and c not in "\t" for c in text):
        assert line == text, "ordinary text is left as written"
    block = inert(text)  # documents keep their line breaks, nothing else
    assert not any((unicodedata.category(c) in UNSAFE and c not in "\t\n") or c in BIDI for c in block)
    assert json.loads(json_text({"v": text}))["v"] == text, "JSON keeps the data, escaped"


def test_a_line_break_in_a_value_never_makes_a_line_of_its_own() -> None:
    code, stdout, _ = run("check", "--fail-on", "never", INPUTS / "line-break-in-value.yaml")
    assert code == 0
    lines = stdout.splitlines()
    assert [line for line in lines if line.startswith("=>")] == [lines[-1]], "one verdict line, the last"
    assert "\x1b" not in stdout and "\\n=> " in stdout and "\\x1b[2J" in stdout


def test_an_error_quoting_a_line_break_stays_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('format: itaku/v1\ncase: {number: "1", title: t, department: d, kinds: ["x\\n=> ok\\x1b[2J"]}\n')
    code, _, stderr = run("check", path)
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and "\x1b" not in stderr


def _linkifier() -> Any:
    """markdown-it with linkify, as VS Code and many chat tools render Markdown: it links bare URLs,
    `www.` hosts, e-mail addresses and bare domains with a TLD it knows (taught the test's TLDs too)."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table", "strikethrough"])
    renderer.linkify.tlds(["example", "evil", "local", "md", "js"], True)
    return renderer


def _visible(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def test_markdown_leaves_no_bare_url_as_a_live_link() -> None:
    code, stdout, _ = run("report", "--format", "md", "-o", "-", INPUTS / "bare-url.yaml")
    assert code == 0
    for escaped in ("https\\://evil\\.example/login", "www\\.evil\\.example", "admin\\@evil\\.example",
                    " evil\\.example/login", "login\\.example\\.com/form", "例え\\.jp", "a\\.co\\.jp", "example\\.com"):
        assert escaped in stdout, escaped
    # numbers, versions and abbreviations keep their dots: only a dot before a possible TLD is escaped
    assert "版 v1.2.3、比率 1.5、3.5mm、No.3、e.g. 令和元年9月9日" in stdout
    rendered = _linkifier().render(stdout)
    assert "<a " not in rendered
    title = yaml.safe_load((INPUTS / "bare-url.yaml").read_text(encoding="utf-8"))["case"]["title"]
    assert title in _visible(rendered), "the text still reads as written"


LINKISH = st.sampled_from([
    "www", "http", "https", "ftp", "mailto", ":", "//", ".", "/", "@", "-", " ", "、", "example", "evil", "com",
    "co", "jp", "md", "a", "x1", "1", "5", "v1", "例え", "詳細は", "localhost", ":8080", "?q=1", "#top", "~",
])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(LINKISH, min_size=1, max_size=14).map("".join))
def test_no_text_becomes_a_link_in_a_linkifying_renderer(text: str) -> None:
    from itaku.reports.markdown import md_escape

    rendered = _linkifier().render(md_escape(text))
    assert "<a " not in rendered, (text, rendered)
    assert _visible(rendered) == text.strip(), (text, rendered)


# ------------------------------------------------------------------ file names of any kind

WEIRD = [
    b"\x8e\x91\x97\xbf27.yaml",  # 資料27 in Shift_JIS, as a Windows ZIP stores it
    b"a" * 245 + b".yaml",  # 250 bytes
    b"line\nbreak.yaml",
    b"escape\x1b[2Jname.yaml",
    "右から\u202e左.yaml".encode(),
    "い".encode() * 80 + b".yaml",
]


@pytest.fixture
def weird(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in WEIRD:
        shutil.copy(SEED[0], folder / os.fsdecode(name))
    (folder / os.fsdecode(b"broken\x8e\n.yaml")).write_text("format: x\n", encoding="utf-8")
    return folder


def test_screen_writes_a_safe_result_or_an_error_for_every_name(weird: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run("screen", weird, "-o", out, "--jobs", "1", "--fail-on", "never")
    assert code == 2, stderr
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["screened"] == len(WEIRD) and summary["failed"] == 1 and summary["status"] == "complete"
    results = [p for p in out.glob("*.json") if p.name != sc.SUMMARY_NAME]
    assert len(results) == len(WEIRD)
    for path in results:
        raw = os.fsencode(path.name)
        assert len(raw) <= sc.MAX_NAME_BYTES and raw.decode("utf-8") == inert_line(path.name)
        assert json.loads(path.read_text(encoding="utf-8"))["case"]["number"] == "21"
    renamed = {r["path"].rsplit("/", 1)[-1]: r["result"] for r in summary["renamed_results"]}
    assert renamed["\\x8e\\x91\\x97\\xbf27.yaml"] == "____27.yaml.json"
    assert renamed["line\\nbreak.yaml"] == "line_break.yaml.json"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "broken\\x8e\\n.yaml" in lines[0]


def test_every_command_shows_such_names_escaped(weird: Path, tmp_path: Path) -> None:
    for name in WEIRD[:4]:
        path = weird / os.fsdecode(name)
        code, stdout, stderr = run("check", "--fail-on", "never", path)
        assert code == 0, stderr
        assert inert_line(path) in stdout and "\x1b" not in stdout
        code, stdout, _ = run("check", "--format", "json", "--fail-on", "never", path)
        assert json.loads(stdout)[0]["source"] == inert_line(path)
        code, _, stderr = run("report", path, "--format", "html", "-o", tmp_path / "r.html")
        assert code == 0, stderr
    code, _, stderr = run("check", weird / os.fsdecode(b"broken\x8e\n.yaml"))
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and "broken\\x8e\\n.yaml" in stderr


def test_screen_says_a_missing_path_is_missing(tmp_path: Path) -> None:
    code, _, stderr = run("screen", tmp_path / "nowhere", *SEED[:1], "-o", tmp_path / "out", "--jobs", "1")
    assert code == 2 and "nowhere" in stderr and "見つかりません" in stderr
    summary = json.loads((tmp_path / "out" / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["failed"] == 1 and summary["screened"] == 1


def test_special_files_in_a_screened_folder_are_refused_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED[0], folder / "a.yaml")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    code, _, stderr = run("screen", folder, "-o", tmp_path / "out", "--jobs", "1", "--fail-on", "never")
    assert code == 2
    assert "pipe.yaml" in stderr and "zero.yaml" in stderr and "通常のファイルではありません" in stderr


# ------------------------------------------------------------------ runs end cleanly


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    process = subprocess.Popen([ITAKU, "rules", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=_env())
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader went away before itaku wrote (`| head -0`)
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert stderr == b""


def _as_in_a_terminal() -> None:
    # A command started from a terminal has the default Ctrl-C; one started in the background of a
    # script (as this test may be) inherits "ignore", which itaku rightly keeps.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _many(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(count):
        shutil.copy(SEED[i % len(SEED)], folder / f"{i:05d}.yaml")
    return folder


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_a_signal_during_screen_ends_it_cleanly(how: str, tmp_path: Path) -> None:
    folder, out = _many(tmp_path, 1500), tmp_path / "out"
    out.mkdir()
    (out / sc.SUMMARY_NAME).write_text('{"status": "complete", "inputs": 7}', encoding="utf-8")  # an old run's
    process = subprocess.Popen(
        [ITAKU, "screen", folder, "-o", out, "--jobs", "2", "--fail-on", "never"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=_env(), start_new_session=True,
        preexec_fn=_as_in_a_terminal,
    )
    deadline = time.monotonic() + 120
    while not any(out.glob("*.yaml.json")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if process.poll() is not None:
        pytest.skip("screening finished before the signal could be sent")
    if how == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, workers too
    else:
        process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == (130 if how == "SIGINT" else 143)
    text = stderr.decode("utf-8")
    assert len(text.strip().splitlines()) == 1 and "Traceback" not in text, text
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))
    summary_path = out / sc.SUMMARY_NAME
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        assert summary["status"] == "interrupted" and summary["inputs"] < 1500
    for result in out.glob("*.yaml.json"):
        json.loads(result.read_text(encoding="utf-8"))  # every result left is whole


def _workers_of(pid: int) -> list[int]:
    """The worker processes a command started (children running multiprocessing's spawn_main)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_a_worker_killed_by_the_system_costs_one_proposal_not_the_run(tmp_path: Path) -> None:
    folder, out = _many(tmp_path, 600), tmp_path / "out"
    process = subprocess.Popen(
        [ITAKU, "screen", folder, "-o", out, "--jobs", "2", "--fail-on", "never"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=_env(),
    )
    deadline = time.monotonic() + 15
    while not any(out.glob("*.yaml.json")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    victims = _workers_of(process.pid)
    if process.poll() is not None or not victims:
        process.kill()
        pytest.skip("screening finished before a worker could be killed")
    os.kill(victims[0], signal.SIGKILL)  # what the out-of-memory killer does
    _, stderr = process.communicate(timeout=15)
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["status"] == "complete" and summary["inputs"] == 600
    assert summary["screened"] + summary["engine_errors"] == 600 and summary["engine_errors"] <= 1
    assert process.returncode == (3 if summary["engine_errors"] else 0)
    for error in summary["engine_error_inputs"]:
        assert "SIGKILL" in error["error"] and "メモリ不足" in error["error"]
    assert "Traceback" not in stderr.decode("utf-8")
    assert len(list(out.glob("*.yaml.json"))) == summary["screened"]


def test_a_rerun_replaces_the_earlier_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("screen", *SEED[:3], "-o", out, "--jobs", "1", "--fail-on", "never")[0] == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert run("screen", SEED[4], "-o", out, "--jobs", "1", "--fail-on", "never", "--no-opinion-list")[0] == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([sc.MANIFEST_NAME, "notes.txt", sc.SUMMARY_NAME, f"{SEED[4].name}.json"])
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine", "files not written by screen stay"


def test_an_interrupted_run_marks_its_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run("screen", *SEED, "-o", out, "--jobs", "1", "--fail-on", "never")[0] == 0
    real = sc.write_outcome
    calls = []

    def interrupt(folder: sc.OutputFolder, outcome: sc.Outcome) -> sc.Outcome:
        calls.append(outcome)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(folder, outcome)

    monkeypatch.setattr(sc, "write_outcome", interrupt)
    code, _, stderr = run("screen", *SEED, "-o", out, "--jobs", "1", "--fail-on", "never")
    assert code == 130 and len(stderr.strip().splitlines()) == 1
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["status"] == "interrupted" and summary["inputs"] == 2
    assert sorted(p.name for p in out.glob("*.yaml.json")) == [f"{p.name}.json" for p in SEED[:2]]


def test_jobs_are_capped_by_the_cpus_and_the_inputs(tmp_path: Path) -> None:
    assert sc.worker_count(10**9, 10**6) == sc.usable_cpus()
    assert sc.worker_count(None, 3) == min(3, sc.usable_cpus())
    assert sc.worker_count(5, 0) == 1
    code, _, stderr = run("screen", *SEED[:2], "-o", tmp_path / "out", "--jobs", "1000000", "--fail-on", "never")
    assert code == 0, stderr

