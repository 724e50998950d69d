"""`itaku serve`: the self-check page for departments, a local web application (uvicorn)."""

from __future__ import annotations

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


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (the loopback address: this PC only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free port).")
@LANG
@ENGINE
@PROFILE
@handles_errors
def serve(host: str, port: int, lang: str, engine_name: str, profile: str | None) -> None:
    """Run the self-check page: fill in a proposal in the browser and see the advisor's view as you type.

    Open the address it prints; Ctrl-C stops it. Nothing entered on the page is stored or logged.
    """
    import uvicorn

    from itaku.web.app import create_app

    loopback = is_loopback(host)
    if not loopback:
        click.echo(f"itaku: {phrase('serve.exposed', host=inert_line(host))}", err=True)
    # the profile the command line would use here: the page judges as `itaku check` does
    app = create_app(lang, engine_name, loopback_only=loopback, catalog=catalog_for(profile))
    sock = _bind(host, port)
    bound = sock.getsockname()[1]
    # The server's own messages (start-up problems, an internal error's kind) go to stderr; there is
    # no access log, so no address, path or query of a request is ever written.
    logging.basicConfig(level=logging.WARNING, format="itaku: %(message)s")
    config = uvicorn.Config(
        app, access_log=False, log_config=None, log_level="warning", lifespan="off", server_header=False,
        proxy_headers=False,
    )
    shown = f"[{host}]" if ":" in host else host

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
