"""WebVTT (.vtt): writer, and a reader that also untangles YouTube's rolling auto-captions.

YouTube auto-captions show two lines at a time: each cue repeats the previous line and adds a
new one whose words carry inline times (`word<00:00:01.234><c> next</c>`), with 10 ms
"transition" cues in between that only repeat. Read naively that doubles every word. Here any
file with inline word times (or whose cues mostly begin with the previous cue's last line) is
read as "rolling": only new lines are kept, one RawCue per source cue, with word times.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import pairwise

from ..errors import SubtitleError
from ..types import Document, Word
from .rawcues import Parsed, RawCue, repair
from .timefmt import format_time, parse_time

_TIMING = re.compile(r"^\s*(\d\S*?)\s*-->\s*(\S*)(.*)$")
_BLOCKS = ("NOTE", "STYLE", "REGION")
_WORD_TIME = re.compile(r"<(\d+:[\d:.]+)>")
_RUBY_TEXT = re.compile(r"<rt>.*?</rt>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SOUND = re.compile(r"^\[[^\]]*\]$")  # "[Music]", "[Applause]" in auto-captions


def write_vtt(doc: Document) -> str:
    """The document's cues as WebVTT, text escaped (&, <, >) as the format requires."""
    out = ["WEBVTT", ""]
    for cue in doc.cues:
        lines = [escape(line) for line in cue.lines if line.strip()]
        if not lines:
            continue
        out.append(f"{format_time(cue.start, 'vtt')} --> {format_time(cue.end, 'vtt')}")
        out.extend(lines)
        out.append("")
    return "\n".join(out) + "\n"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean_vtt_text(raw: str) -> str:
    """Visible text of a cue line: tags (<v Name>, <b>, <c.x>, times) gone, entities decoded."""
    text = _TAG.sub("", _RUBY_TEXT.sub("", raw))
    return html.unescape(text).replace("\xa0", " ").strip()


@dataclass(frozen=True)
class _Block:
    start: float
    end: float
    lines: tuple[str, ...]  # raw, tags included
    line: int  # 1-based line of the timing line


def read_vtt(text: str, path: str = "", strict: bool = False) -> tuple[list[RawCue], list[str]]:
    """Cues from WebVTT text, and the repairs made (empty in a clean file).

    NOTE/STYLE/REGION blocks, cue identifiers and cue settings are skipped; markup is
    stripped and entities decoded. Rolling auto-captions become one clean word stream.
    """
    repairs: list[str] = []
    lines = text.split("\n")
    i = 0
    if lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        while i < len(lines) and lines[i].strip():  # header and its metadata lines
            i += 1
    elif strict:
        raise SubtitleError(path, "missing 'WEBVTT' header", 1)
    else:
        repairs.append("line 1: no 'WEBVTT' header (read it anyway)")

    blocks: list[_Block] = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        first = i
        # A blank line ends a block, except a whitespace-only first text line (YouTube's " ").
        while i < len(lines) and (lines[i].strip() or (i > first and _TIMING.match(lines[i - 1]))):
            i += 1
        block = lines[first:i]
        if block[0].split(" ", 1)[0].split("\t", 1)[0] in _BLOCKS and "-->" not in block[0]:
            continue
        timing = [k for k, line in enumerate(block) if _TIMING.match(line)]
        if not timing:
            if strict:
                raise SubtitleError(path, "text outside any cue", first + 1)
            repairs.append(f"line {first + 1}: ignored text outside any cue")
            continue
        # Several timing lines in one block: cues missing the blank line between them.
        for n, k in enumerate(timing):
            end_k = timing[n + 1] if n + 1 < len(timing) else len(block)
            match = _TIMING.match(block[k])
            assert match is not None
            start, end = parse_time(match.group(1)), parse_time(match.group(2))
            where = first + k + 1
            if start is None or end is None:
                bad = match.group(1) if start is None else match.group(2)
                if strict:
                    raise SubtitleError(path, f"unreadable timestamp {bad!r}", where)
                repairs.append(f"line {where}: dropped a cue with an unreadable timestamp {bad!r}")
                continue
            body = block[k + 1 : end_k]
            if n + 1 < len(timing) and body:
                body = body[:-1] if _looks_like_id(body[-1]) else body
            blocks.append(_Block(start, end, tuple(body), where))

    if _is_rolling(blocks):
        parsed, note = _rolling(blocks)
        repairs.append(note)
    else:
        parsed = [Parsed(RawCue(b.start, b.end, _join(b.lines)), b.line) for b in blocks]
    cues, fixed = repair(parsed, path, strict)
    return cues, repairs + fixed


