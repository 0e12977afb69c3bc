"""Chapter lists: YouTube description lines and FFmpeg metadata chapters.

Both need times; for untimed documents they have nothing to say (the writers return "").
YouTube accepts a chapter list only when it starts at 00:00, has at least three chapters and
each lasts at least ten seconds; rather than an invalid list, `write_youtube` writes none and
`youtube_problem` says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..types import Chapter, Document
from .timefmt import format_time

YOUTUBE_MIN_CHAPTERS = 3
YOUTUBE_MIN_SECONDS = 10.0


def chapter_times(doc: Document) -> list[tuple[float, float, str]]:
    """(start, end, title) of each timed chapter, contiguous: the first starts at 0, each ends
    where the next starts, the last at the end of the speech (or the media's duration)."""
    chapters: Sequence[Chapter] = doc.chapters
    if not chapters or any(c.start is None for c in chapters):
        return []
    starts = [0.0, *(float(c.start) for c in chapters[1:])]  # type: ignore[arg-type]
    last_end = chapters[-1].end if chapters[-1].end is not None else chapters[-1].start
    end = max(float(last_end or 0.0), doc.transcript.duration or 0.0, starts[-1])
    ends = [*starts[1:], end]
    return [(s, e, c.title) for s, e, c in zip(starts, ends, chapters, strict=True)]


def _youtube_entries(doc: Document) -> list[tuple[float, str]]:
    """A chapter shorter than YouTube's minimum folds into the one before it (the first into
    the one after it, which then starts at 00:00)."""
    entries: list[tuple[float, float, str]] = []
    for start, end, title in chapter_times(doc):
        if entries and end - start < YOUTUBE_MIN_SECONDS:
            entries[-1] = (entries[-1][0], end, entries[-1][2])
        else:
            entries.append((start, end, title))
    if len(entries) > 1 and entries[0][1] - entries[0][0] < YOUTUBE_MIN_SECONDS:
        entries[1] = (0.0, entries[1][1], entries[1][2])
        entries.pop(0)
    return [(start, title) for start, _, title in entries]


def youtube_problem(doc: Document) -> str | None:
    """Why `write_youtube` writes nothing for `doc`, or None when it writes a list."""
    if not doc.chapters:
        return "no chapters"
    if any(c.start is None for c in doc.chapters):
        return "chapter lists need times (the input has none)"
    n = len(_youtube_entries(doc))
    if n < YOUTUBE_MIN_CHAPTERS:
        return (f"only {n} chapter(s) of at least {YOUTUBE_MIN_SECONDS:g} s; "
                f"YouTube needs at least {YOUTUBE_MIN_CHAPTERS}")
    return None


def write_youtube(doc: Document) -> str:
    """`00:00 Title` lines (hh:mm:ss on every line once the list reaches an hour)."""
    if youtube_problem(doc) is not None:
        return ""
    entries = _youtube_entries(doc)
    hours = math.floor(entries[-1][0] + 1e-6) >= 3600
    lines = [f"{format_time(start, 'clock', hours=hours)} {_one_line(title)}"
             for start, title in entries]
    return "\n".join(lines) + "\n"


def write_ffmetadata(doc: Document) -> str:
    """An FFmpeg metadata file (`ffmpeg -i in -i x.ffmeta.txt -map_metadata 1 -codec copy`)."""
    times = chapter_times(doc)
    if not times:
        return ""
    out = [";FFMETADATA1"]
    for start, end, title in times:
        out += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(start * 1000)}",
            f"END={round(end * 1000)}",
            f"title={escape_ffmetadata(title)}",
        ]
    return "\n".join(out) + "\n"


def escape_ffmetadata(value: str) -> str:
    """Backslash before the characters the format reserves: = ; # \\ and newline."""
    out = []
    for ch in value:
        if ch in "=;#\\\n":
            out.append("\\")
        out.append(ch)
    return "".join(out)


def _one_line(title: str) -> str:
    return " ".join(title.split())
