"""Fetch: http(s) URLs -> pages -> Article, with trafilatura's own downloader.

Steps for a list of URLs (``fetch_articles``):

1. look each URL up in the page cache (unless ``web.refresh``);
2. download the others with ``trafilatura.downloads.fetch_response``, a few
   at a time (``web.parallel``), each host paced by ``web.host_delay``;
3. check each response: HTTP 200, an HTML (or plain text) page, not empty;
4. store the good pages in the cache, and turn every page into an Article
   whose hints carry the final URL and the fetch time.

Every problem becomes a ``LoadError`` whose source is the URL, so one bad link
never stops the others. trafilatura reports why a download failed only in its
log, so the log is read (per thread) while downloading, to say "timed out"
rather than "failed". Feeds and sitemaps are read with trafilatura's
``find_feed_urls`` and ``sitemap_search`` (``discover_links``).
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from configparser import ConfigParser
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import blake3
from trafilatura.downloads import fetch_response
from trafilatura.feeds import find_feed_urls
from trafilatura.settings import DEFAULT_CONFIG
from trafilatura.sitemaps import sitemap_search

from srccompare.ingest.cache import CacheError, PageCache, cache_path
from srccompare.ingest.decode import WEB_ADDRESS, article_from_text, decode
from srccompare.ingest.page import Page, PageStore
from srccompare.model import Article, LoadError, Metadata
from srccompare.settings import Settings, WebSettings

if TYPE_CHECKING:
    from rich.progress import Progress

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{2,40})""", re.I)
SLUG_CHARACTERS = re.compile(r"[^\w-]+")
DOWNLOAD_ERROR_PREFIX = re.compile(r"^(?:download error|pycurl error): \S+ ")
# Below this many downloads no progress bar is drawn (one or two pages finish
# before a bar would be worth looking at).
PROGRESS_MIN_URLS = 3
# Loggers whose messages say why a download failed (trafilatura logs and
# returns None; urllib3 logs its retries). Captured while fetching, so they
# also stay off the user's terminal.
DOWNLOAD_LOGGERS = ("trafilatura", "urllib3")


def is_url(name: str) -> bool:
    """True for inputs that are web addresses (http:// or https://)."""
    return bool(WEB_ADDRESS.match(name))


# --- one page -----------------------------------------------------------------


def downloader_config(web: WebSettings) -> ConfigParser:
    """trafilatura's download settings, from ours (never falling back to unverified TLS)."""
    config = ConfigParser(interpolation=None)  # a "%" in the user agent is just a character
    config.read_dict({"DEFAULT": dict(DEFAULT_CONFIG["DEFAULT"])})
    config["DEFAULT"].update({
        "DOWNLOAD_TIMEOUT": str(web.timeout),
        "MAX_FILE_SIZE": str(web.max_page_bytes),
        "MAX_REDIRECTS": str(web.max_redirects),
        "USER_AGENTS": user_agent(web),
        "SSRF_PROTECTION": "off" if web.allow_private_addresses else "on",
        "INSECURE_SSL_FALLBACK": "off",
    })
    return config


def user_agent(web: WebSettings) -> str:
    try:
        own_version = version("srccompare")
    except PackageNotFoundError:
        own_version = "dev"
    return web.user_agent.replace("{version}", own_version)


class DownloadLog(logging.Handler):
    """Keeps, per thread, what the download libraries logged, so a failure can say why."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self._local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self._messages().append(record.getMessage())

    def take(self) -> list[str]:
        """This thread's messages since the last call."""
        messages = list(self._messages())
        self._messages().clear()
        return messages

    def _messages(self) -> list[str]:
        if not hasattr(self._local, "messages"):
            self._local.messages = []
        return self._local.messages


@contextmanager
def download_log() -> Iterator[DownloadLog]:
    log = DownloadLog()
    loggers = [logging.getLogger(name) for name in DOWNLOAD_LOGGERS]
    for logger in loggers:
        logger.addHandler(log)
    try:
        yield log
    finally:
        for logger in loggers:
            logger.removeHandler(log)


def fetch_page(url: str, config: ConfigParser, log: DownloadLog) -> Page | LoadError:
    """Download one URL (redirects followed); a LoadError says why it failed."""
    log.take()
    try:
        response = fetch_response(url, decode=False, config=config)
    except ValueError as error:  # urllib3 refuses some malformed URLs before trying
        return LoadError(url, f"not a usable URL ({error})")
    if response is None or response.data is None:
        return LoadError(url, explain_failure(log.take(), config))
    headers = response.headers or {}
    media_type, _, parameters = headers.get("content-type", "").partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", parameters, re.I)
    return Page(
        url=url,
        final_url=response.url or url,
        status=int(response.status),
        content_type=media_type.strip().lower(),
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        body=bytes(response.data),
        charset=charset.group(1).lower() if charset else None,
    )


