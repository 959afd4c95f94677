"""The lines at an HTML extraction's edges that lie outside the article's element go.

trafilatura's text often ends with what follows the article on the page (an author's
bio, a "Book a demo" box, teasers of related posts, a disclaimer) and sometimes opens
with what precedes it ("Back to blog", a reading time). Those blocks are not in the
element that holds the article's body. The article's element is found from the text
itself: each line is looked up among the page's block elements (its <p>, list items,
headings, quotes...), and the deepest element holding ``share`` of the words of the
lines found is the article's. Then:

- the closing run of lines found outside it goes;
- the opening run found outside it goes only when none of it reads as running text
  (an introduction or a summary above the body is often outside the body's element,
  a byline or a "Back to blog" link never reads as a sentence);
- a line found nowhere (a table row, text in a <div>) ends a run: nothing is known of it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from srccompare.clean.page_text import stop_words_for
from srccompare.clean.widen import LANGUAGE_MIN_SHARE, PROSE_MIN_WORDS, PageParagraphs, flat, reads_as_text

# The block elements other than <p> a line of trafilatura's text is looked for in (a table's rows
# are written as "| a | b |" lines: never one cell's text). The share of the words the article's
# element holds is defaults.toml's edge_container_share.
OTHER_BLOCKS = ("li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "figcaption")


class _Blocks:
    """The page's block elements by their text on one line: its <p> elements (read already), and its
    other block elements only when a line is not one of those."""

    def __init__(self, paragraphs: PageParagraphs) -> None:
        self.tree = paragraphs.tree
        pairs = [(text, element) for texts in paragraphs.by_parent.values() for element, text in texts.items()]
        self.found = dict(reversed(pairs))  # the first of equal texts wins
        self.others: dict[str, HtmlElement] | None = None

    def element(self, key: str) -> HtmlElement | None:
        if not key:
            return None
        if key in self.found:
            return self.found[key]
        if self.others is None:
            elements = reversed(list(self.tree.iter(*OTHER_BLOCKS))) if self.tree is not None else ()
            self.others = {flat(element.text_content()): element for element in elements}
        return self.others.get(key)


def without_outside_edges(text: str, paragraphs: PageParagraphs, share: float) -> str:
    """The text less its opening and closing runs of lines found outside the article's element."""
    lines = text.splitlines()
    if len(lines) < 2:
        return text
    blocks = _Blocks(paragraphs)
    keys = [flat(line).removeprefix("- ") for line in lines]
    found = [blocks.element(key) for key in keys]
    container = _article_element(lines, found, share)
    if container is None:
        return text

    def outside(index: int) -> bool:
        return found[index] is not None and not _within(found[index], container)

    end = len(lines)
    while end > 0 and (not keys[end - 1] or outside(end - 1)):
        end -= 1
    start = 0
    while start < end and (not keys[start] or outside(start)):
        start += 1
    if start and _reads_as_text(lines[:start], lines[start : start + 5]):
        start = 0
    return text if start == 0 and end == len(lines) else "\n".join(lines[start:end])


def _reads_as_text(lines: list[str], sample: list[str]) -> bool:
    """Whether one of ``lines`` reads as running text in the language of ``sample`` (the lines
    below them; finding a language costs more than the rest of the step, so it is found last)."""
    sentences = [line for line in lines if len(line.split()) >= PROSE_MIN_WORDS]
    if not sentences:
        return False
    stops = stop_words_for("\n".join(sample + sentences), LANGUAGE_MIN_SHARE)
    return any(reads_as_text(line, stops) for line in sentences)


def _article_element(lines: list[str], elements: list[HtmlElement | None], share: float) -> HtmlElement | None:
    """The deepest element holding ``share`` of the words of the lines found in the page."""
    weights: dict[HtmlElement, int] = {}
    parents: dict[HtmlElement, int] = {}  # most lines share a few parents: their ancestors are walked once
    for line, element in zip(lines, elements):
        if element is not None:
            words = len(line.split())
            weights[element] = weights.get(element, 0) + words
            parent = element.getparent()
            if parent is not None:
                parents[parent] = parents.get(parent, 0) + words
    total = sum(weights.values())
    if not total:
        return None
    for parent, words in parents.items():
        for ancestor in _self_and_ancestors(parent):
            weights[ancestor] = weights.get(ancestor, 0) + words
    holding = [element for element, weight in weights.items() if weight >= share * total]
    # (above half the words, the elements holding them are each other's ancestors: one chain)
    return max(holding, key=lambda element: sum(1 for _ in element.iterancestors()), default=None)


def _self_and_ancestors(element: HtmlElement) -> Iterator[HtmlElement]:
    yield element
    yield from element.iterancestors()


def _within(element: HtmlElement, container: HtmlElement) -> bool:
    return any(ancestor is container for ancestor in _self_and_ancestors(element))
