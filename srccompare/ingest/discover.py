"""Article links from a feed (RSS, Atom, JSON Feed, or a page naming one) or a sitemap, in the site's order.

Documents are fetched with ``srccompare.ingest.http`` (checked addresses, one
deadline each, robots.txt) and read with trafilatura's feed and sitemap
parsers. trafilatura's own ``find_feed_urls`` and ``sitemap_search`` download
with its own downloader and return the links sorted; here the links keep the
order the feed or sitemap gives (newest first, as feeds list them), so
``web.max_links`` takes the first ones the site lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from courlan import filter_urls, get_hostinfo
from trafilatura.feeds import FeedParameters, determine_feed, find_links, handle_link_list
from trafilatura.sitemaps import GUESSES, SitemapObject, extract_robots_sitemaps
from trafilatura.utils import handle_compressed_file

from srccompare.ingest.fetch import decode_page, make_client, page_from
from srccompare.ingest.http import Client, Deadline, FetchFailure, get, status_text
from srccompare.model import LoadError
from srccompare.settings import WebSettings

LinkSource = Literal["feed", "sitemap"]
# Documents read for one --feed or --sitemap at most: a page may name many
# feeds, a sitemap index thousands of sitemaps, each costing a request (and
# web.host_delay). Reading stops sooner once web.max_links links are found.
MAX_DOCUMENTS = 20


@dataclass(frozen=True)
class Discovered:
    """Article links found in a feed or sitemap; ``found`` counts them before web.max_links."""

    source: str
    links: tuple[str, ...]
    found: int


def discover_links(url: str, kind: LinkSource, web: WebSettings) -> Discovered | LoadError:
    """The article links a feed or a sitemap lists, in its order."""
    reader = _Reader(make_client(web))
    domain, base = get_hostinfo(url)
    links: list[str] = []
    if domain is not None:
        links = _feed_links(url, domain, base, reader) if kind == "feed" else _sitemap_links(url, domain, base, reader)
    links = list(dict.fromkeys(links))
    if not links:
        why = reader.failures[0].problem if reader.failures else "none listed on the same site"
        return LoadError(url, f"no article links found in this {kind} ({why})")
    return Discovered(url, tuple(links[: web.max_links]), len(links))


class _Reader:
    """Fetches documents one after the other (the client paces them), each within its own deadline; keeps the failures."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.failures: list[FetchFailure] = []
        self.read = 0

    def text(self, url: str) -> str:
        """The document's text, "" when it cannot be had (the reason kept in ``failures``)."""
        if self.read >= MAX_DOCUMENTS:
            return ""
        self.read += 1
        deadline = Deadline(self.client.web.deadline, self.client.stopper)
        try:
            response = get(url, self.client, deadline)
            if response.status != 200:
                raise FetchFailure(status_text(response.status))
        except FetchFailure as failure:
            self.failures.append(failure)
            return ""
        finally:
            deadline.close()
        page = page_from(response)
        body = handle_compressed_file(page.body, self.client.web.max_page_bytes)  # sitemap.xml.gz
        text = decode_page(dataclasses.replace(page, body=body))
        return text if isinstance(text, str) else ""


# --- feeds ---------------------------------------------------------------------


def _feed_links(url: str, domain: str, base: str, reader: _Reader) -> list[str]:
    params = FeedParameters(base, domain, url)
    text = reader.text(url)
    links = _entries(text, params)
    if links or not text:
        return links
    for feed in determine_feed(text, params):  # a page naming its feeds
        links += _entries(reader.text(feed), params)
        if len(links) >= reader.client.web.max_links or reader.read >= MAX_DOCUMENTS:
            break
    if len(url) > len(base) + 2:  # a section page: its links only, as trafilatura does
        links = _in_order(links, filter_urls(links, url))
    return links


def _entries(text: str, params: FeedParameters) -> list[str]:
    """A feed's links in the feed's order, each checked as trafilatura checks them (same site, a web page)."""
    if not text.strip():
        return []
    found = dict.fromkeys(find_links(text.strip(), params))
    checked = [link for item in found for link in handle_link_list([item], params)]
    return [link for link in checked if link != params.ref and link.count("/") > 2]


def _in_order(links: list[str], kept: list[str]) -> list[str]:
    wanted = set(kept)
    return [link for link in links if link in wanted]


# --- sitemaps ------------------------------------------------------------------


class _Sitemap(SitemapObject):
    """trafilatura's sitemap reader, fetching through srccompare's checked client."""

    def __init__(self, base: str, domain: str, urls: list[str], fetch: Callable[[str], str]) -> None:
        super().__init__(base, domain, urls)
        self._fetch_text = fetch

    def fetch(self) -> None:
        self.content = self._fetch_text(self.current_url)
        self.seen.add(self.current_url)


def _sitemap_links(url: str, domain: str, base: str, reader: _Reader) -> list[str]:
    given = url.endswith((".gz", "sitemap", ".xml"))
    sitemap = _Sitemap(base, domain, [url] if given else [], reader.text)
    if not given:
        named = extract_robots_sitemaps(reader.text(base + "/robots.txt") or None, base)
        sitemap.sitemap_urls = named or [f"{base}/{guess}" for guess in GUESSES]
    # Taken from the front (trafilatura takes the last first), so that an index's sitemaps are read in its order.
    while sitemap.sitemap_urls and reader.read < MAX_DOCUMENTS and len(sitemap.urls) < reader.client.web.max_links:
        sitemap.current_url = sitemap.sitemap_urls.pop(0)
        sitemap.fetch()
        sitemap.process()
        sitemap.sitemap_urls = [s for s in sitemap.sitemap_urls if s not in sitemap.seen]
    links = list(sitemap.urls)
    if not given and len(url) > len(base) + 2:
        links = _in_order(links, filter_urls(links, url))
    return links
