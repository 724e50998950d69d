"""`itaku serve` as a department runs it (the installed command, a real server on the loopback
address): where it listens, that it keeps nothing and logs nothing of what is entered, and that
concurrent requests get exactly the answers sequential ones get."""

from __future__ import annotations

import contextlib
import io
import json
import random
import signal
import socket
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest
from web_support import FORM, ITAKU, body, pairs_of, serve

from conftest import EXAMPLES, SEED
from itaku.checklists import workbook as wbk
from itaku.checklists.form import build_form
from itaku.engine.catalog import Catalog
from itaku.engine.models import Proposal
from itaku.files.reading import load_proposal

EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.yaml"))


def opened(address: str) -> tuple[httpx2.Client, str]:
    """A client that has opened the page (it holds the cookie) and the page's form token."""
    client = httpx2.Client(base_url=address, timeout=60)
    page = client.get("/")
    assert page.status_code == 200
    token = page.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    return client, token


def test_serve_listens_on_loopback_and_off_it_only_on_purpose(tmp_path: Path) -> None:
    with serve(cwd=tmp_path) as (address, _):
        assert address.startswith("http://127.0.0.1:")
    refused = subprocess.run([str(ITAKU), "serve", "--host", "0.0.0.0", "--port", "0"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr and "Traceback" not in refused.stderr
    with serve("--host", "0.0.0.0", "--allow-remote", "--name", "itaku.ward.example", cwd=tmp_path) as (address, process):
        assert process.stderr is not None
        warning = process.stderr.readline()
        assert "警告" in warning and "ログインがありません" in warning
        assert "itaku.ward.example" in process.stderr.readline()
        # the address printed is the one other computers open, not 0.0.0.0
        port = address.rsplit(":", 1)[1].strip("/")
        assert address == f"http://itaku.ward.example:{port}/"
        # the Host check stays on: the names it is reached by, and this machine's loopback names
        local = f"http://127.0.0.1:{port}/"
        assert httpx2.get(local, headers={"host": f"itaku.ward.example:{port}"}).status_code == 200
        assert httpx2.get(local, headers={"host": f"localhost:{port}"}).status_code == 200
        assert httpx2.get(local, headers={"host": f"evil.example:{port}"}).status_code == 421


def test_every_loopback_address_works(tmp_path: Path) -> None:
    with serve("--host", "127.0.0.2", cwd=tmp_path) as (address, _):
        assert address.startswith("http://127.0.0.2:")
        assert httpx2.get(address).status_code == 200
        assert httpx2.get(address, headers={"host": "evil.example"}).status_code == 421


def test_head_disconnects_and_slow_clients(tmp_path: Path) -> None:
    with serve(cwd=tmp_path) as (address, process):
        assert httpx2.head(address).status_code == 200
        port = int(address.rsplit(":", 1)[1].strip("/"))
        # a client that leaves in the middle of its upload
        with socket.create_connection(("127.0.0.1", port)) as gone:
            gone.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 100000\r\n\r\ntoken=abc")
        # a client that sends its request head one byte at a time is cut, not kept for ever
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.settimeout(60)
            closed = False
            for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
                try:
                    slow.sendall(bytes([byte]))
                    slow.settimeout(0.5)
                    if slow.recv(1) == b"":
                        closed = True
                        break
                except TimeoutError:
                    continue
                except OSError:
                    closed = True
                    break
            assert closed, "a client trickling its request head was never cut"
        assert httpx2.get(address).status_code == 200
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "internal error" not in stderr and "ClientDisconnect" not in stderr, stderr


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([str(ITAKU), "serve", "--port", str(port)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert f"127.0.0.1:{port}" in done.stderr


def test_nothing_entered_is_stored_or_logged(tmp_path: Path, catalog: Catalog) -> None:
    home, temp = tmp_path / "cwd", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    secret = "機密ZQX-4711"
    proposal = load_proposal(SEED[-1], lambda _: None).model_dump()
    proposal["case"]["title"] = secret
    proposal["business"]["purpose"] = "<b>" + secret
    form = wbk.workbook_bytes(build_form(catalog, "ja", Proposal.model_validate(proposal)))
    env = {"TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}
    with serve(cwd=home, env=env) as (address, process):
        client, token = opened(address)
        with contextlib.closing(client):
            loaded = client.post("/upload", data={"token": token}, files={"upload": (f"{secret}.xlsx", io.BytesIO(form))})
            assert loaded.status_code == 200 and secret in loaded.text
            pairs = pairs_of(Proposal.model_validate(proposal), token)
            assert client.post("/api/check", content=body(pairs), headers=FORM).json()["ok"]
            for kind in ("yaml", "form", "self-check", "report"):
                assert client.post(f"/download/{kind}", content=body(pairs), headers=FORM).status_code == 200
            bad = [(k, secret if k == "case.meeting" else v) for k, v in pairs]
            assert client.post("/", content=body(bad), headers=FORM).status_code == 200
            assert client.post("/upload", data={"token": token}, files={"upload": ("x.yaml", secret.encode())}).status_code == 422
            assert client.get(f"/rules/{secret}?q={secret}").status_code == 404
    out, err = process.communicate()
    logged = out + err
    assert secret not in logged and "Traceback" not in logged, logged
    assert list(home.iterdir()) == [] and list(temp.iterdir()) == []


@pytest.mark.xdist_group("processes")  # several processes at full speed: one such test at a time
def test_concurrent_requests_answer_as_sequential_ones(tmp_path: Path) -> None:
    proposals = [load_proposal(p, lambda _: None) for p in EXAMPLE_FILES]
    with serve(cwd=tmp_path) as (address, _):
        client, token = opened(address)
        with contextlib.closing(client):
            sequential = [client.post("/api/check", content=body(pairs_of(p, token)), headers=FORM).json() for p in proposals]
        cookie = dict(client.cookies)
        order = [i for i in range(len(proposals)) for _ in range(6)]
        random.Random(7).shuffle(order)

        # a client of its own for each of the 16 threads (a client costs more to make than a request)
        mine, clients = threading.local(), []

        def ask(i: int) -> tuple[int, Any]:
            if not hasattr(mine, "client"):
                mine.client = httpx2.Client(base_url=address, cookies=cookie, timeout=120)
                clients.append(mine.client)
            answer = mine.client.post("/api/check", content=body(pairs_of(proposals[i], token)), headers=FORM)
            return i, answer.json()

        try:
            with ThreadPoolExecutor(max_workers=16) as pool:
                answers = list(pool.map(ask, order))
        finally:
            for client in clients:
                client.close()
    assert len(answers) == len(order)
    for i, answer in answers:
        assert json.dumps(answer, sort_keys=True) == json.dumps(sequential[i], sort_keys=True), EXAMPLE_FILES[i]
    assert all(a["ok"] for a in sequential)
    assert len({a["evaluation"]["verdict"] for a in sequential}) > 1  # the answers differ between proposals


@pytest.mark.parametrize("lang", ["en"])
def test_the_page_in_english(lang: str, tmp_path: Path) -> None:
    with serve("--lang", lang, cwd=tmp_path) as (address, _):
        client, token = opened(address)
        with contextlib.closing(client):
            page = client.get("/").text
            assert '<html lang="en">' in page and "What is the council paper" in page
            pairs = pairs_of(load_proposal(SEED[-1], lambda _: None), token)
            answer = client.post("/api/check", content=body(pairs), headers=FORM).json()
            assert "A baseline of the necessary measures is in place" in answer["html"]


def test_ctrl_c_stops_the_page_in_one_line(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [str(ITAKU), "serve", "--port", "0"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as at a terminal (a test runner may ignore it)
    )
    assert process.stdout is not None and "http://127.0.0.1:" in process.stdout.readline()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_page_judges_with_the_profile_the_command_line_uses(tmp_path: Path, cli: Any) -> None:
    example = sorted((EXAMPLES / "profiles" / "example-city").glob("*.yaml"))[0]
    proposal = load_proposal(example, lambda _: None)
    expected = json.loads(cli("check", example, "--profile", "example-city", "--format", "json", "--fail-on", "never").stdout)[0]
    default = json.loads(cli("check", example, "--format", "json", "--fail-on", "never").stdout)[0]
    assert expected != default  # the profile changes the answer, so the test can fail
    with serve("--profile", "example-city", cwd=tmp_path) as (address, _):
        client, token = opened(address)
        with contextlib.closing(client):
            answer = client.post("/api/check", content=body(pairs_of(proposal, token)), headers=FORM).json()
    for view in (answer["evaluation"], expected):
        view.pop("source")
    assert answer["evaluation"] == expected
