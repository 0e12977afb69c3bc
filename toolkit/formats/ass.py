"""Advanced SubStation Alpha (.ass/.ssa): the Dialogue lines of the [Events] section."""

from __future__ import annotations

import re

from ..errors import SubtitleError
from .rawcues import Parsed, RawCue, repair
from .timefmt import parse_time

_DEFAULT_FORMAT = (
    "layer",
    "start",
    "end",
    "style",
    "name",
    "marginl",
    "marginr",
    "marginv",
    "effect",
    "text",
)
_OVERRIDE = re.compile(r"\{[^}]*\}")
_DRAWING = re.compile(r"\\p([0-9]+)")


def read_ass(text: str, path: str = "", strict: bool = False) -> tuple[list[RawCue], list[str]]:
    """Cues from ASS/SSA text, and the repairs made.

    Override tags ({\\i1}, {\\pos(...)}) and vector drawings are dropped, \\N and \\n become line
    breaks and \\h a space. Overlaps are normal in ASS (signs over dialogue), so even strict
    mode only reports them; they are resolved because a transcript is one stream of words.
    """
    fields = list(_DEFAULT_FORMAT)
    section = ""
    parsed: list[Parsed] = []
    repairs: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.lower()
            continue
        if section != "[events]" or ":" not in stripped:
            continue
        key, _, value = stripped.partition(":")
        key = key.strip().lower()
        if key == "format":
            fields = [f.strip().lower() for f in value.split(",")]
            continue
        if key != "dialogue":
            continue  # Comment:, Picture:, Sound:, Movie:, Command:
        parts = [p.strip() for p in value.split(",", len(fields) - 1)]
        if len(parts) < len(fields) or not {"start", "end", "text"} <= set(fields):
            if strict:
                raise SubtitleError(path, "Dialogue line with too few fields", number)
            repairs.append(f"line {number}: dropped a Dialogue line with too few fields")
            continue
        row = dict(zip(fields, parts, strict=False))
        start, end = parse_time(row["start"]), parse_time(row["end"])
        if start is None or end is None:
            bad = row["start"] if start is None else row["end"]
            if strict:
                raise SubtitleError(path, f"unreadable timestamp {bad!r}", number)
            repairs.append(f"line {number}: dropped a cue with an unreadable timestamp {bad!r}")
            continue
        parsed.append(Parsed(RawCue(start, end, clean_ass_text(row["text"])), number))
    if not parsed and not repairs:
        raise SubtitleError(path, "no Dialogue lines found in an [Events] section")
    cues, fixed = repair(parsed, path, strict, overlaps_allowed=True)
    return cues, repairs + fixed


def clean_ass_text(raw: str) -> str:
    """Visible text of an ASS Dialogue text field, line breaks as "\\n"."""
    out: list[str] = []
    drawing = False
    pos = 0
    for tag in _OVERRIDE.finditer(raw):
        if not drawing:
            out.append(raw[pos : tag.start()])
        for scale in _DRAWING.findall(tag.group()):
            drawing = scale != "0"
        pos = tag.end()
    if not drawing:
        out.append(raw[pos:])
    text = "".join(out).replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())
