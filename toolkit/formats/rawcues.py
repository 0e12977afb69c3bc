"""RawCue, what every subtitle reader returns, and the repairs all readers share.

Readers parse a file into `Parsed` cues (a RawCue plus the line it came from), then
`repair` puts them in order: in strict mode a problem raises SubtitleError with its line
number; by default it is fixed where that is safe and each fix is reported in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from ..errors import SubtitleError
from ..types import Word
from .timefmt import format_time


@dataclass(frozen=True)
class RawCue:
    """One cue as the file has it: times in seconds, text lines joined with "\\n".

    `words` holds word-level times where the source carries them (YouTube auto-captions).
    These are source tokens: their `text` may still hold punctuation; `cues_to_transcript`
    turns them into proper Words.
    """

    start: float
    end: float
    text: str
    words: tuple[Word, ...] | None = None


@dataclass(frozen=True)
class Parsed:
    """A cue and the 1-based line of its timing line (for messages)."""

    cue: RawCue
    line: int


def _at(seconds: float) -> str:
    return format_time(seconds, "srt")


def repair(
    parsed: Sequence[Parsed], path: str, strict: bool, *, overlaps_allowed: bool = False
) -> tuple[list[RawCue], list[str]]:
    """Cues in time order without empty text, inverted times or overlaps; and what was fixed.

    `overlaps_allowed` (ASS, where signs and dialogue overlap by design) makes strict mode
    accept overlaps; they are still resolved, since a transcript is one stream of words.
    """
    repairs: list[str] = []
    kept: list[Parsed] = []
    for item in parsed:
        cue = item.cue
        if cue.end < cue.start:
            if strict:
                raise SubtitleError(
                    path,
                    f"cue ends ({_at(cue.end)}) before it starts ({_at(cue.start)})",
                    item.line,
                )
            repairs.append(f"line {item.line}: swapped start and end (end was before start)")
            cue = replace(cue, start=cue.end, end=cue.start)
        if not cue.text.strip():
            repairs.append(f"line {item.line}: dropped an empty cue")
            continue
        kept.append(Parsed(cue, item.line))

    in_order = all(a.cue.start <= b.cue.start for a, b in pairwise(kept))
    if not in_order:
        if strict and not overlaps_allowed:
            bad = next(b for a, b in pairwise(kept) if b.cue.start < a.cue.start)
            raise SubtitleError(path, "cue starts before the previous one", bad.line)
        repairs.append("sorted cues by start time (they were out of order)")
        kept.sort(key=lambda p: (p.cue.start, p.line))

    out: list[Parsed] = []
    for item in kept:
        if out and item.cue.start < out[-1].cue.end:
            prev = out[-1]
            if strict and not overlaps_allowed:
                raise SubtitleError(
                    path,
                    f"cue starts ({_at(item.cue.start)}) before the previous one ends"
                    f" ({_at(prev.cue.end)})",
                    item.line,
                )
            if item.cue.start == prev.cue.start:
                # Shown together (two speakers, a sign): one cue with both texts.
                merged = RawCue(
                    prev.cue.start,
                    max(prev.cue.end, item.cue.end),
                    prev.cue.text + "\n" + item.cue.text,
                    None,  # two word streams at once have no single order: spread anew
                )
                out[-1] = Parsed(merged, prev.line)
                repairs.append(
                    f"line {item.line}: merged with the cue on line {prev.line} (same start)"
                )
                continue
            out[-1] = Parsed(_trim(prev.cue, item.cue.start), prev.line)
            repairs.append(
                f"line {prev.line}: ended cue at {_at(item.cue.start)} instead of"
                f" {_at(prev.cue.end)} (it overlapped the next one)"
            )
        out.append(item)
    if not out:
        raise SubtitleError(path, "no subtitle cues with text found")
    return [p.cue for p in out], repairs


def _trim(cue: RawCue, end: float) -> RawCue:
    words = cue.words
    if words is not None:
        words = tuple(
            replace(
                w,
                start=None if w.start is None else min(w.start, end),
                end=None if w.end is None else min(w.end, end),
            )
            for w in words
        )
    return replace(cue, end=end, words=words)
