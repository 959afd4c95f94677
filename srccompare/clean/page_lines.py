"""Full-page plain text, line by line: a learned score for each paragraph, smoothed by its neighbours.

The page step (page_text.py) keeps the page's main run of prose. This step
judges every paragraph of the same page on its own and in its place:

1. features of the paragraph itself: length, stop-word density (the page's
   language), sentence shape and closing punctuation, capitalisation, digits,
   menu separators, code (JavaScript, CSS, JSON), link text (URLs), list
   bullets, whether the line rules claim it, whether the page repeats it, its
   position, and whether the main run of prose holds it;
2. features of its surroundings: how much prose stands near it, before and after;
3. gradient-boosted trees on those (stage 1: the features act together, a short
   line reads differently inside the prose than above it), then a logistic
   regression on the stage-1 scores of the paragraph and its neighbours (stage 2:
   the neighbours' classes, learned rather than hand-set);
4. jusText's context smoothing on what stays ambiguous: a short paragraph whose
   score is near the threshold takes the class of the nearest confident
   paragraphs on both sides when they agree.

The weights are data (rules/page_lines.toml), fitted by bench/fit_page_lines.py
on the tune half of wcxb-dev rendered by several renderers; the threshold and the
smoothing band are chosen there too (see the file's header).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from srccompare.clean.boilerplate import Mark, fold
from srccompare.clean.page_text import page_furniture, stop_words_for
from srccompare.settings import CleanSettings

WORD = re.compile(r"\w+")
SENTENCE_END = ('.', '!', '?', '"', '”', '’', '»', '。', '！', '？', '」', '…', ')')
SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]?\s+[\"“‘(]?[A-Z]")
MENU_MARKS = re.compile(r"\s[|•·»›/>–—]\s|^[|•·»›>]|[|•·»›]$")
CODE = re.compile(
    r"[{};]\s*$|^\s*[{}\]]|\bfunction\s*\(|\bvar\s+\w+\s*=|\b(?:window|document)\.[a-z]|=>|\":\s*[\"{\[\d]"
    r"|@media|!important|\bpx;|\breturn\s|\bconst\s+\w+\s*="
)
CODE_CHARS = frozenset("{}[];=<>\\$_")
URL = re.compile(r"https?://|www\.|\.(?:com|org|net|html?|php)\b", re.I)
BULLET = re.compile(r"^(?:[-*•–·▪►]|\d{1,2}[.)])\s")
DATE_OR_TIME = re.compile(
    r"\b(?:\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b)",
    re.I,
)
# Dense scripts (Chinese, Japanese, Korean) carry about three Latin letters a character.
DENSE_SCRIPT = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A short line naming a section that follows an article (comments, related stories, teasers):
# once one stands after the page's first prose, what follows is more often not the article.
SECTION_MARKER = re.compile(
    r"^\W*(?:\d+\s+)?(?:comments?|responses?|replies|leave a (?:reply|comment)|join the (?:discussion|conversation)"
    r"|related\b|more (?:from|stories|news|articles|posts|on)\b|you (?:may|might) (?:also )?like|recommended"
    r"|read (?:next|more|also)\b|also read|popular\b|most (?:read|popular|viewed)|trending|latest (?:news|posts|stories)"
    r"|recent (?:posts|articles|stories)|further reading|see also|sponsored|advertisement|about the author)",
    re.I,
)
MARKER_CHARS = 100
PROSE_CHARS = 150  # a paragraph this long with running text's stop-word density is prose
PROSE_DENSITY = 0.2
OWN = (
    "bias", "log_chars", "log_words", "stop_density", "no_stop_list", "sentence_end", "colon_end",
    "log_sentences", "capitalised", "upper", "digits", "mean_word_len", "menu_marks", "code",
    "code_chars", "url", "bullet", "date_or_time", "rule_kind", "repeated", "position", "in_best_run",
    "prose", "short", "title_case_line", "action_start", "question", "exclamation", "under_25", "under_50",
    "under_100", "under_200", "short_in_run",
)
CONTEXT = ("prose_near_3", "prose_near_10", "prose_before", "prose_after", "log_gap_to_prose",
           "log_chars_prev", "log_chars_next", "after_section_marker", "date_lines_near")
FEATURES = OWN + CONTEXT


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted regression trees (stage 1), one row a tree, padded to the same node count.
    A node sends a paragraph left when its ``feature`` is at most ``threshold``; a leaf points to
    itself on both sides with an infinite threshold, so every tree is walked ``depth`` steps."""

    feature: np.ndarray  # (trees, nodes) int
    threshold: np.ndarray  # (trees, nodes) float
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # each leaf's share of the logit
    depth: int
    baseline: float
    # The same, flat, children as indices into the flat arrays (1-D takes are the fast ones).
    flat: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        offsets = (np.arange(self.feature.shape[0]) * self.feature.shape[1])[:, None]
        flat = (self.feature.ravel(), self.threshold.ravel(), (self.left + offsets).ravel(),
                (self.right + offsets).ravel(), self.value.ravel(), offsets.ravel())
        object.__setattr__(self, "flat", flat)