# What trafilatura's and urllib3's log messages mean, in the words a user needs.
FAILURE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"not a 200 response: (\d+)"), "{status}"),
    (re.compile(r"base URL (unreachable)"), "the site does not answer"),
    (re.compile(r"exceeds MAX_FILE_SIZE|Maximum file size exceeded|oversized", re.I),
     "page is larger than the limit of {max_bytes:,} bytes (see web.max_page_bytes)"),
    (re.compile(r"SSRF protection.*blocked: (\S+)", re.I),
     "refused: {match} is a local or private network address (see web.allow_private_addresses)"),
    (re.compile(r"NameResolution|Failed to resolve|Name or service not known|nodename nor servname"
                r"|Could not resolve host|Temporary failure in name resolution", re.I),
     "host not found (DNS lookup failed)"),
    (re.compile(r"timed out|Timeout", re.I), "no answer within {timeout} s (see web.timeout)"),
    (re.compile(r"Connection refused", re.I), "connection refused by the server"),
    (re.compile(r"too many redirects|TooManyRedirects|redirect", re.I),
     "too many redirects (more than {redirects}; see web.max_redirects)"),
    (re.compile(r"SSL|certificate", re.I), "secure connection failed (TLS certificate or handshake)"),
    (re.compile(r"Connection reset|RemoteDisconnected|ProtocolError|IncompleteRead", re.I),
     "the server closed the connection"),
)


def explain_failure(messages: Sequence[str], config: ConfigParser) -> str:
    """One line for a failed download, from what the download libraries logged."""
    text = " ".join(messages)
    for pattern, problem in FAILURE_PATTERNS:
        found = pattern.search(text)
        if found:
            return problem.format(
                max_bytes=config.getint("DEFAULT", "MAX_FILE_SIZE"),
                timeout=config.getint("DEFAULT", "DOWNLOAD_TIMEOUT"),
                redirects=config.getint("DEFAULT", "MAX_REDIRECTS"),
                match=found.group(1) if found.groups() else "",
                status=status_text(int(found.group(1))) if found.groups() and found.group(1).isdigit() else "",
            )
    last = DOWNLOAD_ERROR_PREFIX.sub("", messages[-1]) if messages else "no response"
    return f"download failed ({last[:200]})"


def check_page(page: Page) -> LoadError | None:
    """A page fit to be an article: HTTP 200, HTML or plain text, not empty."""
    if page.status != 200:
        return LoadError(page.url, status_text(page.status))
    if page.content_type and page.content_type not in HTML_TYPES | TEXT_TYPES:
        return LoadError(page.url, f"not an HTML page (the server says {page.content_type})")
    if not page.body.strip():
        return LoadError(page.url, "the server sent an empty page")
    return None


def status_text(status: int) -> str:
    """"HTTP 404 Not Found"."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status} (an unexpected status)"


def article_from_page(page: Page) -> Article | LoadError:
    """The page as an Article: hints carry the final URL and the fetch time."""
    text = decode_page(page)
    if isinstance(text, LoadError):
        return text
    kind = "html" if page.content_type in HTML_TYPES else None
    hints = Metadata(url=page.final_url, fetched=page.fetched_at)
    return article_from_text(text, source=page.url, id=url_id(page.final_url), kind=kind, hints=hints)


def decode_page(page: Page) -> str | LoadError:
    """Bytes to text: valid UTF-8 is UTF-8 (pages often declare latin-1 wrongly), else the
    charset the server or the page declares, else detection."""
    declared = page.charset or _meta_charset(page.body)
    if declared and not _is_utf8(page.body):
        try:
            return page.body.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detection below decides
    return decode(page.body, page.url)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _meta_charset(body: bytes) -> str | None:
    found = META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def url_id(url: str) -> str:
    """A readable, stable id: the last part of the path, and 6 hex digits of the URL's hash."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    name = segments[-1].rsplit(".", 1)[0] if segments else parts.hostname or "page"
    slug = SLUG_CHARACTERS.sub("-", name).strip("-")[:48] or "page"
    return f"{slug}-{blake3.blake3(url.encode()).hexdigest()[:6]}"


def url_problem(url: str) -> str | None:
    """Why a string cannot be fetched as a web address, found without going to the network."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port out of range
    except ValueError as error:
        return f"not a valid web address ({error})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "not a valid web address (no host name)"
    if any(character.isspace() for character in url):
        return "not a valid web address (it contains white space)"
    return None


# --- many pages -----------------------------------------------------------------


class HostPacer:
    """Spaces the requests to any one host by ``delay`` seconds, across threads."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._delay = delay
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, url: str) -> float:
        """Book this URL's host's next free slot; returns the seconds to wait for it."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._delay
        return start - now

    def wait(self, url: str) -> None:
        time.sleep(self.reserve(url))


def fetch_pages(
    urls: Sequence[str],
    web: WebSettings,
    store: PageStore | None = None,
    progress: Callable[[int], AbstractContextManager[Callable[[str], None] | None]] | None = None,
) -> dict[str, Page | LoadError]:
    """Each URL's checked page (from the store unless web.refresh) or the reason it failed."""
    results: dict[str, Page | LoadError] = {}
    wanted = list(dict.fromkeys(urls))
    if store is not None and not web.refresh:
        for url in wanted:
            cached = store.get(url)
            if cached is not None:
                results[url] = cached
    for url in wanted:
        problem = url_problem(url)
        if problem and url not in results:
            results[url] = LoadError(url, problem)
    missing = [url for url in wanted if url not in results]
    with (progress or _no_progress)(len(missing)) as advance:
        for url, outcome in _download(missing, web, advance):
            results[url] = _checked(outcome, store)
    return results


