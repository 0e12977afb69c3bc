"""SubRip (.srt): write with pysrt, read with a forgiving parser that reports its repairs."""

from __future__ import annotations

import io
import re

import pysrt

from ..errors import SubtitleError
from ..types import Document
from .rawcues import Parsed, RawCue, repair
from .timefmt import parse_time

# A timing line: "00:00:01,000 --> 00:00:02,500" (or a broken one, reported as such).
_TIMING = re.compile(r"^\s*(\d[^\s-]*)\s*-->\s*(\S*)")
# Markup SubRip players understand; anything else in angle brackets is left as text.
_TAGS = re.compile(r"</?(?:i|b|u|s|font)\b[^>]*>|\{\\[^}]*\}", re.IGNORECASE)


def write_srt(doc: Document) -> str:
    """The document's cues as SubRip text (numbered from 1, blank lines dropped from cues)."""
    items: list[pysrt.SubRipItem] = []
    for cue in doc.cues:
        lines = [line for line in cue.lines if line.strip()]
        if not lines:
            continue
        items.append(
            pysrt.SubRipItem(
                len(items) + 1,
                start=pysrt.SubRipTime.from_ordinal(round(max(0.0, cue.start) * 1000)),
                end=pysrt.SubRipTime.from_ordinal(round(max(0.0, cue.end) * 1000)),
                text="\n".join(lines),
            )
        )
    out = io.StringIO()
    pysrt.SubRipFile(items=items).write_into(out, eol="\n")
    return out.getvalue()


def clean_srt_text(line: str) -> str:
    """A text line without <i>/<b>/<font> markup and {\\an8}-style override tags."""
    return _TAGS.sub("", line).strip()


def read_srt(text: str, path: str = "", strict: bool = False) -> tuple[list[RawCue], list[str]]:
    """Cues from SubRip text, and the repairs made (empty in a clean file).

    Cues are found by their timing lines, so missing blank lines or numbers do not matter.
    `strict` raises SubtitleError (with the line number) instead of repairing broken
    timestamps, inverted times and overlaps.
    """
    lines = text.split("\n")
    timing = [i for i, line in enumerate(lines) if _TIMING.match(line)]
    if not timing:
        raise SubtitleError(path, "no subtitle cues found (no 'start --> end' timing lines)")
    repairs: list[str] = []
    numbered = timing[0] > 0 and lines[timing[0] - 1].strip().isdigit()
    numbers: list[int] = []
    if numbered:
        numbers.append(int(lines[timing[0] - 1]))
    before = lines[: timing[0] - 1] if numbered else lines[: timing[0]]
    if any(line.strip() for line in before):
        where = "line 1" if len(before) == 1 else f"lines 1-{len(before)}"
        repairs.append(f"{where}: ignored text before the first cue")

    parsed: list[Parsed] = []
    for k, i in enumerate(timing):
        end_i = timing[k + 1] if k + 1 < len(timing) else len(lines)
        body = [line.strip() for line in lines[i + 1 : end_i]]
        while body and not body[-1]:
            body.pop()
        if k + 1 < len(timing) and body and body[-1].isdigit():
            only = len(body) == 1
            if (only and numbered) or (not only and not body[-2]):
                numbers.append(int(body.pop()))
                while body and not body[-1]:
                    body.pop()
        if "" in body:
            repairs.append(f"line {i + 1}: kept text that followed a blank line inside the cue")
        text_lines = [t for t in (clean_srt_text(b) for b in body) if t]
        match = _TIMING.match(lines[i])
        assert match is not None
        start, end = parse_time(match.group(1)), parse_time(match.group(2))
        if start is None or end is None:
            bad = match.group(1) if start is None else match.group(2)
            if strict:
                raise SubtitleError(path, f"unreadable timestamp {bad!r}", i + 1)
            repairs.append(f"line {i + 1}: dropped a cue with an unreadable timestamp {bad!r}")
            continue
        parsed.append(Parsed(RawCue(start, end, "\n".join(text_lines)), i + 1))

    if numbers and numbers != list(range(1, len(numbers) + 1)):
        repairs.append("renumbered cues (their numbers were not 1, 2, 3, ...)")
    cues, fixed = repair(parsed, path, strict)
    return cues, repairs + fixed
