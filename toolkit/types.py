"""The data every stage passes on: frozen dataclasses, times in float seconds.

Media, plain text and subtitles all become a `Transcript` (a sequence of `Word`s) as early as
possible; everything after that works on that one type. A `Document` is what the writers read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    """One spoken word (for Chinese, a jieba word) with the punctuation written around it.

    `text` never holds punctuation: punctuators fill `punct` (written after the word) and
    `lead` (opening quotes or brackets written before it) and leave `text` and the times alone.
    """

    text: str
    start: float | None = None
    end: float | None = None
    probability: float | None = None
    punct: str = ""
    lead: str = ""
    # The source broke a caption line before this word: a hint for punctuation, not a rule.
    break_before: bool = False

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None


@dataclass(frozen=True)
class Transcript:
    """Words from one source, in order. `kind` says where they came from."""

    words: tuple[Word, ...]
    language: str
    source: str = ""
    kind: str = "media"  # "media" | "text" | "subtitles"
    duration: float | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def timed(self) -> bool:
        return bool(self.words) and all(w.timed for w in self.words)


@dataclass(frozen=True)
class Sentence:
    """Words `first`..`last` (exclusive) of the transcript, joined and punctuated."""

    text: str
    first: int
    last: int
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Cue:
    """One subtitle: at most a few lines shown from `start` to `end`."""

    start: float
    end: float
    lines: tuple[str, ...]
    first: int = 0  # index of the first word shown (for JSON and re-timing)
    last: int = 0  # exclusive

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Chapter:
    """A titled stretch of sentences `first`..`last` (exclusive)."""

    title: str
    first: int
    last: int
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Document:
    """Everything the writers need: the words and the structure built on them."""

    transcript: Transcript
    sentences: tuple[Sentence, ...] = ()
    paragraphs: tuple[int, ...] = ()  # index of each paragraph's first sentence
    chapters: tuple[Chapter, ...] = ()
    cues: tuple[Cue, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
