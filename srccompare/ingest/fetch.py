"""Fetch: http(s) URLs -> pages -> Article.

Steps for a list of URLs (``fetch_articles``):

1. look each URL up in the page cache (unless ``web.refresh``, or the cached
   copy is older than ``web.max_age``);
2. download the others with ``srccompare.ingest.http`` (urllib3, every address
   checked before connecting, one deadline a page, robots.txt honoured), a few
   at a time (``web.parallel``), each host paced by ``web.host_delay``;
3. check each response: HTTP 200, an HTML (or plain text) page, not empty;
4. store the good pages in the cache, and turn every page into an Article
   whose hints carry the final URL and the fetch time.

Every problem becomes a ``LoadError`` whose source is the URL, so one bad link
never stops the others. Feeds and sitemaps are read in ``srccompare.ingest.discover``.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import blake3

from srccompare.ingest.cache import CacheError, PageCache, cache_path
from srccompare.ingest.decode import WEB_ADDRESS, article_from_text, decode
from srccompare.ingest.http import Client, Deadline, FetchFailure, Response, get, status_text
from srccompare.ingest.page import Page, PageStore
from srccompare.ingest.robots import Robots
from srccompare.model import Article, LoadError, Metadata
from srccompare.settings import Settings, WebSettings, max_age_seconds

if TYPE_CHECKING:
    from rich.progress import Progress

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{2,40})""", re.I)
SLUG_CHARACTERS = re.compile(r"[^\w-]+")
# Below this many downloads no progress bar is drawn (one or two pages finish
# before a bar would be worth looking at).
PROGRESS_MIN_URLS = 3


def is_url(name: str) -> bool:
    """True for inputs that are web addresses (http:// or https://)."""
    return bool(WEB_ADDRESS.match(name))


# --- one page -----------------------------------------------------------------


def user_agent(web: WebSettings) -> str:
    try:
        own_version = version("srccompare")
    except PackageNotFoundError:
        own_version = "dev"
    return web.user_agent.replace("{version}", own_version)


def make_client(web: WebSettings) -> Client:
    """The HTTP client for a run: every request to a host (pages, redirects, retries) spaced by
    web.host_delay; robots.txt read once a site when web.obey_robots_txt.

    The robots.txt request is not spaced from the page that asked for it: one small request a site a
    run, and spacing it cost every new site a host_delay (bench/fetch_pages.py, 126 sites, 4 at once:
    34 s instead of 4.4 s)."""
    agent = user_agent(web)
    plain = Client(web, agent, pace=HostPacer(web.host_delay).reserve)
    if not web.obey_robots_txt:
        return plain
    unpaced = dataclasses.replace(plain, pace=None)
    robots = Robots(agent, lambda url, deadline: get(url, unpaced, deadline))
    return dataclasses.replace(plain, allowed=robots.refusal)


def fetch_page(url: str, client: Client) -> Page | LoadError:
    """Download one URL (redirects followed) within web.deadline; a LoadError says why it failed."""
    deadline = Deadline(client.web.deadline, client.stopper)
    try:
        response = get(url, client, deadline)
    except FetchFailure as failure:
        return LoadError(url, failure.problem)
    finally:
        deadline.close()
    return page_from(response)


def page_from(response: Response) -> Page:
    media_type, _, parameters = response.headers.get("content-type", "").partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", parameters, re.I)
    return Page(
        url=response.url,
        final_url=response.final_url,
        status=response.status,
        content_type=media_type.strip().lower(),
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        body=response.body,
        charset=charset.group(1).lower() if charset else None,
    )


def check_page(page: Page) -> LoadError | None:
    """A page fit to be an article: HTTP 200, HTML or plain text, not empty."""
    if page.status != 200:
        return LoadError(page.url, status_text(page.status))
    if page.content_type and page.content_type not in HTML_TYPES | TEXT_TYPES:
        return LoadError(page.url, f"not an HTML page (the server says {page.content_type})")
    if not page.body.strip():
        return LoadError(page.url, "the server sent an empty page")
    return None


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


def fetch_pages(
    urls: Sequence[str],
    web: WebSettings,
    store: PageStore | None = None,
    progress: Callable[[int], AbstractContextManager[Callable[[str], None] | None]] | None = None,
) -> dict[str, Page | LoadError]:
    """Each URL's checked page (from the store unless web.refresh, or older there than web.max_age)
    or the reason it failed."""
    results: dict[str, Page | LoadError] = {}
    wanted = list(dict.fromkeys(urls))
    max_age = max_age_seconds(web.max_age)
    if store is not None and not web.refresh:
        now = datetime.now(timezone.utc)
        for url in wanted:
            cached = store.get(url)
            if cached is not None and (max_age is None or cached.age(now) < max_age):
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
    client = make_client(web)
    pool = ThreadPoolExecutor(max_workers=max(1, web.parallel), thread_name_prefix="srccompare-fetch")
    finished = False
    try:
        futures = {pool.submit(fetch_page, url, client): url for url in interleave_hosts(urls)}
        for future in as_completed(futures):
            if on_fetched is not None:
                on_fetched(futures[future])
            yield futures[future], future.result()
        finished = True
    finally:
        if not finished:  # Ctrl-C: cut the downloads under way, drop the queued ones
            client.stopper.stop()
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
