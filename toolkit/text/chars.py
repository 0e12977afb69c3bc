"""Character classes shared by tokenisation, spacing and layout."""

from __future__ import annotations

import unicodedata

# Han ideographs, kana, hangul and CJK symbols: full-width scripts (all but hangul are also
# written without spaces between words).
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3190, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)

# Punctuation that closes or ends (written after a word) and that opens (written before one).
OPENING = "([{«‹“‘「『（［｛〈《【〔"
CLOSING = ")]}»›”’」』）］｝〉》】〕"
FULL_WIDTH = "，。、；：？！…—·～“”‘’「」『』（）《》〈〉【】〔〕"
# Marks that end a sentence, in either width.
SENTENCE_END = "。？！?!…"
# ASCII punctuation → its full-width form in Chinese text.
TO_FULL_WIDTH = str.maketrans(
    {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
)
TO_HALF_WIDTH = str.maketrans({"，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "；": ";",
                               "、": ",", "（": "(", "）": ")", "“": '"', "”": '"', "「": '"',
                               "」": '"', "『": '"', "』": '"', "《": '"', "》": '"'})



def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def is_hangul(char: str) -> bool:
    """Korean syllables: full width, yet Korean puts spaces between its words."""
    return 0xAC00 <= ord(char) <= 0xD7AF


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def is_punct(char: str) -> bool:
    """Unicode punctuation (the tokeniser keeps word-internal marks such as 3.5 or don't)."""
    return unicodedata.category(char).startswith("P")


def display_width(text: str) -> float:
    """Width in full-width cells: CJK and full-width forms count 1, everything else 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def strip_punct(text: str) -> str:
    """The text without punctuation or whitespace: what alignment and scoring compare."""
    return "".join(c for c in text if not c.isspace() and not is_punct(c))
