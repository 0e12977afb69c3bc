"""Text handling: script conversion, tokenising into words, joining words back into text."""

from .case import truecase
from .chars import display_width, has_cjk, is_cjk, is_punct, strip_punct
from .script import SCRIPTS, convert_text, convert_words
from .words import (
    CJK_LANGUAGES,
    UNSPACED_LANGUAGES,
    base_language,
    join_words,
    needs_space,
    normalize_words,
    split_text,
)

__all__ = [
    "CJK_LANGUAGES",
    "SCRIPTS",
    "UNSPACED_LANGUAGES",
    "base_language",
    "convert_text",
    "convert_words",
    "display_width",
    "has_cjk",
    "is_cjk",
    "is_punct",
    "join_words",
    "needs_space",
    "normalize_words",
    "split_text",
    "strip_punct",
    "truecase",
]
