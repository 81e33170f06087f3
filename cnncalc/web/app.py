"""The web app: HTTP around ``api`` (Starlette), the page's files, limits and error replies.

Every request body is capped at MAX_BODY bytes (413 beyond); cnncalc's errors become 400
(invalid input, the CLI's exit code 2) or 422 (impossible network, exit code 1) with
``{"error": "<the CLI's message>"}``; the work runs in worker threads so that a slow request
never stalls the others. Headers forbid framing, sniffing and any script not served here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import CnncalcError, NetworkError, SpecError
from ..sources import visible_name
from . import api

STATIC = Path(__file__).parent / "static"
MAX_BODY = 1_000_000
"""1 MB: a spec of thousands of layers or a class's answer files fit many times over."""
MAX_DRAINED = 32_000_000
"""An upload too large is still read (and dropped) up to here, so that the client, still
sending, gets the 413 instead of a broken connection; beyond it the connection is cut."""

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
log = logging.getLogger("cnncalc.web")


class TooLarge(Exception):
    """The request body is over MAX_BODY."""

    def __init__(self, still_sending: bool) -> None:
        super().__init__()
        self.still_sending = still_sending


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def read_body(request: Request) -> bytes:
    """The body, refusing more than MAX_BODY bytes whatever Content-Length claims."""
    declared = request.headers.get("content-length", "")
    if (
        declared.isascii()
        and declared.isdigit()
        and (len(declared) > 9 or int(declared) > MAX_BODY)
    ):
        raise TooLarge(still_sending=True)
    chunks, size, more = [], 0, True
    while more:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk = message.get("body", b"")
        more = message.get("more_body", False)
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(still_sending=more)
        chunks.append(chunk)
    return b"".join(chunks)


async def drain(request: Request) -> None:
    """Read and drop the rest of a body (up to MAX_DRAINED) so that the 413 reaches a client
    that is still sending, instead of a reset connection."""
    size = 0
    while size <= MAX_DRAINED:
        message = await request.receive()
        if message["type"] != "http.request":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def expects_continue(request: Request) -> bool:
    """Whether the client waits for '100 Continue' before sending its body (curl does for
    bodies over 1 MB): then the 413 goes at once and the body is never sent. Reading it would
    make uvicorn invite the upload first."""
    return request.headers.get("expect", "").lower() == "100-continue"


Handler = Callable[[Request], Awaitable[Response]]


def endpoint(work: Callable[[Request, bytes], Response]) -> Handler:
    """Read the body, run the work in a thread, and turn every failure into a 4xx reply."""

    async def handle(request: Request) -> Response:
        try:
            body = await read_body(request) if request.method == "POST" else b""
            return await run_in_threadpool(work, request, body)
        except TooLarge as refusal:
            if refusal.still_sending and not expects_continue(request):
                await drain(request)
            return error(413, f"the request body is over {MAX_BODY:,} bytes")
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening for the reply
        except CnncalcError as failure:
            return error(422 if isinstance(failure, NetworkError) else 400, str(failure))
        except RecursionError:
            return error(400, "the request is nested too deeply to read")

    return handle


def text(body: str, media_type: str = "application/json", filename: str | None = None) -> Response:
    headers = {"content-disposition": f'attachment; filename="{filename}"'} if filename else None
    return Response(body, media_type=media_type, headers=headers)


def query(request: Request) -> dict[str, str]:
    """The query's options; one given twice is refused (which of them counts would be a guess,
    and a page or script that sends both has a bug worth naming)."""
    chosen: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in chosen:
            raise SpecError(f"query parameter '{visible_name(key)}' is given twice; give it once")
        chosen[key] = value
    return chosen


def no_query(request: Request) -> None:
    """An endpoint without options still refuses them: a misspelt option is never ignored."""
    api.options(query(request), {})


def analyze(request: Request, body: bytes) -> Response:
    return text(api.analyze_json(body, query(request)))


