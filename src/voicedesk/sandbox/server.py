"""The sandbox: the assistant API of api-contract.md served over real HTTP on loopback.

Used by `voicedesk --demo`, `voicedesk sandbox` and the end-to-end tests. Besides the
API it offers test knobs: added latency, injected faults, a request log, and direct
(thread-safe) access to the data.
"""

from __future__ import annotations

import copy
import json
import math
import re
import socket
import struct
import threading
import time
import traceback
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from voicedesk.sandbox import dialect2026
from voicedesk.sandbox.apply import apply_update, now_timestamp
from voicedesk.sandbox.data import SandboxData, demo_data
from voicedesk.sandbox.rules import is_integer, validate_update

DEMO_API_KEY = "demo-key-0000"

# GET /user/me: the key's account (the balance a number, as real hosts send it).
DEMO_ACCOUNT = {"name": "Bright Smile Dental", "email": "ops@brightsmile.example", "total_balance": 42.5}
_NOT_FOUND = {"message": "Assistant not found or does not belong to the authenticated user"}
_UPDATE_PATH = re.compile(r"/api/user/assistant/([^/]+)")
_ID = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class RateLimit:
    """Sliding windows per API key; a request over either limit gets 429."""

    per_minute: int = 100
    per_10s: int = 20


@dataclass
class _Armed:
    """A fault for the next `remaining` requests whose target holds `path` (any when None)."""

    remaining: int
    fault: Fault
    path: str | None


