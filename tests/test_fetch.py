"""Fetching real pages from a local web site: cache, redirects, failures, politeness, feeds, sitemaps."""

from __future__ import annotations

import socket
import time
from datetime import datetime
from pathlib import Path

import pytest

from local_web import BLOCKED, LocalSite, OutsideAddressError, site, stays_on_loopback  # noqa: F401 (site, stays_on_loopback: fixtures)
from srccompare.ingest.cache import PageCache
from srccompare.clean import clean_article
from srccompare.ingest.discover import discover_links
from srccompare.ingest.fetch import HostPacer, fetch_articles, fetch_pages, url_id
from srccompare.ingest.page import Page
from srccompare.model import Article, LoadError
from srccompare.settings import Settings, WebSettings, load_settings


def local_settings(tmp_path: Path | None = None, **changes: object) -> Settings:
    """Settings for the local site: private addresses allowed, no pacing, short timeouts, a cache in tmp_path."""
    values = {"allow_private_addresses": True, "host_delay": 0.0, "timeout": 1, "max_redirects": 2,
              "max_page_bytes": 200_000, "retries": 0, "deadline": 5, "obey_robots_txt": False, **changes}
    if tmp_path is not None:
        values["cache_file"] = str(tmp_path / "pages.sqlite")
    return load_settings().replace("web", **values)


def local_web(**changes: object) -> WebSettings:
    return local_settings(None, **changes).web


def fetch_one(url: str, web: WebSettings, store: PageCache | None = None) -> Page | LoadError:
    return fetch_pages([url], web, store)[url]


def test_a_page_becomes_an_article_with_its_url_and_fetch_time(site, tmp_path):
    url = site.url("/news/helicopter.html")
    article = fetch_articles([url], local_settings(tmp_path))[url]
    assert isinstance(article, Article)
    assert article.source == url and article.kind == "html"
    assert article.hints.url == url
    assert datetime.fromisoformat(article.hints.fetched).tzinfo is not None
    assert article.id.startswith("helicopter-")
    assert site.agents[-1].startswith("srccompare/") and "trafilatura" in site.agents[-1]
    cleaned = clean_article(article, local_settings(tmp_path))
    assert cleaned.metadata.outlet == "Al Jazeera"  # the page's site name
    assert cleaned.metadata.url == url and cleaned.metadata.fetched == article.hints.fetched
    assert "helicopter" in cleaned.body


def test_the_second_run_reads_the_cache_and_refresh_fetches_again(site, tmp_path):
    path, url = "/news/assange.html", site.url("/news/assange.html")
    before = site.requests[path]
    with PageCache(tmp_path / "pages.sqlite") as store:
        first = fetch_one(url, local_web(), store)
        second = fetch_one(url, local_web(), store)
        assert site.requests[path] == before + 1
        assert not first.from_cache and second.from_cache
        assert second.body == first.body and second.fetched_at == first.fetched_at
        fetch_one(url, local_web(refresh=True), store)
    assert site.requests[path] == before + 2


def test_redirects_are_followed_and_the_page_is_cached_under_both_urls(site, tmp_path):
    with PageCache(tmp_path / "pages.sqlite") as store:
        page = fetch_one(site.url("/moved-twice"), local_web(), store)
        assert page.status == 200 and page.final_url == site.url("/news/tories.html")
        before = site.requests["/news/tories.html"]
        again = fetch_one(site.url("/news/tories.html"), local_web(), store)
    assert again.from_cache and site.requests["/news/tories.html"] == before


def test_too_many_redirects_fail(site):
    failure = fetch_one(site.url("/moved-twice"), local_web(max_redirects=1))
    assert failure.problem == "too many redirects (more than 1; see web.max_redirects)"


def test_a_404_fails_with_the_status_and_is_not_cached(site, tmp_path):
    with PageCache(tmp_path / "pages.sqlite") as store:
        failure = fetch_one(site.url("/gone.html"), local_web(), store)
        assert failure == LoadError(site.url("/gone.html"), "HTTP 404 Not Found")
        assert store.get(site.url("/gone.html")) is None


def test_a_slow_server_hits_the_timeout(site):
    started = time.monotonic()
    failure = fetch_one(site.url("/slow.html"), local_web(timeout=1, max_redirects=0))
    assert failure.problem == "no answer within 1 s (see web.timeout)"
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path, media_type", [("/image.png", "image/png"), ("/blob", "application/octet-stream")])
def test_responses_that_are_not_html_fail(site, path, media_type):
    failure = fetch_one(site.url(path), local_web())
    assert failure.problem == f"not an HTML page (the server says {media_type})"


def test_a_page_over_the_size_limit_fails(site):
    failure = fetch_one(site.url("/big.html"), local_web(max_page_bytes=100_000))
    assert failure.problem == "page is larger than the limit of 100,000 bytes (see web.max_page_bytes)"


def test_a_closed_port_is_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failure = fetch_one(f"http://127.0.0.1:{port}/x.html", local_web())
    assert failure.problem == "connection refused by the server"


def test_private_addresses_are_refused_unless_allowed(site):
    from srccompare.ingest.http import REFUSED

    before = sum(site.requests.values())
    failure = fetch_one(site.url("/news/tories.html"), local_web(allow_private_addresses=False))
    assert failure.problem == REFUSED and sum(site.requests.values()) == before
    assert isinstance(fetch_one(site.url("/news/tories.html"), local_web()), Page)