def diagram(request: Request, body: bytes) -> Response:
    return text(api.diagram_svg(body, query(request)), "image/svg+xml")


def import_model(request: Request, body: bytes) -> Response:
    no_query(request)
    return text(api.import_json(body))


def presets(request: Request, body: bytes) -> Response:
    no_query(request)
    return text(api.presets_json())


def preset(request: Request, body: bytes) -> Response:
    no_query(request)
    return text(api.preset_spec(request.path_params["name"]))


def schema(request: Request, body: bytes) -> Response:
    no_query(request)
    return text(api.schema_json())


def exercise(request: Request, body: bytes) -> Response:
    return text(api.exercise_json(query(request)))


DOWNLOADS = {"csv": "gradebook.csv", "gradescope": "results.json"}


def check(request: Request, body: bytes) -> Response:
    """One answer file as the body; ?name= gives its file name (its format, in the report)."""
    options = query(request)
    name = options.pop("name", "answers.yaml")
    report, media_type = api.check_text([(name, body)], options)
    return text(report, media_type)


def grade_class(request: Request, body: bytes) -> Response:
    """Many answer files in one JSON body; csv and gradescope come back as downloads."""
    options = query(request)
    report, media_type = api.check_text(api.uploads_from_body(body), options)
    return text(report, media_type, DOWNLOADS.get(options.get("format", "")))


def compare(request: Request, body: bytes) -> Response:
    return text(*api.compare_text(body, query(request)))


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html")


async def not_found(request: Request, exc: Exception) -> Response:
    return error(404, f"{request.url.path}: no such page or API endpoint; see docs/web.md")


async def not_allowed(request: Request, exc: Exception) -> Response:
    return error(405, f"{request.method} {request.url.path}: method not allowed")


async def internal(request: Request, exc: Exception) -> Response:
    """A bug, not the user's fault: logged in full on the server, one line for the page."""
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error(500, f"internal error ({type(exc).__name__}); please report it")


class LoopbackHosts:
    """Refuses a request whose Host is not one of ``allowed`` (a loopback server's guard
    against DNS rebinding), with a JSON message like every other refusal."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = Headers(scope=scope).get("host", "") if scope["type"] == "http" else ""
        if scope["type"] == "http" and host_name(header) not in self.allowed:
            names = ", ".join(sorted(self.allowed))
            reply = error(
                400,
                f"Host '{visible_name(header)}' is not this computer; "
                f"this server answers only to {names}",
            )
            await reply(scope, receive, send)
            return
        await self.app(scope, receive, send)


def host_name(header: str) -> str:
    """The name in a Host header, without its port ('[::1]:8000' → '[::1]'), in lower case."""
    if header.startswith("["):
        return header.partition("]")[0].lower() + "]"
    return header.partition(":")[0].lower()


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (pure ASGI: streams pass straight through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(allowed_hosts: list[str] | None = None) -> Starlette:
    """The app; allowed_hosts (the Host header) guards a loopback server against DNS
    rebinding: a web page elsewhere cannot talk to it through a name it controls."""
    routes = [
        Route("/", page),
        Route("/api/analyze", endpoint(analyze), methods=["POST"]),
        Route("/api/import", endpoint(import_model), methods=["POST"]),
        Route("/api/diagram", endpoint(diagram), methods=["POST"]),
        Route("/api/compare", endpoint(compare), methods=["POST"]),
        Route("/api/check", endpoint(check), methods=["POST"]),
        Route("/api/class", endpoint(grade_class), methods=["POST"]),
        Route("/api/presets", endpoint(presets)),
        Route("/api/presets/{name}", endpoint(preset)),
        Route("/api/schema", endpoint(schema)),
        Route("/api/exercise", endpoint(exercise)),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(LoopbackHosts, allowed=allowed_hosts))
    handlers = {404: not_found, 405: not_allowed, 500: internal}
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
