"""The self-check page as an ASGI application (Starlette); `itaku serve` runs it with uvicorn.

Routes:
- `GET /` the form, empty; `POST /` the form as sent, with the advisor's view (works without scripts)
- `POST /api/check` the same reading and evaluation as JSON, for the page's script as the clerk types
- `POST /upload` a filled Excel form, YAML or JSON proposal fills the page
- `POST /approved` the version approved earlier (the same kinds of file), held by the page and
  compared with, as `itaku check NEW --approved OLD`; `POST /approved/remove` lets it go
- `POST /download/KIND` the proposal as YAML, the pre-filled Excel form, the self-check, the report
- `GET /rules`, `GET /rules/ID` the catalog by topic, one page per rule
- `/static/…` the page's script and style sheet (package data; nothing is fetched from elsewhere)

Nothing a person enters is kept: requests are read in memory, answered and dropped; the server
writes no file and logs nothing of a request (see itaku/cli/serve.py for the server's own logs).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError, megabytes
from itaku.engine.safe_text import inert_line
from itaku.engine.wording import phrase
from itaku.files.reading import MAX_FILE_BYTES, load_proposal_bytes
from itaku.forms.xlsx_guard import MAX_FORM_BYTES
from itaku.present.formats import Renderer
from itaku.web import pages, security
from itaku.web.downloads import DOWNLOADS, file_name
from itaku.web.formdata import FormValues, values_of
from itaku.web.multipart import BadForm, parse_multipart
from itaku.web.review import APPROVED_DATA, APPROVED_NAME, Check, Reviewer, approved_fields

log = logging.getLogger("itaku.web")

FORM_LIMIT = 2 * MAX_FILE_BYTES  # a form as sent: the CLI's limit for the proposal and for its approved version
UPLOAD_LIMIT = MAX_FORM_BYTES + FORM_LIMIT  # a workbook, beside the form's own fields
MAX_FIELDS = 20_000  # controls in one form (500 rows of the longest list is 4,500)
UPLOAD_FIELD = "upload"
APPROVED_FIELD = "approved_upload"
WORKERS = max(2, os.cpu_count() or 1)  # threads that read forms, evaluate and build files
T = TypeVar("T")


class Refused(Exception):
    """A request answered with a message and a status, not with the form."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        self.status = status
        self.key = key
        self.values = values
        super().__init__(key)


def _pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        text = body.decode("ascii")
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise Refused(400, "web.error.bad_form") from None
    except ValueError:
        raise Refused(413, "web.error.too_many_fields", limit=MAX_FIELDS) from None


