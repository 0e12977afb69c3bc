"""Simplified/traditional conversion with OpenCC, applied word by word so times stay put."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from ..errors import UsageError
from ..types import Word
from .chars import has_cjk

# --script value → OpenCC configuration. Regional variants also convert vocabulary (s2twp).
SCRIPTS: dict[str, str | None] = {
    "zh-Hans": "t2s",
    "zh-Hant": "s2t",
    "zh-TW": "s2twp",
    "zh-HK": "s2hk",
    "keep": None,
}


@lru_cache(maxsize=8)
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def _config(script: str) -> str | None:
    try:
        return SCRIPTS[script]
    except KeyError:
        known = ", ".join(SCRIPTS)
        raise UsageError(f"unknown script {script!r} (known: {known})") from None


def convert_text(text: str, script: str) -> str:
    config = _config(script)
    if config is None or not has_cjk(text):
        return text
    converted: str = _converter(config).convert(text)
    return converted


def convert_words(words: Sequence[Word], script: str) -> tuple[Word, ...]:
    """Each word's text and punctuation converted; times and everything else untouched.

    Words are jieba words, so phrase-level conversions (s2twp's 软件→軟體) still see whole words.
    """
    config = _config(script)
    if config is None:
        return tuple(words)
    convert = _cached(config)
    return tuple(
        replace(w, text=convert(w.text), punct=convert(w.punct), lead=convert(w.lead))
        if has_cjk(w.text) or has_cjk(w.punct + w.lead)
        else w
        for w in words
    )


@lru_cache(maxsize=8)
def _cached(config: str):  # type: ignore[no-untyped-def]
    conv = _converter(config)
    return lru_cache(maxsize=65536)(conv.convert)
