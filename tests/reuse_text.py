"""Synthetic filler text for the reuse tests: sentences of words drawn from a
fixed vocabulary with a seeded generator, so tests can plant passages at known
offsets in text that shares nothing by accident."""

from __future__ import annotations

import random

SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "an", "qu", "es", "bri", "ont", "zu", "ha")


def vocabulary(size: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def filler(words: int, seed: int, vocab_size: int = 4000) -> str:
    """About ``words`` words of sentence-like filler; different seeds share almost no 3-grams."""
    rng = random.Random(seed)
    vocab = vocabulary(vocab_size, 7)
    out: list[str] = []
    sentence: list[str] = []
    for _ in range(words):
        sentence.append(rng.choice(vocab))
        if len(sentence) >= rng.randint(8, 20):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    if sentence:
        out.append(" ".join(sentence).capitalize() + ".")
    return " ".join(out)
