"""What the web page's tests share: the page's form for a proposal, posting it, a live `itaku serve`."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from itaku.engine.models import Proposal
from itaku.engine.profiles import default_catalog
from itaku.web import fields as fd
from itaku.web.formdata import values_of

ITAKU = Path(sys.executable).with_name("itaku")
FORM = {"content-type": "application/x-www-form-urlencoded"}
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
CHROMIUM = "/usr/bin/chromium"


def parts(lang: str = "ja") -> tuple[fd.Part, ...]:
    return fd.describe(lang, default_catalog())


def pairs_of(proposal: Proposal | None, token: str, extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The (name, value) pairs the page's form sends for `proposal` (None: the empty form)."""
    out: list[tuple[str, str]] = [("token", token)]
    if proposal is not None:
        out += [(name, v) for name, values in values_of(proposal, parts()).data.items() for v in values]
    return [*out, *(extra or {}).items()]


def body(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


def token_of(client: Any) -> str:
    """Open the page once (as a browser does) and return the form token its cookie holds."""
    page = client.get("/")
    assert page.status_code == 200
    match = re.search(r'name="token" value="([^"]+)"', page.text)
    assert match, "the page has no form token"
    return match.group(1)


class _Text(HTMLParser):
    """The text a person sees: element text outside script, style, template and hidden elements."""

    SKIP = frozenset({"script", "style", "template", "title", "option"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


@contextlib.contextmanager
def serve(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`itaku serve --port 0 ARGS` from the installed command; yields (address, process) and stops it."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ITAKU_DEBUG")}
    environment.update(env or {})
    process = subprocess.Popen(
        [str(ITAKU), "serve", "--port", "0", *args], cwd=cwd, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://\S+/)", line)
        assert match, f"itaku serve printed {line!r}; stderr: {process.stderr.read() if process.poll() is not None else ''}"
        yield match.group(1), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
