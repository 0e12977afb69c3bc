"""Topic segmentation: where the chapters start.

The chapters are the split that minimises a cost found exactly by dynamic programming (over all
sentence gaps, or for long inputs over the deepest valleys of a TextTiling similarity curve, so
cost stays linear). The cost of a chapter adds two views of its sentences: the spread of their
vectors around the chapter's mean, and how well one vocabulary of its own explains their words
(`wordcost`, after BayesSeg). The count is chosen by a price per chapter, relative to the best
split chance finds in shuffled sentences, plus a log-normal prior around one chapter per three
scale lengths (the minimum length, but at least 30 s); the minimum length and the maximum count
are hard limits. A boundary is cheaper
in front of a discourse cue (首先, 最后, 总的来说, "finally"), where the vocabulary changes
sharply at several window sizes (TextTiling depth), and where the learned boundary model
(`boundary`) gives a high chance. Measured choices: scripts/eval_chapters.py;
constants tuned on synthetic documents only (scripts/make_chapter_tuning.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from ..types import Sentence
from .features import _is_cjk_language
from .options import ChapterOptions
from .wordcost import WordCounts, chapter_costs, null_gain

# Characters per second of speech, to turn `min_chapter` into a length for untimed text.
_CJK_CHARS_PER_SECOND = 5.0
_LATIN_CHARS_PER_SECOND = 14.0
# The shortest scale topic signals are read at (see `_lengths`).
_SCALE_SECONDS = 30.0
_PUNCT = re.compile(r"[^\w\s]|_")


# --- lengths and the minimum ---------------------------------------------------------------


def _lengths(
    sentences: Sequence[Sentence], language: str, options: ChapterOptions
) -> tuple[np.ndarray, float, float]:
    """Per-sentence length (seconds when timed, else characters), the minimum chapter length,
    and the scale the topic signals are read at, in the same unit.

    A timed sentence lasts until the next one starts, so chapter lengths add up to the span.
    The scale (window sizes, the typical chapter, chance's best split) is the minimum but never
    under `_SCALE_SECONDS` of speech: a window of a few seconds holds too few words to compare,
    so a low minimum lets short chapters through without making every signal noisy."""
    timed = all(s.start is not None and s.end is not None for s in sentences)
    rate = _CJK_CHARS_PER_SECOND if _is_cjk_language(language) else _LATIN_CHARS_PER_SECOND
    if timed:
        starts = [float(s.start) for s in sentences]  # type: ignore[arg-type]
        ends = [*starts[1:], float(sentences[-1].end)]  # type: ignore[arg-type]
        lengths = np.maximum(np.array(ends) - np.array(starts), 0.0)
        minimum, floor = float(options.min_chapter), _SCALE_SECONDS
    else:
        lengths = np.array([len(_PUNCT.sub("", s.text).replace(" ", "")) for s in sentences],
                           float)
        minimum = (float(options.min_chars) if options.min_chars is not None
                   else float(options.min_chapter) * rate)
        floor = _SCALE_SECONDS * rate
    return lengths, minimum, max(minimum, floor)


# --- boundaries ----------------------------------------------------------------------------


def _segment(
    x: np.ndarray,
    lengths: np.ndarray,
    scale: float,
    minimum: float,
    cues: np.ndarray,
    options: ChapterOptions,
    method: str = "lexical",
    words: WordCounts | None = None,
    depth: np.ndarray | None = None,
    chances: np.ndarray | None = None,
) -> list[int]:
    """Chapter starts (plus n) minimising the spread of sentence vectors around their chapter's
    mean plus the word-count cost of `words` (when given), exactly by dynamic programming over
    candidate boundaries, for every chapter count the bounds allow; then the count (see
    `_choose_count`).

    Signals are read at `scale`; the length bounds (`minimum`, `min_sentences`) and
    `max_chapters` are hard constraints. A discourse cue lowers the cost
    of a boundary in front of it; a sharp change of vocabulary (TextTiling depth at several
    window sizes) and a high learned chance (`chances`, one per gap) move boundaries to them;
    all in units of chance's best split gain."""
    n = len(x)
    pos = np.array([0, *_candidates(x, lengths, scale), n])
    cost = _cost_matrix(x, lengths, minimum, pos, options.min_sentences)
    noise = _null_gain(x, lengths, scale, options.min_sentences)
    if words is not None and _WORD_WEIGHT:
        # The word-count cost beside the spread, both in units of chance's best split gain.
        weight = _WORD_WEIGHT * noise / null_gain(words, lengths, scale, options.min_sentences)
        cost = cost + weight * chapter_costs(words, pos)
    # Cue discount on entering candidate j (a chapter starting at sentence pos[j]).
    discount = np.zeros(len(pos))
    discount[1:-1] = _CUE_DISCOUNT * noise * cues[pos[1:-1] - 1]
    if depth is not None and _DEPTH_BONUS:
        # Centred, so that it moves boundaries to sharp changes rather than adding more.
        discount[1:-1] += _DEPTH_BONUS * noise * (depth[pos[1:-1] - 1] - depth.mean())
    if chances is not None and _BOUNDARY_WEIGHT:
        # The learned chance of a boundary at each gap (`boundary`), centred like the depth.
        chance = chances[pos[1:-1] - 1]
        discount[1:-1] += _BOUNDARY_WEIGHT * noise * (chance - chance.mean())
    # The length prior: a typical chapter is `_TYPICAL` scale lengths long; the content
    # chooses the count within a factor of two of what that implies.
    expected = float(np.sum(lengths)) / max(_TYPICAL * scale, 1e-9)
    high = min(options.max_chapters, max(1, math.ceil(expected * 2)))
    low = min(high, max(1, math.floor(expected / 2)))
    totals, back = _best_per_count(cost, discount, high)
    if not np.isfinite(totals).any():
        return [0, n]
    # The count: a price per chapter, and a log-normal prior around the expected count (the
    # cohesion gain of one more chapter is nearly flat, so the content alone decides the
    # count poorly; measured on synthetic documents, the prior cut Pk by 0.01-0.04).
    price = (_PENALTY[method] if options.penalty is None else options.penalty) * noise
    counts = np.arange(1, len(totals) + 1)
    scores = (totals + price * (counts - 1)
              + _LENGTH_PRIOR * noise * np.log(counts / max(expected, 1.0)) ** 2)
    k = _choose_count(scores, low)
    return _trace(back[: k - 1], len(pos) - 1, pos)


def _cost_matrix(
    x: np.ndarray, lengths: np.ndarray, min_length: float, pos: np.ndarray, min_sentences: int
) -> np.ndarray:
    """cost[i, j]: the spread (sum of squared distances to the mean) of sentences
    pos[i]..pos[j]-1, infinite where that chapter would be too short."""
    prefix = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])[pos]
    squares = np.concatenate([[0.0], np.cumsum(np.einsum("ij,ij->i", x, x))])[pos]
    cum = np.concatenate([[0.0], np.cumsum(lengths)])[pos]
    gram = prefix @ prefix.T
    diag = np.diag(gram)
    count = pos[None, :] - pos[:, None]
    between = diag[None, :] + diag[:, None] - 2 * gram  # |S_j - S_i|^2
    cost = squares[None, :] - squares[:, None] - between / np.maximum(count, 1)
    too_short = (count < max(1, min_sentences)) | (cum[None, :] - cum[:, None] < min_length)
    return np.asarray(np.where(too_short, np.inf, np.maximum(cost, 0.0)))


