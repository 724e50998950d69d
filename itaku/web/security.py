"""What keeps the page safe whatever is sent to it: response headers, the host and cross-site
checks, the form token, and bounded request bodies.

- Every response carries a Content-Security-Policy that allows scripts, styles, images and fonts
  from the page's own address only (no inline script or style, no frame, no plugin), and is not
  cached (`no-store`) unless it is one of the page's own static files.
- Cross-site requests: a request that changes nothing (GET, HEAD) is always answered; any other is
  refused unless (1) the browser does not say it came from another site (`Sec-Fetch-Site` absent,
  `same-origin` or `none`, and `Origin`, when sent, equal to the page's own), and (2) its form
  carries the token that the page's cookie holds (double submit: the cookie is `SameSite=Strict` and
  `HttpOnly`, so another site can neither send nor read it).
- Host check: only the names the page is reached by are answered (on the loopback address:
  localhost and any 127.0.0.0/8 or ::1 address; off it, the names `itaku serve` was given or
  derived), so that a web site cannot reach the page by pointing its own name at it (DNS rebinding).
- Bodies are read up to a limit and refused past it (413), before anything is parsed, and within a
  bounded time (a client that trickles its body is cut: BodyTooSlow).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # no-referrer would make the browser send `Origin: null`
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
TOKEN_COOKIE = "itaku_token"
TOKEN_FIELD = "token"
STATIC_PREFIX = "/static/"
SAFE_METHODS = frozenset({"GET", "HEAD"})


BODY_SECONDS = 120  # the longest a request body may take to arrive (a 16 MB upload over a slow LAN)


class BodyTooLarge(Exception):
    """A request body past its limit."""


class BodyTooSlow(Exception):
    """A request body that did not arrive within BODY_SECONDS."""


def new_token() -> str:
    """A fresh random form token."""
    return secrets.token_urlsafe(32)


def token_of(request: Request) -> str | None:
    """The page's token from its cookie, if it is well formed."""
    value = request.cookies.get(TOKEN_COOKIE)
    return value if value and 20 <= len(value) <= 100 and value.replace("-", "").replace("_", "").isalnum() else None


def token_matches(request: Request, sent: str) -> bool:
    """Whether the token a form sent is the one its cookie holds (compared in constant time)."""
    cookie = token_of(request)
    return cookie is not None and hmac.compare_digest(cookie.encode(), sent.encode("utf-8", "replace"))


def cookie_header(token: str) -> str:
    """The Set-Cookie value that gives the page its token."""
    return f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"


async def read_body(request: Request, limit: int, seconds: float = BODY_SECONDS) -> bytes:
    """The request body, refused (BodyTooLarge) as soon as it passes `limit` bytes, or (BodyTooSlow)
    when it has not all arrived after `seconds`."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTooSlow from None
    return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def same_site(scope: Scope) -> bool:
    """Whether the browser says the request comes from the page itself (or says nothing)."""
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    host = _header(scope, b"host") or ""
    scheme = scope.get("scheme", "http")
    return origin == f"{scheme}://{host}"


def is_loopback_name(name: str) -> bool:
    """localhost, or an address of this machine only (127.0.0.0/8, ::1) as a Host header names it."""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(scope: Scope) -> str:
    """The host name the request was sent to, without the port."""
    host = (_header(scope, b"host") or "").strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if ":" in host else host


class Guard:
    """ASGI middleware: security headers on every response; the host and cross-site checks."""

    def __init__(self, app: ASGIApp, refuse: Callable[[Scope, str], ASGIApp], names: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.refuse = refuse  # the response for a refused request: (scope, reason) -> ASGI app
        self.names = frozenset(n.lower() for n in names)  # answered besides the loopback names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith(STATIC_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"cache-control" or static]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        name = host_name(scope)
        if name not in self.names and not is_loopback_name(name):
            await self.refuse(scope, "host")(scope, receive, with_headers)
        elif scope.get("method", "GET") not in SAFE_METHODS and not same_site(scope):
            await self.refuse(scope, "cross_site")(scope, receive, with_headers)
        else:
            await self.app(scope, receive, with_headers)
