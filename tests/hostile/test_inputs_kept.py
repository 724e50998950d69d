"""Third round, items 1 and 5 to 7: no output replaces an input of its run; the configuration, the
profile's name and the approved version mean what they say; screen's own layouts (inputs inside
OUTDIR, links, loops, OUTDIR inside the approved folder).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_hostile import guard, run  # noqa: F401 - guard: the fixture every test here uses
from test_targets import _snapshot

from conftest import EXAMPLES, ROOT
from itaku.screening import batch as sc

pytestmark = [pytest.mark.usefixtures("guard"), pytest.mark.xdist_group("processes")]

SOURCE = EXAMPLES / "seed" / "21.yaml"
CITY = ROOT / "rules" / "profiles" / "example-city"


def _one_line(stderr: str) -> None:
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr, stderr


@pytest.fixture
def city(tmp_path: Path) -> Path:
    """A municipality's profile folder (profile.yaml and rules/), copied from the shipped example."""
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    return folder


# ------------------------------------------------------------------ 1. the profile and the configuration are inputs

WRITERS = {
    "convert": lambda out, *extra: ("convert", SOURCE, "-o", out, *extra),
    "md": lambda out, *extra: ("report", SOURCE, "--format", "md", "-o", out, *extra),
    "html": lambda out, *extra: ("report", SOURCE, "--format", "html", "-o", out, *extra),
    "docx": lambda out, *extra: ("report", SOURCE, "--format", "docx", "-o", out, *extra),
    "xlsx": lambda out, *extra: ("checklist", "self-check", SOURCE, "-o", out, *extra),
    "form": lambda out, *extra: ("template", "--from", SOURCE, "-o", out, *extra),
}
SUFFIX = {"convert": ".yaml", "md": ".md", "html": ".html", "docx": ".docx", "xlsx": ".xlsx", "form": ".xlsx"}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_the_profile_file_in_use_is_never_replaced(writer: str, city: Path, tmp_path: Path) -> None:
    profile = tmp_path / f"city{SUFFIX[writer]}"
    shutil.copy(city / "profile.yaml", profile)  # a one-file profile, named as the output would be
    before = profile.read_bytes()
    code, _, stderr = run(*WRITERS[writer](profile, "--profile", profile))
    assert code == 2 and str(profile) in stderr and "上書きしません" in stderr, stderr
    _one_line(stderr)
    assert profile.read_bytes() == before


