"""The whole register as plain files a person can read, and back.

    register.yaml                       the format, and the cases in order
    cases/0001/case.yaml                a case: its versions, decisions and events
    cases/0001/v1/original/NAME         the version's file, byte for byte
    cases/0001/v1/proposal.yaml         the proposal as read
    cases/0001/v1/evaluation.yaml       its evaluation then (the JSON view)

Record numbers and the times records were written are kept, so that importing an export into an
empty register reproduces it exactly (and exporting that again gives the same bytes). The files are
handed over as {relative path: bytes}: the command line reads and writes the folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import yaml
from sqlalchemy import Connection, func, insert, select, text

from itaku.engine.errors import InputError
from itaku.engine.wording import phrase
from itaku.register.models import TABLES, cases, decisions, events, versions
from itaku.register.service import Register, canonical_json
from itaku.register.store import Store

FORMAT = "itaku/register-v1"
INDEX = "register.yaml"
JSON_COLUMNS = {"versions": ("proposal", "evaluation", "obligations"), "decisions": ("conditions",)}
BIG = {"proposal": "proposal.yaml", "evaluation": "evaluation.yaml"}


def _yaml(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000).encode()


def plain_name(name: str) -> bool:
    """A file name that stays inside its folder."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name


def export_files(register: Register) -> dict[str, bytes]:
    """Every file of the export (a stored file whose hash no longer matches stops it: InputError)."""
    out: dict[str, bytes] = {}
    folders = []
    with register.store.reading() as conn:
        for k, case in enumerate(conn.execute(select(cases).order_by(cases.c.id)).mappings().all(), start=1):
            folder = f"cases/{k:04d}"
            folders.append(folder)
            record: dict[str, Any] = {key: case[key] for key in ("id", "number", "title", "department", "opened_on", "recorded_at")}
            record["versions"] = []
            for v in conn.execute(select(versions).where(versions.c.case_id == case["id"]).order_by(versions.c.seq)).mappings():
                register.check_hash(case["number"], v["seq"], v["content"], v["sha256"])
                if not plain_name(v["file_name"]):
                    raise InputError(register.store.location.shown, None, phrase("register.bad_file_name", name=v["file_name"]))
                base = f"{folder}/v{v['seq']}"
                out[f"{base}/original/{v['file_name']}"] = bytes(v["content"])
                for column, name in BIG.items():
                    out[f"{base}/{name}"] = _yaml(json.loads(v[column]))
                record["versions"].append({
                    **{key: v[key] for key in ("id", "seq", "received_on", "file_name", "sha256", "title", "period_start",
                                                "period_end", "recorded_at")},
                    "obligations": json.loads(v["obligations"]),
                })
            record["decisions"] = [
                {**{str(key): d[key] for key in d if key not in ("case_id", "conditions")}, "conditions": json.loads(d["conditions"])}
                for d in conn.execute(select(decisions).where(decisions.c.case_id == case["id"]).order_by(decisions.c.id)).mappings()
            ]
            record["events"] = [
                {str(key): e[key] for key in e if key != "case_id"}
                for e in conn.execute(select(events).where(events.c.case_id == case["id"]).order_by(events.c.id)).mappings()
            ]
            out[f"{folder}/case.yaml"] = _yaml(record)
    out[INDEX] = _yaml({"format": FORMAT, "cases": folders})
    return out


class _Reader:
    """The export's files, each problem named by its file and field."""

    def __init__(self, files: dict[str, bytes], shown: str) -> None:
        self.files = files
        self.shown = shown

    def fail(self, name: str, where: str | None, key: str, **values: Any) -> InputError:
        return InputError(f"{self.shown}/{name}", where, phrase(key, **values))

    def data(self, name: str) -> Any:
        if name not in self.files:
            raise self.fail(name, None, "error.not_found")
        try:
            return yaml.safe_load(self.files[name].decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            raise self.fail(name, None, "register.import_bad_file") from None


def _need(reader: _Reader, name: str, data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind) or (kind is dt.datetime and not isinstance(value, dt.datetime)):
        raise reader.fail(name, key, "register.import_bad_field")
    return value


def import_files(register: Register, files: dict[str, bytes]) -> int:
    """Put an export into the register, which must hold no case: all of it in one transaction, or
    nothing (a file missing, changed or malformed is named). Returns the number of cases."""
    reader = _Reader(files, "")
    index = reader.data(INDEX)
    if not isinstance(index, dict) or index.get("format") != FORMAT or not isinstance(index.get("cases"), list):
        raise reader.fail(INDEX, "format", "register.import_format", format=FORMAT)
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
    for folder in index["cases"]:
        if not isinstance(folder, str) or not folder.startswith("cases/") or ".." in folder:
            raise reader.fail(INDEX, "cases", "register.import_bad_field")
        name = f"{folder}/case.yaml"
        case = reader.data(name)
        try:
            rows["cases"].append({c.name: case[c.name] for c in cases.columns})
            for v in case["versions"]:
                base = f"{folder}/v{v['seq']}"
                original = f"{base}/original/{v['file_name']}"
                if not plain_name(v["file_name"]) or original not in files:
                    raise reader.fail(original, None, "error.not_found")
                content = files[original]
                if hashlib.sha256(content).hexdigest() != v["sha256"]:
                    raise reader.fail(original, None, "register.import_hash")
                row = {c.name: v.get(c.name) for c in versions.columns if c.name not in ("case_id", "content", *JSON_COLUMNS["versions"])}
                row.update(case_id=case["id"], content=content, obligations=canonical_json(v["obligations"]))
                for column, file in BIG.items():
                    row[column] = canonical_json(reader.data(f"{base}/{file}"))
                rows["versions"].append(row)
            for d in case["decisions"]:
                row = {c.name: d.get(c.name) for c in decisions.columns if c.name not in ("case_id", "conditions")}
                rows["decisions"].append({**row, "case_id": case["id"], "conditions": canonical_json(d["conditions"])})
            for e in case["events"]:
                rows["events"].append({**{c.name: e.get(c.name) for c in events.columns if c.name != "case_id"}, "case_id": case["id"]})
        except (KeyError, TypeError) as exc:
            raise reader.fail(name, str(exc).strip("'") or None, "register.import_bad_field") from None
    with register.store.writing() as conn:
        if conn.execute(select(func.count()).select_from(cases)).scalar():
            raise InputError(register.store.location.shown, None, phrase("register.import_not_empty"))
        for table in TABLES:
            if rows[table.name]:
                conn.execute(insert(table), sorted(rows[table.name], key=lambda r: r["id"]))
        advance_sequences(register.store, conn)
    return len(rows["cases"])


def advance_sequences(store: Store, conn: Connection) -> None:
    """On PostgreSQL, the ids given explicitly leave the tables' sequences behind: move them on."""
    if store.location.is_sqlite:
        return
    for table in TABLES:
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        ))
