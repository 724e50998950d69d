"""`itaku screen`: folders in, one result per proposal plus summary.json out, in order, whatever --jobs."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from conftest import SEED
from itaku.engine.catalog import SEVERITY_RANK
from itaku.engine.errors import EngineError
from itaku.engine.evaluation import Evaluator
from itaku.screening import batch as sc
from itaku.screening.progress import Progress


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A meeting folder: seeds at the top, one in a sub-folder (as .yml), one as JSON, noise."""
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    for path in SEED[:3]:
        shutil.copy(path, root / path.name)
    shutil.copy(SEED[3], root / "sub" / "deeper" / "x.yml")
    from itaku.engine.yamlio import load_yaml

    data, _ = load_yaml(SEED[4].read_text(encoding="utf-8"))
    (root / "sub" / "y.json").write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    (root / "notes.txt").write_text("not a proposal", encoding="utf-8")
    (root / ".hidden.yaml").write_text("format: nonsense", encoding="utf-8")
    return root


def _results(outdir: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(outdir.glob("*.json")) if p.name != sc.SUMMARY_NAME}


def test_folders_are_walked_recursively_with_deterministic_names(cli, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("screen", tree, "-o", out, "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    names = sorted(_results(out))
    expected = sorted([p.name + ".json" for p in SEED[:3]] + ["sub__deeper__x.yml.json", "sub__y.json.json"])
    assert names == expected
    assert [p.name for p in out.glob(".*")] == [sc.MANIFEST_NAME], "no temporary files left behind"
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["inputs"] == summary["screened"] == 5


def test_a_bad_file_is_reported_and_the_others_screened(cli, tree: Path, tmp_path: Path) -> None:
    (tree / "sub" / "broken.yaml").write_text("format: itaku/v1\ncase: {number: '9'}\n", encoding="utf-8")
    (tree / "garbage.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "out"
    result = cli("screen", tree, tmp_path / "missing.yaml", "-o", out, "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("itaku: ") for line in lines)
    assert any("broken.yaml" in line for line in lines)
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["screened"] == 5 and summary["failed"] == 3
    failed = {Path(f["path"]).name: f["error"] for f in summary["failed_inputs"]}
    assert set(failed) == {"broken.yaml", "garbage.xlsx", "missing.yaml"}
    assert all(failed.values())
    assert len(_results(out)) == 5


def test_summary_counts_match_the_results(cli, tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli("screen", tree, "-o", out, "--jobs", "1", "--fail-on", "never")
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    results = list(_results(out).values())
    assert summary["by_verdict"] == {
        v: sum(r["verdict"] == v for r in results) for v in ("sufficient", "advice", "insufficient")
    }
    agenda = Counter(a for r in results for a in (r["classification"]["agenda"] or ["none"]))
    assert summary["by_agenda"] == {k: agenda.get(k, 0) for k in ("consultation", "report", "none")}
    counted = [f for r in results for f in r["findings"] if f["counts"]]
    assert summary["by_severity"] == {s: sum(f["severity"] == s for f in counted) for s in ("blocker", "advice", "question", "info")}
    topics = Counter(f["topic"] for f in counted)
    assert {t: v["findings"] for t, v in summary["by_topic"].items()} == dict(topics)
    per_proposal = Counter(t for r in results for t in {f["topic"] for f in r["findings"] if f["counts"]})
    assert {t: v["proposals"] for t, v in summary["by_topic"].items()} == dict(per_proposal)
    assert summary["engine"] == "durable"


@pytest.mark.xdist_group("processes")  # several processes at full speed: one such test at a time
def test_results_are_identical_whatever_the_number_of_jobs(cli, tree: Path, tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = cli("screen", tree, *SEED[3:], "-o", out, "--jobs", jobs, "--fail-on", "never")
        assert result.exit_code == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 5 + len(SEED[3:]) + 3  # results, summary.json, opinion-list.xlsx, the manifest


def test_the_opinion_list_has_a_row_per_screened_proposal(cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out"
    assert cli("screen", *SEED, "-o", out, "--jobs", "1", "--fail-on", "never").exit_code == 0
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["opinion_list"] == sc.OPINION_LIST_NAME
    sheet = load_workbook(out / sc.OPINION_LIST_NAME).worksheets[0]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    for path in SEED:
        number = json.loads((out / f"{path.name}.json").read_text(encoding="utf-8"))["case"]["number"]
        assert number in text
    out2 = tmp_path / "out2"
    assert cli("screen", *SEED, "-o", out2, "--jobs", "1", "--fail-on", "never", "--no-opinion-list").exit_code == 0
    assert not (out2 / sc.OPINION_LIST_NAME).exists()


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_results(cli, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = cli("screen", *SEED[:2], "-o", out, "--jobs", "1", "--fail-on", "never", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    for path in SEED[:2]:
        assert (out / f"{path.name}.{fmt}").read_text(encoding="utf-8").strip()


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli, tree: Path, tmp_path: Path) -> None:
    result = cli("screen", tree, "-o", tmp_path / "out", "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_progress_bar_shows_count_rate_and_eta() -> None:
    stream = io.StringIO()
    bar = Progress(stream, total=4, enabled=True)
    bar.advance()
    bar.note("itaku: bad.yaml: broken")
    for _ in range(3):
        bar.advance()
    bar.close()
    text = stream.getvalue()
    assert "4/4 件" in text and "毎秒" in text and "残り" in text
    assert "itaku: bad.yaml: broken\n" in text
    silent = io.StringIO()
    Progress(silent, total=4, enabled=False).advance()
    assert silent.getvalue() == ""


def test_fail_on_sets_exit_code(cli, tmp_path: Path, reference: Evaluator) -> None:
    from itaku.files.reading import load_proposal

    evaluations = [reference.evaluate(load_proposal(p), str(p)) for p in SEED]
    worst = max((SEVERITY_RANK[f.severity] for e in evaluations for f in e.findings if f.counts), default=-1)
    if worst < 1:
        pytest.skip("no seed reaches advice")
    assert cli("screen", *SEED, "-o", tmp_path / "a", "--jobs", "1", "--fail-on", "advice").exit_code == 1
    assert cli("screen", *SEED, "-o", tmp_path / "b", "--jobs", "1", "--fail-on", "never").exit_code == 0


def test_an_engine_error_is_recorded_and_the_rest_screened(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Evaluator.evaluate

    def flaky(self, proposal, source, *args, **kwargs):  # type: ignore[no-untyped-def]
        if source.endswith(SEED[0].name):
            raise EngineError(source, None, "simulated failure")
        return real(self, proposal, source, *args, **kwargs)

    monkeypatch.setattr(Evaluator, "evaluate", flaky)
    out = tmp_path / "out"
    result = cli("screen", *SEED, "-o", out, "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 3
    assert "simulated failure" in result.stderr
    summary = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))
    assert summary["engine_errors"] == 1 and summary["screened"] == len(SEED) - 1
    assert not (out / f"{SEED[0].name}.json").exists()


def test_a_rerun_that_cannot_write_leaves_nothing_stale_or_partial(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert cli("screen", *SEED[:2], "-o", out, "--jobs", "1", "--fail-on", "never").exit_code == 0
    assert (out / sc.SUMMARY_NAME).exists()

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("itaku.files.writing.os.replace", refuse)
    result = cli("screen", *SEED[:2], "-o", out, "--jobs", "1", "--fail-on", "never", "--lang", "en")
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    # the earlier run's results and summary are gone (never left looking current), nothing half-written
    assert [p.name for p in out.iterdir()] == [sc.MANIFEST_NAME]


def test_output_folder_inside_an_input_folder_is_not_screened(cli, tree: Path) -> None:
    out = tree / "results"
    assert cli("screen", tree, "-o", out, "--jobs", "1", "--fail-on", "never").exit_code == 0
    first = json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))["inputs"]
    assert cli("screen", tree, "-o", out, "--jobs", "1", "--fail-on", "never").exit_code == 0
    assert json.loads((out / sc.SUMMARY_NAME).read_text(encoding="utf-8"))["inputs"] == first
    result = cli("screen", tree, "-o", tree, "--jobs", "1")
    assert result.exit_code == 2


def test_names_never_collide() -> None:
    name = sc.Namer(".json", reserved=[sc.SUMMARY_NAME])
    got = [name("a/b.yaml"), name("a__b.yaml"), name("A/B.yaml"), name("summary"), name("x.yaml")]
    assert len({g.casefold() for g in got}) == len(got)
    assert got[0] == "a__b.yaml.json" and got[-1] == "x.yaml.json"
    assert name("summary") != sc.SUMMARY_NAME


@pytest.mark.xdist_group("processes")  # several processes at full speed: one such test at a time
def test_outcomes_stream_in_order_with_a_small_window(tmp_path: Path) -> None:
    paths = [*SEED, *SEED[:2]]  # the same file twice is screened once
    tasks = list(sc.tasks(paths, tmp_path, ".json"))
    assert [t.index for t in tasks] == list(range(len(SEED)))
    settings = sc.Settings(fail_on="never")
    got = [o.task.name for o in sc.outcomes(iter(tasks), settings, jobs=2, window=2)]
    assert got == [t.name for t in tasks]


def test_a_file_added_during_a_run_is_listed_and_its_result_removed_by_the_next(
    cli, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, late = tmp_path / "out", tree / "zz-late.yaml"
    real_plan = sc.OutputFolder.plan

    def plan_then_add(folder: sc.OutputFolder, names: Iterable[str]) -> int:
        count = real_plan(folder, names)
        shutil.copy(SEED[0], late)  # arrives after the names were listed, before it is screened
        return count

    monkeypatch.setattr(sc.OutputFolder, "plan", plan_then_add)
    assert cli("screen", tree, "-o", out, "--jobs", "1", "--fail-on", "never").exit_code == 0
    assert (out / "zz-late.yaml.json").exists()
    assert "zz-late.yaml.json" in (out / sc.MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(sc.OutputFolder, "plan", real_plan)
    late.unlink()
    assert cli("screen", tree, "-o", out, "--jobs", "1", "--fail-on", "never").exit_code == 0
    assert not (out / "zz-late.yaml.json").exists(), "the earlier run's result of a file now gone"
