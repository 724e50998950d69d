"""The register (itaku register ...), on SQLite and on a real PostgreSQL server: what is recorded is
what is read back, bad input writes nothing, two processes at once lose nothing, a process killed
mid-write leaves it consistent, export/import reproduces it exactly, an older schema with data in it
is upgraded, and `check --register` compares a revision with the case's last approved version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pg_support import Cluster, cluster

from conftest import EXAMPLES, SEED, invoke
from itaku.register.models import TABLES
from itaku.register.store import PG_LOCK, Store, locate
from itaku.register.transfer import advance_sequences

REVISION = EXAMPLES / "revisions" / "23.yaml"
SEED23 = EXAMPLES / "seed" / "23.yaml"


@pytest.fixture(scope="session")
def pg() -> Iterator[Cluster]:
    yield from cluster()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A register's place that holds nothing yet: a file, or a new database on the test cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "reg" / "register.sqlite3")
    return request.getfixturevalue("pg").create(f"t{uuid.uuid4().hex[:12]}")


def reg(*args: Any) -> Any:
    """`itaku register ARGS...` in-process."""
    return invoke("register", *args)


def ok(*args: Any) -> Any:
    result = reg(*args)
    assert result.exit_code == 0, result.stderr
    return result


def rows(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order (the register's whole content)."""
    engine = sa.create_engine(locate(db).url)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(t.c.id))] for t in TABLES}
    finally:
        engine.dispose()


def seeded(db: str) -> None:
    """Case 23 approved at the seed meeting with a condition, then its revision received."""
    ok("add", SEED23, "--new", "--db", db)
    ok("decide", "23", "--outcome", "了承", "--meeting", "令和元年9月9日", "--session", "4", "--db", db,
       "--opinion", "送信前の複数名確認と手順書の作成", "--condition", "業務開始前に手順書を作成させ報告させること")
    ok("add", REVISION, "--db", db)


