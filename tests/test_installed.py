"""Every subcommand, run as a user runs it: the `itaku` command installed beside this Python.

`make test` runs the suite from a wheel installed in a fresh virtual environment (ITAKU_EXPECT_WHEEL=1),
so a subpackage, rule file or template missing from the wheel fails here, not on a user's machine.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, SEED
from itaku.present.formats import keys

ITAKU = Path(sys.executable).with_name("itaku")
KINDS = keys("checklist")


def itaku(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command from `cwd` (not the checkout, so nothing there can be imported)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ITAKU_DEBUG")}
    return subprocess.run(
        [str(ITAKU), *map(str, args)], cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("installed")


def test_one_import_name_installed() -> None:
    dist = importlib.metadata.distribution("itaku")
    assert (dist.read_text("top_level.txt") or "").split() == ["itaku"]
    tops = {str(f).split("/", 1)[0] for f in dist.files or () if not str(f).startswith(("itaku-", "../", "__editable__"))}
    assert tops - {"__pycache__"} <= {"itaku"}, tops  # an editable install lists only its finder


@pytest.mark.skipif(not os.environ.get("ITAKU_EXPECT_WHEEL"), reason="only when testing the installed wheel")
def test_the_wheel_is_what_runs() -> None:
    import itaku as package

    where = Path(package.__file__).resolve()
    assert where.parent.parent.name == "site-packages", f"itaku imported from {where}, not from the installed wheel"


def test_wheel_contents_cover_every_source_file(tmp_path: Path) -> None:
    """The wheel holds every module, rule file and template of the checkout: the one `make test` has
    just built from the checkout and installed (ITAKU_WHEEL), else one built here from the checkout."""
    given = os.environ.get("ITAKU_WHEEL")
    if given:
        wheel = Path(given)
    else:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
            capture_output=True, text=True,
        )
        if built.returncode != 0:
            pytest.skip(f"cannot build a wheel here: {built.stderr.strip()[-200:]}")
        (wheel,) = tmp_path.glob("itaku-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    mapping = {"itaku": "itaku", "engine": "itaku/engine", "rules": "itaku/rules", "reports": "itaku/reports",
               "checklists": "itaku/checklists"}
    expected = set()
    for folder, package in mapping.items():
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                expected.add(f"{package}/{path.relative_to(ROOT / folder).as_posix()}")
    assert expected <= names, sorted(expected - names)


def test_check_text_and_json(work: Path) -> None:
    seed27 = EXAMPLES / "seed" / "27.yaml"
    text = itaku("check", seed27, cwd=work)
    assert text.returncode == 0, text.stderr
    assert "助言" in text.stdout
    out = itaku("check", *SEED, "--format", "json", cwd=work)
    assert out.returncode == 0, out.stderr
    assert [e["case"]["number"] for e in json.loads(out.stdout)] == [p.stem for p in SEED]


def test_schema_is_the_published_one(work: Path) -> None:
    done = itaku("schema", cwd=work)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "docs" / "evaluation.schema.json").read_text(encoding="utf-8")


def test_check_exit_codes(work: Path, tmp_path: Path) -> None:
    blocker = EXAMPLES / "extra" / "01-unapproved-redelegate.yaml"
    assert itaku("check", blocker, cwd=work).returncode == 1
    assert itaku("check", blocker, "--fail-on", "never", cwd=work).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("case: [", encoding="utf-8")
    failed = itaku("check", bad, cwd=work)
    assert failed.returncode == 2
    assert "bad.yaml" in failed.stderr and "Traceback" not in failed.stderr


@pytest.mark.parametrize("sub", [["list"], ["test"], ["explain", "MAIL-BCC"], ["coverage"], ["lint"]])
def test_rules_commands(sub: list[str], work: Path) -> None:
    if sub[0] == "explain":
        listed = itaku("rules", "list", cwd=work).stdout.split()
        sub = ["explain", next(word for word in listed if word.startswith("MAIL-"))]
    done = itaku("rules", *sub, cwd=work)
    assert done.returncode == 0, done.stdout[-500:] + done.stderr
    assert done.stdout.strip()


def test_template_blank_and_prefilled_then_read_back(work: Path) -> None:
    blank = work / "form.xlsx"
    assert itaku("template", "-o", blank, cwd=work).returncode == 0
    assert zipfile.is_zipfile(blank)
    filled = work / "form-27.xlsx"
    made = itaku("template", "--from", EXAMPLES / "seed" / "27.yaml", "-o", filled, cwd=work)
    assert made.returncode == 0, made.stderr
    from_form = json.loads(itaku("check", filled, "--format", "json", cwd=work).stdout)[0]
    from_yaml = json.loads(itaku("check", EXAMPLES / "seed" / "27.yaml", "--format", "json", cwd=work).stdout)[0]
    assert from_form["verdict"] == from_yaml["verdict"]
    assert [f["fingerprint"] for f in from_form["findings"]] == [f["fingerprint"] for f in from_yaml["findings"]]


@pytest.mark.parametrize("kind", KINDS)
def test_every_checklist(kind: str, work: Path) -> None:
    files = [p for p in SEED if kind != "pre-send" or "bulk_send: true" in p.read_text(encoding="utf-8")]
    target = work / f"{kind}.xlsx"
    done = itaku("checklist", kind, *files, "-o", target, cwd=work)
    assert done.returncode == 0, done.stderr
    assert zipfile.is_zipfile(target)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_report(fmt: str, work: Path) -> None:
    target = work / f"meeting.{fmt}"
    done = itaku("report", *SEED, "--format", fmt, "-o", target, cwd=work)
    assert done.returncode == 0, done.stderr
    assert "資料" in target.read_text(encoding="utf-8") or "27" in target.read_text(encoding="utf-8")


@pytest.mark.xdist_group("processes")  # several processes at full speed: one such test at a time
def test_screen_writes_summary(work: Path) -> None:
    outdir = work / "screen"
    done = itaku("screen", EXAMPLES, "-o", outdir, "--jobs", "2", "--fail-on", "never", cwd=work)
    assert done.returncode == 0, done.stderr
    summary = json.loads((outdir / "summary.json").read_text(encoding="utf-8"))
    inputs = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml", ".json", ".xlsx", ".xlsm"))
    assert summary["inputs"] == len(inputs) and summary["failed"] == 0
    assert (outdir / "opinion-list.xlsx").is_file()


def test_python_dash_m(work: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "itaku", "--version"], cwd=work, capture_output=True, text=True)
    assert done.returncode == 0 and "itaku" in done.stdout


@pytest.mark.xdist_group("processes")  # several processes at full speed: one such test at a time
def test_profiles_and_approved_versions_from_the_wheel(work: Path) -> None:
    """The shipped profiles are package data; --approved and --profile reach spawned screen workers."""
    city = EXAMPLES / "profiles" / "example-city" / "01-counter-mynumber.yaml"
    judged = itaku("check", city, "--profile", "example-city", "--format", "json", cwd=work)
    assert judged.returncode == 0, judged.stderr
    assert json.loads(judged.stdout)[0]["classification"]["agenda"] == ["consultation"]
    for sub in (["test", "--profile", "example-city"], ["diff", "--profile", "default", "--profile", "example-city"]):
        done = itaku("rules", *sub, cwd=work)
        assert done.returncode == 0, done.stdout[-500:] + done.stderr
    compared = itaku("check", EXAMPLES / "revisions" / "23.yaml", "--approved", EXAMPLES / "seed" / "23.yaml",
                     "--format", "json", "--fail-on", "never", cwd=work)
    assert compared.returncode == 0, compared.stderr
    assert json.loads(compared.stdout)[0]["changes"]["computed"]
    outdir = work / "screen-profile"
    done = itaku("screen", EXAMPLES / "revisions", "-o", outdir, "--jobs", "2", "--profile", "example-city",
                 "--approved", EXAMPLES / "seed", "--fail-on", "never", cwd=work)
    assert done.returncode == 0, done.stderr
    result = json.loads((outdir / "23.yaml.json").read_text(encoding="utf-8"))
    assert result["profile"]["id"] == "example-city" and result["changes"]["computed"]


@pytest.mark.parametrize(
    ("modules", "absent"),
    [
        # `itaku check` and every dispatcher: each renderer's library only when its output is asked for
        (("itaku.cli.main", "itaku.outputs"), ("openpyxl", "docx", "jinja2")),
        # the page reads its form through the form's cell readers: no Excel library for that
        (("itaku.web.app", "itaku.forms.assemble", "itaku.forms.values"), ("openpyxl", "docx")),
    ],
)
def test_heavy_libraries_are_imported_only_when_used(modules: tuple[str, ...], absent: tuple[str, ...], work: Path) -> None:
    code = f"import sys\nimport {', '.join(modules)}\nprint(sorted(m for m in {absent!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
