"""Hostile servers on loopback: refused addresses, the per-page deadline, header bounds, retries, robots.txt, cache age.

Each case is a real server in a thread (tests/hostile_web.py) sending what a
hostile or broken site sends; the deadlines are a few seconds (settings), so
the whole module runs in about half a minute.
"""

from __future__ import annotations

import gzip
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest

from hostile_web import HostileServer, answer, drip
from local_web import BLOCKED, stays_on_loopback  # noqa: F401 (stays_on_loopback: fixture)
from srccompare.ingest.cache import PageCache
from srccompare.ingest.fetch import fetch_pages
from srccompare.ingest.page import Page
from srccompare.ingest.http import REFUSED
from srccompare.model import LoadError
from srccompare.settings import SettingsError, WebSettings, load_settings

PAGE = (b"<html><head><title>A local story</title></head><body><article><p>"
        + b"The council met on Tuesday and voted to repair the bridge before winter. " * 8
        + b"</p></article></body></html>")
HTML = {"Content-Type": "text/html; charset=utf-8"}


def web(**changes: object) -> WebSettings:
    values = {"allow_private_addresses": True, "host_delay": 0.0, "timeout": 1, "deadline": 2, "retries": 0,
              "max_redirects": 2, "max_page_bytes": 200_000, "obey_robots_txt": False, **changes}
    return load_settings().replace("web", **values).web


def fetch(url: str, settings: WebSettings, store: PageCache | None = None) -> Page | LoadError:
    return fetch_pages([url], settings, store)[url]


def serve_page(path: str, send, stop) -> None:
    send(answer("200 OK", HTML, PAGE))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- addresses ---------------------------------------------------------------------


@pytest.mark.parametrize("robots", [True, False])
def test_refused_addresses_get_no_connection_and_one_message(robots):
    with HostileServer(serve_page) as v4, HostileServer(serve_page, host="::1") as v6:
        urls = [v4.url("/a.html"), f"http://127.0.0.1:{closed_port()}/a.html", v6.url("/a.html"),
                f"http://localhost:{v4.port}/a.html", f"http://[::ffff:127.0.0.1]:{v4.port}/a.html",
                f"http://0.0.0.0:{v4.port}/a.html", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://224.0.0.1/",
                "http://[fe80::1]/", "http://[fc00::1]/", "http://[2002:7f00:1::]/", "http://240.0.0.1/"]
        results = fetch_pages(urls, web(allow_private_addresses=False, obey_robots_txt=robots))
        assert {results[url].problem for url in urls} == {REFUSED}
        assert v4.connections == 0 and v6.connections == 0  # not even a connection accepted and closed
    assert '"' not in REFUSED and ")) " not in REFUSED + " "


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True), ("::ffff:8.8.8.8", True), ("64:ff9b::808:808", True),
    ("127.0.0.1", False), ("::ffff:127.0.0.1", False), ("64:ff9b::7f00:1", False), ("64:ff9b::a9fe:a9fe", False),
    ("169.254.169.254", False), ("224.0.0.1", False), ("ff02::1", False), ("::", False), ("fec0::1", False),
    ("2002:7f00:1::", False), ("2001:0:4136:e378:8000:63bf:80ff:fffe", False), ("198.51.100.1", False),
])
def test_which_addresses_are_public(address, public):
    from srccompare.ingest.addresses import is_public, parse_address

    assert is_public(parse_address(address)) is public


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """DNS rebinding: the name looks public when checked, loopback a moment later. The connection must go to the
    address checked (here blocked by the test guard, since it is outside loopback), never to the listener."""
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["8.8.8.8"])

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example":
            address = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with HostileServer(serve_page) as listener:
        failure = fetch(f"http://rebind.example:{listener.port}/a.html", web(allow_private_addresses=False))
        assert listener.connections == 0
    assert isinstance(failure, LoadError)
    assert BLOCKED == ["socket.getaddrinfo 8.8.8.8"]  # the one connection attempt: to the checked address
    BLOCKED.clear()