def one_line_error(result: Any, *words: str) -> None:
    """Exit 2 with one line naming what is wrong, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_records_are_read_back(db: str) -> None:
    seeded(db)
    ok("event", "23", "handover", "--on", "2019-09-10", "--staff", "地域包括ケア推進課 山田", "--db", db)
    ok("event", "23", "inspection", "--on", "R1.11.20", "--staff", "山田", "--result", "適", "--db", db)
    ok("event", "23", "condition", "--on", "2019-09-20", "--condition", "1", "--db", db)
    ok("event", "23", "deletion", "--on", "2020-04-10", "--certificate", "消去証明書 第12号", "--db", db)
    text = ok("history", "23", "--db", db).stdout
    for expected in ("第1版を受付", "第2版を受付", "令和元年度第4回（令和元年9月9日）", "決定「了承」", "条件1：業務開始前に手順書",
                     "データ引渡し", "立入り調査", "結果：適", "確認した条件：決定番号 1 の条件1", "消去証明書 第12号",
                     hashlib.sha256(SEED23.read_bytes()).hexdigest()[:12]):
        assert expected in text, expected
    assert text.index("令和元年9月10日") < text.index("令和元年11月20日") < text.index("令和2年4月10日")
    # the stored file is the file, byte for byte
    name, content = rows(db)["versions"][0][4], rows(db)["versions"][0][11]
    assert (name, bytes(content)) == ("23.yaml", SEED23.read_bytes())


def test_bad_input_writes_nothing(db: str) -> None:
    seeded(db)
    before = rows(db)
    one_line_error(reg("event", "99", "phone", "--on", "2020-01-01", "--db", db), "99")
    one_line_error(reg("decide", "23", "--version", "5", "--outcome", "承認", "--meeting", "2020-01-01", "--db", db), "第5版")
    one_line_error(reg("event", "23", "phone", "--on", "2019-01-10", "--db", db), "平成31年1月10日", "令和元年9月9日")
    one_line_error(reg("add", SEED[0], "--db", db), "21", "--new")  # a revision of a case not in the register
    one_line_error(reg("add", SEED23, "--new", "--db", db), "23")  # the case exists already
    one_line_error(reg("event", "23", "inspection", "--on", "2020-01-01", "--db", db), "--result")
    one_line_error(reg("event", "23", "condition", "--on", "2020-01-01", "--condition", "3", "--db", db), "第3の条件")
    one_line_error(reg("event", "23", "phone", "--on", "2020-01-01", "--corrects", "42", "--db", db), "42")
    assert reg("decide", "23", "--outcome", "保留", "--meeting", "2020-01-01", "--db", db).exit_code == 2
    assert reg("due", "--by", "2020年13月1日", "--db", db).exit_code == 2
    assert rows(db) == before


def test_missing_register_is_not_made_by_reading(tmp_path: Path) -> None:
    place = tmp_path / "none" / "register.sqlite3"
    one_line_error(reg("history", "23", "--db", place), "登録簿がまだありません")
    assert not place.exists()


def test_check_compares_with_the_last_approved_version(db: str, tmp_path: Path) -> None:
    seeded(db)
    for fmt in ("text", "json"):
        by_register = invoke("check", REVISION, "--register", "--db", db, "--format", fmt, "--fail-on", "never")
        by_file = invoke("check", REVISION, "--approved", SEED23, "--format", fmt, "--fail-on", "never")
        assert by_register.exit_code == 0, by_register.stderr
        assert by_register.stdout.replace("登録簿 案件23 第1版（23.yaml）", str(SEED23)) == by_file.stdout
    data = json.loads(invoke("check", REVISION, "--register", "--db", db, "--format", "json").stdout)[0]
    assert data["changes"]["compared_with"] is not None
    for fmt in ("md", "html"):  # the reports name the approved version by its meeting: the same bytes
        by_register, by_file = tmp_path / f"register.{fmt}", tmp_path / f"file.{fmt}"
        assert invoke("report", REVISION, "--register", "--db", db, "--format", fmt, "-o", by_register).exit_code == 0
        assert invoke("report", REVISION, "--approved", SEED23, "--format", fmt, "-o", by_file).exit_code == 0
        assert "承認時の版からの変更点" in by_register.read_text()
        assert by_register.read_bytes() == by_file.read_bytes()
    # --approved still overrides; without --register nothing is compared
    override = invoke("check", REVISION, "--register", "--db", db, "--approved", SEED[0], "--format", "json", "--fail-on", "never")
    assert "登録簿" not in override.stdout
    alone = json.loads(invoke("check", REVISION, "--format", "json", "--fail-on", "never").stdout)[0]
    assert alone["changes"]["compared_with"] is None


def test_the_configuration_turns_the_register_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    place = tmp_path / "reg.sqlite3"
    config = tmp_path / "config" / "itaku"
    config.mkdir(parents=True)
    (config / "config.yaml").write_text(f"register: {place}\ncompare_with_register: true\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    ok("add", SEED23, "--new")
    ok("decide", "23", "--outcome", "承認", "--meeting", "2019-09-09")
    assert place.exists()
    assert "登録簿 案件23 第1版" in invoke("check", REVISION, "--fail-on", "never").stdout
    assert "登録簿" not in invoke("check", REVISION, "--no-register", "--fail-on", "never").stdout


def test_a_continued_or_corrected_decision_is_not_the_approved_version(db: str) -> None:
    ok("add", SEED23, "--new", "--db", db)
    ok("decide", "23", "--outcome", "継続審議", "--meeting", "2019-09-09", "--db", db)
    assert "登録簿" not in invoke("check", REVISION, "--register", "--db", db, "--fail-on", "never").stdout
    ok("decide", "23", "--outcome", "承認", "--meeting", "2019-10-07", "--db", db)
    assert "登録簿 案件23 第1版" in invoke("check", REVISION, "--register", "--db", db, "--fail-on", "never").stdout
    ok("decide", "23", "--outcome", "不承認", "--meeting", "2019-10-07", "--corrects", "2", "--db", db)  # recorded wrongly
    assert "登録簿" not in invoke("check", REVISION, "--register", "--db", db, "--fail-on", "never").stdout
    history = ok("history", "23", "--db", db).stdout
    assert "（後の記録で訂正済み）" in history and "（決定番号 2 の訂正）" in history
    assert len(rows(db)["decisions"]) == 3  # nothing deleted


def test_due_follows_the_rules_and_the_records(db: str) -> None:
    seeded(db)  # 23: outsourcing of data held at the vendor: inspection, report and deletion apply
    ok("add", EXAMPLES / "seed" / "24.yaml", "--new", "--db", db)  # an external linkage: no vendor to inspect
    ok("decide", "24", "--outcome", "了承", "--meeting", "2019-09-09", "--db", db)
    due = ok("due", "--by", "2020-09-09", "--today", "2020-04-15", "--db", db).stdout
    assert "案件 24" not in due
    assert "立入り調査（1年目）" in due and "運用状況の報告の受理（1年目）" in due and "データ消去の確認" in due
    assert "条件の確認：業務開始前に手順書" in due and "【期限超過】" in due
    early = ok("due", "--by", "2019-12-31", "--today", "2019-09-09", "--db", db).stdout
    assert "立入り調査" not in early and "【期限超過】" not in early  # the condition is due, not yet late
    ok("event", "23", "inspection", "--on", "2019-11-20", "--staff", "山田", "--result", "適", "--db", db)
    ok("event", "23", "report", "--on", "2020-03-30", "--db", db)
    ok("event", "23", "condition", "--on", "2019-09-20", "--condition", "1", "--db", db)
    ok("event", "23", "deletion", "--on", "2020-04-10", "--certificate", "第12号", "--db", db)
    assert "0件" in ok("due", "--by", "2020-09-09", "--today", "2020-04-15", "--db", db).stdout
    # an inspection recorded wrongly and corrected as a phone call counts no more
    ok("event", "23", "phone", "--on", "2019-11-20", "--corrects", "1", "--db", db)
    assert "立入り調査（1年目）" in ok("due", "--by", "2020-09-09", "--db", db).stdout


def test_a_stored_file_changed_is_reported_and_not_used(db: str, tmp_path: Path) -> None:
    seeded(db)
    engine = sa.create_engine(locate(db).url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE versions SET content = :c WHERE seq = 1"), {"c": SEED23.read_bytes().replace(b"BCC", b"TO ")})
    engine.dispose()
    one_line_error(invoke("check", REVISION, "--register", "--db", db), "第1版", "一致しません")
    one_line_error(reg("export", tmp_path / "out", "--db", db), "第1版")
    assert not (tmp_path / "out").exists()
    result = reg("verify", "--db", db)
    assert result.exit_code == 2 and "第1版" in result.stderr and "第2版" not in result.stderr


def test_export_then_import_reproduces_the_register(db: str, tmp_path: Path, pg: Cluster) -> None:
    seeded(db)
    ok("event", "23", "inspection", "--on", "2019-11-20", "--staff", "山田", "--result", "適", "--db", db)
    ok("event", "23", "condition", "--on", "2019-09-20", "--condition", "1", "--db", db)
    ok("event", "23", "phone", "--on", "2019-11-20", "--corrects", "1", "--db", db)
    ok("export", tmp_path / "a", "--db", db)
    assert (tmp_path / "a" / "cases" / "0001" / "v1" / "original" / "23.yaml").read_bytes() == SEED23.read_bytes()
    assert "業務開始前に手順書" in (tmp_path / "a" / "cases" / "0001" / "case.yaml").read_text()
    for target in (str(tmp_path / "b.sqlite3"), pg.create(f"t{uuid.uuid4().hex[:12]}")):  # into either kind
        ok("import", tmp_path / "a", "--db", target)
        assert rows(target) == rows(db)
        ok("export", tmp_path / "again", "--db", target)
        assert tree(tmp_path / "again") == tree(tmp_path / "a")
        one_line_error(reg("import", tmp_path / "a", "--db", target), "空ではありません")
        ok("event", "23", "phone", "--on", "2020-01-01", "--db", target)  # new ids follow the imported ones
        (tmp_path / "again").rename(tmp_path / f"done-{uuid.uuid4().hex}")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_import_with_a_changed_file_writes_nothing(tmp_path: Path) -> None:
    source = str(tmp_path / "a.sqlite3")
    seeded(source)
    ok("export", tmp_path / "out", "--db", source)
    original = tmp_path / "out" / "cases" / "0001" / "v2" / "original" / "23.yaml"
    original.write_bytes(original.read_bytes() + b"\n# changed\n")
    target = tmp_path / "b.sqlite3"
    one_line_error(reg("import", tmp_path / "out", "--db", target), "v2/original/23.yaml")
    assert rows(str(target)) == {t.name: [] for t in TABLES}


def test_an_older_schema_with_data_is_upgraded(db: str) -> None:
    store = Store(locate(db))
    store.upgrade_to("0001")
    at = {"t": dt.datetime(2019, 9, 9, 10, 0, 0)}
    with store.writing() as conn:  # a register as the first schema left it
        conn.execute(sa.text("INSERT INTO cases (id, number, title, department, opened_on, recorded_at) "
                             "VALUES (1, '23', 'シンポジウム', '地域包括ケア推進課', :d, :t)"), {**at, "d": dt.date(2019, 9, 9)})
        conn.execute(sa.text(
            "INSERT INTO versions (id, case_id, seq, received_on, file_name, content, sha256, proposal, evaluation, obligations, "
            "title, period_start, period_end, recorded_at) VALUES (1, 1, 1, :d, '23.yaml', :c, :h, '{}', '{}', :o, "
            "'シンポジウム', :s, :e, :t)"),
            {**at, "d": dt.date(2019, 9, 9), "s": dt.date(2019, 9, 2), "e": dt.date(2020, 3, 31), "c": SEED23.read_bytes(),
             "h": hashlib.sha256(SEED23.read_bytes()).hexdigest(),
             "o": json.dumps({"inspections_per_year": 1, "annual_report": True, "deletion": True, "exceptions": []})})
        conn.execute(sa.text("INSERT INTO decisions (id, case_id, version_id, outcome, decided_on, opinion, conditions, recorded_at) "
                             "VALUES (1, 1, 1, 'acknowledged', :d, '', :c, :t)"), {**at, "d": dt.date(2019, 9, 9), "c": '["手順書"]'})
        conn.execute(sa.text("INSERT INTO events (id, case_id, kind, happened_on, staff, counterpart, result, certificate, note, "
                             "recorded_at) VALUES (1, 1, 'handover', :d, '山田', '', '', '', '', :t)"), {**at, "d": dt.date(2019, 9, 10)})
        advance_sequences(store, conn)  # the ids were given: PostgreSQL's sequences move on as after inserts
    store.close()
    assert Store(locate(db)).revision() == "0001"
    text = ok("history", "23", "--db", db).stdout  # opening upgrades it
    assert "データ引渡し" in text and "第1版を受付" in text
    assert Store(locate(db)).revision() == "0002"
    ok("event", "23", "condition", "--on", "2019-09-20", "--condition", "1", "--db", db)  # what 0002 added
    assert "条件の確認" not in ok("due", "--by", "2019-12-31", "--db", db).stdout
    assert "登録簿 案件23 第1版" in invoke("check", REVISION, "--register", "--db", db, "--fail-on", "never").stdout


def test_a_newer_schema_is_refused(db: str) -> None:
    seeded(db)
    engine = sa.create_engine(locate(db).url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()
    before = rows(db)
    one_line_error(reg("event", "23", "phone", "--on", "2020-01-01", "--db", db), "より新しい itaku")
    assert rows(db) == before


def test_a_corrupt_file_and_a_foreign_database_are_refused(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"this is not a database at all" * 200)
    one_line_error(reg("history", "23", "--db", corrupt), "壊れている")
    assert corrupt.read_bytes() == b"this is not a database at all" * 200
    foreign = tmp_path / "other.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    one_line_error(reg("add", SEED23, "--new", "--db", foreign), "登録簿ではありません")


def test_a_locked_sqlite_register_waits_then_gives_up(tmp_path: Path) -> None:
    place = tmp_path / "r.sqlite3"
    seeded(str(place))
    before = rows(str(place))
    holder = sqlite3.connect(place, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        one_line_error(reg("event", "23", "phone", "--on", "2020-01-01", "--db", place, "--wait", "0.2"), "更新中")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert rows(str(place)) == before


def test_a_locked_or_read_only_postgresql_register(pg: Cluster) -> None:
    url = pg.create(f"t{uuid.uuid4().hex[:12]}")
    seeded(url)
    before = rows(url)
    engine = sa.create_engine(locate(url).url)
    with engine.connect() as holder:
        holder.execute(sa.text(f"SELECT pg_advisory_lock({PG_LOCK})"))
        one_line_error(reg("event", "23", "phone", "--on", "2020-01-01", "--db", url, "--wait", "0.3"), "更新中")
        holder.execute(sa.text(f"SELECT pg_advisory_unlock({PG_LOCK})"))
        holder.commit()
        name = url.split("/")[3].split("?")[0]
        holder.execute(sa.text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        holder.commit()
    engine.dispose()
    one_line_error(reg("event", "23", "phone", "--on", "2020-01-01", "--db", url), "読み取り専用")
    assert "第2版" in ok("history", "23", "--db", url).stdout  # reading still works
    assert rows(url) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a file whatever its mode says")
def test_a_read_only_sqlite_register(tmp_path: Path) -> None:
    place = tmp_path / "r.sqlite3"
    seeded(str(place))
    place.chmod(0o444)
    one_line_error(reg("event", "23", "phone", "--on", "2020-01-01", "--db", place), "読み取り専用")
    assert "第2版" in ok("history", "23", "--db", place).stdout


WRITER = """
import sys
from itaku.cli.main import main
db, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for k in range(count):
    try:
        main(["register", "event", "23", "phone", "--on", "2020-01-01", "--note", f"{who}-{k}", "--db", db, "--wait", "60"])
    except SystemExit as exc:
        if exc.code:
            raise
