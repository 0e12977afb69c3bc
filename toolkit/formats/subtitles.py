"""Subtitle files to a Transcript: read cues (SRT, VTT, ASS), then words with times, caption
line breaks kept as hints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..errors import SubtitleError, UsageError
from ..text import split_text
from ..types import Cue, Transcript, Word
from .ass import read_ass
from .rawcues import RawCue
from .srt import read_srt
from .vtt import read_vtt


def read(
    kind: str, text: str, path: str = "", strict: bool = False
) -> tuple[list[RawCue], list[str]]:
    """Cues from subtitle `text` of `kind` "srt", "vtt" or "ass", and the repairs made."""
    if kind == "srt":
        return read_srt(text, path, strict)
    if kind == "vtt":
        return read_vtt(text, path, strict)
    if kind == "ass":
        return read_ass(text, path, strict)
    if kind == "text":
        raise SubtitleError(path, "not a subtitle file (no 'start --> end' timing lines)")
    raise UsageError(f"unknown subtitle format {kind!r} (known: srt, vtt, ass)")


def to_cues(raw: Sequence[RawCue]) -> tuple[Cue, ...]:
    """The cues as they are in the file (for checking them against style rules)."""
    return tuple(Cue(c.start, c.end, tuple(c.text.split("\n"))) for c in raw)


def cues_to_transcript(cues: Sequence[RawCue], language: str, source: str = "") -> Transcript:
    """One word stream from `cues` (kind "subtitles").

    Each cue's first word gets `break_before`, as does the first word of each of its lines.
    Word times come from the source where it has them (YouTube auto-captions); otherwise a
    cue's time is spread over its words in proportion to their length in characters.
    """
    words: list[Word] = []
    for cue in cues:
        if cue.words:
            new = _timed(cue.words, language)
        else:
            new = _spread(split_text(cue.text, language), cue.start, cue.end)
        if new:
            new[0] = replace(new[0], break_before=True)
            words.extend(new)
    duration = max((c.end for c in cues), default=None)
    return Transcript(tuple(words), language, source, kind="subtitles", duration=duration)


def _timed(source: Sequence[Word], language: str) -> list[Word]:
    """Source tokens (text may hold punctuation) → proper Words inside each token's time."""
    out: list[Word] = []
    for token in source:
        pieces = split_text(token.text, language)
        if not pieces:
            continue  # a lone mark has nothing to hang on here; the punctuator restores marks
        start = token.start if token.start is not None else 0.0
        end = token.end if token.end is not None else start
        timed = _spread(pieces, start, end)
        timed[0] = replace(timed[0], break_before=token.break_before)
        out.extend(replace(w, probability=token.probability) for w in timed)
    return out


def _spread(words: Sequence[Word], start: float, end: float) -> list[Word]:
    """`words` timed from `start` to `end`, each getting time in proportion to its length."""
    end = max(end, start)
    sizes = [max(1, len(w.text)) for w in words]
    total = sum(sizes)
    out: list[Word] = []
    done = 0
    for w, size in zip(words, sizes, strict=True):
        a = start + (end - start) * done / total
        done += size
        b = start + (end - start) * done / total
        out.append(replace(w, start=round(a, 3), end=round(b, 3)))
    return out
