"""The word-count cost of a chapter: how well one vocabulary of its own explains its words.

After BayesSeg (Eisenstein & Barzilay, 2008): each chapter draws its words from a multinomial of
its own under a symmetric Dirichlet prior, and a chapter's cost is minus the log-likelihood of
its word counts with that multinomial integrated out (a Dirichlet-compound multinomial). Saying
a word again within one chapter is cheap and spreading it over two is dear, so the cost rewards
splits where the vocabulary changes, with no vector space and no window size. Only words said in
at least two sentences count: a word said once costs the same wherever the boundaries fall.
Long Chinese words count their character pairs too (`_pieces`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..text.chars import is_cjk, is_hangul

# The Dirichlet prior's weight per word (synthetic Pk, mean of six sets: 0.169 at 0.5,
# 0.160 at 1, 0.163 at 2).
ALPHA = 1.0
_SHUFFLES = 8


@dataclass(frozen=True)
class WordCounts:
    """Per sentence, the vocabulary ids of its counted words and how often each is said."""

    ids: tuple[np.ndarray, ...]
    counts: tuple[np.ndarray, ...]
    size: int  # vocabulary size
    total: int  # counted words in all


def word_counts(words: Sequence[Sequence[str]]) -> WordCounts:
    words = [[*sentence, *_pieces(sentence)] for sentence in words]
    spread: Counter[str] = Counter()
    for sentence in words:
        spread.update(set(sentence))
    vocab = {w: k for k, w in enumerate(w for w, c in spread.items() if c >= 2)}
    ids, counts = [], []
    for sentence in words:
        tally = Counter(vocab[w] for w in sentence if w in vocab)
        ids.append(np.fromiter(tally.keys(), np.int64, len(tally)))
        counts.append(np.fromiter(tally.values(), np.int64, len(tally)))
    total = int(sum(int(c.sum()) for c in counts))
    return WordCounts(tuple(ids), tuple(counts), max(1, len(vocab)), total)


def _pieces(sentence: Sequence[str]) -> list[str]:
    """The character pairs inside each Chinese word of three or more characters, counted beside
    the word, so that 军事同盟 and 同盟 share a word (synthetic Pk 0.151 -> 0.144 from caption
    fragments, 0.142 -> 0.132 with gold punctuation; dev 0.211 -> 0.200 and 0.190 -> 0.182)."""
    return [
        word[i : i + 2]
        for word in sentence
        if len(word) >= 3 and all(is_cjk(c) and not is_hangul(c) for c in word)
        for i in range(len(word) - 1)
    ]


@dataclass(frozen=True)
class _Tables:
    """log Γ(c + α) - log Γ(α) for every count c, and log Γ(Vα) - log Γ(N + Vα) for every
    total N: a chapter's log-likelihood is the sum of the first over its words plus the second."""

    word: np.ndarray
    norm: np.ndarray


@lru_cache(maxsize=4)
def _tables(size: int, total: int) -> _Tables:
    """The tables for a vocabulary of `size` words and `total` counted words (built once for
    a document's costs and its null gain)."""
    n = np.arange(total + 1)
    word = np.array([math.lgamma(c + ALPHA) for c in n]) - math.lgamma(ALPHA)
    prior = size * ALPHA
    norm = math.lgamma(prior) - np.array([math.lgamma(c + prior) for c in n])
    return _Tables(word, norm)


def chapter_costs(words: WordCounts, pos: np.ndarray) -> np.ndarray:
    """cost[i, j]: the cost of a chapter of sentences pos[i]..pos[j]-1 (j > i; inf elsewhere)."""
    tables = _tables(words.size, words.total)
    m = len(pos)
    prefix = np.zeros((m, words.size), np.int64)
    running = np.zeros(words.size, np.int64)
    sentence = 0
    for k, p in enumerate(pos):
        while sentence < p:
            running[words.ids[sentence]] += words.counts[sentence]
            sentence += 1
        prefix[k] = running
    cost = np.full((m, m), np.inf)
    for i in range(m - 1):
        inside = prefix[i + 1 :] - prefix[i]
        cost[i, i + 1 :] = -(tables.word[inside].sum(axis=1) + tables.norm[inside.sum(axis=1)])
    return cost


def null_gain(
    words: WordCounts, lengths: np.ndarray, min_length: float, min_sentences: int
) -> float:
    """Mean over seeded shuffles of the best single split's drop in cost: the gain chance
    alone finds, the unit that makes this cost comparable with the vector spread."""
    tables = _tables(words.size, words.total)
    n = len(words.ids)
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(_SHUFFLES):
        order = rng.permutation(n)
        right = np.zeros(words.size, np.int64)
        for s in order:
            right[words.ids[s]] += words.counts[s]
        left = np.zeros(words.size, np.int64)
        left_sum, right_sum = 0.0, float(tables.word[right].sum())
        left_n, right_n = 0, words.total
        whole = -(right_sum + tables.norm[right_n])
        cum = np.cumsum(lengths[order])
        best = -math.inf
        for i, s in enumerate(order[:-1], start=1):
            ids, counts = words.ids[s], words.counts[s]
            left_sum += float((tables.word[left[ids] + counts] - tables.word[left[ids]]).sum())
            right_sum += float((tables.word[right[ids] - counts] - tables.word[right[ids]]).sum())
            left[ids] += counts
            right[ids] -= counts
            moved = int(counts.sum())
            left_n, right_n = left_n + moved, right_n - moved
            if (min(i, n - i) >= min_sentences and cum[i - 1] >= min_length
                    and cum[-1] - cum[i - 1] >= min_length):
                split = -(left_sum + tables.norm[left_n]) - (right_sum + tables.norm[right_n])
                best = max(best, float(whole - split))
        if best > -math.inf:
            gains.append(best)
    return max(float(np.mean(gains)) if gains else 0.0, 1e-6)
