"""Word-level operations inside a pair of paragraphs (or groups of them).

diff-match-patch runs on word tokens, not characters: each distinct word key
becomes one character, so even a long paragraph is a short string and the
diff stays exact; semantic cleanup then merges scattered small matches. Words
matched by key are ``equal`` when their characters agree (white space aside)
and ``minor`` otherwise. Pure: no I/O, no UI.
"""

from __future__ import annotations

from collections.abc import Sequence

from diff_match_patch import diff_match_patch

from srccompare.model import WordOp
from srccompare.normal import Token, same_surface


def word_ops(
    left: Sequence[Token], right: Sequence[Token], timeout: float, left_body: str, right_body: str
) -> tuple[WordOp, ...]:
    """Word-level operations turning ``left`` into ``right`` (tokens of ``left_body``, ``right_body``).

    diff-match-patch runs on word tokens: each distinct key becomes one
    character, so a paragraph is a short string and the diff stays exact
    (on raw characters a long diff hits the timeout and degrades to "delete
    all, insert all"). Semantic cleanup then merges scattered small matches.
    Runs equal by key are split into ``equal`` and ``minor`` by their characters.
    """
    if left and right and _same_text(left, right, left_body, right_body):
        return (WordOp("equal", left[0].start, left[-1].end, right[0].start, right[-1].end),)
    left_keys = [token.key for token in left]
    right_keys = [token.key for token in right]
    codes = {key: _code(number) for number, key in enumerate(dict.fromkeys(left_keys + right_keys))}
    left_text = "".join(map(codes.__getitem__, left_keys))
    right_text = "".join(map(codes.__getitem__, right_keys))
    if left_text == right_text:
        diffs = [(0, left_text)] if left_text else []
    else:
        engine = diff_match_patch()
        engine.Diff_Timeout = timeout
        diffs = engine.diff_main(left_text, right_text, False)
        engine.diff_cleanupSemantic(diffs)
    return tuple(_merge(_ops_from_diffs(diffs, left, right, left_body, right_body)))


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