@dataclass(frozen=True)
class Fault:
    """What a request gets instead of normal handling; build one with the constructors."""

    kind: str
    code: int = 200
    payload: object = None
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @classmethod
    def status(
        cls, code: int, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Fault:
        """A JSON error, e.g. 500 {"message": "Assistant update failed"}."""
        if body is None:
            body = {"message": _LARAVEL_MESSAGES.get(code, HTTPStatus(code).phrase)}
        return cls("status", code, body, tuple((headers or {}).items()))

    @classmethod
    def html(cls, code: int) -> Fault:
        """An nginx-style HTML error page, as a proxy in front of the API sends."""
        return cls("html", code)

    @classmethod
    def malformed_json(cls) -> Fault:
        """200 with a JSON content type and a truncated JSON body."""
        return cls("malformed_json")

    @classmethod
    def body(cls, obj: object, code: int = 200) -> Fault:
        """Valid JSON of the wrong shape, e.g. a string where a list belongs."""
        return cls("body", code, obj)

    @classmethod
    def drop(cls) -> Fault:
        """Headers promising a body, half of it, then the connection closes."""
        return cls("drop")

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Sleep, then answer normally: for exceeding the client's timeout."""
        return cls("delay", seconds=seconds)

    @classmethod
    def trickle(cls, seconds: float, *, headers: bool = False) -> Fault:
        """An answer that never ends: one byte every `seconds`, of the body after whole
        headers promising 1 MB, or (`headers`) of the status line and headers already,
        until the client hangs up or the sandbox stops. Every wait for data is short;
        only a deadline on the whole answer ends it."""
        return cls("trickle_headers" if headers else "trickle", seconds=seconds)

    @classmethod
    def huge(cls, size: int, *, declared: bool = True, gzip: bool = False) -> Fault:
        """200 with a JSON body of `size` bytes, made as it is sent (never held): with a
        Content-Length (`declared`) or chunked; `gzip`: compressed, so that a few MB on
        the wire decode to `size` bytes (a decompression bomb)."""
        kind = "huge_gzip" if gzip else "huge"
        return cls(kind, payload=size, headers=(("declared", "1"),) if declared else ())

    @classmethod
    def lying_pages(cls, last_page: int, total: int | None = None) -> Fault:
        """The list's real answer, but claiming `last_page` (and `total`, when given)."""
        return cls("lying_pages", payload={"last_page": last_page, **({"total": total} if total is not None else {})})


_LARAVEL_MESSAGES = {429: "Too Many Attempts.", 500: "Server Error"}
_TRUNCATED_JSON = b'{"data":[{"id":101,"name":"Bright Smile Dental \\u2013 Reception","sta'


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case; the API key masked
    body: object  # the parsed JSON, or None when empty or not JSON
    raw_body: bytes
    status: int | None  # None until answered; 0 when the connection was dropped
    time: float  # arrival, as time.time()


@dataclass
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    drop: bool = False
    # Instead of the above: writes the whole answer itself, as slowly or as long as it likes.
    writer: Callable[[_Handler], None] | None = None


def _json(status: int, obj: object, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(obj, separators=(",", ":")).encode(), headers or {})


_CHUNK = 1 << 20


def _trickle(seconds: float, headers: bool, stopping: threading.Event) -> Callable[[_Handler], None]:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
    body = b" " * 1_000_000

    def write(handler: _Handler) -> None:
        slow = head + body
        if not headers:
            handler.wfile.write(head)
            slow = body
        for index in range(len(slow)):
            handler.wfile.write(slow[index:index + 1])
            if stopping.wait(seconds):
                return

    return write


def _huge(size: int, declared: bool, compressed: bool) -> Callable[[_Handler], None]:
    def write(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if compressed:
            handler.send_header("Content-Encoding", "gzip")
        if declared and not compressed:
            handler.send_header("Content-Length", str(size))
            handler.end_headers()
            for piece in _json_of_size(size):
                handler.wfile.write(piece)
            return
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for piece in _gzip_of_size(size) if compressed else _json_of_size(size):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")

    return write


def _json_of_size(size: int) -> Iterator[bytes]:
    """{"data":"xxx…"}, `size` bytes in all, a MB at a time."""
    yield b'{"data":"'
    left = size - len(b'{"data":"') - len(b'"}')
    chunk = b"x" * _CHUNK
    while left > 0:
        yield chunk[:left]
        left -= len(chunk)
    yield b'"}'


def _gzip_of_size(size: int) -> Iterator[bytes]:
    """A gzip stream that decodes to `size` bytes (whole MBs) of "x", about a thousand
    times smaller. After a full flush deflate starts afresh, so one compressed MB is
    valid again and again."""
    chunk = b"x" * _CHUNK
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip frame is ours
    segment = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    crc = 0
    for _ in range(size // _CHUNK):
        crc = zlib.crc32(chunk, crc)
        yield segment
    yield zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the final, empty block
    yield struct.pack("<II", crc, size // _CHUNK * _CHUNK & 0xFFFFFFFF)


def _fault_reply(fault: Fault, stopping: threading.Event) -> _Reply:
    if fault.kind in ("trickle", "trickle_headers"):
        return _Reply(200, b"", writer=_trickle(fault.seconds, fault.kind == "trickle_headers", stopping))
    if fault.kind in ("huge", "huge_gzip"):
        assert isinstance(fault.payload, int)  # Fault.huge's size
        return _Reply(200, b"", writer=_huge(fault.payload, bool(fault.headers), fault.kind == "huge_gzip"))
    if fault.kind == "status":
        return _json(fault.code, fault.payload, dict(fault.headers))
    if fault.kind == "body":
        return _json(fault.code, fault.payload)
    if fault.kind == "html":
        title = f"{fault.code} {HTTPStatus(fault.code).phrase}"
        page = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return _Reply(fault.code, page.encode(), content_type="text/html")
    if fault.kind == "malformed_json":
        return _Reply(200, _TRUNCATED_JSON)
    return _Reply(200, _TRUNCATED_JSON + b'"}]}', drop=True)


class _RateLimiter:
    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count a request unless it is over a limit; (allowed, headers for the reply).
        Refused requests do not count, as in Laravel's throttle."""
        now = time.monotonic()
        per_minute, per_10s = self.limit.per_minute, self.limit.per_10s
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - 60:
                hits.popleft()
            recent = [t for t in hits if t > now - 10]
            waits = []
            if len(hits) >= per_minute:
                waits.append(hits[len(hits) - per_minute] + 60 - now)
            if len(recent) >= per_10s:
                waits.append(recent[len(recent) - per_10s] + 10 - now)
            headers = {"X-RateLimit-Limit": str(per_minute)}
            if waits:
                retry_after = max(1, math.ceil(max(waits)))
                headers["X-RateLimit-Remaining"] = "0"
                headers["Retry-After"] = str(retry_after)
                headers["X-RateLimit-Reset"] = str(int(time.time()) + retry_after)
                return False, headers
            hits.append(now)
            remaining = min(per_minute - len(hits), per_10s - len(recent) - 1)
            headers["X-RateLimit-Remaining"] = str(remaining)
            return True, headers


@dataclass
class _Incoming:
    method: str
    path: str
    target: str  # path and query as sent
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    raw_body: bytes
    body: object


class Sandbox:
    """The emulated API. `start()` serves it in a daemon thread (or use `with`);
    `serve_forever()` serves it in the foreground."""

    def __init__(
        self,
        data: SandboxData | None = None,
        *,
        api_key: str = DEMO_API_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: RateLimit | None = RateLimit(),
        latency: float = 0.0,
        dialect: str = "2025",
    ) -> None:
        if dialect not in ("2025", "2026"):
            raise ValueError(f"the sandbox speaks dialect 2025 or 2026, not {dialect!r}")
        self.dialect = dialect  # the update contract it plays (api-contract.md)
        self.data = data if data is not None else demo_data()
        if dialect == "2026":
            for record in self.data.assistants.values():
                dialect2026.with_current_columns(record)
            if data is None:
                dialect2026.current_demo(self.data)
        self.api_key = api_key
        self.host = host
        self.port = port  # the bound port once started; a restart reuses it
        self.latency = latency
        self.lock = threading.RLock()  # guards data, the request log and faults
        self.errors: list[str] = []  # tracebacks of sandbox bugs, answered with 500
        self._limiter = _RateLimiter(rate_limit) if rate_limit else None
        self._requests: list[RecordedRequest] = []
        self._faults: list[_Armed] = []
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._server = self._bind()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # how soon stop() takes effect
            name=f"voicedesk-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self, ready: Callable[[Sandbox], None] | None = None) -> None:
        """Serve in this thread until KeyboardInterrupt or `stop()` from another thread.
        `ready` is called once the port is bound, e.g. to print `base_url`."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        server = self._server = self._bind()
        if ready is not None:
            ready(self)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and free the port, so the
        next request is refused."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes requests sleeping in latency or a delay fault
        server.shutdown()
        server.server_close()
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _bind(self) -> _HTTPServer:
        server = _HTTPServer((self.host, self.port), self)
        self.port = server.server_address[1]
        self._stopping.clear()
        return server

    # -- test knobs ---------------------------------------------------------------------

    def fail_next(self, n: int, fault: Fault, path: str | None = None) -> None:
        """The next n requests whose target (path and query) contains `path` get the
        fault instead of normal handling. Queued faults are used in order."""
        with self.lock:
            self._faults.append(_Armed(n, fault, path))

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self.lock:
            self._requests.clear()

    def assistant(self, assistant_id: int) -> dict[str, Any]:
        """A copy of the stored read-shape record."""
        with self.lock:
            return copy.deepcopy(self.data.assistants[assistant_id])

    def edit_assistant(self, assistant_id: int, **fields: object) -> None:
        """Change a stored record under its read-shape names, as another user of the
        account would; `updated_at` moves."""
        with self.lock:
            record = self.data.assistants[assistant_id]
            record.update(fields)
            record["updated_at"] = now_timestamp()

    # -- request handling ---------------------------------------------------------------

    def _take_fault(self, target: str) -> Fault | None:
        with self.lock:
            for index, armed in enumerate(self._faults):
                if armed.path is None or armed.path in target:
                    if armed.remaining <= 1:
                        del self._faults[index]
                    else:
                        armed.remaining -= 1
                    return armed.fault
        return None

    def _serve(self, request: _Incoming, arrived: float) -> _Reply:
        headers = dict(request.headers)
        if "authorization" in headers:
            scheme, space, _ = headers["authorization"].partition(" ")
            headers["authorization"] = f"{scheme} ***" if space else "***"
        record = RecordedRequest(
            request.method, request.path, request.query, headers, request.body,
            request.raw_body, None, arrived,
        )
        with self.lock:  # logged on arrival, so the log is in arrival order
            self._requests.append(record)
        fault = self._take_fault(request.target)
        if self.latency:
            self._stopping.wait(self.latency)
        if fault is not None and fault.kind == "delay":
            self._stopping.wait(fault.seconds)
            fault = None
        if fault is not None and fault.kind == "lying_pages":
            reply = self._respond_safely(request)
            if reply.status == 200:
                page = json.loads(reply.body)
                page.update(fault.payload)
                reply.body = json.dumps(page, separators=(",", ":")).encode()
        else:
            reply = _fault_reply(fault, self._stopping) if fault else self._respond_safely(request)
        record.status = 0 if reply.drop else reply.status  # set before the client sees it
        return reply

    def _respond_safely(self, request: _Incoming) -> _Reply:
        try:
            return self._respond(request)
        except Exception:  # a sandbox bug: answer as Laravel does and keep the trace
            with self.lock:
                self.errors.append(traceback.format_exc())
            return _json(500, {"message": "Server Error"})

    def _respond(self, request: _Incoming) -> _Reply:
        path = request.path.rstrip("/") or "/"
        route = self._route(path)
        if route is None:
            return _json(404, {"message": f"The route {path.lstrip('/')} could not be found."})
        method, handler = route
        if request.method != method:
            return _json(405, {"message": (
                f"The {request.method} method is not supported for route "
                f"{path.lstrip('/')}. Supported methods: {method}."
            )})
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.api_key:
            return _json(401, {
                "error": "Invalid API key",
                "message": "The API key is missing or not valid for this account.",
            })
        limit_headers: dict[str, str] = {}
        if self._limiter is not None:
            allowed, limit_headers = self._limiter.hit(token.strip())
            if not allowed:
                return _json(429, {"message": "Too Many Attempts."}, limit_headers)
        reply = handler(request)
        reply.headers.update(limit_headers)
        return reply

    def _route(self, path: str) -> tuple[str, Callable[[_Incoming], _Reply]] | None:
        if match := _UPDATE_PATH.fullmatch(path):
            return "PUT", lambda request: self._update_assistant(match.group(1), request)
        routes: dict[str, Callable[[_Incoming], _Reply]] = {
            "/api/user/assistants/get": self._list_assistants,
            "/api/user/assistants/voices": self._voices,
            "/api/user/assistants/languages": self._languages,
            "/api/user/assistants/models": self._models,
            "/api/user/assistants/phone-numbers": self._phone_numbers,
            "/api/user/me": self._me,
        }
        if self.dialect == "2026":
            routes.update({
                "/api/user/tools": lambda request: _json(200, list(dialect2026.MID_CALL_TOOLS)),
                "/api/user/knowledgebases": self._listing(dialect2026.KNOWLEDGE_BASES),
                "/api/user/folders": self._listing(dialect2026.FOLDERS, paged=True),
                "/api/user/labels": self._listing(dialect2026.LABELS, paged=True),
                "/api/user/assistants/synthesizer-providers": self._providers("synthesizer"),
                "/api/user/assistants/transcriber-providers": self._providers("transcriber"),
            })
        return ("GET", routes[path]) if path in routes else None

    def _list_assistants(self, request: _Incoming) -> _Reply:
        per_page_text = request.query.get("per_page", "10")
        if not is_integer(per_page_text):
            return _invalid({"per_page": ["The per page must be an integer."]})
        per_page = int(per_page_text)
        if not 1 <= per_page <= 100:
            return _invalid({"per_page": ["The per page must be between 1 and 100."]})
        page_text = request.query.get("page", "1")
        page = int(page_text) if is_integer(page_text) and int(page_text) >= 1 else 1
        host = request.headers.get("host", f"{self.host}:{self.port}")
        url = f"http://{host}{request.path}"
        with self.lock:
            mine = sorted(
                (a for a in self.data.assistants.values()
                 if a.get("user_id") == self.data.account_id),
                key=lambda a: a["id"],
            )
            start = (page - 1) * per_page
            items = [dialect2026.listed(record) for record in mine[start:start + per_page]]
            last_page = max(1, math.ceil(len(mine) / per_page))
            return _json(200, {
                "current_page": page,
                "data": items,
                "first_page_url": f"{url}?page=1",
                "from": start + 1 if items else None,
                "last_page": last_page,
                "last_page_url": f"{url}?page={last_page}",
                "next_page_url": f"{url}?page={page + 1}" if page < last_page else None,
                "path": url,
                "per_page": per_page,
                "prev_page_url": f"{url}?page={page - 1}" if page > 1 else None,
                "to": start + len(items) if items else None,
                "total": len(mine),
            })

    def _update_assistant(self, raw_id: str, request: _Incoming) -> _Reply:
        if not _ID.fullmatch(raw_id):
            return _json(404, _NOT_FOUND)
        with self.lock:
            record = self.data.assistants.get(int(raw_id))
            if record is None or record.get("user_id") != self.data.account_id:
                return _json(404, _NOT_FOUND)
            body = request.body
            if not isinstance(body, dict):
                return _json(400, {"message": "The request body must be a JSON object."})
            rules = dialect2026 if self.dialect == "2026" else None
            errors = (rules.validate_update if rules else validate_update)(body, record, self.data)
            if errors:  # the 2026 docs' wording
                return _invalid(errors, "Validation failed" if rules else "The given data was invalid.")
            (rules.apply_update if rules else apply_update)(record, body, self.data)
            return _json(200, {
                "message": "Assistant updated successfully",
                "data": {key: record.get(key) for key in ("id", "name", "status", "type", "mode")},
            })

    def _me(self, request: _Incoming) -> _Reply:
        return _json(200, DEMO_ACCOUNT)

    def _voices(self, request: _Incoming) -> _Reply:
        mode = request.query.get("mode")
        with self.lock:
            if self.dialect == "2026":
                return _json(200, dialect2026.voice_records(self.data, mode))
            return _json(200, [v for v in self.data.voices if mode is None or v["mode"] == mode])

    def _languages(self, request: _Incoming) -> _Reply:
        with self.lock:
            return _json(200, self.data.languages)

    def _models(self, request: _Incoming) -> _Reply:
        with self.lock:
            if self.dialect == "2026":
                return _json(200, dialect2026.model_records(self.data, request.query.get("type")))
            return _json(200, self.data.models)

    def _listing(self, items: tuple[dict[str, Any], ...], *, paged: bool = False) -> Callable[[_Incoming], _Reply]:
        """A 2026 list: {"data": [...]} (with the paginator's counts when `paged`)."""
        def reply(request: _Incoming) -> _Reply:
            body: dict[str, Any] = {"data": list(items)}
            if paged:
                body.update(current_page=1, per_page=100, total=len(items))
            return _json(200, body)

        return reply

    def _providers(self, kind: str) -> Callable[[_Incoming], _Reply]:
        """A 2026 list of providers, for the `language_id` asked (required)."""
        def reply(request: _Incoming) -> _Reply:
            language = request.query.get("language_id")
            if language is None:
                return _invalid({"language_id": ["The language id field is required."]})
            with self.lock:
                known = is_integer(language) and any(x["id"] == int(language) for x in self.data.languages)
            if not known:
                return _invalid({"language_id": ["The selected language id is invalid."]})
            return _json(200, dialect2026.providers(kind, int(language)))

        return reply

    def _phone_numbers(self, request: _Incoming) -> _Reply:
        """`is_available` follows the assignments; inbound leaves out Caller ID numbers."""
        inbound = request.query.get("type") == "inbound"
        with self.lock:
            assigned = {
                a.get("phone_number_id") for a in self.data.assistants.values()
                if a.get("user_id") == self.data.account_id
            }
            numbers = [
                {**n, "is_available": n["id"] not in assigned}
                for n in self.data.phone_numbers
                if not (inbound and (n.get("type_label") or "").lower() == "caller id")
            ]
        return _json(200, numbers)

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self.lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


def _invalid(errors: dict[str, list[str]], message: str = "The given data was invalid.") -> _Reply:
    return _json(422, {"message": message, "errors": errors})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # A client opens the list and six lookups at once; socketserver's default backlog
    # of 5 drops the 7th SYN when the accept loop lags, costing a 1 s retransmit.
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet: clients hanging up is routine here, and the API's own failures
        are already answered with 500 and kept in `Sandbox.errors`."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle and delayed ACKs each
    # response would wait ~40 ms on loopback.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.sandbox._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.sandbox._track(self.connection, False)

    def log_message(self, format: str, *args: object) -> None:
        """No access log: the sandbox runs under a terminal UI."""

    def do_GET(self) -> None:
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        target = urlsplit(self.path)
        request = _Incoming(
            method=self.command,
            path=target.path,
            target=self.path,
            query=dict(parse_qsl(target.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            raw_body=raw,
            body=_parse_json(raw),
        )
        self._send(self.server.sandbox._serve(request, arrived))

    do_PUT = do_POST = do_PATCH = do_DELETE = do_GET

    def _send(self, reply: _Reply) -> None:
        try:
            if reply.writer is not None:
                self.close_connection = True
                reply.writer(self)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.drop:
                self.wfile.write(reply.body[: len(reply.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            else:
                self.wfile.write(reply.body)
        except OSError:  # the client hung up, e.g. after timing out during a delay
            self.close_connection = True


def _parse_json(raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:  # includes UnicodeDecodeError
        return None
