"""Third round, items 3 and 4: a profile cannot make a command hang or grow without bound, and what it
supplies reaches the terminal escaped like a proposal's values.

Each hostile rule lives in profiles/ beside this file and joins a copy of the shipped example profile.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_hostile import guard, run  # noqa: F401 - guard: the fixture every test here uses
from test_inputs_kept import CITY

from conftest import EXAMPLES
from itaku.engine import templating
from itaku.engine.models import Proposal

pytestmark = [pytest.mark.usefixtures("guard"), pytest.mark.xdist_group("processes")]

PROFILES = Path(__file__).parent / "profiles"  # hostile rule files, each joined to a copy of the example profile
CASE = EXAMPLES / "profiles" / "example-city" / "02-existing-contract-site.yaml"  # fires the city's own rule


def profile_with(rule_file: str, tmp_path: Path) -> Path:
    """The example city's profile with the hostile rule file `rule_file` among its rules."""
    folder = tmp_path / rule_file.removesuffix(".yaml")
    shutil.copytree(CITY, folder)
    shutil.copy(PROFILES / rule_file, folder / "rules" / rule_file)
    return folder


def _refused(code: int, stderr: str, rule_file: str, rule_id: str) -> None:
    assert code == 2, stderr
    assert rule_file in stderr and rule_id in stderr and "Traceback" not in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


# ------------------------------------------------------------------ message templates

TEMPLATES = {
    "template-loops.yaml": ("HOSTILE-LOOPS", "steps"),
    "template-repeat.yaml": ("HOSTILE-REPEAT", "repetition"),
    "template-doubling.yaml": ("HOSTILE-DOUBLING", "100,000"),
    "template-width.yaml": ("HOSTILE-WIDTH", "format"),
    "template-filter.yaml": ("HOSTILE-FILTER", "center"),
    "template-power.yaml": ("HOSTILE-POWER", "power"),
}


@pytest.mark.parametrize("rule_file", sorted(TEMPLATES))
@pytest.mark.parametrize("command", ["check", "rules-test", "report"])
def test_a_message_past_the_limits_is_exit_2_naming_its_rule(rule_file: str, command: str, tmp_path: Path) -> None:
    profile = profile_with(rule_file, tmp_path)
    rule_id, what = TEMPLATES[rule_file]
    args = {
        "check": ("check", CASE),
        "rules-test": ("rules", "test"),
        "report": ("report", CASE, "--format", "md", "-o", tmp_path / "r.md"),
    }[command]
    code, _, stderr = run(*args, "--profile", profile)
    _refused(code, stderr, rule_file, rule_id)
    assert what in stderr
    assert not (tmp_path / "r.md").exists()


def test_many_findings_of_a_slow_message_share_one_budget(tmp_path: Path) -> None:
    profile = profile_with("template-slow-items.yaml", tmp_path)
    proposal = yaml.safe_load((EXAMPLES / "extra" / "01-unapproved-redelegate.yaml").read_text(encoding="utf-8"))
    first = proposal["subcontractors"][0]
    proposal["subcontractors"] = [{**first, "name": f"協力会社{i}"} for i in range(500)]
    many = tmp_path / "many.yaml"
    many.write_text(yaml.safe_dump(proposal, allow_unicode=True), encoding="utf-8")
    code, _, stderr = run("check", many, "--profile", profile)
    _refused(code, stderr, "template-slow-items.yaml", "HOSTILE-SLOW-ITEMS")
    # one such finding is within the limits: the message is made
    proposal["subcontractors"] = proposal["subcontractors"][:3]
    many.write_text(yaml.safe_dump(proposal, allow_unicode=True), encoding="utf-8")
    code, stdout, stderr = run("check", many, "--profile", profile, "--fail-on", "never")
    assert code == 0 and "再委託先「協力会社2」" in stdout, stderr


@pytest.mark.parametrize("text, expected", [
    ("{% for n in [1, 2, 3] %}{{ n }}{{ '、' if not loop.last }}{% endfor %}", "1、2、3"),
    ("{{ '-' * 10 }}", "-" * 10),
    ("{{ ['a', 'b']|join('／') }}", "a／b"),
    ("{{ 'abc'|replace('b', 'x' * 5) }}", "axxxxxc"),
    ("{{ 'ab'.upper() ~ 'cd' }}", "ABcd"),
    ("{{ range(3)|list|length }}", "3"),
    ("{{ 2 ** 10 }}", "1024"),
])
def test_ordinary_messages_are_made_as_written(text: str, expected: str) -> None:
    from itaku.engine.evaluation import message_templates

    assert templating.render_bounded(message_templates().from_string(text), {}) == expected


@pytest.mark.parametrize("text", [
    "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10 ** 9 }}", "{{ ['x'] * 10 ** 9 }}", "{{ 'x' * 99999 * 99999 }}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{{ range(10000)|join('x' * 9999) }}", "{{ ('x' * 9999)|replace('', 'y' * 9999) }}",
    "{{ 'x'.ljust(10 ** 9) }}", "{{ 'x'.zfill(99999999) }}", "{{ '%099999999d' % 1 }}", "{{ '{:>99999999}'.format(1) }}",
    "{{ (2 ** 100) ** 100 }}", "{{ lipsum(10 ** 6) }}", "{{ 'x'|indent(10 ** 9) }}", "{{ 'x'|wordwrap(1) * 10 ** 9 }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "{% set l = [1] %}{% for i in range(40) %}{{ l.extend(l) }}{% endfor %}",
    "{% for i in range(10 ** 9) %}{% endfor %}",
])
def test_a_message_cannot_hang_or_grow(text: str) -> None:
    from jinja2 import TemplateError

    from itaku.engine.evaluation import message_templates

    started = time.monotonic()
    with pytest.raises((templating.TemplateLimit, TemplateError)):
        templating.render_bounded(message_templates().from_string(text), {})
    assert time.monotonic() - started < 10


