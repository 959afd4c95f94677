"""The pairs of the HTML reuse report: each pair's shared passages side by side.

Each passage is a row of two cells, the pair's left article's version and
its right one's, with the words only one side has marked (``del`` on the
left, ``ins`` on the right). A long identical stretch keeps its first and
last words and says how many it leaves out, so the page stays small while
every change stays in view; past a budget, pairs give their numbers only.
The word diff is difflib's over whitespace-separated words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from html import escape

from srccompare.model import DocumentSummary, PairSummary, Passage
from srccompare.display.names import fitted, name_of

# An identical run longer than this many words keeps CONTEXT_WORDS at each end.
LONG_SAME = 14
CONTEXT_WORDS = 5
LABEL_CHARS = 48
# The passages of the pairs sharing most words are shown until the pairs take this many
# characters; the rest give their numbers only: a story 400 articles carry makes 80,000 pairs, and
# their passages would take 100 MB. (bench/reuse_html.py's 605 articles, 853 pairs: 1.1 MB, all shown.)
PASSAGES_BUDGET = 1_200_000


def pairs_html(pairs: Sequence[PairSummary], passages: Sequence[Passage], bodies: Mapping[str, str],
               documents: Mapping[str, DocumentSummary], numbers: Mapping[str, int],
               budget: int = PASSAGES_BUDGET) -> str:
    """Every pair, most shared words first, each an anchor (``#p<index>``) the matrix links to."""
    parts = []
    used = 0
    for index, pair in enumerate(pairs):
        if used < budget:
            chosen = [passages[i] for i in pair.passages]
            parts.append(pair_html(index, pair, chosen, bodies, documents, numbers))
            used += len(parts[-1])
        else:
            parts.append(pair_brief(index, pair, documents, numbers))
    shown = sum(part.startswith("<section") for part in parts)
    return pairs_intro(len(pairs), shown) + "".join(parts)


def pairs_intro(pairs: int, shown: int) -> str:
    note = (
        "Every pair of articles sharing text, most shared words first. <del>Struck</del> words are only in the "
        "left article, <ins>underlined</ins> words only in the right one; the rest is the same in both. A long "
        "identical stretch shows its first and last words and how many it leaves out."
    )
    if shown < pairs:
        note += (f" The passages of the {shown:,} pairs sharing the most words are shown; the other "
                 f"{pairs - shown:,} pairs give their numbers (<code>srccompare diff</code> shows any two "
                 "articles side by side).")
    return f"<h2 id=\"pairs\">Pairs side by side</h2>\n<p class=\"note\">{note}</p>\n"


def pair_brief(index: int, pair: PairSummary, documents: Mapping[str, DocumentSummary],
               numbers: Mapping[str, int]) -> str:
    """A pair past the budget, in one line: its two articles' numbers (links) and the pair's numbers."""
    left, right = numbers[pair.left_id], numbers[pair.right_id]
    shares = [f"{words / documents[doc].words:.0%}" if documents[doc].words else "0%"
              for words, doc in ((pair.left_words, pair.left_id), (pair.right_words, pair.right_id))]
    count = len(pair.passages)
    return (f"<p class=\"pair\" id=\"p{index}\"><a href=\"#a{left}\">{left}</a> ⟷ <a href=\"#a{right}\">{right}</a>: "
            f"{pair.words} words in {count} passage{'s' if count != 1 else ''}; {shares[0]} of {left}'s words, "
            f"{shares[1]} of {right}'s; {pair.similarity:.0%} alike</p>\n")


def pair_html(index: int, pair: PairSummary, passages: Sequence[Passage], bodies: Mapping[str, str],
              documents: Mapping[str, DocumentSummary], numbers: Mapping[str, int]) -> str:
    left, right = documents[pair.left_id], documents[pair.right_id]
    names = [f"{numbers[doc.doc_id]} {fitted(name_of(doc), LABEL_CHARS)}" for doc in (left, right)]
    links = [f"<a href=\"#a{numbers[doc.doc_id]}\">{escape(name)}</a>" for doc, name in zip((left, right), names)]
    columns = [f"{numbers[doc.doc_id]} {doc.outlet or ''}" for doc in (left, right)]
    rows = []
    for passage in sorted(passages, key=lambda p: p.left_start if p.left_id == pair.left_id else p.right_start):
        left_text, right_text = _sides(passage, pair.left_id, bodies)
        left_html, right_html = side_by_side(left_text, right_text)
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


def side_by_side(left: str, right: str) -> tuple[str, str]:
    """Both versions as HTML, the words of one side only marked, long identical runs shortened."""
    left_words, right_words = left.split(), right.split()
    matcher = SequenceMatcher(None, left_words, right_words, autojunk=False)
    left_parts: list[str] = []
    right_parts: list[str] = []
    for tag, left_start, left_end, right_start, right_end in matcher.get_opcodes():
        if tag == "equal":
            same = _same_run(left_words[left_start:left_end])
            left_parts.append(same)
            right_parts.append(same)
            continue
        if left_end > left_start:
            left_parts.append(f"<del>{escape(' '.join(left_words[left_start:left_end]))}</del>")
        if right_end > right_start:
            right_parts.append(f"<ins>{escape(' '.join(right_words[right_start:right_end]))}</ins>")
    return " ".join(left_parts), " ".join(right_parts)


def _same_run(words: Sequence[str]) -> str:
    if len(words) <= LONG_SAME:
        return escape(" ".join(words))
    left_out = len(words) - 2 * CONTEXT_WORDS
    return (f"{escape(' '.join(words[:CONTEXT_WORDS]))} <i>[{left_out} words the same]</i> "
            f"{escape(' '.join(words[-CONTEXT_WORDS:]))}")
