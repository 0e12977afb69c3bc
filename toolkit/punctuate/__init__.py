"""Punctuation restoration: the Punctuator protocol and the registry of punctuators.

A punctuator fills `Word.punct` (and `Word.lead`) for a word sequence. It never changes a word's
text or times, so the words out equal the words in, punctuation aside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ..errors import UsageError
from ..types import Word


class Punctuator(Protocol):
    name: str

    def punctuate(self, words: Sequence[Word], language: str) -> tuple[Word, ...]:
        """The same words with `punct`/`lead` replaced by this punctuator's choice."""
        ...


def _rules() -> Punctuator:
    from .rules import RulePunctuator

    return RulePunctuator()


def _model() -> Punctuator:
    from .model import ModelPunctuator

    return ModelPunctuator()


def _keep() -> Punctuator:
    from .rules import KeepPunctuator

    return KeepPunctuator()


PUNCTUATORS: dict[str, Callable[[], Punctuator]] = {
    "keep": _keep,
    "model": _model,
    "rules": _rules,
}

# The trained model knows Chinese; other languages get the rule baseline (or Whisper's own).
MODEL_LANGUAGES = frozenset({"zh"})


def get_punctuator(name: str, language: str) -> Punctuator:
    """`auto` picks the trained model for Chinese and the rules elsewhere."""
    if name == "auto":
        name = "model" if language in MODEL_LANGUAGES else "rules"
    try:
        factory = PUNCTUATORS[name]
    except KeyError:
        known = ", ".join(["auto", *sorted(PUNCTUATORS)])
        raise UsageError(f"unknown punctuator {name!r} (known: {known})") from None
    return factory()
