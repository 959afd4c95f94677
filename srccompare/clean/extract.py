"""Extraction: an article's main text out of HTML (trafilatura) or Markdown (markdown-it)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from trafilatura.utils import load_html
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from srccompare.clean.widen import needs_wider, paragraph_words, widen, word_count
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
    """trafilatura with comments off and deduplication off.

    Deduplication would drop paragraphs seen before in the same run: exactly
    the shared wire passages srccompare is looking for. A precision-leaning
    extraction that holds only a small part of the page's paragraph text (or
    fewer than ``retry_below_words`` words) has most likely kept a notice, a
    teaser or a few sections of a long article; trafilatura's balanced pass
    then runs too and its paragraphs are judged on evidence (clean/widen.py).
    """
    try:
        tree = load_html(html)
        if settings.recall:
            document = _bare_extraction(tree, url, "recall")
        else:
            document = _bare_extraction(tree, url, "precision")
            precise = document.text if document is not None else ""
            if needs_wider(word_count(precise), paragraph_words(tree), settings.wider_below_share, settings.retry_below_words):
                balanced = _bare_extraction(tree, url, "balanced", with_metadata=False)
                if balanced is not None and word_count(balanced.text) > word_count(precise):
                    document = _with_text(document, balanced, widen(precise or "", balanced.text or ""))
    except (ValueError, RecursionError, etree.LxmlError) as error:
        # Pathological markup (thousands of nested levels, broken encodings) is a bad page, not a crash.
        return NoArticle(f"HTML could not be parsed ({type(error).__name__})")
    if document is None or not (document.text or "").strip():
        return NoArticle("no article text found in the page")
    metadata = Metadata(
        title=document.title or None,
        date=document.date or None,
        url=document.url or url,
        outlet=_outlet_of(document.sitename, document.url or url, rules),
        byline=document.author or None,
    )
    return Extracted(document.text, metadata, one_paragraph_per_line=True)


def _bare_extraction(tree: Any, url: str | None, lean: str, with_metadata: bool = True) -> Any:
    if tree is None:
        return None
    return trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        deduplicate=False,
        favor_precision=lean == "precision",
        favor_recall=lean == "recall",
        include_tables=True,
        include_images=False,
        with_metadata=with_metadata,
    )


def _with_text(document: Any, wider: Any, text: str) -> Any:
    """The precision pass's document (its metadata) with the widened text; the wider pass's
    document when the precision pass found nothing."""
    target = document if document is not None else wider
    target.text = text
    return target


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
