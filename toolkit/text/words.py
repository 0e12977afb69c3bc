"""Words in and out of text: tokenising plain text, tidying ASR words, joining words for display.

For Chinese a word is a jieba word, so layout never breaks inside one. ASR engines hand over
sub-word tokens; `normalize_words` re-cuts them into jieba words and spreads the times over the
characters, so every stage downstream sees the same kind of word whatever the source.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache

from ..types import Word
from .chars import OPENING, TO_FULL_WIDTH, has_cjk, is_cjk, is_hangul, is_punct

# Languages written without spaces between words (jieba cuts Chinese; Japanese keeps ASR words).
UNSPACED_LANGUAGES = frozenset({"zh", "yue", "wuu", "cmn", "lzh", "nan", "hak", "ja"})
# Languages in full-width scripts: the unspaced ones and Korean, which spaces its words.
CJK_LANGUAGES = UNSPACED_LANGUAGES | {"ko"}


def base_language(language: str) -> str:
    """The language without its region or script: zh-CN, zh_TW, ZH → zh."""
    return language.replace("_", "-").split("-")[0].lower()

# A non-CJK word: letters/digits with word-internal marks (3.5, don't, e-mail, 10:30), maybe a %.
_LATIN_WORD = re.compile(
    r"(?:https?://|www\.)\S*[^\s.,;:!?，。；：！？)）」』]"  # a URL is one word
    r"|[^\W_]+(?:['’.\-/:,@][^\W_]+)*%?"
)
_CHUNK = re.compile(r"\S+")
# The same for text mixed with Chinese: only non-CJK letters and digits make such a word.
_ALPHANUMERIC_WORD = re.compile(
    r"(?:https?://|www\.)[!-~]*[0-9A-Za-z/]"
    r"|[0-9A-Za-z\u00C0-\u024F]+(?:['’.\-/:,@][0-9A-Za-z\u00C0-\u024F]+)*%?"
)
# Longest silence inside which jieba may still join two ASR tokens into one word.
_JOIN_GAP = 0.3


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def cut(text: str, language: str) -> list[str]:
    """Tokens of one whitespace-free run: jieba for Chinese, letter/mark runs elsewhere.

    In Chinese, Latin words and numbers are taken out first: jieba would glue a letter to the
    character before it (有多大Seadragon → 大S + eadragon)."""
    chinese = language in ("zh", "yue") and has_cjk(text)
    pattern = _ALPHANUMERIC_WORD if chinese else _LATIN_WORD
    tokens: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        tokens.extend(_cut_between(text[pos : m.start()], chinese))
        tokens.append(m.group())
        pos = m.end()
    tokens.extend(_cut_between(text[pos:], chinese))
    return tokens


def _cut_between(text: str, chinese: bool) -> list[str]:
    if chinese and has_cjk(text):
        return [t for t in _jieba().lcut(text, HMM=True) if t and not t.isspace()]
    return list(_split_other(text))


def _split_other(text: str) -> Iterator[str]:
    """Punctuation runs stay together; any other leftover character is a token of its own."""
    run = ""
    for c in text:
        if is_punct(c):
            run += c
            continue
        if run:
            yield run
            run = ""
        yield c
    if run:
        yield run


def _is_punct_token(token: str) -> bool:
    return all(is_punct(c) for c in token)


def _attach(tokens: Iterable[tuple[str, bool, bool]]) -> list[Word]:
    """(token, space_before, break_before) triples → words, with punctuation attached.

    A mark that touches the word before it closes that word; one that follows a space and
    touches the word after it opens that one (so ASCII quotes find their side too).
    """
    items = list(tokens)
    words: list[Word] = []
    lead = ""
    pending_break = False
    for i, (token, spaced, brk) in enumerate(items):
        pending_break = pending_break or brk
        if not _is_punct_token(token):
            words.append(Word(token, lead=lead, break_before=pending_break and bool(words)))
            lead, pending_break = "", False
            continue
        next_touches = i + 1 < len(items) and not items[i + 1][1]
        if words and not lead and not (spaced and next_touches):
            closing = token.rstrip(OPENING) if next_touches else token
            words[-1] = replace(words[-1], punct=words[-1].punct + closing)
            lead = token[len(closing) :]
        else:
            lead += token
    if lead and words:
        words[-1] = replace(words[-1], punct=words[-1].punct + lead)
    return words


def split_text(text: str, language: str) -> tuple[Word, ...]:
    """Plain text → words. Whitespace marks where the source broke a line (`break_before`)."""
    cjk = language in UNSPACED_LANGUAGES

    def tokens() -> Iterator[tuple[str, bool, bool]]:
        # In Chinese any space is where a caption line broke; elsewhere only a newline is.
        pos = 0
        for m in _CHUNK.finditer(text):
            space = text[pos : m.start()]
            spaced = bool(space) and pos > 0
            brk = spaced and (cjk or "\n" in space)
            for j, token in enumerate(cut(m.group(), language)):
                yield token, spaced and j == 0, brk and j == 0
            pos = m.end()

    words = _attach(tokens())
    return tuple(_full_width(words) if language in ("zh", "yue") else words)


def _full_width(words: Sequence[Word]) -> list[Word]:
    """ASCII , ? ! : ; written after Chinese become their full-width forms."""
    out = []
    for w in words:
        if (w.punct or w.lead) and (is_cjk(w.text[-1]) or not w.text.isascii()):
            punct = w.punct.translate(TO_FULL_WIDTH).replace(".", "。")
            w = replace(w, punct=punct, lead=w.lead.translate(TO_FULL_WIDTH))
        out.append(w)
    return out


def normalize_words(words: Sequence[Word], language: str) -> tuple[Word, ...]:
    """ASR or subtitle words → clean words: punctuation split off, Chinese re-cut into jieba words.

    Times are spread over characters in proportion to their count, then each new word spans its
    first character's start to its last character's end. Words are never joined across a
    silence longer than `_JOIN_GAP` or across punctuation, so no word straddles a pause.
    """
    # Only Chinese is re-cut across tokens; other scripts keep the engine's words (split from
    # their punctuation), since their tokens already are words.
    chinese = language in ("zh", "yue")
    runs = _runs(words) if chinese else ([w] for w in words if w.text.strip())
    out: list[Word] = []
    for run in runs:
        recut = _recut(run, language)
        if not recut and out:  # a token of punctuation alone closes the word before it
            marks = "".join(w.lead + w.text.strip() + w.punct for w in run)
            out[-1] = replace(out[-1], punct=out[-1].punct + marks)
        out.extend(recut)
    return tuple(_full_width(out) if chinese else out)


def _runs(words: Sequence[Word]) -> Iterator[list[Word]]:
    run: list[Word] = []
    for w in words:
        if run:
            prev = run[-1]
            gap = (w.start - prev.end) if w.start is not None and prev.end is not None else 0.0
            if prev.punct or w.lead or w.break_before or gap > _JOIN_GAP or _has_edge_punct(prev):
                yield run
                run = []
        run.append(w)
    if run:
        yield run


def _has_edge_punct(w: Word) -> bool:
    text = w.text.strip()
    return bool(text) and is_punct(text[-1])


def _recut(run: Sequence[Word], language: str) -> list[Word]:
    """One run of words with no pause or punctuation inside → re-tokenised words with times."""
    chars: list[tuple[str, float | None, float | None, float | None]] = []
    for w in run:
        text = w.text.strip()
        # Time is spread over the spoken characters only; marks take the time where they sit.
        n = sum(1 for c in text if not is_punct(c))
        i = 0
        for c in text:
            start = end = None
            if w.start is not None and w.end is not None and n:
                start = w.start + (w.end - w.start) * min(i, n - 1 if is_punct(c) else i) / n
                i += 0 if is_punct(c) else 1
                end = w.start + (w.end - w.start) * i / n
            chars.append((c, start, end, w.probability))
    text = "".join(c for c, *_ in chars)
    brk = run[0].break_before
    tokens = [(t, False, False) for t in cut(text, language)] if text else []
    words = _attach(tokens)
    if run[0].lead:
        words[:1] = [replace(words[0], lead=run[0].lead + words[0].lead)] if words else []
    out: list[Word] = []
    pos = 0
    for w in words:
        # Find the word's characters again (lead/punct were split off from them).
        span = w.lead + w.text + w.punct
        begin = text.find(w.lead + w.text, pos) if w.lead else text.find(w.text, pos)
        if begin < 0:
            begin = pos
        core = begin + len(w.lead)
        first, last = chars[core], chars[core + len(w.text) - 1]
        probs = [p for _, _, _, p in chars[core : core + len(w.text)] if p is not None]
        out.append(
            replace(
                w,
                start=first[1],
                end=last[2],
                probability=min(probs) if probs else None,
                break_before=brk and not out,
            )
        )
        pos = begin + len(span)
    if out and run[-1].punct:
        out[-1] = replace(out[-1], punct=out[-1].punct + run[-1].punct)
    return out


def join_words(words: Sequence[Word], language: str = "") -> str:
    """Words → display text: no spaces between CJK words, spaces between Latin ones, and a
    space between CJK and Latin letters or digits."""
    parts: list[str] = []
    prev = ""
    for w in words:
        piece = w.lead + w.text + w.punct
        if not piece:
            continue
        # A word with an opening mark spaces like "(" would; a full-width mark never spaces.
        opening = w.lead and not _full_width_mark(w.lead[0])
        if prev and needs_space(prev, "(" if opening else w.text):
            parts.append(" ")
        parts.append(piece)
        prev = piece
    return "".join(parts)


def needs_space(left: str, right: str) -> bool:
    """Whether a space separates two adjacent pieces of text."""
    a, b = left[-1], right[0]
    if a.isspace() or b.isspace():
        return False
    if is_cjk(a) and is_cjk(b) and not (is_hangul(a) or is_hangul(b)):
        return False
    if _full_width_mark(a) or _full_width_mark(b):
        return False
    if b in OPENING or a in OPENING:
        return a not in OPENING and not is_cjk(a) and b in OPENING
    return not is_punct(b)


def _full_width_mark(c: str) -> bool:
    code = ord(c)
    return is_punct(c) and (0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or c in "…—·“”‘’")
