"""Text → alignment units: one per Han character (keyed by its toneless pinyin), one per Latin
word, digits read out as Chinese numerals in Chinese text (Whisper writes 300 for 三百).

Comparing pinyin rather than characters forgives the weak recogniser's homophone errors (城市 heard
as 成是); a looser "fuzzy" key forgives the usual confusions of southern accents and of
synthetic voices as well (zh/z, ch/c, sh/s, n/l, -ng/-n).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..text import convert_text, is_cjk, is_punct, strip_punct

_RUN = re.compile(r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
                  r"|(?P<num>\d+(?:\.\d+)?)"
                  r"|(?P<latin>[^\W\d_]+)"
                  r"|(?P<other>.)", re.S)
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Unit:
    """One comparable piece of text: `char` (simplified, lower case), `key` (toneless pinyin or
    the word itself), `fuzzy` (a coarser key)."""

    char: str
    key: str
    fuzzy: str


def units_of(text: str, chinese: bool) -> list[Unit]:
    """The units of one word's text (punctuation and spaces carry none)."""
    if not strip_punct(text):
        return []
    if chinese and any(is_cjk(c) for c in text):
        simple = convert_text(text, "zh-Hans")
        text = simple if len(simple) == len(text) else text
    return list(_units(text, chinese))


def _units(text: str, chinese: bool) -> Iterator[Unit]:
    for m in _RUN.finditer(text):
        kind, piece = m.lastgroup, m.group()
        if kind == "num" and chinese:
            kind, piece = "han", _read_number(piece)
        if kind == "han":
            for char, key in zip(piece, _pinyin(piece), strict=True):
                yield Unit(char, key, _fuzzy(key))
        elif kind in ("latin", "num"):
            word = piece.lower()
            yield Unit(word, word, word[:4])
        elif not piece.isspace() and not is_punct(piece):
            yield Unit(piece, piece, piece)


def _pinyin(han: str) -> list[str]:
    """Toneless pinyin, one syllable per character; the character itself without pypinyin."""
    lazy = _lazy_pinyin()
    if lazy is None:
        return list(han)
    keys = lazy(han)
    return keys if len(keys) == len(han) else list(han)


@lru_cache(maxsize=1)
def _lazy_pinyin() -> Callable[[str], list[str]] | None:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # optional: characters alone still align, homophones just won't match
        return None

    def lazy(text: str) -> list[str]:
        split: Any = list  # pypinyin takes a list from `errors`, though its stubs say str
        return [str(k) for k in lazy_pinyin(text, errors=split)]

    return lazy


def _fuzzy(key: str) -> str:
    for hard, soft in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if key.startswith(hard):
            key = soft + key[2:]
    if key.startswith("l"):
        key = "n" + key[1:]
    return key[:-1] if key.endswith("ng") and len(key) > 2 else key


def _read_number(digits: str) -> str:
    """Arabic digits as they are read in Mandarin: 300 → 三百, 2.5 → 二点五, 007 → 零零七."""
    whole, _, fraction = digits.partition(".")
    if (len(whole) > 1 and whole.startswith("0")) or len(whole) > 12:
        spoken = "".join(_DIGITS[int(d)] for d in whole)
    else:
        spoken = _read_integer(int(whole))
    return spoken + ("点" + "".join(_DIGITS[int(d)] for d in fraction) if fraction else "")


def _read_integer(n: int) -> str:
    if n == 0:
        return "零"
    out = ""
    for size, name in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            out += _read_small(n // size) + name
            n %= size
            if n and n < size // 10:
                out += "零"
    out += _read_small(n) if n else ""
    return out[1:] if out.startswith("一十") else out


def _read_small(n: int) -> str:
    """0 < n < 10000."""
    out = ""
    zero = False
    for size, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // size % 10
        if d:
            out += ("零" if zero and out else "") + _DIGITS[d] + name
            zero = False
        else:
            zero = True
    return out