@dataclass(frozen=True)
class Model:
    """The fitted weights (rules/page_lines.toml): stage 1 trees on FEATURES, stage 2 on the stage-1 logits."""

    trees: Trees
    stage2: np.ndarray
    window: int
    threshold: float
    band: float
    short_chars: int
    short_threshold: float  # the threshold for paragraphs shorter than short_chars
    action_words: frozenset[str]


@lru_cache(maxsize=1)
def load_model() -> Model:
    data = tomllib.loads(resources.files("srccompare.rules").joinpath("page_lines.toml").read_text(encoding="utf-8"))
    return model_from(data)


def model_from(data: dict) -> Model:
    names = data["features"]
    if tuple(names) != FEATURES:
        raise ValueError("rules/page_lines.toml: its features are not this module's; refit with bench/fit_page_lines.py")
    trees = data["trees"]
    threshold = np.array(trees["threshold"], dtype=float)
    threshold[np.array(trees["leaf"], dtype=bool)] = np.inf
    stage1 = Trees(np.array(trees["feature"], dtype=np.intp), threshold, np.array(trees["left"], dtype=np.intp),
                   np.array(trees["right"], dtype=np.intp), np.array(trees["value"], dtype=float), int(trees["depth"]),
                   float(trees["baseline"]))
    return Model(stage1, np.array(data["stage2"]), int(data["window"]), float(data["threshold"]), float(data["band"]),
                 int(data["short_chars"]), float(data["short_threshold"]), frozenset(data["action_words"]))


def own_features(paragraph: str, stops: frozenset[str] | None, action_words: frozenset[str]) -> list[float]:
    """The features of a paragraph by itself (OWN, less the page-dependent ones filled in later)."""
    words = WORD.findall(paragraph)
    chars = len(paragraph) + 2 * len(DENSE_SCRIPT.findall(paragraph))
    n = max(len(words), 1)
    density = sum(map(stops.__contains__, map(str.lower, words))) / n if stops is not None else 0.0
    letters = sum(map(str.isalpha, paragraph))
    stripped = paragraph.rstrip()
    sentences = len(SENTENCE_BREAK.findall(paragraph)) + stripped.endswith(SENTENCE_END)
    capitalised = sum(w[0].isupper() for w in words) / n
    return [
        1.0,
        math.log1p(chars),
        math.log1p(len(words)),
        density,
        float(stops is None),
        float(stripped.endswith(SENTENCE_END)),
        float(stripped.endswith(":")),
        math.log1p(sentences),
        capitalised,
        sum(map(str.isupper, paragraph)) / max(letters, 1),
        sum(map(str.isdigit, paragraph)) / max(len(paragraph), 1),
        min(sum(map(len, words)) / n, 15.0) / 15.0,
        float(bool(MENU_MARKS.search(paragraph))),
        float(bool(CODE.search(paragraph))),
        sum(map(CODE_CHARS.__contains__, paragraph)) / max(len(paragraph), 1),
        float(bool(URL.search(paragraph))),
        float(bool(BULLET.match(paragraph))),
        float(bool(DATE_OR_TIME.search(paragraph))),
        0.0,  # rule_kind: page-dependent
        0.0,  # repeated
        0.0,  # position
        0.0,  # in_best_run
        float(chars >= PROSE_CHARS and (stops is None or density >= PROSE_DENSITY)),
        float(chars < 70),
        float(len(words) >= 2 and capitalised >= 0.8 and not stripped.endswith(SENTENCE_END)),
        float(bool(words) and words[0].lower() in action_words),
        float(stripped.endswith("?")),
        float(stripped.endswith("!")),
        float(chars < 25),
        float(chars < 50),
        float(chars < 100),
        float(chars < 200),
        0.0,  # short_in_run: page-dependent
    ]


