"""Baselines that need no model: pauses and lexical cues (`rules`), or the source's own (`keep`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..text.words import UNSPACED_LANGUAGES
from ..types import Word

# Pauses (seconds) that suggest a sentence end and a clause break.
SENTENCE_PAUSE = 0.6
CLAUSE_PAUSE = 0.25
# A sentence ends at the latest after this many characters (CJK) or words (other scripts).
MAX_SENTENCE = {True: 40, False: 30}

# Chinese sentence-final particles that ask, and words that open a question.
QUESTION_FINALS = ("吗", "么", "呢", "吧吗")
QUESTION_WORDS = ("什么", "为什么", "怎么", "哪里", "哪儿", "谁", "多少", "几", "是不是", "有没有",
                  "难道", "如何", "哪个", "对不对", "好不好", "能不能", "会不会", "要不要")
# Words that usually start a new clause, so a comma goes before them.
CLAUSE_OPENERS = ("但是", "可是", "而且", "所以", "因为", "如果", "虽然", "不过", "然后", "或者",
                  "并且", "因此", "于是", "甚至", "其实", "另外", "同时", "首先", "其次", "最后")
EN_QUESTION_OPENERS = ("what", "why", "how", "who", "where", "when", "which", "is", "are", "do",
                       "does", "did", "can", "could", "would", "should", "will")


class KeepPunctuator:
    """Leaves whatever punctuation the source had (Whisper's, a subtitle's, a transcript's)."""

    name = "keep"

    def punctuate(self, words: Sequence[Word], language: str) -> tuple[Word, ...]:
        return tuple(words)


class RulePunctuator:
    """Pauses, caption breaks and a few lexical cues. Weak, but needs nothing and never fails."""

    name = "rules"

    def punctuate(self, words: Sequence[Word], language: str) -> tuple[Word, ...]:
        cjk = language in UNSPACED_LANGUAGES
        comma, period, question = ("，", "。", "？") if cjk else (",", ".", "?")
        if language == "ja":
            comma = "、"  # Japanese writes its commas as tōten
        out: list[Word] = []
        sentence: list[Word] = []
        length = 0
        for i, w in enumerate(words):
            nxt = words[i + 1] if i + 1 < len(words) else None
            length += len(w.text) if cjk else 1
            pause = _pause(w, nxt)
            mark = ""
            clause_end = nxt is not None and (
                pause >= CLAUSE_PAUSE or nxt.break_before or (cjk and nxt.text in CLAUSE_OPENERS)
            )
            # A long sentence ends at the next clause boundary rather than in mid-clause.
            long = length >= MAX_SENTENCE[cjk] and clause_end
            if nxt is None or pause >= SENTENCE_PAUSE or long:
                mark = question if _is_question([*sentence, w], cjk) else period
            elif clause_end:
                # A clause ending in 吗/呢 is a question of its own.
                mark = question if cjk and w.text.endswith(QUESTION_FINALS[:2]) else comma
            # Punctuation the source already had is better evidence than any rule here.
            mark = w.punct or mark
            sentence.append(w)
            out.append(replace(w, punct=mark, lead=""))
            if any(c in mark for c in "。？！.?!"):
                sentence, length = [], 0
        return tuple(out)


def _pause(word: Word, nxt: Word | None) -> float:
    if nxt is None or word.end is None or nxt.start is None:
        return 0.0
    return nxt.start - word.end


def _is_question(words: Sequence[Word], cjk: bool) -> bool:
    if not words:
        return False
    if cjk:
        last = words[-1].text
        return last.endswith(QUESTION_FINALS) or any(w.text in QUESTION_WORDS for w in words)
    return words[0].text.lower() in EN_QUESTION_OPENERS
