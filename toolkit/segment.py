"""Punctuated words → sentences → paragraphs."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .text.chars import CLOSING
from .text.words import CJK_LANGUAGES, join_words
from .types import Sentence, Word

SENTENCE_END = frozenset("。？！?!….")
# Marks after which a sentence that runs on may be cut into clauses.
CLAUSE_END = frozenset("，；：,;:")
# Paragraph length targets: CJK characters, or words for other scripts.
PARAGRAPH_MIN = {True: 120, False: 80}
PARAGRAPH_MAX = {True: 260, False: 180}
# A silence this long between sentences starts a new paragraph once the minimum is reached.
PARAGRAPH_PAUSE = 1.5
# Spoken openers that usually turn to a new point.
TOPIC_OPENERS = ("首先", "其次", "然后", "另外", "此外", "最后", "总的来说", "总之", "那么", "再看",
                 "接下来", "第一", "第二", "第三", "所以说", "说到", "至于", "回到")
EN_TOPIC_OPENERS = ("first", "second", "third", "finally", "next", "now", "so", "in", "another")


def ends_sentence(word: Word) -> bool:
    return closes_sentence(word.punct)


def closes_sentence(text: str) -> bool:
    """Whether `text` ends with a sentence-ending mark (closing quotes and brackets aside)."""
    mark = text.rstrip(CLOSING)
    return bool(mark) and mark[-1] in SENTENCE_END


def sentences(words: Sequence[Word], language: str) -> tuple[Sentence, ...]:
    """Cut after every sentence-ending mark (and at the end)."""
    return clauses(words, language, math.inf)


def clauses(words: Sequence[Word], language: str, min_chars: float) -> tuple[Sentence, ...]:
    """Cut after every sentence end, and after a clause mark (，；：) once the piece since the
    last cut has `min_chars` characters: the units chapters are found over, so a chapter can
    start where a punctuator ran two sentences into one."""
    out: list[Sentence] = []
    first, size = 0, 0
    for i, w in enumerate(words):
        size += len(w.text)
        mark = w.punct.rstrip(CLOSING)
        at_clause = bool(mark) and mark[-1] in CLAUSE_END and size >= min_chars
        if ends_sentence(w) or at_clause or i == len(words) - 1:
            out.append(make_sentence(words, first, i + 1, language))
            first, size = i + 1, 0
    return tuple(out)


def make_sentence(words: Sequence[Word], first: int, last: int, language: str) -> Sentence:
    span = words[first:last]
    return Sentence(
        text=join_words(span, language),
        first=first,
        last=last,
        start=span[0].start,
        end=span[-1].end,
    )


def paragraphs(
    sents: Sequence[Sentence], language: str, forced: Sequence[int] = ()
) -> tuple[int, ...]:
    """Index of each paragraph's first sentence. `forced` starts (chapters) always begin one.

    A paragraph closes once it has some length and the speaker pauses or turns to a new point,
    and at the latest when it grows past the maximum.
    """
    if not sents:
        return ()
    cjk = language in CJK_LANGUAGES
    lo, hi = PARAGRAPH_MIN[cjk], PARAGRAPH_MAX[cjk]
    must = set(forced)
    starts = [0]
    size = 0.0
    for i, s in enumerate(sents):
        if i and (i in must or (size >= lo and _turns(sents[i - 1], s, cjk)) or size >= hi):
            starts.append(i)
            size = 0.0
        size += len(s.text) if cjk else len(s.text.split())
    return tuple(starts)


def _turns(prev: Sentence, sent: Sentence, cjk: bool) -> bool:
    if prev.end is not None and sent.start is not None and sent.start - prev.end >= PARAGRAPH_PAUSE:
        return True
    if cjk:
        return sent.text.startswith(TOPIC_OPENERS)
    first = sent.text.split(maxsplit=1)[0].lower().strip(",") if sent.text.strip() else ""
    return first in EN_TOPIC_OPENERS