@pytest.mark.parametrize("member", ["profile.yaml", "rules/city.yaml"])
@pytest.mark.parametrize("written", ["city", "city/"])
def test_no_file_of_a_profile_folder_in_use_is_replaced(
    member: str, written: str, city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(city), _snapshot(city / "rules")
    target = city / member
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("report", SOURCE, "--format", "md", "-o", target, "--profile", written)
    assert code == 2 and "上書きしません" in stderr, stderr
    assert (_snapshot(city), _snapshot(city / "rules")) == before


def test_the_configuration_in_use_is_never_replaced(city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    config = home / "itaku" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(f"profile: {city}\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    before = config.read_bytes()
    code, _, stderr = run("convert", SOURCE, "-o", config)
    assert code == 2 and str(config) in stderr and "上書きしません" in stderr
    assert config.read_bytes() == before
    code, _, stderr = run("report", SOURCE, "--format", "md", "-o", city / "profile.yaml")  # the profile it names
    assert code == 2 and "上書きしません" in stderr


def test_a_hard_link_to_an_input_is_the_input(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    shutil.copy(SOURCE, source)
    os.link(source, tmp_path / "same.yaml")
    code, _, stderr = run("convert", source, "-o", tmp_path / "same.yaml")
    assert code == 2 and "上書きしません" in stderr
    assert source.read_bytes() == SOURCE.read_bytes()


# ------------------------------------------------------------------ 1. screen: inputs and the user's files in OUTDIR


def test_screen_never_replaces_an_input_or_a_users_file_in_outdir(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    shutil.copy(SOURCE, inputs / "p.yaml")
    (out / "p.yaml.json").write_text('{"mine": true}\n', encoding="utf-8")  # a user's own file, a result's name
    shutil.copy(EXAMPLES / "seed" / "22.yaml", out / "x.yaml")  # an input lying in OUTDIR
    mine = _snapshot(out)
    code, _, stderr = run("screen", inputs, out / "x.yaml", "-o", out, "--jobs", "1", "--fail-on", "never")
    assert code == 0, stderr
    after = _snapshot(out)
    assert all(after[name] == mine[name] for name in mine), "the user's file and the input are left as they were"
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["renamed_results"] == [{"path": str(inputs / "p.yaml"), "result": "p.yaml~2.json"}]
    assert json.loads((out / "p.yaml~2.json").read_text(encoding="utf-8"))["case"]["number"] == "21"
    # a rerun screening an earlier result as an input keeps it too
    code, _, _ = run("screen", out / "p.yaml~2.json", inputs, "-o", out, "--jobs", "1", "--fail-on", "never")
    assert code == 2  # a result is no proposal: that input's error
    assert (out / "p.yaml~2.json").exists() and _snapshot(out)["p.yaml.json"] == mine["p.yaml.json"]


@pytest.mark.parametrize("name", [sc.SUMMARY_NAME, sc.OPINION_LIST_NAME])
def test_screen_refuses_an_input_under_a_name_only_the_run_writes(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(SOURCE, out / name)
    before = _snapshot(out)
    code, _, stderr = run("screen", out / name, "-o", out, "--jobs", "1")
    assert code == 2 and name in stderr and "上書きしません" in stderr
    _one_line(stderr)
    assert _snapshot(out) == before


def test_screen_keeps_the_profile_waivers_and_approved_versions_in_outdir(tmp_path: Path, city: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(city, out)  # OUTDIR is the profile folder, holding the approved version too
    shutil.copy(SOURCE, out / "21.yaml")
    before = _snapshot(out)
    code, _, stderr = run("screen", SOURCE, "-o", out, "--jobs", "1", "--profile", out, "--approved", out / "21.yaml",
                          "--fail-on", "never")
    assert code == 0, stderr
    after = _snapshot(out)
    assert {name: after[name] for name in before} == before


# ------------------------------------------------------------------ 5. configuration and profile names


@pytest.mark.parametrize("kind", ["directory", "fifo", "link-to-nothing", "link-loop", "unreadable"])
def test_a_configuration_that_cannot_be_read_is_exit_2_naming_it(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "itaku" / "config.yaml"
    config.parent.mkdir()
    if kind == "directory":
        config.mkdir()
    elif kind == "fifo":
        os.mkfifo(config)
    elif kind == "link-to-nothing":
        config.symlink_to(tmp_path / "nowhere.yaml")
    elif kind == "link-loop":
        config.symlink_to(config)
    else:
        config.write_text("profile: example-city\n", encoding="utf-8")
        config.chmod(0)
        if os.access(config, os.R_OK):
            pytest.skip("root reads any file")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    code, stdout, stderr = run("check", SOURCE)
    assert code == 2 and str(config) in stderr and stdout == "", stderr
    _one_line(stderr)


@pytest.mark.parametrize("squatter", ["directory", "file"])
def test_a_shipped_profiles_name_means_the_shipped_profile(squatter: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("default", "example-city"):
        if squatter == "directory":
            Path(name).mkdir()
        else:
            Path(name).write_text("not: a profile\n", encoding="utf-8")
    expected = run("check", SOURCE, "--fail-on", "never", "--format", "json")
    assert expected[0] == 0, expected[2]
    city = run("check", SOURCE, "--fail-on", "never", "--format", "json", "--profile", "example-city")
    assert city[0] == 0 and json.loads(city[1])[0]["profile"]["id"] == "example-city"
    assert json.loads(run("check", SOURCE, "--fail-on", "never", "--format", "json", "--profile", "default")[1]) == json.loads(expected[1])
    code, _, stderr = run("check", SOURCE, "--profile", "./default")  # written as a path, it is the path
    assert code == 2 and "default" in stderr


def test_screen_into_a_folder_named_like_a_shipped_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("screen", SOURCE, "-o", "default", "--jobs", "1", "--fail-on", "never")
    assert code == 0, stderr
    summary = json.loads((tmp_path / "default" / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["status"] == "complete" and summary["exit_code"] == 0 and summary["screened"] == 1


def test_a_run_stopped_by_an_error_says_so_with_its_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from itaku.engine.errors import InputError

    def failing(*args: object, **kwargs: object) -> None:
        raise InputError("opinion-list.xlsx", None, "disk full")

    monkeypatch.setattr(sc.OpinionList, "write", failing)
    monkeypatch.setattr(sc.OutputFolder, "write_result", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("bug")))
    code, _, _ = run("screen", SOURCE, "-o", tmp_path / "out", "--jobs", "1")
    summary = json.loads((tmp_path / "out" / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["status"] == "stopped" and summary["exit_code"] == code == 3


# ------------------------------------------------------------------ 6. --approved of another case


@pytest.mark.parametrize("command", ["check", "report", "checklist", "template"])
def test_an_approved_version_of_another_case_is_exit_2_naming_both_numbers(command: str, tmp_path: Path) -> None:
    other = EXAMPLES / "seed" / "27.yaml"
    out = tmp_path / ("out.md" if command == "report" else "out.xlsx")
    args = {
        "check": ("check", SOURCE),
        "report": ("report", SOURCE, "-o", out),
        "checklist": ("checklist", "self-check", SOURCE, "-o", out),
        "template": ("template", "--from", SOURCE, "-o", out),
    }[command]
    code, stdout, stderr = run(*args, "--approved", other)
    assert code == 2 and "27" in stderr and "21" in stderr and str(other) in stderr, stderr
    _one_line(stderr)
    assert stdout == "" and list(tmp_path.iterdir()) == []


def test_an_approved_folder_is_still_matched_by_case_number(tmp_path: Path) -> None:
    folder = tmp_path / "approved"
    folder.mkdir()
    shutil.copy(EXAMPLES / "seed" / "27.yaml", folder / "27.yaml")  # no version of case 21 here: compared with none
    code, _, stderr = run("check", SOURCE, "--approved", folder)
    assert code == 0, stderr


# ------------------------------------------------------------------ 7. links and loops in screen's layouts


def test_loops_of_links_among_inputs_are_per_input_errors(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SOURCE, inputs / "p.yaml")
    (inputs / "a.yaml").symlink_to("b.yaml")
    (inputs / "b.yaml").symlink_to("a.yaml")
    (inputs / "self.yaml").symlink_to("self.yaml")
    (inputs / "folder").symlink_to(inputs)  # a link to its own folder is not walked
    out = tmp_path / "out"
    code, _, stderr = run("screen", inputs, inputs / "self.yaml", "-o", out, "--jobs", "1", "--fail-on", "never")
    assert code == 2 and "Traceback" not in stderr
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["screened"] == 1 and summary["failed"] == 3 and summary["exit_code"] == 2
    assert all("循環" in failure["error"] for failure in summary["failed_inputs"])
    code, _, stderr = run("check", inputs / "a.yaml")
    assert code == 2 and "循環" in stderr
    _one_line(stderr)


@pytest.mark.parametrize("kind", ["link-to-folder", "link-loop", "link-to-nothing"])
def test_a_linked_outdir_is_refused(kind: str, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    out = tmp_path / "out"
    out.symlink_to({"link-to-folder": real, "link-loop": out, "link-to-nothing": tmp_path / "nowhere"}[kind])
    code, _, stderr = run("screen", SOURCE, "-o", out, "--jobs", "1")
    assert code == 2 and str(out) in stderr
    _one_line(stderr)
    assert list(real.iterdir()) == [] and not (tmp_path / "nowhere").exists()


def test_results_are_never_read_back_as_approved_versions(tmp_path: Path) -> None:
    approved = tmp_path / "approved"
    approved.mkdir()
    shutil.copy(SOURCE, approved / "21.yaml")
    out = approved / "results"
    for _ in range(2):  # the second run finds the first run's results inside the approved folder
        code, _, stderr = run("screen", SOURCE, "-o", out, "--approved", approved, "--jobs", "1", "--fail-on", "never")
        assert code == 0, stderr
    result = json.loads((out / "21.yaml.json").read_text(encoding="utf-8"))
    assert result["changes"]["compared_with"]["source"] == str(approved / "21.yaml")  # not a result of the first run
