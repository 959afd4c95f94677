"""Fetching speed: srccompare's fetcher (parallel, paced per host, cached) against a plain loop.

Serves the 181 pages of the ScrapingHub benchmark from local HTTP servers, one
loopback address per original site (126 sites, so per-host pacing works as it
would on the web), each response delayed by --latency ms to stand in for a real
network (on loopback alone every fetcher is instant). Rows, in one run:

- baseline       a plain loop over ``trafilatura.downloads.fetch_url`` (no pacing, no cache)
- parallel=N     ``srccompare.ingest.fetch.fetch_pages`` with N downloads at once and the default
                 1 s per-host delay, no cache (robots.txt read once a site: one more request each)
- cached         the same URLs again from a warm page cache (no request reaches a server)
- one site       --one-site pages all from one host: bound by the per-host delay, whatever N

Run from the repository root (about a minute):

    .venv/bin/python bench/fetch_pages.py [--latency 50] [--one-site 20] [--data DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from trafilatura.downloads import fetch_url
from trafilatura.settings import use_config

from srccompare.ingest.cache import PageCache
from srccompare.ingest.fetch import fetch_pages, user_agent
from srccompare.ingest.page import Page
from srccompare.settings import WebSettings, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "scrapinghub"


class Site:
    """One original site's pages, served from its own loopback address."""

    def __init__(self, address: str, pages: dict[str, bytes], latency: float, seen: Counter[str]) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen[address] += 1
                time.sleep(latency)
                body = site.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.pages = pages
        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://{address}:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def load_pages(data: Path) -> dict[str, dict[str, bytes]]:
    """Pages by original host, each by its original path."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    by_host: dict[str, dict[str, bytes]] = defaultdict(dict)
    for key, record in sorted(truth.items()):
        parts = urlsplit(record["url"])
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        by_host[parts.hostname or "unknown"][path] = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
    return by_host


def timed(label: str, urls: list[str], run: Callable[[], dict[str, Any]], seen: Counter[str]) -> dict[str, Any]:
    before = sum(seen.values())
    started = time.perf_counter()
    results = run()
    seconds = time.perf_counter() - started
    good = sum(1 for value in results.values() if isinstance(value, (Page, str)) and value)
    return {"run": label, "urls": len(urls), "ok": good, "requests": sum(seen.values()) - before,
            "seconds": seconds, "pages/s": len(urls) / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=50.0, help="ms added to every response")
    parser.add_argument("--one-site", type=int, default=20, help="pages in the one-site run")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    seen: Counter[str] = Counter()
    latency = args.latency / 1000
    sites = [Site(f"127.0.{1 + n // 250}.{1 + n % 250}", pages, latency, seen)
             for n, pages in enumerate(load_pages(args.data).values())]
    urls = [site.base + path for site in sites for path in site.pages]
    web = load_settings().replace("web", allow_private_addresses=True).web
    bodies = [body for site in sites for body in site.pages.values()][: args.one_site]
    one_site = Site("127.0.9.1", {f"/story/{n}": body for n, body in enumerate(bodies)}, latency, seen)
    one_urls = [one_site.base + path for path in one_site.pages]

    rows = [timed("baseline: fetch_url loop", urls, lambda: baseline(urls, web), seen)]
    for parallel in (1, 4, 8):
        settings = dataclasses.replace(web, parallel=parallel)
        rows.append(timed(f"srccompare parallel={parallel}", urls, lambda: fetch_pages(urls, settings), seen))
    with tempfile.TemporaryDirectory() as folder, PageCache(Path(folder) / "pages.sqlite") as store:
        fetch_pages(urls, web, store)
        rows.append(timed("srccompare cached re-run", urls, lambda: fetch_pages(urls, web, store), seen))
    rows.append(timed(f"one site, parallel=4, delay {web.host_delay:g}s", one_urls, lambda: fetch_pages(one_urls, web), seen))
    rows.append(timed("one site: fetch_url loop", one_urls, lambda: baseline(one_urls, web), seen))
    print_table(rows, args.latency, len(sites))


def baseline(urls: list[str], web: WebSettings) -> dict[str, str | None]:
    config = use_config()
    config["DEFAULT"].update({"DOWNLOAD_TIMEOUT": str(web.timeout), "MAX_FILE_SIZE": str(web.max_page_bytes),
                              "USER_AGENTS": user_agent(web).replace("%", "%%"), "SSRF_PROTECTION": "off"})
    return {url: fetch_url(url, config=config) for url in urls}


def print_table(rows: list[dict[str, Any]], latency: float, sites: int) -> None:
    print(f"181 ScrapingHub pages from {sites} local sites, {latency:g} ms added latency a response\n")
    print(f"{'run':<38} {'urls':>5} {'ok':>5} {'requests':>8} {'seconds':>8} {'pages/s':>8}")
    for row in rows:
        print(f"{row['run']:<38} {row['urls']:>5} {row['ok']:>5} {row['requests']:>8} "
              f"{row['seconds']:>8.2f} {row['pages/s']:>8.1f}")


if __name__ == "__main__":
    main()
