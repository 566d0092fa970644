"""Start the local page: bind the loopback address, print the URL, serve until Ctrl+C.

The socket is bound here (not by uvicorn) so that `--port 0` works: the port the system chose is
known before the first request, printed, and the only one the Host check accepts. uvicorn's
access log is off (a request line names no case data, but nothing about a case is logged at all).
"""

from __future__ import annotations

import argparse
import socket
import sys

from rich.console import Console

from ..diagnostics import Diagnostic, InputError
from .security import HostPolicy, is_loopback


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host`:`port` (port 0: any free port)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError([Diagnostic("--host", None, None, f"cannot use host {host!r}: {exc.strerror}", code="NC-C001")]) from None
    family, _type, _proto, _name, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise InputError([Diagnostic("--port", None, None, f"cannot listen on {host}:{port}: {exc.strerror}",
                                     hint="another program uses this port: choose another with --port, or --port 0", code="NC-C001")]) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(args: argparse.Namespace, err: Console) -> int:
    """`normcheck serve`: refuse a non-loopback address unless --allow-remote; then serve."""
    host = args.host
    if not is_loopback(host) and not args.allow_remote:
        raise InputError([Diagnostic("--host", None, None,
                                     f"{host} is not a loopback address: the page would be reachable from other machines",
                                     expected="127.0.0.1, localhost or ::1",
                                     hint="add --allow-remote to do this anyway (case data then crosses the network unencrypted)",
                                     code="NC-C001")])
    import uvicorn  # imported here: the other commands never need it

    from .app import create_app
    from .pipeline import Pipeline

    pipeline = Pipeline(args.rules, tuple(args.add_rules))
    sock = bind(host, args.port)
    port = sock.getsockname()[1]
    remote = not is_loopback(host)
    hosts = HostPolicy(port=port, remote=remote, extra=(host.lower(), f"[{host.lower()}]") if remote else ())
    app = create_app(pipeline, hosts, args.lang)
    if remote:
        err.print(f"warning: serving on {host}, which is not a loopback address: anyone who can reach this machine "
                  "can use the page, and what is typed crosses the network unencrypted", style="yellow", markup=False)
    shown_host = "127.0.0.1" if host in ("localhost",) else ("127.0.0.1" if host in ("0.0.0.0",) else host)
    print(f"normcheck serve: open {url_for(shown_host, port)} in your browser (Ctrl+C stops it)", flush=True)
    print("Nothing is stored or sent anywhere; the page works offline.", flush=True)
    config = uvicorn.Config(app, access_log=False, log_level="warning", proxy_headers=False, server_header=False,
                            lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()
    return 0