def _best_per_count(
    cost: np.ndarray, discount: np.ndarray, high: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """totals[k-1]: the least total cost of k chapters covering everything (inf: impossible),
    and the back pointers to recover each split."""
    m = len(cost)
    table = cost[0].copy()  # one chapter: from 0 to j
    totals = [float(table[m - 1])]
    back: list[np.ndarray] = []
    for _ in range(2, high + 1):
        # table[i] - discount[i] + cost[i, j] over i, for every j at once.
        options_kj = table[:, None] - discount[:, None] + cost
        arg = np.argmin(options_kj, axis=0)
        table = options_kj[arg, np.arange(m)]
        if not np.isfinite(table).any():
            break
        back.append(arg)
        totals.append(float(table[m - 1]))
    return np.array(totals), back


def _choose_count(scores: np.ndarray, low: int) -> int:
    """The best-scoring feasible count, at least `low` when some count there is feasible."""
    finite = np.isfinite(scores)
    preferred = finite & (np.arange(1, len(scores) + 1) >= low)
    allowed = preferred if preferred.any() else finite
    masked = np.where(allowed, scores, np.inf)
    return int(np.argmin(masked)) + 1


def _null_gain(x: np.ndarray, lengths: np.ndarray, min_length: float, min_sentences: int) -> float:
    """Mean over three seeded shuffles of the best single split's gain (drop in spread)."""
    n = len(x)
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(3):
        order = rng.permutation(n)
        prefix = np.cumsum(x[order], axis=0)
        cum = np.cumsum(lengths[order])
        i = np.arange(1, n)  # split before shuffled sentence i
        ok = (i >= min_sentences) & (n - i >= min_sentences)
        ok &= (cum[i - 1] >= min_length) & (cum[-1] - cum[i - 1] >= min_length)
        if not ok.any():
            continue
        left = prefix[i - 1]
        right = prefix[-1] - left
        total = float(prefix[-1] @ prefix[-1]) / n
        gain = (np.einsum("ij,ij->i", left, left) / i
                + np.einsum("ij,ij->i", right, right) / (n - i) - total)
        gains.append(float(gain[ok].max()))
    return max(float(np.mean(gains)) if gains else 0.0, 1e-6)


def _trace(back: Sequence[np.ndarray], last: int, pos: np.ndarray) -> list[int]:
    bounds, j = [int(pos[last])], last
    for arg in reversed(back):
        j = int(arg[j])
        bounds.append(int(pos[j]))
    bounds.append(0)
    return sorted(set(bounds))


_MAX_CANDIDATES = 300
# Chapter price per method (see ChapterOptions.penalty), best Pk on the synthetic set.
_PENALTY = {"lexical": 1.6, "static": 1.7, "embed": 1.7, "combined": 1.7}
_CUE_DISCOUNT = 0.6
_LENGTH_PRIOR = 10.0
_DEPTH_BONUS = 0.5
# The learned boundary chance's weight (synthetic Pk, from caption fragments / gold punctuation:
# six sets 0.144 / 0.123 without, 0.143 / 0.123 at 2, 0.145 / 0.122 at 3, 0.148 / 0.125 at 4;
# two sets with related neighbours 0.239 / 0.209 without, 0.234 / 0.202 at 1, 0.233 / 0.196 at
# 2, 0.232 / 0.193 at 3).
_BOUNDARY_WEIGHT = 2.0
# The word-count cost's weight beside the spread (synthetic Pk, mean of six sets: 0.211 without,
# 0.164 at 4, 0.160 at 8 and at 12).
_WORD_WEIGHT = 8.0
# A typical chapter, in scale lengths (a 1-minute minimum: 3-minute chapters; a 10-second
# one: 90-second chapters, as the scale is at least 30 s).
_TYPICAL = 3.0


def _candidates(x: np.ndarray, lengths: np.ndarray, scale: float) -> list[int]:
    """Sentence indices where a chapter may start: all of them for short inputs; for long ones
    the deepest valleys of the neighbouring-window similarity, so the exact search stays
    bounded and the whole costs linear time."""
    n = len(x)
    if n - 1 <= _MAX_CANDIDATES:
        return list(range(1, n))
    depth = _depths(_window_cosines(x, windows(lengths, scale)), reach(lengths, scale))
    order = sorted(range(len(depth)), key=lambda g: (-depth[g], g))[:_MAX_CANDIDATES]
    return sorted(g + 1 for g in order)


def windows(lengths: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each gap g (before sentence g), the sentences within half of `size` on each side,
    at least two: the windows left[g-1]..g-1 and g..right[g-1]-1."""
    n = len(lengths)
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    half = max(size / 2.0, 1e-9)
    gaps = np.arange(1, n)
    left = np.searchsorted(cum, cum[gaps] - half, side="right") - 1
    left = np.clip(np.minimum(left, gaps - 2), 0, None)
    right = np.searchsorted(cum, cum[gaps] + half, side="left")
    right = np.clip(np.maximum(right, gaps + 2), None, n)
    return gaps, left, right


def reach(lengths: np.ndarray, size: float) -> int:
    """How many sentences (at least two) make up `size` from the start: how far a TextTiling
    depth looks on each side of a gap."""
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    return max(2, int(np.searchsorted(cum, size)))


def _window_cosines(
    x: np.ndarray, spans: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> np.ndarray:
    """For each gap, the cosine between the sums of the vectors in its two windows (`spans`,
    as `windows` gives them)."""
    prefix = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    gaps, left, right = spans
    a = prefix[gaps] - prefix[left]
    b = prefix[right] - prefix[gaps]
    dot = np.einsum("ij,ij->i", a, b)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.asarray(np.where(norms > 0, dot / np.maximum(norms, 1e-12), 0.0))


def _depths(curve: np.ndarray, reach: int) -> np.ndarray:
    """TextTiling depth: how far the curve rises on both sides of each gap (within `reach`)."""
    m = len(curve)
    depth = np.zeros(m)
    for g in range(m):
        lo, hi = max(0, g - reach), min(m, g + reach + 1)
        depth[g] = (curve[lo : g + 1].max() - curve[g]) + (curve[g:hi].max() - curve[g])
    return depth