# ------------------------------------------------------------------ conditions


@pytest.mark.parametrize("pairs", [8, 20])
@pytest.mark.parametrize("command", [("check", CASE), ("rules", "lint"), ("rules", "test"), ("rules", "list")])
def test_a_condition_that_multiplies_out_too_far_is_refused_at_load(pairs: int, command: tuple[Any, ...], tmp_path: Path) -> None:
    rule_file = f"nested-any-{pairs}.yaml"
    code, stdout, stderr = run(*command, "--profile", profile_with(rule_file, tmp_path))
    _refused(code, stderr, rule_file, f"HOSTILE-ANY-{pairs}")
    assert re.search(rf"{re.escape(rule_file)}:\d+", stderr), "the line is named"
    assert stdout == ""


def test_a_condition_within_the_limit_loads_and_judges(tmp_path: Path) -> None:
    profile = profile_with("nested-any-7.yaml", tmp_path)
    code, stdout, stderr = run("check", CASE, "--profile", profile, "--fail-on", "never")
    assert code == 0, stderr
    code, stdout, _ = run("rules", "test", "--profile", profile)
    assert code == 0 and "失敗 0 件" in stdout


# ------------------------------------------------------------------ 4. what a profile supplies, on the terminal


def _forged_profile(tmp_path: Path) -> Path:
    folder = profile_with("forged-text.yaml", tmp_path)
    main = folder / "profile.yaml"
    data = yaml.safe_load(main.read_text(encoding="utf-8"))
    data["name"]["ja"] = "市\n=> 必要となる対策は十分にとられている。\x1b[2J"
    data["disabled"]["SITE-WEBMAIL"]["reason"]["ja"] = "理由\n=> 必要となる対策は十分にとられている。\x1b]0;x\x07"
    data["severity"]["SUP-ANNUAL-REPORT-REMINDER"]["reason"]["ja"] = "理由\n=> 必要となる対策は十分にとられている。\x1b[2J"
    main.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _inert(stdout: str) -> None:
    assert "\x1b" not in stdout and "\x07" not in stdout
    assert not any(line.lstrip().startswith("=>") for line in stdout.splitlines()), stdout


@pytest.mark.parametrize("args", [
    ("rules", "diff"), ("rules", "diff", "--format", "json"), ("rules", "explain", "HOSTILE-FORGED"), ("rules", "list"),
    ("rules", "explain", "SITE-WEBMAIL"), ("rules", "explain", "SUP-ANNUAL-REPORT-REMINDER"),
], ids=["diff", "diff-json", "explain", "list", "explain-switched-off", "explain-severity"])
def test_a_profiles_texts_are_escaped_like_proposal_values(args: tuple[str, ...], tmp_path: Path) -> None:
    profile = _forged_profile(tmp_path)
    code, stdout, stderr = run(*args, "--profile", profile)
    assert code in (0, 2), stderr
    _inert(stdout + stderr)
    assert "\\n=> " in stdout + stderr, "the text is shown, escaped"


# ------------------------------------------------------------------ the page under a slow profile


def test_the_page_answers_others_while_one_is_slow_and_ctrl_c_stops_it_at_once(tmp_path: Path) -> None:
    """A request judged under the slow profile takes seconds: the page still answers, and Ctrl-C ends
    the server at once, in one line, without waiting for the request."""
    from test_web_server import opened
    from web_support import FORM, ITAKU, body, pairs_of

    from itaku.files.reading import load_proposal

    profile = profile_with("template-slow-items.yaml", tmp_path)
    base = load_proposal(EXAMPLES / "extra" / "01-unapproved-redelegate.yaml", lambda _: None)
    first = base.subcontractors[0]
    proposal = Proposal.model_validate({
        **base.model_dump(), "subcontractors": [{**first.model_dump(), "name": f"協力会社{i}"} for i in range(300)],
    })
    process = subprocess.Popen(
        [str(ITAKU), "serve", "--port", "0", "--profile", str(profile)], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        address = re.search(r"http://[0-9.:]+", process.stdout.readline())
        assert address is not None
        client, token = opened(address.group())
        pairs = pairs_of(proposal, token)
        slow = [threading.Thread(target=lambda: _quietly(client.post, "/api/check", content=body(pairs), headers=FORM))
                for _ in range(3)]
        for thread in slow:
            thread.start()
        time.sleep(0.5)
        assert client.get("/").status_code == 200, "the page still answers"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=3)  # at once, not when the requests are done
        assert process.returncode == 130
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
        for thread in slow:
            thread.join(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _quietly(func: Any, *args: Any, **kwargs: Any) -> None:
    with contextlib.suppress(Exception):  # the server went away mid-request: what Ctrl-C does
        func(*args, **kwargs)
