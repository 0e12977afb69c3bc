"""Capitals for text that has none: auto-captions arrive all in lower case."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..types import Word
from .chars import SENTENCE_END
from .words import CJK_LANGUAGES

# Share of lower-case words above which a text counts as caseless (a few acronyms may remain).
CASELESS_SHARE = 0.97
_PRONOUN_I = re.compile(r"i(?:['’](?:m|ve|ll|d))?")


def is_caseless(words: Sequence[Word]) -> bool:
    """True when (nearly) every word with cased letters is written in lower case."""
    cased = [w.text for w in words if w.text.lower() != w.text.upper()]
    if len(cased) < 3:
        return False
    return sum(t == t.lower() for t in cased) >= CASELESS_SHARE * len(cased)


def truecase(words: Sequence[Word], language: str) -> tuple[Word, ...]:
    """Caseless words with a capital at each sentence start (and, in English, on the pronoun
    "I"); text that has capitals of its own, and CJK text, is returned as it is (its writer
    chose them; CJK scripts have none)."""
    if language in CJK_LANGUAGES or not is_caseless(words):
        return tuple(words)
    out: list[Word] = []
    start = True
    for w in words:
        text = w.text
        if language == "en" and _PRONOUN_I.fullmatch(text):
            text = "I" + text[1:]
        elif start and text[:1].islower():
            text = text[:1].upper() + text[1:]
        out.append(w if text == w.text else replace(w, text=text))
        if w.text.strip():
            start = any(c in SENTENCE_END or c == "." for c in w.punct)
    return tuple(out)
