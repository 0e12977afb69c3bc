"""Times at the edges: float seconds to and from the notations subtitle formats use.

Everything inside zimu is float seconds; this is the one place that turns them into text
(`format_time`) or reads them back (`parse_time`).
"""

from __future__ import annotations

import math
import re

STYLES = ("srt", "vtt", "stamp", "clock")

# Lenient: optional hours, 1-2 digit minutes/seconds, optional fraction after , . or :
_TIME = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.:](\d{1,3}))?\s*$")


def format_time(seconds: float, style: str, *, hours: bool | None = None) -> str:
    """`seconds` written in one of `STYLES`.

    - "srt":   01:02:03,456   (SubRip)
    - "vtt":   01:02:03.456   (WebVTT)
    - "stamp": [02:03], or [01:02:03] with hours (Markdown paragraph stamps)
    - "clock": 02:03, or 01:02:03 with hours (chapter lists)

    `hours` forces (True) or drops (False) the hour field of "stamp"/"clock"; by default it
    appears from one hour on. Milliseconds are rounded, stamps truncated to the second (a
    stamp never points past the moment it marks). Negative times count as zero.
    """
    seconds = max(0.0, seconds)
    if style in ("srt", "vtt"):
        ms = round(seconds * 1000)
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        s, ms = divmod(rest, 1000)
        sep = "," if style == "srt" else "."
        return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"
    if style in ("stamp", "clock"):
        # A hair of tolerance so 59.9999999 (float noise for 60) reads as 01:00.
        whole = math.floor(seconds + 1e-6)
        h, rest = divmod(whole, 3600)
        m, s = divmod(rest, 60)
        with_hours = h > 0 if hours is None else hours
        text = f"{h:02d}:{m:02d}:{s:02d}" if with_hours else f"{h * 60 + m:02d}:{s:02d}"
        return f"[{text}]" if style == "stamp" else text
    raise ValueError(f"unknown time style {style!r} (choose from {', '.join(STYLES)})")


def parse_time(text: str) -> float | None:
    """Seconds from `[h:]mm:ss[,.fff]` (SRT, VTT, ASS centiseconds), or None if unreadable.

    The fraction is a decimal fraction: ",5", ",50" and ",500" all mean half a second.
    The result is rounded to the millisecond so that text -> float -> text is exact.
    """
    match = _TIME.match(text)
    if match is None:
        return None
    h, m, s, frac = match.groups()
    if int(s) >= 60 or (h is not None and int(m) >= 60):
        return None
    ms = int((frac or "0").ljust(3, "0"))
    total_ms = ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + ms
    return total_ms / 1000