def test_a_redirect_is_checked_like_the_first_address():
    with HostileServer(lambda path, send, stop: send(answer("302 Found", {"Location": "file:///etc/passwd"}))) as site:
        failure = fetch(site.url("/"), web())
    assert failure.problem == "redirected to something that is not an http:// or https:// address"


# --- the deadline ------------------------------------------------------------------


def silent(path, send, stop) -> None:
    stop.wait(30)


def drip_headers(path, send, stop) -> None:
    send(b"HTTP/1.1 200 OK\r\n")
    drip(send, stop, b"X-Slow: " + b"a" * 200 + b"\r\n\r\n", every=0.25)


def drip_body(path, send, stop) -> None:
    send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n")
    drip(send, stop, PAGE[:5000], every=0.25)


@pytest.mark.parametrize("script, problem", [
    (silent, "no answer within 1 s (see web.timeout)"),
    (drip_headers, "no complete answer within the deadline of 2 s (see web.deadline)"),
    (drip_body, "no complete answer within the deadline of 2 s (see web.deadline)"),
])
def test_one_deadline_holds_for_a_page_whatever_the_server_does(script, problem):
    with HostileServer(script) as site:
        started = time.monotonic()
        failure = fetch(site.url("/"), web(retries=5))
        elapsed = time.monotonic() - started
    assert failure.problem == problem
    assert elapsed < 2 + 1.0  # the deadline, and a little for thread start-up on a busy machine


@pytest.mark.parametrize("status", ["503 Service Unavailable", "429 Too Many Requests"])
def test_a_retry_after_beyond_the_deadline_fails_at_once(status):
    with HostileServer(lambda path, send, stop: send(answer(status, {"Retry-After": "1000"}))) as site:
        started = time.monotonic()
        failure = fetch(site.url("/"), web(retries=3, deadline=60))
        elapsed = time.monotonic() - started
        assert site.connections == 1
    code = status.split()[0]
    assert failure.problem.startswith(f"HTTP {code} ")
    assert failure.problem.endswith("asking to wait 1000 s, past the deadline of 60 s (see web.deadline)")
    assert elapsed < 5


def test_a_short_retry_after_is_waited_for_and_the_page_comes():
    def busy_once(path, send, stop):
        send(answer("503 Service Unavailable", {"Retry-After": "1"}) if site.connections == 1
             else answer("200 OK", HTML, PAGE))

    with HostileServer(busy_once) as site:
        page = fetch(site.url("/story.html"), web(retries=2, deadline=5))
        assert site.connections == 2
    assert isinstance(page, Page) and page.body == PAGE


def test_retries_stop_when_the_deadline_leaves_no_room():
    with HostileServer(lambda path, send, stop: send(answer("503 Service Unavailable", {}))) as site:
        failure = fetch(site.url("/"), web(retries=10, deadline=2))
        assert site.connections == 2  # at 0 s, and after the 1 s pause; the 2 s pause does not fit
    assert failure.problem == "HTTP 503 Service Unavailable"


# --- headers and bodies ----------------------------------------------------------------


