"""A misbehaving web server on loopback for the web-limit tests: raw sockets, so it can send what http.server won't.

``HostileServer(script)`` listens on 127.0.0.1 (or ::1) and, for each
connection, reads the request head and calls ``script(path, send, stop)``:
``send(bytes)`` writes, ``stop`` is an Event set when the test ends (every
wait in a script is ``stop.wait(...)``, so no thread outlives the test by more
than a moment). ``connections`` counts accepted connections, ``paths`` the
requests read. Used by tests/test_web_limits.py and bench/attack_web.py.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable

Send = Callable[[bytes], None]
Script = Callable[[str, Send, threading.Event], None]
REQUEST_HEAD_LIMIT = 65_536


class HostileServer:
    def __init__(self, script: Script, host: str = "127.0.0.1", port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.tls = tls
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        self.host, self.port = host, self.listener.getsockname()[1]
        self.connections = 0
        self.paths: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}" if self.port == 80 else f"{scheme}://{host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._thread.join(5)
        self.listener.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                return  # the client refused our certificate (what the TLS tests expect)
        with conn:
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < REQUEST_HEAD_LIMIT:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                path = head.split(b" ", 2)[1].decode("latin-1")
                with self._lock:
                    self.paths.append(path)
                self.script(path, conn.sendall, self.stop)
            except (OSError, IndexError):
                pass  # the client gave up (what the deadline tests expect)


def answer(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """A whole HTTP/1.1 answer as bytes."""
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {len(body)}",
             "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def drip(send: Send, stop: threading.Event, data: bytes, every: float) -> None:
    """Send ``data`` a byte at a time, ``every`` seconds apart, until done or the test ends."""
    for byte in data:
        if stop.wait(every):
            return
        send(bytes([byte]))