class SelfCheck:
    """The routes, around one Reviewer."""

    def __init__(self, reviewer: Reviewer, render: Renderer) -> None:
        self.reviewer = reviewer
        self.render = render  # makes the downloads: the page imports no renderer (setup.cfg, independence)
        self.lang = reviewer.lang
        self.pages = pages.Pages(reviewer)
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="itaku-review")

    # ------------------------------------------------------------ the work, off the event loop

    async def work(self, func: Callable[..., T], *args: Any) -> T:
        """Run `func` in one of the WORKERS threads of this app. Evaluations take turns on the
        shared ruleset anyway (its lock); a small, fixed pool keeps memory flat (each thread that
        evaluates grows an allocator arena of its own) and makes requests wait in line instead of
        piling up threads."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(func, *args))

    # ------------------------------------------------------------ reading requests

    async def _form(
        self, request: Request, limit: int, file_field: str = UPLOAD_FIELD
    ) -> tuple[FormValues, list[tuple[str, bytes]]]:
        """The form a request sent (urlencoded or multipart) and the files of `file_field`, token checked."""
        try:
            body = await security.read_body(request, limit)
        except security.BodyTooLarge:
            raise Refused(413, "web.error.too_large", limit=megabytes(limit)) from None
        except security.BodyTooSlow:
            raise Refused(408, "web.error.too_slow") from None
        content_type = request.headers.get("content-type", "")
        files: list[tuple[str, bytes]] = []
        if content_type.startswith("multipart/form-data"):
            try:
                parts = parse_multipart(content_type, body, MAX_FIELDS)
            except BadForm:
                raise Refused(400, "web.error.bad_form") from None
            pairs = [(p.name, p.data.decode("utf-8", "replace")) for p in parts if p.filename is None]
            files = [(p.filename or "", p.data) for p in parts if p.filename is not None and p.name == file_field]
        elif content_type.startswith("application/x-www-form-urlencoded"):
            pairs = _pairs(body)
        else:
            raise Refused(400, "web.error.bad_form")
        values = FormValues.from_pairs(pairs)
        if not security.token_matches(request, values.get(security.TOKEN_FIELD)):
            raise Refused(403, "web.error.forbidden")
        return values, files

    def _token(self, request: Request) -> str:
        return security.token_of(request) or security.new_token()

    def _page(self, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        token = self._token(request)
        response = HTMLResponse(self.pages.index(token=token, **context), status_code=status)
        response.headers["set-cookie"] = security.cookie_header(token)
        return response

    def _check_context(self, check: Check) -> dict[str, Any]:
        evaluation = check.evaluation
        return {
            "errors": check.reading.errors,
            "dates": check.reading.dates,
            "view": self.reviewer.view(evaluation) if evaluation is not None else None,
            "problem": check.problem,
        }

    # ------------------------------------------------------------ routes

    async def index(self, request: Request) -> Response:
        """The form: empty (GET), or as sent with its review (POST, for browsers without scripts)."""
        if request.method in ("GET", "HEAD"):  # Starlette sends HEAD's answer without its body
            return self._page(request, values=FormValues())
        values, _ = await self._form(request, FORM_LIMIT)
        check = await self.work(self.reviewer.check, values)
        return self._page(request, values=values, **self._check_context(check))

    async def check(self, request: Request) -> Response:
        """The review of the form as sent, as JSON: the view's HTML, errors by field, dates read."""
        values, _ = await self._form(request, FORM_LIMIT)
        check = await self.work(self.reviewer.check, values)
        context = self._check_context(check)
        evaluation = check.evaluation
        return JSONResponse({
            "ok": evaluation is not None,
            "errors": check.reading.errors,
            "dates": check.reading.dates,
            "html": self.pages.pane(values, **context),
            "evaluation": self.reviewer.summary(evaluation) if evaluation is not None else None,
        })

    async def upload(self, request: Request) -> Response:
        """Fill the page from an uploaded proposal; on a bad file, keep the page as it was and say why."""
        values, files = await self._form(request, UPLOAD_LIMIT)
        chosen = _chosen_file(files)
        if chosen is None:
            check = await self.work(self.reviewer.check, values)
            return self._page(request, 422, values=values, upload_error=phrase("web.upload.none", self.lang), **self._check_context(check))
        name, data = chosen
        notes: list[str] = []
        try:
            proposal = await self.work(self._load, name, data, notes)
        except InputError as exc:
            check = await self.work(self.reviewer.check, values)
            message = phrase("web.upload.failed", self.lang, name=inert_line(name), message=_without_file(exc, name))
            return self._page(request, 422, values=values, upload_error=message, **self._check_context(check))
        filled = values_of(proposal, self.reviewer.parts)
        for held in (APPROVED_NAME, APPROVED_DATA):  # a new proposal, compared with the same approved version
            if values.get(held):
                filled.add(held, values.get(held))
        check = await self.work(self.reviewer.check, filled)
        notes.insert(0, phrase("web.upload.done", self.lang, name=inert_line(name)))
        return self._page(request, values=filled, upload_notes=notes, **self._check_context(check))

    async def approved(self, request: Request) -> Response:
        """Hold an uploaded approved version in the page and compare the proposal with it; on a bad
        file, keep the page as it was (with the version held before, if any) and say why."""
        values, files = await self._form(request, UPLOAD_LIMIT, APPROVED_FIELD)
        chosen = _chosen_file(files)
        if chosen is None:
            check = await self.work(self.reviewer.check, values)
            message = phrase("web.upload.none", self.lang)
            return self._page(request, 422, values=values, approved_error=message, **self._check_context(check))
        name, data = chosen
        notes: list[str] = []
        try:
            earlier = await self.work(self._load, name, data, notes)
        except InputError as exc:
            check = await self.work(self.reviewer.check, values)
            message = phrase("web.upload.failed", self.lang, name=inert_line(name), message=_without_file(exc, name))
            return self._page(request, 422, values=values, approved_error=message, **self._check_context(check))
        held = FormValues({k: v for k, v in values.data.items() if k not in (APPROVED_NAME, APPROVED_DATA)})
        for key, value in approved_fields(inert_line(name), earlier).items():
            held.add(key, value)
        check = await self.work(self.reviewer.check, held)
        notes.insert(0, phrase("web.approved.done", self.lang, name=inert_line(name)))
        return self._page(request, values=held, approved_notes=notes, **self._check_context(check))

    async def approved_removed(self, request: Request) -> Response:
        """The page without its approved version: the proposal reviewed on its own again."""
        values, _ = await self._form(request, FORM_LIMIT)
        kept = FormValues({k: v for k, v in values.data.items() if k not in (APPROVED_NAME, APPROVED_DATA)})
        check = await self.work(self.reviewer.check, kept)
        return self._page(request, values=kept, approved_notes=[phrase("web.approved.removed", self.lang)], **self._check_context(check))

    def _load(self, name: str, data: bytes, notes: list[str]) -> Any:
        with self.reviewer.speaking():
            return load_proposal_bytes(name, data, lambda text: notes.append(inert_line(text)), self.reviewer.catalog)

    async def download(self, request: Request) -> Response:
        """One of the files made from the form as sent, or the form with its errors."""
        kind = DOWNLOADS.get(request.path_params["kind"])
        if kind is None:
            raise HTTPException(404)
        values, _ = await self._form(request, FORM_LIMIT)
        check = await self.work(self.reviewer.check, values)
        proposal, evaluation = check.reading.proposal, check.evaluation
        if proposal is None or evaluation is None:
            return self._page(request, 422, values=values, **self._check_context(check))
        try:
            data = await self.work(self._make, kind, proposal, evaluation)
        except InputError as exc:  # e.g. a text too long for one Excel cell
            context = self._check_context(check)
            context["problem"] = exc.message
            return self._page(request, 422, values=values, **context)
        name = file_name(self.reviewer, proposal, kind)
        return Response(data, media_type=kind.media_type, headers={"content-disposition": _attachment(name)})

    def _make(self, kind: Any, proposal: Any, evaluation: Any) -> bytes:
        with self.reviewer.speaking():
            return kind.make(self.render, self.reviewer, proposal, evaluation)

    async def rules(self, request: Request) -> Response:
        """The catalog by topic."""
        return HTMLResponse(self.pages.rules())

    async def rule(self, request: Request) -> Response:
        """One rule's page."""
        rule = self.reviewer.catalog.rule(request.path_params["rule_id"])
        if rule is None or rule.is_derivation:
            raise HTTPException(404)
        return HTMLResponse(self.pages.rule(rule))

    # ------------------------------------------------------------ refusals

    async def refused(self, request: Request, exc: Exception) -> Response:
        """A Refused request: its message, as JSON for the script, as a page otherwise."""
        assert isinstance(exc, Refused)
        return self.message(request.url.path, exc.status, phrase(exc.key, self.lang, **exc.values))

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """404, 405: a short page in the page's language."""
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        key = {404: "web.error.not_found", 405: "web.error.method"}.get(status, "web.error.internal")
        return self.message(request.url.path, status, phrase(key, self.lang))

    async def left(self, request: Request, exc: Exception) -> Response:
        """The client went away before its request was read: nobody is there to answer, and it is
        nothing to log (a closed tab, a lost connection)."""
        return Response(status_code=400)

    async def internal_error(self, request: Request, exc: Exception) -> Response:
        """A bug of ours: a page that says so, and the log line (the kind of error, nothing sent)."""
        # ITAKU_DEBUG=1 shows the traceback, as on the command line (it may quote what was entered)
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__,
                  exc_info=exc if os.environ.get("ITAKU_DEBUG") else None)
        return self.message(request.url.path, 500, phrase("web.error.internal", self.lang))

    def message(self, path: str, status: int, text: str) -> Response:
        """A refusal's answer: JSON for /api/, else a page."""
        if path.startswith("/api/"):
            return JSONResponse({"ok": False, "message": text}, status_code=status)
        return HTMLResponse(self.pages.message(text), status_code=status)