def many_headers(path, send, stop) -> None:
    send(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n")


def long_header(path, send, stop) -> None:
    send(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n")


def large_headers(path, send, stop) -> None:
    send(answer("200 OK", {**HTML, **{f"X-H{i}": "v" * 100 for i in range(60)}}, PAGE))


def gzip_bomb(path, send, stop) -> None:
    send(answer("200 OK", {**HTML, "Content-Encoding": "gzip"}, gzip.compress(b"\0" * 50_000_000)))


@pytest.mark.parametrize("script, problem", [
    (many_headers, "more than 100 response headers"),
    (long_header, "a response header line is longer than 65,536 bytes"),
    (large_headers, "response headers larger than the limit of 4,096 bytes (see web.max_header_bytes)"),
    (gzip_bomb, "page is larger than the limit of 200,000 bytes (see web.max_page_bytes)"),
])
def test_headers_and_bodies_are_bounded_and_reported_as_what_they_are(script, problem):
    with HostileServer(script) as site:
        failure = fetch(site.url("/"), web(retries=3, max_header_bytes=4096))
        assert site.connections == 1  # a broken answer is not asked for again
    assert failure.problem == problem


# --- robots.txt ---------------------------------------------------------------------


def robots_site(robots: bytes | None, status: str = "200 OK"):
    def script(path, send, stop):
        if path == "/robots.txt":
            send(answer(status, {"Content-Type": "text/plain"}, robots or b""))
        else:
            send(answer("200 OK", HTML, PAGE))
    return script


def test_robots_txt_is_honoured_and_read_once_a_site():
    rules = b"User-agent: *\nDisallow: /private/\n\nUser-agent: srccompare\nDisallow: /members/\n"
    with HostileServer(robots_site(rules)) as site:
        paths = ["/news/a.html", "/private/b.html", "/members/c.html", "/news/d.html"]
        results = fetch_pages([site.url(p) for p in paths], web(obey_robots_txt=True, parallel=2))
        assert site.paths.count("/robots.txt") == 1
        # srccompare's own group replaces the * group (RFC 9309): /members/ is closed to it, /private/ is not
        assert sorted(p for p in site.paths if p != "/robots.txt") == ["/news/a.html", "/news/d.html", "/private/b.html"]
    assert results[site.url("/members/c.html")].problem == (
        f"disallowed by {site.base}/robots.txt (see web.obey_robots_txt)")
    assert all(isinstance(results[site.url(p)], Page) for p in paths if p != "/members/c.html")


def test_the_star_group_applies_when_no_group_names_srccompare():
    with HostileServer(robots_site(b"User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n")) as site:
        results = fetch_pages([site.url("/private/b.html"), site.url("/news/a.html")], web(obey_robots_txt=True))
    assert results[site.url("/private/b.html")].problem.startswith("disallowed by ")
    assert isinstance(results[site.url("/news/a.html")], Page)


def test_robots_txt_can_be_ignored_by_setting():
    with HostileServer(robots_site(b"User-agent: *\nDisallow: /\n")) as site:
        page = fetch(site.url("/news/a.html"), web(obey_robots_txt=False))
        assert "/robots.txt" not in site.paths
    assert isinstance(page, Page)


@pytest.mark.parametrize("status, allowed", [("404 Not Found", True), ("503 Service Unavailable", False)])
def test_a_missing_robots_txt_allows_and_a_failing_one_refuses(status, allowed):
    with HostileServer(robots_site(None, status)) as site:
        result = fetch(site.url("/news/a.html"), web(obey_robots_txt=True))
    if allowed:
        assert isinstance(result, Page)
    else:
        assert result.problem == (f"{site.base}/robots.txt answered HTTP 503 Service Unavailable, so nothing "
                                  f"there is fetched (see web.obey_robots_txt)")


# --- cache age ----------------------------------------------------------------------


def test_a_cached_page_older_than_max_age_is_fetched_again(tmp_path):
    with HostileServer(serve_page) as site, PageCache(tmp_path / "pages.sqlite") as store:
        url = site.url("/story.html")
        two_hours_ago = (datetime.now(timezone.utc) - timedelta(hours=2)).isoformat(timespec="seconds")
        store.put(Page(url, url, 200, "text/html", two_hours_ago, PAGE))
        assert fetch(url, web(max_age="3h"), store).from_cache and site.connections == 0
        fresh = fetch(url, web(max_age="1h"), store)
        assert not fresh.from_cache and site.connections == 1
        assert store.get(url).fetched_at == fresh.fetched_at  # the cache now holds the new copy
        assert fetch(url, web(max_age="1h"), store).from_cache and site.connections == 1


@pytest.mark.parametrize("value", ["soon", "-1h", "1y", "nan"])
def test_an_unreadable_max_age_is_refused_when_loaded(value):
    with pytest.raises(SettingsError, match=r"\[web\] max_age should be a number and a unit"):
        load_settings(overrides={"web": {"max_age": value}})


# --- TLS: the name is checked, the checked address connected to ----------------------------


@pytest.fixture
def authority(tmp_path, monkeypatch):
    """A test certificate authority trusted through $SSL_CERT_FILE."""
    import trustme

    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return ca


def tls_context(ca, name: str):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(name).configure_cert(context)
    return context


def test_https_checks_the_certificate_against_the_name_while_connecting_to_the_checked_address(authority):
    with HostileServer(serve_page, tls=tls_context(authority, "localhost")) as site:
        page = fetch(f"https://localhost:{site.port}/story.html", web())
        by_address = fetch(f"https://127.0.0.1:{site.port}/story.html", web())  # the certificate names localhost only
    assert isinstance(page, Page) and page.body == PAGE
    assert by_address.problem == "secure connection failed (TLS certificate or handshake)"


def test_https_refuses_a_certificate_for_another_name(authority):
    with HostileServer(serve_page, tls=tls_context(authority, "news.example")) as site:
        failure = fetch(f"https://localhost:{site.port}/story.html", web())
    assert failure.problem == "secure connection failed (TLS certificate or handshake)"


# --- interrupts ------------------------------------------------------------------------


def test_an_interrupt_stops_the_downloads_under_way_at_once():
    """Ctrl-C while one page is in (the progress callback raises, as Ctrl-C would in the main thread): the download
    still waiting on a silent server is cut, not left to run out its 30 s timeout in a worker thread."""
    import threading
    from contextlib import contextmanager

    @contextmanager
    def interrupting_progress(total):
        def advance(url):
            raise KeyboardInterrupt

        yield advance

    def one_silent(path, send, stop):
        if path == "/silent.html":
            stop.wait(30)
        else:
            send(answer("200 OK", HTML, PAGE))

    with HostileServer(one_silent) as site:
        with pytest.raises(KeyboardInterrupt):
            fetch_pages([site.url("/silent.html"), site.url("/fast.html")],
                        web(timeout=30, deadline=60, parallel=2), progress=interrupting_progress)
        for _ in range(50):  # the worker ends within 5 s, or the test fails
            if not any(t.name.startswith("srccompare-fetch") for t in threading.enumerate()):
                break
            time.sleep(0.1)
        assert not any(t.name.startswith("srccompare-fetch") for t in threading.enumerate())


# --- sitemaps: an index's sitemaps in its order ------------------------------------------


def test_a_sitemap_index_gives_its_sitemaps_links_in_its_order():
    import random

    from srccompare.ingest.discover import discover_links

    def urlset(base, paths):
        return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths) + "</urlset>").encode()

    def script(path, send, stop):
        base = f"http://{server.host}"
        documents = {
            "/sitemap.xml": ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                             f"<sitemap><loc>{base}/news-2.xml</loc></sitemap><sitemap><loc>{base}/news-1.xml</loc>"
                             "</sitemap></sitemapindex>").encode(),
            "/news-2.xml": urlset(base, ["/news/zebra.html", "/news/apple.html"]),
            "/news-1.xml": urlset(base, ["/news/mango.html", "/news/banana.html"]),
        }
        body = documents.get(path)
        send(answer("200 OK", {"Content-Type": "application/xml"}, body) if body else answer("404 Not Found", {}))

    server = None
    for _ in range(20):  # courlan rejects an address with a port: port 80 of some 127.x.y.z (needs root)
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
        try:
            server = HostileServer(script, host=address, port=80)
            break
        except OSError:
            continue
    if server is None:
        pytest.skip("binding port 80 needs root")
    with server:
        found = discover_links(server.url("/sitemap.xml"), "sitemap", web(max_links=3))
    assert found.found == 4  # reading stops at the sitemap that reaches max_links
    assert list(found.links) == [server.url(p) for p in ("/news/zebra.html", "/news/apple.html", "/news/mango.html")]
