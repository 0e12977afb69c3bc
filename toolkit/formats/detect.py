"""Which reader a text file needs: its content decides, the file extension breaks ties."""

from __future__ import annotations

import re
from pathlib import PurePath

KINDS = ("text", "srt", "vtt", "ass")
_SAMPLE_CHARS = 64 * 1024
_TIMING = re.compile(r"^\s*\d+:[\d:.,]+\s*-{1,2}>\s*\d+:[\d:.,]+", re.MULTILINE)
_NUMBERED = re.compile(r"^\s*\d+\s*\n\s*\d+:[\d:.,]+\s*-{1,2}>", re.MULTILINE)
_ASS_SECTION = re.compile(r"^\s*\[(Script Info|V4\+? Styles|Events)\]\s*$", re.MULTILINE | re.I)
_DIALOGUE = re.compile(r"^Dialogue:\s*\d*\s*,\s*\d+:\d+:\d+", re.MULTILINE)


def detect_kind(path: str, text: str) -> str:
    """ "vtt", "srt", "ass" or "text" for a file's decoded `text` (see `KINDS`)."""
    sample = text[:_SAMPLE_CHARS].lstrip("\ufeff \t\n")
    suffix = PurePath(path).suffix.lower()
    if sample.startswith("WEBVTT"):
        return "vtt"
    if _ASS_SECTION.search(sample) or _DIALOGUE.search(sample):
        return "ass"
    timings = len(_TIMING.findall(sample))
    lines = sum(1 for line in sample.split("\n") if line.strip())
    # A caption file is mostly cues; one timing line quoted in prose does not make one.
    if timings and (timings >= 0.1 * lines or timings >= 20):
        if _NUMBERED.search(sample):
            return "srt"
        return "vtt" if suffix == ".vtt" else "srt"
    return "text"