def _looks_like_id(line: str) -> bool:
    return "-->" not in line and len(line.split()) == 1 and not _TAG.search(line)


def _join(raw_lines: tuple[str, ...]) -> str:
    return "\n".join(t for t in (clean_vtt_text(r) for r in raw_lines) if t)


def _plain_lines(block: _Block) -> list[str]:
    return [t for t in (clean_vtt_text(r) for r in block.lines) if t]


def _is_rolling(blocks: list[_Block]) -> bool:
    if any(_WORD_TIME.search(line) for b in blocks for line in b.lines):
        return True
    # Rolling cues show two lines, the first being the previous cue's last. Identical
    # one-line cues ("No." "No.") are ordinary subtitles, so they do not count.
    pairs = repeats = 0
    for prev, cur in pairwise(blocks):
        a, b = _plain_lines(prev), _plain_lines(cur)
        if a and b:
            pairs += 1
            repeats += len(b) > 1 and b[0] == a[-1]
    return repeats >= 3 and repeats * 2 >= pairs


def _rolling(blocks: list[_Block]) -> tuple[list[Parsed], str]:
    timed = any(_WORD_TIME.search(line) for b in blocks for line in b.lines)
    parsed: list[Parsed] = []
    previous: set[str] = set()
    last = ""
    dropped = sounds = 0
    for block in blocks:
        new: list[str] = []
        for raw in block.lines:
            plain = clean_vtt_text(raw)
            if not plain:
                continue
            if not _WORD_TIME.search(raw) and (plain == last or plain in previous):
                dropped += 1
                continue
            if _SOUND.match(plain):
                sounds += 1
                continue
            new.append(raw)
            last = plain
        previous = set(_plain_lines(block))
        if not new:
            continue
        words: tuple[Word, ...] | None = None
        if timed:
            words = ()
            for raw in new:
                words += _timed_words(raw, block.start, block.end)
        text = "\n".join(clean_vtt_text(raw) for raw in new)
        parsed.append(Parsed(RawCue(block.start, block.end, text, words), block.line))
    note = f"joined rolling auto-captions: dropped {_count(dropped, 'repeated line')}"
    if sounds:
        note += f" and {_count(sounds, 'sound label')} like [Music]"
    return parsed, note


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _timed_words(raw: str, start: float, end: float) -> tuple[Word, ...]:
    """Words of one line with inline times: each starts at its tag (the first at the cue's
    start) and ends where the next begins, the last at the cue's end."""
    pieces = _WORD_TIME.split(raw)  # text, time, text, time, text...
    spans: list[tuple[float, list[str]]] = []
    at = start
    for n, piece in enumerate(pieces):
        if n % 2:
            t = parse_time(piece)
            if t is not None:
                at = max(at, min(t, end))  # never backwards, never past the cue
            continue
        tokens = clean_vtt_text(piece).split()
        if tokens:
            spans.append((at, tokens))
    words: list[Word] = []
    for n, (begin, tokens) in enumerate(spans):
        finish = spans[n + 1][0] if n + 1 < len(spans) else max(end, begin)
        total = sum(len(t) for t in tokens)
        done = 0
        for token in tokens:
            a = begin + (finish - begin) * done / total
            done += len(token)
            b = begin + (finish - begin) * done / total
            words.append(Word(token, round(a, 3), round(b, 3), break_before=not words))
    return tuple(words)