"""


@pytest.mark.xdist_group("processes")
def test_two_processes_adding_at_once_lose_nothing(db: str, tmp_path: Path) -> None:
    seeded(db)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    writers = [
        subprocess.Popen([sys.executable, str(script), db, who, "15"], stderr=subprocess.PIPE, text=True, cwd=tmp_path) for who in "ab"
    ]
    adder = subprocess.Popen([sys.executable, "-m", "itaku", "register", "add", REVISION, "--db", db, "--wait", "60"],
                             stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    for process in (*writers, adder):
        assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    notes = sorted(r[8] for r in rows(db)["events"])
    assert notes == sorted(f"{who}-{k}" for who in "ab" for k in range(15))
    assert [r[2] for r in rows(db)["versions"]] == [1, 2, 3]  # each version got its own number


KILLED = """
import sys
from pathlib import Path
from itaku.cli.main import main
db, source, progress = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
k = 0
while True:
    k += 1
    for args in (["add", str(source)], ["event", "23", "phone", "--on", "2020-01-01", "--note", str(k)]):
        try:
            main(["register", *args, "--db", db])
        except SystemExit as exc:
            if exc.code:
                raise
    progress.write_text(str(k))
"""


@pytest.mark.xdist_group("processes")
@pytest.mark.parametrize("delay", [0.05, 0.4])
def test_a_process_killed_mid_write_leaves_it_consistent(db: str, tmp_path: Path, delay: float) -> None:
    seeded(db)
    script, progress = tmp_path / "killed.py", tmp_path / "progress"
    script.write_text(KILLED)
    process = subprocess.Popen([sys.executable, str(script), db, str(REVISION), str(progress)], stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 300
    while not progress.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert progress.exists(), process.stderr.read() if process.stderr else ""
    time.sleep(delay)  # into the next round of writes, at a different point each time
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
    if not db.startswith("postgresql"):
        assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    content = rows(db)
    seqs = [r[2] for r in content["versions"]]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 3  # whole versions only, numbered without a gap
    assert all(hashlib.sha256(bytes(r[11])).hexdigest() == r[5] for r in content["versions"])
    assert reg("verify", "--db", db).exit_code == 0
    ok("event", "23", "phone", "--on", "2020-01-02", "--db", db)  # and it goes on working


def test_the_management_record_from_the_register(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = str(tmp_path / "r.sqlite3")
    seeded(db)
    ok("add", EXAMPLES / "seed" / "24.yaml", "--new", "--db", db)  # never decided: no record
    ok("event", "23", "handover", "--on", "2019-09-20", "--staff", "推進課 山田", "--counterpart", "株式会社エンパブリック", "--db", db)
    ok("event", "23", "inspection", "--on", "2019-12-05", "--staff", "推進課 山田", "--result", "適", "--db", db)
    out = tmp_path / "record.xlsx"
    result = invoke("checklist", "management-record", "--from-register", "--db", db, "--today", "2020-04-15", "-o", out)
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["資料23"]
    cells = [[c.value for c in row] for row in wb["資料23"].iter_rows()]
    text = "\n".join(str(v) for row in cells for v in row if v is not None)
    assert "了承　令和元年度第4回（令和元年9月9日）（第1版）" in text and "1. 業務開始前に手順書" in text
    done = {row[1]: row for row in cells if row[3]}
    assert done["データ引渡し"][3:6] == ["令和元年9月20日", "推進課 山田", "株式会社エンパブリック"]
    assert done["立入り調査"][3] == "令和元年12月5日" and done["立入り調査"][6] == "適"
    late = [row for row in cells if row[6] and "【期限超過】" in str(row[6])]
    assert {row[1] for row in late} == {"条件の確認", "報告受理", "データ消去確認"}
    assert all(row[2] and not row[3] for row in late)  # a due day, nothing done
    again = tmp_path / "again.xlsx"
    assert invoke("checklist", "management-record", "--from-register", "--db", db, "--today", "2020-04-15", "-o", again).exit_code == 0
    assert again.read_bytes() == out.read_bytes()  # the same register gives the same bytes
    assert invoke("checklist", "management-record", SEED23, "--from-register", "--db", db, "-o", out).exit_code == 2
    assert invoke("checklist", "self-check", "--from-register", "--db", db, "-o", out).exit_code == 2


def test_the_known_revisions_are_the_shipped_migrations() -> None:
    from alembic.script import ScriptDirectory

    from itaku.register.store import REVISIONS, alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    assert tuple(reversed([r.revision for r in scripts.walk_revisions()])) == REVISIONS
    assert scripts.get_current_head() == REVISIONS[-1]


def test_screen_compares_with_the_register(db: str, tmp_path: Path) -> None:
    seeded(db)
    out = tmp_path / "screen"
    result = invoke("screen", EXAMPLES / "revisions", EXAMPLES / "seed" / "24.yaml", "-o", out, "--register", "--db", db,
                    "--fail-on", "never", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    revision = json.loads((out / "23.yaml.json").read_text())
    assert revision["changes"]["compared_with"]["source"] == "登録簿 案件23 第1版（23.yaml）"
    other = json.loads((out / "24.yaml.json").read_text())
    assert other["changes"]["compared_with"] is None  # 24 is not in this register


def test_a_bad_register_setting_names_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config" / "itaku"
    config.mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for text in ("compare_with_register: maybe\n", "registry: x.sqlite3\n"):
        (config / "config.yaml").write_text(text)
        one_line_error(invoke("check", REVISION, "--fail-on", "never"), "config.yaml")
    (config / "config.yaml").write_text("register: 3\n")
    one_line_error(reg("due", "--by", "2020-01-01"), "config.yaml", "register")
    one_line_error(reg("due", "--by", "2020-01-01", "--db", "mysql://u@h/db"), "postgresql://")
