"""Formats: writers (Document → text) and readers (text → cues or a Document).

A new format is one module plus one line in a registry below.
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import Document
from .ass import read_ass
from .chapters import write_ffmetadata, write_youtube
from .detect import KINDS, detect_kind
from .encoding import iter_text, read_text
from .json import read_json, write_json
from .md import write_md
from .rawcues import RawCue
from .srt import read_srt, write_srt
from .subtitles import cues_to_transcript, read, to_cues
from .timefmt import format_time, parse_time
from .txt import write_txt
from .vtt import read_vtt, write_vtt

# Format name → writer. The output's file suffix is in EXTENSIONS.
WRITERS: dict[str, Callable[[Document], str]] = {
    "srt": write_srt,
    "vtt": write_vtt,
    "txt": write_txt,
    "md": write_md,
    "json": write_json,
    "chapters": write_youtube,
    "ffmeta": write_ffmetadata,
}

EXTENSIONS: dict[str, str] = {
    "srt": ".srt",
    "vtt": ".vtt",
    "txt": ".txt",
    "md": ".md",
    "json": ".json",
    "chapters": ".chapters.txt",
    "ffmeta": ".ffmeta.txt",
}

# Formats that need times: skipped when a document has none (untimed text input).
TIMED_FORMATS: set[str] = {"srt", "vtt", "chapters", "ffmeta"}

# Subtitle kind (see detect_kind) → reader: (text, path, strict) → (cues, repairs made).
SubtitleReader = Callable[[str, str, bool], tuple[list[RawCue], list[str]]]
READERS: dict[str, SubtitleReader] = {
    "srt": read_srt,
    "vtt": read_vtt,
    "ass": read_ass,
}


__all__ = [
    "EXTENSIONS",
    "KINDS",
    "READERS",
    "TIMED_FORMATS",
    "WRITERS",
    "RawCue",
    "cues_to_transcript",
    "detect_kind",
    "format_time",
    "iter_text",
    "parse_time",
    "read",
    "read_ass",
    "read_json",
    "read_srt",
    "read_text",
    "read_vtt",
    "to_cues",
    "write_json",
    "write_md",
    "write_srt",
    "write_txt",
    "write_vtt",
]
