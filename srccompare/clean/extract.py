"""Extraction: an article's main text out of HTML (trafilatura) or Markdown (markdown-it)."""

from __future__ import annotations

import html
import re
from copy import copy
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from trafilatura.settings import Document

from srccompare.clean.edges import without_outside_edges
from srccompare.clean.widen import Passes, chosen_text, page_chars, page_paragraphs, with_sections
from srccompare.model import Article, Metadata
from srccompare.rules import Rules
from srccompare.settings import CleanSettings

TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class NoArticle:
    """Why extraction found nothing to clean."""

    problem: str


@dataclass(frozen=True)
class Extracted:
    """Text ready for the text steps, with what extraction learnt about the article."""

    text: str
    metadata: Metadata
    one_paragraph_per_line: bool


def extract(article: Article, settings: CleanSettings, rules: Rules) -> Extracted | NoArticle:
    """The article's text, or why there is none (an HTML page with no article, say)."""
    if article.kind == "html":
        return extract_html(article.content, article.hints.url, settings, rules)
    if article.kind == "markdown":
        text, title = markdown_to_text(article.content)
        return Extracted(text, Metadata(title=title), one_paragraph_per_line=False)
    return Extracted(unescape_entities(article.content), Metadata(), one_paragraph_per_line=False)


def unescape_entities(text: str) -> str:
    """HTML entities left in scraped plain text ("&nbsp", "&amp;") decoded, again until none is
    left, so that cleaning a cleaned text changes nothing (each pass shortens the text)."""
    while "&" in text:
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def extract_html(html: str, url: str | None, settings: CleanSettings, rules: Rules) -> Extracted | NoArticle:
    """trafilatura with comments off and deduplication off, on a page parsed once.

    Deduplication would drop paragraphs seen before in the same run: exactly
    the shared wire passages srccompare is looking for. The passes and when
    each runs are in clean/widen.py; the metadata is read from the same tree.
    """
    from lxml import etree  # (trafilatura and its helpers are imported by the inputs that need them: 0.25 s)
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
        if tree is None:
            return NoArticle("no article text found in the page")
        text = _article_text(tree, url, settings)
        if not (text or "").strip():
            return NoArticle("no article text found in the page")
        metadata = html_metadata(tree, url, rules)
    except (ValueError, RecursionError, etree.LxmlError) as error:
        # Pathological markup (thousands of nested levels, broken encodings) is a bad page, not a crash.
        return NoArticle(f"HTML could not be parsed ({type(error).__name__})")
    return Extracted(text, metadata, one_paragraph_per_line=True)


def html_metadata(tree: HtmlElement, url: str | None, rules: Rules) -> Metadata:
    """The page's title, date, URL, outlet and byline, read from the parsed tree."""
    page = _page_metadata(tree, url)
    return Metadata(
        title=page.title or None,
        date=page.date or None,
        url=page.url or url,
        outlet=_outlet_of(page.sitename, page.url or url, rules),
        byline=page.author or None,
    )


def _article_text(tree: HtmlElement, url: str | None, settings: CleanSettings) -> str:
    """trafilatura's passes on the one tree, as many as clean/widen.py finds the page needs."""
    if settings.recall:
        return _extraction_text(tree, url, "recall", fast=False)
    return chosen_text(page_passes(tree, url), settings)


def page_passes(tree: HtmlElement, url: str | None) -> Passes:
    """The passes clean/widen.py may ask for, each run on the same parsed page when it does."""
    from trafilatura.baseline import baseline

    paragraphs = cache(lambda: page_paragraphs(tree))
    return Passes(
        fast=lambda: _extraction_text(tree, url, "balanced", fast=True),
        full=lambda: _extraction_text(tree, url, "balanced", fast=False),
        paragraphs=lambda: baseline(_without_comments(tree))[1],
        page_chars=lambda: page_chars(tree),
        paragraph_words=lambda: paragraphs().words,
        sections=lambda text: with_sections(text, paragraphs()),
        edges=lambda text, share: without_outside_edges(text, paragraphs(), share),
    )


def _without_comments(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without its comment sections (by trafilatura's own patterns): the
    baseline reads whole <article> elements, and a blog's comments are often inside one."""
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.xpaths import REMOVE_COMMENTS_AND_LISTS_XPATH

    return prune_unwanted_nodes(copy(tree), REMOVE_COMMENTS_AND_LISTS_XPATH)


def _extraction_text(tree: HtmlElement, url: str | None, lean: str, fast: bool) -> str:
    import trafilatura

    document = trafilatura.bare_extraction(
        tree,  # trafilatura works on its own copy: one parse serves every pass
        url=url,
        fast=fast,
        include_comments=False,
        deduplicate=False,
        favor_precision=lean == "precision",
        favor_recall=lean == "recall",
        include_tables=True,
        include_images=False,
        with_metadata=False,
    )
    return (document.text or "") if document is not None else ""


def _page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """Title, date, URL, site name and author from the page's meta tags, JSON-LD and <title>, with
    trafilatura's readers in the order its extract_metadata takes them. Left out, for speed (each
    about a quarter of an extraction on the pages it runs on): its search of the body's markup for
    an author when the head names none (the byline is only shown, never used to attribute; find_head
    still reads a "By ..." line of the text), htmldate's search of the whole text for a date (a date
    line at the top is still read), and categories, tags and licence (never used here)."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title, extract_url

    page = examine_meta(tree)
    if page.author and " " not in page.author:
        page.author = None  # a lone word ("admin") is not a name (trafilatura's own rule)
    try:
        page = extract_meta_json(tree, page)
    except Exception:  # noqa: BLE001 (trafilatura guards this call the same way: malformed JSON-LD)
        pass
    page.title = page.title or extract_title(tree)
    page.url = page.url or extract_url(tree, url)
    page.date = find_date(tree, url=page.url, original_date=True, extensive_search=False)
    page.sitename = _site_name(page.sitename or extract_sitename(tree), page.url)
    page.clean_and_trim()
    return page


def _site_name(name: str | None, url: str | None) -> str | None:
    """As trafilatura names a site: without a leading @, capitalised unless a domain; the URL's host without one."""
    if name:
        name = name.lstrip("@")
        return name.title() if name and "." not in name and not name[0].isupper() else name
    found = re.match(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)", url or "")
    return found.group(1) if found else None


def _outlet_of(sitename: str | None, url: str | None, rules: Rules) -> str | None:
    if sitename:
        return rules.outlet_named(sitename) or sitename
    return outlet_from_url(url, rules)


def outlet_from_url(url: str | None, rules: Rules) -> str | None:
    """The outlet a URL belongs to: a known name for its domain, else the domain itself."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    if not host:
        return None
    return rules.outlet_for_domain(host) or host.removeprefix("www.")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def markdown_to_text(source: str) -> tuple[str, str | None]:
    """Plain text of a Markdown document (link and emphasis text kept, syntax gone), and its
    title when it opens with a level-1 heading."""
    blocks: list[str] = []
    title: str | None = None
    tokens = _markdown().parse(source)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            text = _inline_text(token.children or [])
            opener = tokens[index - 1] if index else None
            if opener is not None and opener.type == "heading_open" and opener.tag == "h1" and not blocks and title is None:
                title = text.strip() or None
                continue
            if text.strip():
                blocks.append(text)
        elif token.type in ("code_block", "fence", "html_block"):
            text = TAG.sub("", token.content) if token.type == "html_block" else token.content
            if text.strip():
                blocks.append(text.strip())
    return "\n\n".join(blocks), title


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append("\n")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "html_inline":
            continue
        # images are dropped: their alt text is a caption, not the story
    return "".join(parts)