def _chosen_file(files: list[tuple[str, bytes]]) -> tuple[str, bytes] | None:
    """The first file chosen (a browser sends an empty part when none was), by its base name."""
    chosen = [(name, data) for name, data in files if name or data]
    if not chosen:
        return None
    name, data = chosen[0]
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "?", data


def _without_file(exc: InputError, name: str) -> str:
    """An input error without the file name (the message names it already)."""
    return inert_line(f"{exc.where}: {exc.message}" if exc.where else exc.message)


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name)}"


def create_app(
    render: Renderer, lang: str = "ja", engine: str = "durable", names: frozenset[str] = frozenset(),
    catalog: Catalog | None = None,
) -> Any:
    """The ASGI application: one Reviewer (catalog and Evaluator) for every request of the process.
    `render`: what makes the downloads (itaku.outputs.render, handed in by `itaku serve`);
    `names`: the host names answered besides the loopback ones (localhost, 127.0.0.0/8, ::1): the
    names the page is reached by off the loopback address;
    `catalog`: the rules as a profile adapts them (default: the shipped catalog)."""
    site = SelfCheck(Reviewer(lang, engine, catalog), render)
    app = Starlette(
        routes=[
            Route("/", site.index, methods=["GET", "POST"]),
            Route("/api/check", site.check, methods=["POST"]),
            Route("/upload", site.upload, methods=["POST"]),
            Route("/approved", site.approved, methods=["POST"]),
            Route("/approved/remove", site.approved_removed, methods=["POST"]),
            Route("/download/{kind}", site.download, methods=["POST"]),
            Route("/rules", site.rules, methods=["GET"]),
            Route("/rules/{rule_id}", site.rule, methods=["GET"]),
            Mount("/static", StaticFiles(packages=[("itaku.web", "static")]), name="static"),
        ],
        exception_handlers={
            Refused: site.refused, HTTPException: site.http_error, ClientDisconnect: site.left, Exception: site.internal_error,
        },
    )

    def refuse(scope: Any, reason: str) -> Any:
        key = "web.error.forbidden" if reason == "cross_site" else "web.error.not_found"
        status = 403 if reason == "cross_site" else 421
        return site.message(scope.get("path", ""), status, phrase(key, lang))

    return security.Guard(Shield(app), refuse, names)


class Shield:
    """The outermost layer: an exception that escaped Starlette (which answers it, then raises it
    again for the server to log) ends here, so that the server never logs a traceback that could
    quote what a person entered."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:  # answered already by the internal_error handler; logged there
            return
