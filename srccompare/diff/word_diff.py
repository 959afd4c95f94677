"""Word-level operations inside a pair of paragraphs (or groups of them).

diff-match-patch runs on word tokens, not characters: each distinct word key
becomes one character, so even a long paragraph is a short string and the
diff stays exact; semantic cleanup then merges scattered small matches. Words
matched by key are ``equal`` when their characters agree (white space aside)
and ``minor`` otherwise. Pure: no I/O, no UI.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from diff_match_patch import diff_match_patch

from srccompare.model import WordOp
from srccompare.diff.normal import Token, same_surface


LONG_RUN = 1500  # tokens (both sides together) above which the diff goes sentence by sentence first
# Identical runs of at least this many words stay identical through the semantic cleanup, which
# otherwise folds an equality shorter than the edits around it into them: a rewritten paragraph
# then showed as wholly deleted and inserted around 13 identical words (seeds 003/004, "waving
# the red-and-white flags of the opposition and calling on Lukashenko to"). Shorter runs ("of
# the", "said on") are left to the cleanup, which rightly merges them into the rewrite.
KEEP_EQUAL_WORDS = 4


def word_ops(
    left: Sequence[Token],
    right: Sequence[Token],
    timeout: float,
    left_body: str,
    right_body: str,
    long_run: int = LONG_RUN,
) -> tuple[WordOp, ...]:
    """Word-level operations turning ``left`` into ``right`` (tokens of ``left_body``, ``right_body``).

    diff-match-patch runs on word tokens: each distinct key becomes one
    character, so a paragraph is a short string and the diff stays exact
    (on raw characters a long diff hits the timeout and degrades to "delete
    all, insert all"). Semantic cleanup then merges scattered small matches.
    Runs equal by key are split into ``equal`` and ``minor`` by their characters.
    Very long runs (a whole article as one paragraph) are first diffed
    sentence by sentence, then word by word inside the sentences that differ,
    as diff-match-patch's own line mode does for long texts.
    """
    if left and right and _same_text(left, right, left_body, right_body):
        return (WordOp("equal", left[0].start, left[-1].end, right[0].start, right[-1].end),)
    if len(left) + len(right) > long_run:
        return tuple(_merge(_by_sentences(left, right, timeout, left_body, right_body)))
    diffs = _diff([token.key for token in left], [token.key for token in right], timeout, cleanup=True)
    return tuple(_merge(_ops_from_diffs(diffs, left, right, left_body, right_body)))


def _diff(left: Sequence[Hashable], right: Sequence[Hashable], timeout: float, cleanup: bool) -> list[tuple[int, str]]:
    """diff-match-patch over two sequences of items, each distinct item coded as one character."""
    codes = {item: _code(number) for number, item in enumerate(dict.fromkeys([*left, *right]))}
    left_text = "".join(map(codes.__getitem__, left))
    right_text = "".join(map(codes.__getitem__, right))
    if left_text == right_text:
        return [(0, left_text)] if left_text else []
    engine = diff_match_patch()
    engine.Diff_Timeout = timeout
    diffs = engine.diff_main(left_text, right_text, False)
    if cleanup:
        return _cleaned(engine, diffs)
    return diffs


def _cleaned(engine: diff_match_patch, diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Semantic cleanup of the stretches between identical runs of ``KEEP_EQUAL_WORDS`` or more
    words (one character a word here), each stretch on its own, so those runs are kept."""
    cleaned: list[tuple[int, str]] = []
    stretch: list[tuple[int, str]] = []
    for operation, text in [*diffs, (0, "")]:
        if operation == 0 and (len(text) >= KEEP_EQUAL_WORDS or not text):
            engine.diff_cleanupSemantic(stretch)
            cleaned += stretch
            stretch = []
            if text:
                cleaned.append((operation, text))
        else:
            stretch.append((operation, text))
    return cleaned


def _by_sentences(
    left: Sequence[Token], right: Sequence[Token], timeout: float, left_body: str, right_body: str
) -> list[WordOp]:
    left_sentences = _sentences(left, left_body)
    right_sentences = _sentences(right, right_body)
    diffs = _diff(
        [tuple(t.key for t in left[a:b]) for a, b in left_sentences],
        [tuple(t.key for t in right[a:b]) for a, b in right_sentences],
        timeout,
        cleanup=False,
    )
    ops: list[WordOp] = []
    i = j = 0  # sentences done on each side
    pending = [0, 0]  # sentences waiting on each side for a word diff
    for operation, text in [*diffs, (0, "")]:
        if operation != 0:
            pending[0 if operation < 0 else 1] += len(text)
            continue
        left_run = _tokens_of_sentences(left_sentences, i, i + pending[0])
        right_run = _tokens_of_sentences(right_sentences, j, j + pending[1])
        ops.extend(_changed_block(left, right, left_run, right_run, timeout, left_body, right_body))
        i, j = i + pending[0], j + pending[1]
        pending = [0, 0]
        count = len(text)
        if count:
            left_run = _tokens_of_sentences(left_sentences, i, i + count)
            right_run = _tokens_of_sentences(right_sentences, j, j + count)
            ops.extend(_matched_runs(left[left_run], right[right_run], left_body, right_body))
            i, j = i + count, j + count
    return ops


def _sentences(tokens: Sequence[Token], body: str) -> list[tuple[int, int]]:
    """[start, end) token ranges of the sentences: a token whose trailing punctuation holds . ! or ? ends one."""
    ranges = []
    first = 0
    for index, token in enumerate(tokens):
        tail = body[token.word_end : token.end]
        if "." in tail or "!" in tail or "?" in tail:
            ranges.append((first, index + 1))
            first = index + 1
    if first < len(tokens):
        ranges.append((first, len(tokens)))
    return ranges


def _tokens_of_sentences(sentences: list[tuple[int, int]], first: int, last: int) -> slice:
    if first >= last:
        start = sentences[first][0] if first < len(sentences) else (sentences[-1][1] if sentences else 0)
        return slice(start, start)
    return slice(sentences[first][0], sentences[last - 1][1])


def _changed_block(
    left: Sequence[Token], right: Sequence[Token], left_run: slice, right_run: slice,
    timeout: float, left_body: str, right_body: str,
) -> list[WordOp]:
    """Word operations for sentences that differ: a word diff when both sides have some."""
    left_part, right_part = left[left_run], right[right_run]
    if left_part and right_part:
        diffs = _diff([t.key for t in left_part], [t.key for t in right_part], timeout, cleanup=True)
        return _ops_from_diffs(diffs, left_part, right_part, left_body, right_body)
    if left_part:
        at = _position(right, right_run.start)
        return [WordOp("delete", left_part[0].start, left_part[-1].end, at, at)]
    if right_part:
        at = _position(left, left_run.start)
        return [WordOp("insert", at, at, right_part[0].start, right_part[-1].end)]
    return []


def _code(number: int) -> str:
    """The character standing for the ``number``-th distinct word (skipping surrogates)."""
    number += 0x100
    return chr(number + 0x800 if number >= 0xD800 else number)


def _same_text(left: Sequence[Token], right: Sequence[Token], left_body: str, right_body: str) -> bool:
    """Do the two runs of tokens cover exactly the same characters (paragraph by paragraph)?"""
    if len(left) != len(right):
        return False
    left_text = left_body[left[0].start : left[-1].end]
    right_text = right_body[right[0].start : right[-1].end]
    return left_text == right_text


def _ops_from_diffs(
    diffs: Sequence[tuple[int, str]], left: Sequence[Token], right: Sequence[Token], left_body: str, right_body: str
) -> list[WordOp]:
    ops: list[WordOp] = []
    i = j = 0
    for operation, text in diffs:
        count = len(text)
        if operation == 0:
            ops.extend(_matched_runs(left[i : i + count], right[j : j + count], left_body, right_body))
            i, j = i + count, j + count
        elif operation < 0:
            at = _position(right, j)
            ops.append(WordOp("delete", left[i].start, left[i + count - 1].end, at, at))
            i += count
        else:
            at = _position(left, i)
            ops.append(WordOp("insert", at, at, right[j].start, right[j + count - 1].end))
            j += count
    return ops


def _matched_runs(left: Sequence[Token], right: Sequence[Token], left_body: str, right_body: str) -> list[WordOp]:
    """Tokens matched one to one, as runs of ``equal`` and ``minor``."""
    runs: list[WordOp] = []
    first = 0
    kind = ""
    for k, (a, b) in enumerate(zip(left, right)):
        same = same_surface(left_body[a.start : a.end], right_body[b.start : b.end])
        current = "equal" if same else "minor"
        if current != kind:
            if kind:
                runs.append(WordOp(kind, left[first].start, left[k - 1].end, right[first].start, right[k - 1].end))  # type: ignore[arg-type]
            first, kind = k, current
    if kind:
        runs.append(WordOp(kind, left[first].start, left[-1].end, right[first].start, right[-1].end))  # type: ignore[arg-type]
    return runs


def _position(tokens: Sequence[Token], index: int) -> int:
    """Where a run missing from this side stands: before token ``index``, or after the last."""
    if index < len(tokens):
        return tokens[index].start
    return tokens[-1].end if tokens else 0


def _merge(ops: list[WordOp]) -> list[WordOp]:
    """Adjacent runs of one kind as one run."""
    merged: list[WordOp] = []
    for op in ops:
        if merged and merged[-1].kind == op.kind:
            last = merged[-1]
            merged[-1] = WordOp(op.kind, last.left_start, op.left_end, last.right_start, op.right_end)
        else:
            merged.append(op)
    return merged
