"""A local web site for the fetch tests, and a guard keeping tests off the network.

``LocalSite`` serves the saved pages in fixtures/web/ (and a few misbehaving
endpoints) from a threaded ``http.server`` on a loopback address, counting the
requests it sees. Importing this module installs an audit hook that refuses
any socket connection or name lookup outside 127.0.0.0/8 and ::1 (and
records it, since trafilatura swallows download errors): a test that tries to
reach the outside world fails instead of quietly fetching.

courlan (used by trafilatura's feed and sitemap readers) rejects hosts that
are an IP address with a port, so the site binds port 80 of a random
127.x.y.z address when it may (root), else an ephemeral port on 127.0.0.1;
feed and sitemap tests need the former (``LocalSite.on_port_80``).
"""

from __future__ import annotations

import ipaddress
import random
import socket
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "web"
PAGES = {
    "/news/helicopter.html": "aljazeera-helicopter.html",
    "/news/tories.html": "ap-tories-twitter.html",
    "/news/assange.html": "albawaba-assange.html",
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
# A page rendered by JavaScript in the browser: the HTML itself holds no article.
APP_SHELL = (b'<!doctype html><html><head><title>Loading</title><script src="/app.js" defer></script></head>'
             b'<body><div id="root"></div><noscript></noscript></body></html>')
SLOW_SECONDS = 3.0
HOME_PAGE = (b'<html><head><title>Local news</title><link rel="alternate" type="application/rss+xml" '
             b'href="/rss.xml"></head><body><h1>Local news</h1></body></html>')
LATIN1_PAGE = ("<html><head><title>Z\u00fcrich</title></head><body><article><h1>Z\u00fcrich votes</h1>"
               + "<p>Les \u00e9lecteurs de Z\u00fcrich ont vot\u00e9 dimanche sur la r\u00e9forme du syst\u00e8me "
               "\u00e9lectoral, a annonc\u00e9 la chancellerie cantonale apr\u00e8s le d\u00e9pouillement.</p>" * 3
               + "</article></body></html>").encode("latin-1")


class OutsideAddressError(OSError):
    """A test tried to reach an address outside the loopback range."""


BLOCKED: list[str] = []  # what the guard refused, for the tests to assert on


def _is_loopback(host: Any) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _guard(event: str, args: tuple[Any, ...]) -> None:
    host = None
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        host = args[1][0]
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        host = args[0]
    else:
        return
    if not _is_loopback(host):
        BLOCKED.append(f"{event} {host}")
        raise OutsideAddressError(f"test tried to reach {host!r} outside 127.0.0.0/8")


sys.addaudithook(_guard)


def feed_xml(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local news</title>'
            f"<link>{base}/</link><description>test feed</description>{items}</channel></rss>").encode()


def atom_xml(base: str, paths: list[str]) -> bytes:
    entries = "".join(f'<entry><title>{p}</title><id>{base}{p}</id><link href="{base}{p}"/></entry>' for p in paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>Local news</title><link rel="self" href="{base}/atom.xml"/>{entries}</feed>').encode()


def sitemap_xml(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()


class LocalSite:
    """The test web site; ``requests`` counts GETs by path. Use as a context manager."""

    def __init__(self, prefer_port_80: bool = False) -> None:
        self.requests: Counter[str] = Counter()
        self.agents: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.server = self._bind(prefer_port_80)
        host, port = self.server.server_address[:2]
        self.on_port_80 = port == 80
        self.base = f"http://{host}" if self.on_port_80 else f"http://{host}:{port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _bind(self, prefer_port_80: bool) -> ThreadingHTTPServer:
        handler = _handler_for(self)
        if prefer_port_80:
            for _ in range(20):
                address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
                try:
                    return _QuietServer((address, 80), handler)
                except OSError:  # no permission for port 80, or the address is taken
                    continue
        return _QuietServer(("127.0.0.1", 0), handler)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str, agent: str) -> None:
        with self._lock:
            self.requests[path] += 1
            self.agents.append(agent)

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a path."""
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path in PAGES:
            return 200, html, (FIXTURES / PAGES[path]).read_bytes()
        listed = list(PAGES)
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/": (200, html, HOME_PAGE),
            "/latin1.html": (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, LATIN1_PAGE),
            "/mislabelled.html": (200, {"Content-Type": "text/html; charset=ISO-8859-1"},
                                  LATIN1_PAGE.decode("latin-1").encode("utf-8")),
            "/moved": (301, {"Location": "/news/tories.html"}, b""),
            "/moved-twice": (302, {"Location": self.base + "/moved"}, b""),
            "/app.html": (200, html, APP_SHELL),
            "/image.png": (200, {"Content-Type": "image/png"}, PNG),
            "/blob": (200, {"Content-Type": "application/octet-stream"}, bytes(range(256)) * 4),
            "/big.html": (200, html, b"<html><body>" + b"<p>words and more words</p>" * 20_000 + b"</body></html>"),
            "/rss.xml": (200, {"Content-Type": "application/rss+xml"}, feed_xml(self.base, listed)),
            "/atom.xml": (200, {"Content-Type": "application/atom+xml"}, atom_xml(self.base, listed)),
            "/sitemap.xml": (200, {"Content-Type": "application/xml"}, sitemap_xml(self.base, listed)),
        }
        if path == "/slow.html":
            self._stop.wait(SLOW_SECONDS)
            return 200, html, (FIXTURES / PAGES["/news/assange.html"]).read_bytes()
        return routes.get(path, (404, html, b"<html><body><h1>Not found</h1></body></html>"))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout tests) is expected, not news


def _handler_for(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.count(self.path, self.headers.get("User-Agent", ""))
            self._answer(*site.respond(self.path), with_body=True)

        def do_HEAD(self) -> None:
            status, headers, _ = site.respond(self.path) if self.path != "/slow.html" else (200, {}, b"")
            self._answer(status, headers, b"", with_body=False)

        def _answer(self, status: int, headers: dict[str, str], body: bytes, with_body: bool) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


# Fixtures for the web tests; a test module takes them by importing them.
@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    """The local site, one per test module."""
    with LocalSite(prefer_port_80=True) as running:
        yield running


@pytest.fixture(autouse=True)
def stays_on_loopback() -> Iterator[None]:
    """Fail a test that tried to reach an address outside 127.0.0.0/8."""
    BLOCKED.clear()
    yield
    assert BLOCKED == [], "a test tried to reach an address outside 127.0.0.0/8"