def page_features(
    paragraphs: Sequence[str], stops: frozenset[str] | None, known: set[int], outside: set[int],
    action_words: frozenset[str],
) -> np.ndarray:
    """FEATURES for every paragraph of a page: ``known`` the line rules claim, ``outside`` the
    main run of prose leaves out, ``action_words`` the first words of calls to action."""
    rows = [own_features(p, stops, action_words) for p in paragraphs]
    count = len(paragraphs)
    folded = [fold(p) for p in paragraphs]
    seen = Counter(folded)
    at = {name: i for i, name in enumerate(OWN)}
    for i, row in enumerate(rows):
        row[at["rule_kind"]] = float(i in known)
        row[at["repeated"]] = float(seen[folded[i]] > 1 and bool(folded[i]))
        row[at["position"]] = i / max(count - 1, 1)
        row[at["in_best_run"]] = float(i not in outside)
        row[at["short_in_run"]] = row[at["short"]] * row[at["in_best_run"]]
    own = np.array(rows, dtype=float)
    context = context_features(own[:, at["prose"]], own[:, at["log_chars"]])
    date_lines = own[:, at["date_or_time"]] * own[:, at["under_50"]]
    return np.hstack([own, context, np.column_stack([after_marker(paragraphs, own[:, at["prose"]]),
                                                     _near(date_lines, 3)])])


def after_marker(paragraphs: Sequence[str], prose: np.ndarray) -> np.ndarray:
    """1 for the paragraphs after a section marker line (SECTION_MARKER) that stands after the
    page's first prose paragraph (a menu's "Related" or "Latest" above the article does not count)."""
    count = len(paragraphs)
    flags = np.zeros(count)
    first = np.flatnonzero(prose)
    if not len(first):
        return flags
    for i in range(int(first[0]) + 1, count):
        if len(paragraphs[i]) < MARKER_CHARS and SECTION_MARKER.match(paragraphs[i]):
            flags[i + 1 :] = 1.0
            break
    return flags


def _near(values: np.ndarray, width: int) -> np.ndarray:
    """The mean of ``values`` over the ``width`` paragraphs on each side, the paragraph left out."""
    count = len(values)
    padded = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(count)
    low, high = np.maximum(index - width, 0), np.minimum(index + width + 1, count)
    return (padded[high] - padded[low] - values) / (2 * width)


def context_features(prose: np.ndarray, log_chars: np.ndarray) -> np.ndarray:
    """CONTEXT: prose near each paragraph, before and after it, and its neighbours' lengths."""
    count = len(prose)
    padded = np.concatenate([[0.0], np.cumsum(prose)])
    index = np.arange(count)
    total = max(padded[-1], 1.0)
    before, after = padded[index] / total, (padded[-1] - padded[index + 1]) / total
    where = np.flatnonzero(prose)
    if len(where):
        gap = np.abs(index[:, None] - where[None, :]).min(axis=1) if count * len(where) < 4_000_000 else _gaps(where, count)
    else:
        gap = np.full(count, count, dtype=float)
    previous = np.concatenate([[0.0], log_chars[:-1]])
    following = np.concatenate([log_chars[1:], [0.0]])
    return np.column_stack([_near(prose, 3), _near(prose, 10), before, after, np.log1p(gap), previous, following])


def _gaps(where: np.ndarray, count: int) -> np.ndarray:
    """Distance from each index to the nearest of ``where`` (sorted), for long pages."""
    index = np.arange(count)
    right = np.clip(np.searchsorted(where, index), 0, len(where) - 1)
    left = np.clip(right - 1, 0, len(where) - 1)
    return np.minimum(np.abs(where[right] - index), np.abs(index - where[left])).astype(float)


def stage1_logits(features: np.ndarray, model: Model) -> np.ndarray:
    """Each paragraph's stage-1 logit: the trees' leaves summed, all trees walked a level at a time."""
    trees = model.trees
    feature, threshold, left, right, value, roots = trees.flat
    values = np.ascontiguousarray(features, dtype=float).ravel()
    rows = (np.arange(len(features)) * features.shape[1])[:, None]
    node = np.repeat(roots[None, :], len(features), axis=0)
    for _ in range(trees.depth):
        node = np.where(values[rows + feature[node]] <= threshold[node], left[node], right[node])
    return trees.baseline + value[node].sum(axis=1)


