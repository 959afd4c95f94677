"""The web attack cases of issue 24 (classes 4, 5 and the web items of 10), against loopback servers.

Every case runs srccompare's fetcher with the default [web] settings: the
address cases exactly so; the others with ``allow_private_addresses = true``
(to reach the loopback server) and ``obey_robots_txt = false`` (so that the
request measured is the page's). Baseline, in the same run:
trafilatura 2.3's own downloader (``fetch_response``, what srccompare used
before) on the same servers with the same limits, all cases side by side
(``--no-baseline`` skips it; it takes about three minutes: its slow cases
wait out trafilatura's retries, and its drips are stopped after 180 s).

Prints each case (pass/fail, seconds, what srccompare said, what the baseline
did), then cases tried, passed and failed by class. Run from the repository
root, as root for the feed case (courlan rejects an address with a port, so
the feed server needs port 80 of a loopback address):

    .venv/bin/python bench/attack_web.py [--no-baseline]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_web import HostileServer, answer, drip  # noqa: E402

from srccompare.ingest.discover import Discovered, discover_links  # noqa: E402
from srccompare.ingest.fetch import fetch_pages, user_agent  # noqa: E402
from srccompare.ingest.http import REFUSED  # noqa: E402
from srccompare.settings import WebSettings, load_settings  # noqa: E402

PAGE = b"<html><body><article><p>" + b"The council voted to repair the bridge. " * 20 + b"</p></article></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}
SLACK = 2.0  # seconds beyond the deadline a case may take (thread start-up on a loaded machine)
BASELINE_CAP = 180.0  # seconds a baseline case is given before the bench stops its server (drips never end)


@dataclasses.dataclass
class Outcome:
    passed: bool
    said: str
    seconds: float = 0.0
    baseline: str = ""


@dataclasses.dataclass(frozen=True)
class Case:
    cls: str
    name: str
    run: Callable[[], Outcome]
    baseline: Callable[[], str] | None = None
    slow: bool = False  # run side by side with the other slow cases


def settings(**changes: Any) -> WebSettings:
    return load_settings().replace("web", **{"obey_robots_txt": False, **changes}).web


def fetch(url: str, web: WebSettings) -> tuple[str, float]:
    started = time.monotonic()
    result = fetch_pages([url], web)[url]
    return getattr(result, "problem", "fetched"), time.monotonic() - started


# --- the old downloader, as a baseline -----------------------------------------------


def trafilatura_config(private: bool) -> Any:
    """trafilatura's download settings with srccompare's default limits (as srccompare set them before)."""
    from trafilatura.settings import use_config

    web = settings()
    config = use_config()
    config["DEFAULT"].update({"DOWNLOAD_TIMEOUT": str(web.timeout), "MAX_FILE_SIZE": str(web.max_page_bytes),
                              "MAX_REDIRECTS": str(web.max_redirects), "USER_AGENTS": user_agent(web),
                              "SSRF_PROTECTION": "off" if private else "on"})
    return config


def trafilatura_fetch(url: str, private: bool) -> tuple[str, float]:
    from trafilatura.downloads import fetch_response

    config = trafilatura_config(private)
    started = time.monotonic()
    try:
        response = fetch_response(url, config=config)
        said = "no response" if response is None else f"HTTP {response.status}"
    except Exception as error:  # the baseline's failures are data here
        said = f"{type(error).__name__}: {str(error)[:60]}"
    return said, time.monotonic() - started


# --- class 4: addresses ------------------------------------------------------------

CONNECTS: list[tuple[int, str]] = []  # (thread, address) of every connect attempt


def _record(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        CONNECTS.append((threading.get_ident(), str(args[1][0])))


def connects_here() -> list[str]:
    """The connect attempts this thread made (the baselines run side by side; trafilatura connects
    from the calling thread)."""
    me = threading.get_ident()
    return [address for thread, address in list(CONNECTS) if thread == me]


def all_connects() -> list[str]:
    return [address for _, address in list(CONNECTS)]


sys.addaudithook(_record)


def refused_case(name: str, url_for: Callable[[HostileServer], str]) -> Case:
    """A refused address: the refusal line, no connection attempted anywhere, the listener sees nothing."""
    def run() -> Outcome:
        with HostileServer(serve_page) as listener:
            CONNECTS.clear()  # srccompare's quick cases run alone, before the rest
            said, seconds = fetch(url_for(listener), load_settings().web)  # the defaults, robots.txt included
            attempted, accepted = all_connects(), listener.connections
        ok = said == REFUSED and not attempted and accepted == 0
        return Outcome(ok, said if ok else f"{said} (connects {attempted}, accepted {accepted})", seconds)

    def baseline() -> str:
        with HostileServer(serve_page) as listener:
            said, seconds = trafilatura_fetch(url_for(listener), private=False)
            return f"{said}; {len(connects_here())} connect attempts, {listener.connections} accepted, {seconds:.1f} s"

    return Case("4", name, run, baseline)


def serve_page(path: str, send: Any, stop: threading.Event) -> None:
    send(answer("200 OK", HTML, PAGE))


def closed_port(listener: HostileServer) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


ADDRESS_CASES = [
    refused_case("loopback, open port", lambda s: s.url("/")),
    refused_case("loopback, closed port (same line: no port oracle)", closed_port),
    refused_case("localhost by name", lambda s: f"http://localhost:{s.port}/"),
    refused_case("IPv4-mapped ::ffff:127.0.0.1", lambda s: f"http://[::ffff:127.0.0.1]:{s.port}/"),
    refused_case("0.0.0.0", lambda s: f"http://0.0.0.0:{s.port}/"),
    refused_case("::1", lambda s: f"http://[::1]:{s.port}/"),
    refused_case("cloud metadata 169.254.169.254", lambda s: "http://169.254.169.254/latest/meta-data/"),
    refused_case("private 10.0.0.1", lambda s: "http://10.0.0.1/"),
    refused_case("private 192.168.1.1", lambda s: "http://192.168.1.1/"),
    refused_case("shared 100.64.0.1", lambda s: "http://100.64.0.1/"),
    refused_case("multicast 224.0.0.1", lambda s: "http://224.0.0.1/"),
    refused_case("reserved 240.0.0.1", lambda s: "http://240.0.0.1/"),
    refused_case("IPv6 link-local fe80::1", lambda s: "http://[fe80::1]/"),
    refused_case("IPv6 unique-local fc00::1", lambda s: "http://[fc00::1]/"),
    refused_case("6to4 of 127.0.0.1", lambda s: "http://[2002:7f00:1::]/"),
    refused_case("decimal 2130706433 (= 127.0.0.1)", lambda s: f"http://2130706433:{s.port}/"),
]


def rebinding_case() -> Outcome:
    """DNS answers a public address for the check and loopback afterwards: the connection must go to the first."""
    real = socket.getaddrinfo
    answers = iter(["192.0.2.1"])  # TEST-NET-1 stands in for "public" here: allowed by patching the check below

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]
        return real(host, port, *args, **kwargs)

    import srccompare.ingest.http as http

    with HostileServer(serve_page) as listener, _patched(socket, "getaddrinfo", rebinding), \
            _patched(http, "refused", lambda addresses: any(a.startswith("127.") for a in addresses)):
        CONNECTS.clear()
        said, seconds = fetch(f"http://rebind.example:{listener.port}/", settings(timeout=1, deadline=3))
        attempted = all_connects()
    ok = listener.connections == 0 and attempted and all(a == "192.0.2.1" for a in attempted)
    return Outcome(bool(ok), f"connected to {sorted(set(attempted))} only; {said}", seconds)


@contextmanager
def _patched(owner: Any, name: str, value: Any) -> Any:
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


# --- class 5: time and size limits ------------------------------------------------------


def silent(path: str, send: Any, stop: threading.Event) -> None:
    stop.wait(400)


def drip_headers(path: str, send: Any, stop: threading.Event) -> None:
    send(b"HTTP/1.1 200 OK\r\n")
    drip(send, stop, b"X-Slow: " + b"a" * 400 + b"\r\n\r\n", every=1.0)


def drip_body(path: str, send: Any, stop: threading.Event) -> None:
    send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 400\r\n\r\n")
    drip(send, stop, PAGE[:400], every=1.0)


def status(code: str, headers: dict[str, str]) -> Callable[..., None]:
    return lambda path, send, stop: send(answer(code, headers))


def many_headers(path: str, send: Any, stop: threading.Event) -> None:
    send(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(5000)) + b"\r\n")


def long_header(path: str, send: Any, stop: threading.Event) -> None:
    send(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n")


def large_headers(path: str, send: Any, stop: threading.Event) -> None:
    send(answer("200 OK", {**HTML, **{f"X-H{i}": "v" * 1000 for i in range(90)}}, PAGE))


def gzip_bomb(path: str, send: Any, stop: threading.Event) -> None:
    import gzip

    send(answer("200 OK", {**HTML, "Content-Encoding": "gzip"}, gzip.compress(b"\0" * 200_000_000, 1)))


def limit_case(name: str, script: Callable[..., None], expect: Callable[[str], bool], slow: bool = False) -> Case:
    web = settings(allow_private_addresses=True)

    def run() -> Outcome:
        with HostileServer(script) as server:
            said, seconds = fetch(server.url("/"), web)
            tries = server.connections
        ok = expect(said) and seconds <= web.deadline + SLACK
        return Outcome(ok, f"{said} [{tries} request{'s' if tries != 1 else ''}]", seconds)

    def baseline() -> str:
        with HostileServer(script) as server:
            done: list[tuple[str, float]] = []
            thread = threading.Thread(target=lambda: done.append(trafilatura_fetch(server.url("/"), private=True)),
                                      daemon=True)
            thread.start()
            thread.join(BASELINE_CAP)
            if not done:
                return f"still waiting after {BASELINE_CAP:.0f} s ({server.connections} requests); cut by the bench"
            said, seconds = done[0]
            return f"{said}; {server.connections} requests, {seconds:.1f} s"

    return Case("5", name, run, baseline, slow)


def is_deadline(said: str) -> bool:
    return said == "no complete answer within the deadline of 60 s (see web.deadline)"


LIMIT_CASES = [
    limit_case("silent server", silent, lambda s: s == "no answer within 10 s (see web.timeout)", slow=True),
    limit_case("headers at 1 byte/s", drip_headers, is_deadline, slow=True),
    limit_case("body at 1 byte/s", drip_body, is_deadline, slow=True),
    limit_case("503 with Retry-After: 1000", status("503 Service Unavailable", {"Retry-After": "1000"}),
               lambda s: s.startswith("HTTP 503 Service Unavailable, asking to wait 1000 s")),
    limit_case("429 with Retry-After: 1000", status("429 Too Many Requests", {"Retry-After": "1000"}),
               lambda s: s.startswith("HTTP 429 Too Many Requests, asking to wait 1000 s")),
    limit_case("429 without Retry-After", status("429 Too Many Requests", {}),
               lambda s: s == "HTTP 429 Too Many Requests"),
    limit_case("5,000 response headers", many_headers, lambda s: s == "more than 100 response headers"),
    limit_case("a 100 KB header line", long_header,
               lambda s: s == "a response header line is longer than 65,536 bytes"),
    limit_case("90 KB of headers", large_headers, lambda s: s.startswith("response headers larger than the limit")),
    limit_case("gzip bomb (200 MB of zeros)", gzip_bomb, lambda s: s.startswith("page is larger than the limit")),
]


# --- class 10: the refusal line, the feed's order -----------------------------------------


def refusal_text_case() -> Outcome:
    said, seconds = fetch("http://127.0.0.1:9/", settings())
    ok = said == REFUSED and '"' not in said and "))" not in said and "\n" not in said
    return Outcome(ok, said, seconds)


FEED_PATHS = [f"/news/{name}.html" for name in random.Random(24).sample([f"story-{n:03d}" for n in range(300)], 250)]


def feed_server(paths: list[str]) -> HostileServer | None:
    for _ in range(20):
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
        try:
            return HostileServer(feed_script(paths, f"http://{address}"), host=address, port=80)
        except OSError:
            continue
    return None


def feed_order_case() -> Outcome:
    paths = FEED_PATHS
    server = feed_server(paths)
    if server is None:
        return Outcome(False, "skipped: port 80 not available (run as root)")
    with server:
        started = time.monotonic()
        found = discover_links(server.url("/rss.xml"), "feed", settings(allow_private_addresses=True))
        seconds = time.monotonic() - started
    if not isinstance(found, Discovered):
        return Outcome(False, found.problem, seconds)
    expected = [server.url(p) for p in paths[:200]]
    return Outcome(list(found.links) == expected, f"{found.found} links, took the first {len(found.links)} "
                   f"in the feed's order: {list(found.links) == expected}", seconds)


def feed_order_baseline() -> str:
    from trafilatura.feeds import find_feed_urls

    server = feed_server(FEED_PATHS)
    if server is None:
        return "skipped: port 80 not available"
    with server:
        links = find_feed_urls(server.url("/rss.xml"), sleep_time=0, config=trafilatura_config(private=True))
    first = links[:200]
    return (f"{len(links)} links; first 200 in the feed's order: {first == [server.url(p) for p in FEED_PATHS[:200]]}, "
            f"alphabetical: {first == sorted(first)}")


def feed_script(paths: list[str], base: str) -> Callable[..., None]:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{base}/</link>'
            f"{items}</channel></rss>").encode()
    return lambda path, send, stop: send(answer("200 OK", {"Content-Type": "application/rss+xml"}, feed))


CASES = [*ADDRESS_CASES, Case("4", "DNS rebinding: connect to the checked address", rebinding_case),
         *LIMIT_CASES, Case("10", "refusal line is one clean line", refusal_text_case),
         Case("10", "--feed: 250 links, the first 200 in the feed's order", feed_order_case, feed_order_baseline)]


# --- running ----------------------------------------------------------------------------


def attempt(case: Case) -> Outcome:
    try:
        return case.run()
    except Exception:  # a traceback is a failed case, and is shown
        return Outcome(False, "TRACEBACK " + traceback.format_exc().strip().splitlines()[-1])


def attempt_baseline(case: Case) -> str:
    try:
        return case.baseline() if case.baseline else ""
    except Exception as error:
        return f"{type(error).__name__}: {error}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura's downloader (about 160 s)")
    args = parser.parse_args()
    started = time.monotonic()
    outcomes: dict[Case, Outcome] = {}
    for case in CASES:  # alone and one at a time: the address cases watch every connect of the process
        if not case.slow:
            outcomes[case] = attempt(case)
    with ThreadPoolExecutor(max_workers=len(CASES)) as pool:  # then the slow ones and the baselines side by side
        old = {case: pool.submit(attempt_baseline, case) for case in CASES if not args.no_baseline}
        slow = {case: pool.submit(attempt, case) for case in CASES if case.slow}
        for case, future in slow.items():
            outcomes[case] = future.result()
        for case, future in old.items():
            outcomes[case].baseline = future.result()
    print_report(outcomes, time.monotonic() - started, not args.no_baseline)


def print_report(outcomes: dict[Case, Outcome], seconds: float, baseline: bool) -> None:
    print(f"{'class':<6}{'case':<52}{'result':<8}{'seconds':>8}  srccompare says")
    for case in CASES:
        outcome = outcomes[case]
        print(f"{case.cls:<6}{case.name[:51]:<52}{'pass' if outcome.passed else 'FAIL':<8}{outcome.seconds:>8.1f}  "
              f"{outcome.said[:110]}")
        if baseline and outcome.baseline:
            print(f"{'':<66}baseline (trafilatura's downloader): {outcome.baseline[:100]}")
    print(f"\n{'class':<8}{'tried':>6}{'passed':>8}{'failed':>8}")
    for cls in dict.fromkeys(case.cls for case in CASES):
        mine = [outcomes[case] for case in CASES if case.cls == cls]
        passed = sum(o.passed for o in mine)
        print(f"{cls:<8}{len(mine):>6}{passed:>8}{len(mine) - passed:>8}")
    passed = sum(o.passed for o in outcomes.values())
    tracebacks = sum(o.said.startswith("TRACEBACK") for o in outcomes.values())
    print(f"{'all':<8}{len(outcomes):>6}{passed:>8}{len(outcomes) - passed:>8}   tracebacks: {tracebacks}, "
          f"wall time {seconds:.0f} s")


if __name__ == "__main__":
    main()