def _checked(outcome: Page | LoadError, store: PageStore | None) -> Page | LoadError:
    """A good page is stored as soon as it arrives (an interrupted run keeps what it fetched)."""
    if isinstance(outcome, LoadError):
        return outcome
    problem = check_page(outcome)
    if problem is None and store is not None:
        store.put(outcome)
    return problem or outcome


def interleave_hosts(urls: Sequence[str]) -> list[str]:
    """URLs taking the hosts in turn (a1 b1 c1 a2 b2 ...), so a worker rarely waits out a host's delay."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault((urlsplit(url).hostname or "").lower(), []).append(url)
    queues = list(by_host.values())
    return [queue[turn] for turn in range(max(map(len, queues), default=0)) for queue in queues if turn < len(queue)]


def _download(
    urls: Sequence[str], web: WebSettings, on_fetched: Callable[[str], None] | None
) -> Iterator[tuple[str, Page | LoadError]]:
    if not urls:
        return
    config = downloader_config(web)
    pacer = HostPacer(web.host_delay)
    pool = ThreadPoolExecutor(max_workers=max(1, web.parallel), thread_name_prefix="srccompare-fetch")
    with download_log() as log:

        def work(url: str) -> Page | LoadError:
            pacer.wait(url)
            return fetch_page(url, config, log)

        try:
            futures = {pool.submit(work, url): url for url in interleave_hosts(urls)}
            for future in as_completed(futures):
                if on_fetched is not None:
                    on_fetched(futures[future])
                yield futures[future], future.result()
        finally:
            # Ctrl-C: drop the queued downloads instead of waiting for all of them.
            pool.shutdown(wait=False, cancel_futures=True)


def fetch_articles(urls: Sequence[str], settings: Settings) -> dict[str, Article | LoadError]:
    """Articles for web addresses, by URL: cached or fetched, checked, decoded."""

    try:
        store = PageCache(cache_path(settings.web.cache_file))
    except CacheError as error:
        return {url: LoadError(url, f"{error} (choose another with --cache FILE)") for url in urls}
    with store:
        try:
            pages = fetch_pages(urls, settings.web, store, progress_bar)
        except CacheError as error:  # the file went bad mid-run (disk full, locked too long)
            return {url: LoadError(url, str(error)) for url in urls}
    return articles_in_order(urls, pages)


def articles_in_order(urls: Sequence[str], pages: dict[str, Page | LoadError]) -> dict[str, Article | LoadError]:
    """Articles in the order asked; a second URL reaching the same page (redirects) is refused, not doubled."""
    articles: dict[str, Article | LoadError] = {}
    first_asker: dict[str, str] = {}
    for url in dict.fromkeys(urls):
        page = pages[url]
        if isinstance(page, LoadError):
            articles[url] = page
            continue
        earlier = first_asker.setdefault(page.final_url, url)
        if earlier != url:
            articles[url] = LoadError(url, f"the same page as {earlier} (both lead to {page.final_url})")
        else:
            articles[url] = article_from_page(page)
    return articles


@contextmanager
def progress_bar(total: int) -> Iterator[Callable[[str], None] | None]:
    """A progress bar on stderr for many downloads, when stderr is a terminal."""
    from rich.console import Console

    console = Console(stderr=True)
    if total < PROGRESS_MIN_URLS or not console.is_terminal:
        yield None
        return
    from rich.progress import Progress

    progress: Progress
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("fetching", total=total)
        yield lambda url: progress.update(task, advance=1, description=_short(url))


def _no_progress(total: int) -> AbstractContextManager[None]:
    return nullcontext()


def _short(url: str, width: int = 40) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"


# --- feeds and sitemaps -----------------------------------------------------------

LinkSource = Literal["feed", "sitemap"]


@dataclass(frozen=True)
class Discovered:
    """Article links found in a feed or sitemap; ``found`` counts them before web.max_links."""

    source: str
    links: tuple[str, ...]
    found: int


def discover_links(url: str, kind: LinkSource, web: WebSettings) -> Discovered | LoadError:
    """The article links a feed (RSS, Atom, JSON Feed, or a page naming one) or a sitemap lists."""
    config = downloader_config(web)
    with download_log() as log:
        if kind == "feed":
            links = find_feed_urls(url, sleep_time=web.host_delay, config=config)
        else:
            links = sitemap_search(url, sleep_time=web.host_delay, config=config)
        messages = log.take()
    links = list(dict.fromkeys(links))
    if not links:
        why = explain_failure(messages, config) if _download_failed(messages) else "none listed on the same site"
        return LoadError(url, f"no article links found in this {kind} ({why})")
    return Discovered(url, tuple(links[: web.max_links]), len(links))


def _download_failed(messages: Iterable[str]) -> bool:
    starts = ("download error", "pycurl error", "not a 200", "Could not download", "base URL unreachable")
    return any(m.startswith(starts) for m in messages)