def stage2_features(logits: np.ndarray, window: int) -> np.ndarray:
    """The paragraph's own stage-1 logit, its neighbours' (up to ``window`` each side; beyond the
    page's ends a confident "not article"), and the means over wider windows."""
    count = len(logits)
    edge = np.full(window, -4.0)
    padded = np.concatenate([edge, logits, edge])
    columns = [np.ones(count), logits]
    columns += [padded[window + k : window + k + count] for k in range(-window, window + 1) if k]
    cumulative = np.concatenate([[0.0], np.cumsum(logits)])
    index = np.arange(count)
    for width in (5, 15):
        low, high = np.maximum(index - width, 0), np.minimum(index + width + 1, count)
        columns.append((cumulative[high] - cumulative[low]) / (high - low))
    return np.column_stack(columns)


def scores(features: np.ndarray, model: Model) -> np.ndarray:
    """Stage-2 logits: how much each paragraph reads as article text, in its place."""
    return stage2_features(stage1_logits(features, model), model.window) @ model.stage2


def smooth(logits: np.ndarray, lengths: Sequence[int], model: Model) -> np.ndarray:
    """Keep/drop per paragraph: confident scores decide; a short paragraph within ``band`` of its
    threshold takes the class of the nearest confident paragraphs on both sides when they agree,
    else its own score decides (jusText's context-sensitive pass)."""
    short = np.asarray(lengths) < model.short_chars
    thresholds = np.where(short, model.short_threshold, model.threshold)
    keep = logits >= thresholds
    confident = ~short | (np.abs(logits - thresholds) >= model.band)
    count = len(logits)
    index = np.arange(count)
    left = np.maximum.accumulate(np.where(confident, index, -1))  # nearest confident at or before
    right = np.minimum.accumulate(np.where(confident, index, count)[::-1])[::-1]
    agree = ~confident & (left >= 0) & (right < count)
    side = keep[np.clip(left, 0, count - 1)]
    agree &= side == keep[np.clip(right, 0, count - 1)]
    return np.where(agree, side, keep)


def page_matrix(
    paragraphs: Sequence[str], settings: CleanSettings, known: dict[int, str], action_words: frozenset[str]
) -> tuple[np.ndarray, list[Mark]]:
    """FEATURES of a page's paragraphs, and the page step's own marks (its main run and repeats)."""
    stops = stop_words_for(" ".join(paragraphs), settings.page_language_min_share)
    furniture = page_furniture(paragraphs, settings, known, stops)
    outside = {mark.index for mark in furniture if mark.rule == "page-outside-article"}
    return page_features(paragraphs, stops, set(known), outside, action_words), furniture


def find_page_lines(
    paragraphs: Sequence[str], settings: CleanSettings, known: dict[int, str], apart: frozenset[int] = frozenset(),
    model: Model | None = None,
) -> list[Mark]:
    """Marks for the paragraphs of a page's text that do not read as its article, in their place;
    a second copy of the article's text (the page step's repeats) goes too. ``known``: the
    paragraphs the line rules remove, with their kind; ``apart``: those (a page's scripts) left
    out of the page as the classifier sees it (code would pass for long paragraphs)."""
    model = model or load_model()
    rest = [i for i in range(len(paragraphs)) if i not in apart]
    seen = [paragraphs[i] for i in rest]
    position = {index: n for n, index in enumerate(rest)}
    features, furniture = page_matrix(seen, settings, {position[i]: k for i, k in known.items() if i in position},
                                      model.action_words)
    keep = smooth(scores(features, model), [len(p) for p in seen], model)
    repeats = {rest[mark.index] for mark in furniture if mark.rule == "page-repeat"}
    # Lines the line rules claim are left to them: they remove them with their own reason (and
    # record what they carry, a caption's photo credit, say).
    gone = [rest[n] for n in range(len(rest)) if not keep[n] and rest[n] not in known]
    marks = [Mark(i, "page-repeat" if i in repeats else "page-outside-article", "page", paragraphs[i]) for i in gone]
    marks += [Mark(i, "page-repeat", "page", paragraphs[i]) for i in sorted(repeats) if i not in gone and i not in known]
    return sorted(marks, key=lambda mark: mark.index)
