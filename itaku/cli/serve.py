"""`itaku serve`: the self-check page for departments, a local web application (uvicorn)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import socket
import sys
from typing import Any

import click

from itaku.cli.common import ENGINE, LANG, PROFILE, catalog_for, handles_errors
from itaku.engine.errors import ExitCode, InputError
from itaku.engine.safe_text import inert_line
from itaku.engine.wording import phrase


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), or an input error naming the address."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP named: asyncio turns Nagle's algorithm off only on sockets that say they are TCP;
        # with it on, each answer on a kept-alive connection waited ~40 ms for the browser's delayed ACK
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        raise InputError(f"{host}:{port}", None, phrase("error.cannot_listen", error=exc.strerror or exc)) from None
    return sock


# Bounds on a connection, uvicorn's and h11's own settings where they do it: an idle kept-alive
# connection is closed after KEEP_ALIVE s; a request's head must arrive within HEAD_SECONDS of the
# connection opening (or of the previous answer) and be at most HEAD_BYTES; its body within
# itaku.web.security.BODY_SECONDS.
KEEP_ALIVE = 5
HEAD_SECONDS = 10
HEAD_BYTES = 64 * 1024


def _protocol() -> type:
    """uvicorn's h11 protocol, with a deadline for each request's head: uvicorn's keep-alive timer
    stops at the first byte received, so a client sending one byte every few seconds (slowloris)
    would otherwise hold its connection for as long as it likes."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class BoundedH11(H11Protocol):  # type: ignore[misc]
        _deadline: asyncio.TimerHandle | None = None
        _waiting_after: object = None  # the cycle answered before the head being waited for

        def _arm(self) -> None:
            self._disarm()
            self._waiting_after = self.cycle
            self._deadline = self.loop.call_later(HEAD_SECONDS, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._deadline is not None and self.cycle is not self._waiting_after:
                self._disarm()  # a new request's head is complete

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return BoundedH11


def _names(host: str, given: tuple[str, ...]) -> list[str]:
    """The names the page is reached by off the loopback address: those given (--name), else this
    machine's host name and full name, the address it listens on, and (listening on every address)
    this machine's own addresses; in that order, without repeats."""
    if given:
        return list(dict.fromkeys(n.strip().lower() for n in given if n.strip()))
    found = [] if host in ("0.0.0.0", "::") else [f"[{host}]" if ":" in host else host]
    found += [socket.gethostname(), socket.getfqdn()]
    if host in ("0.0.0.0", "::"):
        with contextlib.suppress(OSError):
            found += [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
    return list(dict.fromkeys(n.lower() for n in found if n and not is_loopback(n.strip("[]"))))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (the loopback address: this PC only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free port).")
@click.option(
    "--allow-remote", is_flag=True,
    help="Listen off the loopback address on purpose: other computers can then open the page (it has no login).",
)
@click.option(
    "--name", "names", multiple=True, metavar="NAME",
    help="A host name or address other computers reach the page by (repeatable); default: this machine's names.",
)
@LANG
@ENGINE
@PROFILE
@handles_errors
def serve(
    host: str, port: int, allow_remote: bool, names: tuple[str, ...], lang: str, engine_name: str, profile: str | None
) -> None:
    """Run the self-check page: fill in a proposal in the browser and see the advisor's view as you type.

    Open the address it prints; Ctrl-C stops it. Nothing entered on the page is stored or logged.
    """
    import uvicorn

    from itaku.outputs import render
    from itaku.web.app import create_app

    loopback = is_loopback(host)
    if not loopback and not allow_remote:
        raise InputError("--host", host, phrase("serve.needs_allow_remote"))
    reached_by = [] if loopback else _names(host, names)
    if not loopback:
        click.echo(f"itaku: {phrase('serve.exposed', host=inert_line(host))}", err=True)
        click.echo(f"itaku: {phrase('serve.names', names=', '.join(map(inert_line, reached_by)))}", err=True)
    # the profile the command line would use here: the page judges as `itaku check` does
    app = create_app(render, lang, engine_name, names=frozenset(reached_by), catalog=catalog_for(profile))
    sock = _bind(host, port)
    bound = sock.getsockname()[1]
    # The server's own messages (start-up problems, an internal error's kind) go to stderr; there is
    # no access log, so no address, path or query of a request is ever written.
    logging.basicConfig(level=logging.WARNING, format="itaku: %(message)s")
    config = uvicorn.Config(
        app, access_log=False, log_config=None, log_level="warning", lifespan="off", server_header=False,
        proxy_headers=False, http=_protocol(), timeout_keep_alive=KEEP_ALIVE, h11_max_incomplete_event_size=HEAD_BYTES,
    )
    # the address a browser opens: this machine's own name when listening on every address
    named = bool(reached_by) and (bool(names) or host in ("0.0.0.0", "::"))
    shown = reached_by[0] if named else (f"[{host}]" if ":" in host else host)

    class Server(uvicorn.Server):
        """uvicorn's server, saying where to open the page once it serves (and Ctrl-C is its to handle)."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            click.echo(f"itaku: {phrase('serve.ready', url=f'http://{shown}:{bound}/')}")

        def handle_exit(self, sig: int, frame: Any) -> None:
            """Ctrl-C or SIGTERM: stop at once. uvicorn would wait for every request in progress, and
            the process for the worker threads judging them; the page writes nothing and keeps
            nothing, so nothing is lost by ending here, with the line and code of any command."""
            interrupted = sig == signal.SIGINT
            click.echo(f"itaku: {phrase('error.interrupted' if interrupted else 'error.terminated')}", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(ExitCode.INTERRUPTED if interrupted else ExitCode.TERMINATED)

    Server(config).run(sockets=[sock])
