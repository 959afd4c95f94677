"""The pairs of the HTML reuse report: each pair's shared passages side by side.

Each passage is a row of two cells, the row article's version and the column
article's, with the words only one side has marked (``del`` on the left,
``ins`` on the right). Without the full texts a long identical stretch keeps
its first and last words and says how many it leaves out, so the page stays
small while every change stays in view; with them (``--texts``) nothing is
cut. The word diff is difflib's over whitespace-separated words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from html import escape

from srccompare.model import DocumentSummary, PairSummary, Passage
from srccompare.names import fitted, name_of

# Without --texts, an identical run longer than this many words keeps CONTEXT_WORDS at each end.
LONG_SAME = 14
CONTEXT_WORDS = 5
LABEL_CHARS = 48


def pairs_html(pairs: Sequence[PairSummary], passages: Sequence[Passage], bodies: Mapping[str, str],
               documents: Mapping[str, DocumentSummary], numbers: Mapping[str, int], full: bool) -> str:
    """Every pair, most shared words first, each an anchor (``#p<index>``) the matrix links to."""
    parts = [
        "<h2 id=\"pairs\">Pairs side by side</h2>\n<p class=\"note\">Every pair of articles sharing text, most "
        "shared words first. <del>Struck</del> words are only in the left article, <ins>underlined</ins> words "
        "only in the right one; the rest is the same in both."
        + ("" if full else " A long identical stretch shows its first and last words and how many it leaves out.")
        + "</p>\n"
    ]
    for index, pair in enumerate(pairs):
        chosen = [passages[i] for i in pair.passages]
        parts.append(pair_html(index, pair, chosen, bodies, documents, numbers, full))
    return "".join(parts)


def pair_html(index: int, pair: PairSummary, passages: Sequence[Passage], bodies: Mapping[str, str],
              documents: Mapping[str, DocumentSummary], numbers: Mapping[str, int], full: bool) -> str:
    left, right = documents[pair.left_id], documents[pair.right_id]
    names = [f"{numbers[doc.doc_id]} {fitted(name_of(doc), LABEL_CHARS)}" for doc in (left, right)]
    links = [f"<a href=\"#a{numbers[doc.doc_id]}\">{escape(name)}</a>" for doc, name in zip((left, right), names)]
    columns = [f"{numbers[doc.doc_id]} {doc.outlet or ''}" for doc in (left, right)]
    rows = []
    for passage in sorted(passages, key=lambda p: p.left_start if p.left_id == pair.left_id else p.right_start):
        left_text, right_text = _sides(passage, pair.left_id, bodies)
        left_html, right_html = side_by_side(left_text, right_text, full)
        rows.append(f"<tr><td>{left_html}</td><td>{right_html}</td></tr>\n")
    return (
        f"<section class=\"pair\" id=\"p{index}\">\n<h3>{links[0]} ⟷ {links[1]}</h3>\n"
        f"<p class=\"meta\">{pair_numbers(pair, left, right)}</p>\n"
        f"<table class=\"sbs\"><tr><th>{escape(columns[0])}</th><th>{escape(columns[1])}</th></tr>\n{''.join(rows)}"
        "</table>\n</section>\n"
    )


def pair_numbers(pair: PairSummary, left: DocumentSummary, right: DocumentSummary) -> str:
    """The pair's numbers in words: shared words, passages, each side's share, kinds, likeness."""
    shares = [f"{words / doc.words:.0%}" if doc.words else "0%" for words, doc in
              ((pair.left_words, left), (pair.right_words, right))]
    count = len(pair.passages)
    return (
        f"{pair.words} words in {count} passage{'s' if count != 1 else ''} "
        f"({pair.reporting_words} reporting, {pair.quote_words} quotation); "
        f"{shares[0]} of the left's words, {shares[1]} of the right's; {pair.similarity:.0%} alike"
    )


def _sides(passage: Passage, left_id: str, bodies: Mapping[str, str]) -> tuple[str, str]:
    """The passage's text in the pair's left article, then in its right one."""
    first = bodies.get(passage.left_id, "")[passage.left_start:passage.left_end]
    second = bodies.get(passage.right_id, "")[passage.right_start:passage.right_end]
    return (first, second) if passage.left_id == left_id else (second, first)


def side_by_side(left: str, right: str, full: bool) -> tuple[str, str]:
    """Both versions as HTML, the words of one side only marked, long identical runs shortened unless ``full``."""
    left_words, right_words = left.split(), right.split()
    matcher = SequenceMatcher(None, left_words, right_words, autojunk=False)
    left_parts: list[str] = []
    right_parts: list[str] = []
    for tag, left_start, left_end, right_start, right_end in matcher.get_opcodes():
        if tag == "equal":
            same = _same_run(left_words[left_start:left_end], full)
            left_parts.append(same)
            right_parts.append(same)
            continue
        if left_end > left_start:
            left_parts.append(f"<del>{escape(' '.join(left_words[left_start:left_end]))}</del>")
        if right_end > right_start:
            right_parts.append(f"<ins>{escape(' '.join(right_words[right_start:right_end]))}</ins>")
    return " ".join(left_parts), " ".join(right_parts)


def _same_run(words: Sequence[str], full: bool) -> str:
    if full or len(words) <= LONG_SAME:
        return escape(" ".join(words))
    left_out = len(words) - 2 * CONTEXT_WORDS
    return (f"{escape(' '.join(words[:CONTEXT_WORDS]))} <i>[{left_out} words the same]</i> "
            f"{escape(' '.join(words[-CONTEXT_WORDS:]))}")
