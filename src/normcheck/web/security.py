"""What keeps a web page elsewhere from driving the local server, and case data from lingering.

An ASGI middleware in front of the whole app:
* **Host** must name this server: `localhost`, `127.0.0.1` or `[::1]` with its port (a DNS
  rebinding page reaches the server under its own host name, and is refused); with
  `--allow-remote`, also the `--host` given and IP literals, never another host name.
* **Origin** of every POST must be this server's own origin (a cross-site form post carries the
  other site's origin, and is refused); a POST without an Origin header is refused too (every
  browser sends one with a POST).
* The **body** of a request is read into memory up to a limit, and refused beyond it (413).
* Every response carries a strict **Content Security Policy** (no script at all, styles and images
  from this server only, forms post only here, no framing), `no-store` (the browser keeps no copy
  of a page with case data), no referrer to other sites, and no MIME sniffing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]  # as Starlette types them, so a Starlette app is an ASGIApp here
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
MAX_BODY = 1_200_000  # a case file may have 1,000,000 bytes; the form and the multipart framing add a little
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make the browser send `Origin: null`
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class HostPolicy:
    """Which Host headers name this server."""

    port: int
    remote: bool = False  # --allow-remote: also IP literals and the --host given
    extra: tuple[str, ...] = field(default_factory=tuple)

    def allows(self, host_header: str | None) -> bool:
        if not host_header:
            return False
        host = host_header.strip().lower()
        if host.startswith("["):  # [IPv6]:port
            name, _, rest = host.partition("]")
            name += "]"
            port = rest[1:] if rest.startswith(":") else ""
        else:
            name, _, port = host.partition(":")
        if port != str(self.port) and not (port == "" and self.port == 80):
            return False  # a browser names the port unless it is 80
        if name in LOOPBACK_NAMES:
            return True
        if not self.remote:
            return False
        return name in self.extra or _is_ip_literal(name)


class Guard:
    """The middleware (see the module's docstring)."""

    def __init__(self, app: ASGIApp, hosts: HostPolicy, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.hosts = hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here: the connection is closed unanswered
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host")
        if not self.hosts.allows(host):
            await _refuse(send, 421, "refused: this server answers only to its own address (Host header)")
            return
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD", "POST"):
            await _refuse(send, 405, "method not allowed")
            return
        if method == "POST":
            origin = headers.get("origin")
            if origin is None or origin.lower() != f"http://{host}".lower():
                await _refuse(send, 403, "refused: a form may be sent to this server only from its own page (Origin header)")
                return
            if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
                await _refuse(send, 403, "refused: cross-site request")
                return
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _refuse(send, 413, f"refused: the request is larger than {self.max_body:,} bytes")
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _refuse(send, 413, f"refused: the request is larger than {self.max_body:,} bytes")
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [h for h in message.get("headers", []) if h[0].lower() not in dict(HEADERS)] \
                    + list(HEADERS)
            await send(message)

        await self.app(scope, replay, secured)


async def _refuse(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
