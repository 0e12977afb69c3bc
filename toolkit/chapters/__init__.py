"""Sentences → titled chapters: topic segmentation plus a short title for each chapter.

Three steps: `features` turns each sentence into a vector (TF-IDF over its content words
and/or a multilingual-e5 embedding) and notes discourse cues (首先, 最后, "finally"); `boundary`
gives each gap between sentences a learned chance of being a chapter boundary; `segment` finds
the chapter starts exactly by dynamic programming over the vectors' spread plus the word-count
cost of `wordcost`, the count by a price per chapter and a prior on chapter length;
`titles` names each chapter by the phrase that carries most of the words specific to it.
`options` holds what a caller can ask for.

Deterministic: shuffles use a fixed seed, embeddings are rounded, ties break by position.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ..errors import UsageError
from ..types import Chapter, Sentence
from .boundary import depth_profile, gap_features, shipped_model
from .features import _content, _cue_strength, _features, _resolve, _tokens, embeddings_available
from .options import METHODS, ChapterOptions
from .segment import _lengths, _segment
from .titles import _titles
from .wordcost import WordCounts, word_counts

__all__ = ["METHODS", "ChapterOptions", "boundary_features", "embeddings_available",
           "find_chapters"]


def find_chapters(
    sentences: Sequence[Sentence],
    language: str,
    options: ChapterOptions = ChapterOptions(),
) -> tuple[Chapter, ...]:
    """Split `sentences` into contiguous titled chapters covering all of them, first at 0."""
    if options.method not in METHODS:
        raise UsageError(f"unknown chapter method {options.method!r} (known: {', '.join(METHODS)})")
    if options.max_chapters < 1:
        raise UsageError("--max-chapters must be at least 1")
    n = len(sentences)
    if n == 0:
        return ()
    texts = [s.text for s in sentences]
    lengths, minimum, scale = _lengths(sentences, language, options)
    tokens = [_tokens(t, language) for t in texts]
    bounds = [0, n]
    if options.max_chapters > 1 and n >= 2 * max(1, options.min_sentences):
        method = _resolve(options.method)
        x, counts, cues, gaps = _signals(texts, tokens, lengths, scale, language, method)
        bounds = _segment(x, lengths, scale, minimum, cues, options, method, counts,
                          depth_profile(gaps), shipped_model().chances(gaps))
    titles = _titles(texts, tokens, bounds, language)
    chapters = []
    for k, (first, last) in enumerate(itertools.pairwise(bounds)):
        start, end = sentences[first].start, sentences[last - 1].end
        chapters.append(Chapter(titles[k], first, last, start, end))
    return tuple(chapters)


def boundary_features(
    sentences: Sequence[Sentence], language: str, options: ChapterOptions = ChapterOptions()
) -> np.ndarray:
    """The boundary model's features of each gap between `sentences`, as `find_chapters` sees
    them (what scripts/train_boundaries.py learns from)."""
    texts = [s.text for s in sentences]
    lengths, _, scale = _lengths(sentences, language, options)
    tokens = [_tokens(t, language) for t in texts]
    return _signals(texts, tokens, lengths, scale, language, _resolve(options.method))[3]


def _signals(
    texts: Sequence[str],
    tokens: Sequence[Sequence[str]],
    lengths: np.ndarray,
    scale: float,
    language: str,
    method: str,
) -> tuple[np.ndarray, WordCounts, np.ndarray, np.ndarray]:
    """Sentence vectors, word counts, cue strengths (from sentence 1 on) and gap features
    (read at `scale`)."""
    words = [_content(t, language) for t in tokens]
    x = _features(texts, words, method)
    cues = np.array([_cue_strength(t, language) for t in texts[1:]])
    counts = word_counts(words)
    return x, counts, cues, gap_features(x, counts, lengths, scale, cues, texts)
