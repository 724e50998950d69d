"""Second round, item 3: reading is bounded, and so is what a large input makes.

Only regular files are read, never past the limit plus one byte whatever `stat` says; a 2 MiB
proposal within every limit gives outputs a small multiple of its size.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from test_hostile import guard, run  # noqa: F401 - guard: the fixture every test here uses

from conftest import SEED
from itaku.engine.errors import InputError, megabytes
from itaku.engine.profiles import default_catalog
from itaku.files import reading

pytestmark = pytest.mark.usefixtures("guard")


def test_never_more_than_the_limit_plus_one_byte_whatever_stat_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"# x\n" * 300_000)  # 1.2 MB
    limit = 1000
    real_stat, real_fstat, real_read = os.stat, os.fstat, os.read
    asked: list[int] = []

    def small(status: os.stat_result) -> os.stat_result:
        fields = list(status)
        fields[6] = 10  # st_size: the file "was" 10 bytes when looked at
        return os.stat_result(fields)

    monkeypatch.setattr(reading.os, "stat", lambda p, *a, **k: small(real_stat(p, *a, **k)))
    monkeypatch.setattr(reading.os, "fstat", lambda fd: small(real_fstat(fd)))
    monkeypatch.setattr(reading.os, "read", lambda fd, n: asked.append(n) or real_read(fd, n))
    with pytest.raises(InputError) as exc:
        reading.read_bytes(path, limit)
    assert megabytes(limit) in exc.value.message
    assert sum(asked) <= limit + 1


@pytest.mark.parametrize("kind", ["fifo", "device-link", "directory"])
def test_only_regular_files_are_opened(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "input.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "device-link":
        path.symlink_to("/dev/zero")  # reading it would never end
    else:
        path.mkdir()
    for args in (("check", path), ("template", "--from", path, "-o", tmp_path / "f.xlsx"),
                 ("check", "--waivers", path, SEED[0])):
        code, _, stderr = run(*args)
        assert code == 2 and "input.yaml" in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert not (tmp_path / "f.xlsx").exists()


def test_a_form_is_read_through_the_same_bounds(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    os.mkfifo(path)
    code, _, stderr = run("check", path)
    assert code == 2 and "form.xlsx" in stderr


def _largest_allowed_proposal() -> dict:
    """A proposal within every limit, made so that each long text could be repeated per finding:
    500 subcontractors that each raise several findings, long answers on every topic, a long title."""
    data = yaml.safe_load(SEED[-1].read_text(encoding="utf-8"))
    topics = list(default_catalog().topics)
    data["subcontractors"] = [
        {"name": f"再委託先{i}", "role": "data_processing", "approved_by_ward": False, "same_obligations": False}
        for i in range(500)
    ]
    data["case"]["title"] = "件名" * 20_000
    data["responses"] = {t: "対応" * (1_500_000 // 6 // len(topics)) for t in topics}
    return data


def test_outputs_of_a_large_proposal_stay_a_small_multiple_of_it(tmp_path: Path) -> None:
    source = tmp_path / "large.yaml"
    source.write_text(yaml.safe_dump(_largest_allowed_proposal(), allow_unicode=True, width=10**9), encoding="utf-8")
    size = source.stat().st_size
    assert 1_500_000 < size <= reading.MAX_FILE_BYTES
    code, stdout, stderr = run("check", "--format", "json", "--fail-on", "never", source)
    assert code == 0, stderr
    [result] = json.loads(stdout)
    assert len(result["findings"]) > 1000, "the proposal must raise many findings for the bound to mean something"
    sizes = {"json": len(stdout.encode()), "text": len(run("check", "--fail-on", "never", source)[1].encode())}
    for fmt in ("html", "md"):
        out = tmp_path / f"r.{fmt}"
        assert run("report", source, "-o", out)[0] == 0
        sizes[fmt] = out.stat().st_size
    assert all(s <= 3 * size for s in sizes.values()), (size, sizes)
