"""Web inputs for any command that reads articles: --urls, --feed, --sitemap, --refresh, --max-age, --cache.

A command takes them with one decorator and one call::

    @click.command()
    @click.argument("inputs", nargs=-1)
    @web_options
    @click.pass_context
    def clean(ctx, inputs, web: WebOptions):
        settings = settings_from(ctx, web.overrides())
        inputs, errors = web.expand(inputs, settings)   # errors: LoadError per bad line/feed
        ... load_inputs(inputs, settings) ...            # URLs are fetched there

URLs given directly as inputs need nothing of this: ``load_inputs`` fetches them.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from srccompare.model import LoadError
from srccompare.settings import Settings

INLINE_COMMENT = re.compile(r"\s#.*$")
URL_FILE_LIMIT = 10_000_000  # bytes; a list of URLs is far smaller


@dataclass(frozen=True)
class WebOptions:
    url_files: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    refresh: bool = False
    max_age: str | None = None
    cache: str | None = None

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Settings overrides for ``settings_from`` (the [web] section)."""
        web: dict[str, Any] = {}
        if self.refresh:
            web["refresh"] = True
        if self.max_age is not None:
            web["max_age"] = self.max_age
        if self.cache:
            web["cache_file"] = self.cache
        return {"web": web} if web else {}

    def expand(self, inputs: Sequence[str], settings: Settings) -> tuple[list[str], list[LoadError]]:
        """The inputs, then the URLs of each --urls file, then those each --feed and --sitemap lists."""
        expanded, errors = list(inputs), []
        for name in self.url_files:
            urls, problems = read_url_file(name)
            expanded += urls
            errors += problems
        for kind, sources in (("feed", self.feeds), ("sitemap", self.sitemaps)):
            for source in sources:
                links, problem = _discover(source, kind, settings)
                expanded += links
                errors += problem
        if not expanded and not errors:
            raise click.UsageError("no inputs: give files, directories, -, URLs, --urls FILE, --feed URL or --sitemap URL")
        return list(dict.fromkeys(expanded)), errors  # a page both given and listed in a feed is read once


SOURCE_OPTIONS = (
    click.option("--urls", "url_files", multiple=True, metavar="FILE",
                 help="Read URLs from FILE, one a line (# starts a comment; - for stdin). Repeatable."),
    click.option("--feed", "feeds", multiple=True, metavar="URL",
                 help="Take the article links of an RSS/Atom/JSON feed (or of a page naming one). Repeatable."),
    click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
                 help="Take the article links of a sitemap (or of a site's sitemaps). Repeatable."),
)
CACHE_OPTIONS = (
    click.option("--refresh", is_flag=True, help="Fetch web pages anew instead of from the page cache."),
    click.option("--max-age", "max_age", default=None, metavar="AGE", callback=lambda ctx, param, value: _age(value),
                 help="Fetch again cached pages older than AGE (90m, 12h, 7d; s, m, h, d or w)."),
    click.option("--cache", "cache", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                 help="Page cache file (SQLite); default ~/.cache/srccompare/pages.sqlite."),
)


def _age(value: str | None) -> str | None:
    from srccompare.settings import SettingsError, max_age_seconds

    if value is not None:
        try:
            max_age_seconds(value)
        except SettingsError as error:
            raise click.BadParameter(str(error).replace("web.max_age should be", "should be")) from None
    return value


def web_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Click decorator adding --urls, --feed, --sitemap, --refresh, --max-age and --cache; the command
    receives them as one ``web: WebOptions`` argument. For commands taking many inputs."""
    return _with_options(command, SOURCE_OPTIONS + CACHE_OPTIONS)


def cache_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Click decorator adding only --refresh, --max-age and --cache (as ``web: WebOptions``), for commands
    with a fixed number of inputs such as ``diff LEFT RIGHT``; URLs among them are fetched anyway."""
    return _with_options(command, CACHE_OPTIONS)


def _with_options(command: Callable[..., Any], options: tuple[Callable[[Any], Any], ...]) -> Callable[..., Any]:
    fields = [f.name for f in dataclasses.fields(WebOptions)]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in fields if name in kwargs}
        return command(*args, web=WebOptions(**given), **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def read_url_file(name: str) -> tuple[list[str], list[LoadError]]:
    """URLs from a file of one URL a line; blank lines and # comments skipped, other lines refused."""
    text = _read_text(name)
    if isinstance(text, LoadError):
        return [], [text]
    urls, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = INLINE_COMMENT.sub("", line).strip()
        if not entry or entry.startswith("#"):
            continue
        if re.match(r"https?://\S+$", entry, re.I):
            urls.append(entry)
        else:
            errors.append(LoadError(f"{name}:{number}", "not an http:// or https:// URL"))
    if not urls and not errors:
        errors.append(LoadError(name, "holds no URLs"))
    return urls, errors


def _read_text(name: str) -> str | LoadError:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(URL_FILE_LIMIT + 1)
        else:
            with open(Path(name), "rb") as stream:
                data = stream.read(URL_FILE_LIMIT + 1)
    except OSError as error:
        return LoadError(name, f"cannot read the URL list ({error.strerror or error})")
    if len(data) > URL_FILE_LIMIT:
        return LoadError(name, f"URL list larger than {URL_FILE_LIMIT:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return LoadError(name, "URL list is not UTF-8 text")


def _discover(source: str, kind: str, settings: Settings) -> tuple[list[str], list[LoadError]]:
    from srccompare.ingest.discover import Discovered, discover_links
    from srccompare.ingest.fetch import is_url

    if not is_url(source):
        return [], [LoadError(source, f"a {kind} must be an http:// or https:// URL")]
    found = discover_links(source, "feed" if kind == "feed" else "sitemap", settings.web)
    if not isinstance(found, Discovered):
        return [], [found]
    if found.found > len(found.links):
        click.echo(f"srccompare: {source}: {found.found} links, taking the first {len(found.links)} "
                   f"(see web.max_links)", err=True)
    return list(found.links), []