def test_the_declared_charset_decodes_the_page_fetched_or_cached(site, tmp_path):
    url = site.url("/latin1.html")
    before = site.requests["/latin1.html"]
    for _ in range(2):
        article = fetch_articles([url], local_settings(tmp_path))[url]
        assert "Les électeurs de Zürich ont voté" in article.content
    assert site.requests["/latin1.html"] == before + 1


def test_utf8_wins_over_a_wrong_latin1_label(site, tmp_path):
    url = site.url("/mislabelled.html")
    article = fetch_articles([url], local_settings(tmp_path))[url]
    assert "Les électeurs de Zürich ont voté" in article.content


def test_two_urls_reaching_one_page_give_one_article(site, tmp_path):
    urls = [site.url("/news/tories.html"), site.url("/moved")]
    results = fetch_articles(urls, local_settings(tmp_path))
    assert isinstance(results[urls[0]], Article)
    assert results[urls[1]].problem == f"the same page as {urls[0]} (both lead to {urls[0]})"


def test_one_host_is_paced_even_with_parallel_downloads(site):
    paths = ["/news/helicopter.html", "/news/tories.html", "/news/assange.html"]
    started = time.monotonic()
    pages = fetch_pages([site.url(p) for p in paths], local_web(host_delay=0.3, parallel=3))
    assert all(isinstance(p, Page) for p in pages.values())
    assert time.monotonic() - started >= 0.6


def test_host_pacer_books_slots_per_host():
    now = [100.0]
    pacer = HostPacer(2.0, clock=lambda: now[0])
    assert [pacer.reserve("http://a.example/1"), pacer.reserve("http://a.example/2"),
            pacer.reserve("http://b.example/1")] == [0.0, 2.0, 0.0]
    now[0] = 103.0
    assert pacer.reserve("http://a.example/3") == 1.0  # the slot at 104 was booked by /2 + delay


@pytest.mark.parametrize("path", ["/rss.xml", "/atom.xml", "/"])
def test_feeds_list_the_articles(site, path):
    if not site.on_port_80:
        pytest.skip("courlan rejects IP hosts with a port; binding port 80 needs root")
    found = discover_links(site.url(path), "feed", local_web())
    # the feed's order (not alphabetical: assange would come first)
    assert list(found.links) == [site.url(p) for p in ("/news/helicopter.html", "/news/tories.html", "/news/assange.html")]


def test_max_links_takes_the_first_links_of_the_feed(site):
    if not site.on_port_80:
        pytest.skip("courlan rejects IP hosts with a port; binding port 80 needs root")
    found = discover_links(site.url("/rss.xml"), "feed", local_web(max_links=2))
    assert found.found == 3 and list(found.links) == [site.url("/news/helicopter.html"), site.url("/news/tories.html")]


def test_a_sitemap_lists_the_articles_and_max_links_caps_them(site):
    if not site.on_port_80:
        pytest.skip("courlan rejects IP hosts with a port; binding port 80 needs root")
    found = discover_links(site.url("/sitemap.xml"), "sitemap", local_web(max_links=2))
    assert found.found == 3 and list(found.links) == [site.url("/news/helicopter.html"), site.url("/news/tories.html")]


def test_a_feed_or_sitemap_without_links_says_why(site):
    not_a_feed = discover_links(site.url("/image.png"), "feed", local_web())
    assert not_a_feed == LoadError(site.url("/image.png"), "no article links found in this feed (none listed on the same site)")
    if site.on_port_80:  # else courlan rejects the host before fetching
        missing = discover_links(site.url("/missing.xml"), "sitemap", local_web())
        assert missing == LoadError(site.url("/missing.xml"), "no article links found in this sitemap (HTTP 404 Not Found)")


def test_ids_are_readable_and_distinct():
    assert url_id("https://example.com/2020/08/belarus-summit.html").startswith("belarus-summit-")
    assert url_id("https://example.com/").startswith("example-com-")
    assert url_id("https://a.example/index.html") != url_id("https://b.example/index.html")


def test_the_guard_refuses_addresses_outside_loopback():
    with pytest.raises(OutsideAddressError):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    assert BLOCKED and BLOCKED[-1].endswith("192.0.2.1")
    BLOCKED.clear()


@pytest.mark.parametrize("url, problem", [
    ("http://", "not a valid web address (no host name)"),
    ("https://[::1", "not a valid web address (Invalid IPv6 URL)"),
    ("http://127.0.0.1:99999/x", "not a valid web address (Port out of range 0-65535)"),
    ("http://news.example/a story.html", "not a valid web address (it contains white space)"),
])
def test_malformed_urls_fail_without_a_request(url, problem):
    assert fetch_one(url, local_web()) == LoadError(url, problem)


def test_downloads_take_the_hosts_in_turn():
    from srccompare.ingest.fetch import interleave_hosts

    urls = ["http://a.example/1", "http://a.example/2", "http://a.example/3", "http://b.example/1", "http://C.example/1",
            "http://b.example/2"]
    assert interleave_hosts(urls) == ["http://a.example/1", "http://b.example/1", "http://C.example/1",
                                      "http://a.example/2", "http://b.example/2", "http://a.example/3"]
