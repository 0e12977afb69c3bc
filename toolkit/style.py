"""Subtitle style rules: the presets and how text is measured against them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .errors import UsageError
from .text import CJK_LANGUAGES
from .text.chars import display_width

FRAME = 1 / 24


@dataclass(frozen=True)
class StyleRules:
    """What a cue may hold and how long it stays (Netflix timed-text numbers by default)."""

    name: str
    max_line: float  # line width: characters, or full-width cells when `half_width`
    max_lines: int
    max_cps: float  # reading speed, characters per second
    min_duration: float
    max_duration: float
    min_gap: float
    half_width: bool  # half-width characters count 0.5 (CJK presets)
    subtitle_punct: bool  # ，and 。 shown as a space, dropped at line ends (Chinese style)


PRESETS: dict[str, StyleRules] = {
    "zh": StyleRules("zh", 16, 2, 9, 5 / 6, 7.0, 2 * FRAME, half_width=True, subtitle_punct=True),
    "en": StyleRules("en", 42, 2, 17, 5 / 6, 7.0, 2 * FRAME, half_width=False,
                     subtitle_punct=False),
}


def preset(name: str, **overrides: Any) -> StyleRules:
    """A preset with some numbers replaced; `None` overrides are ignored."""
    try:
        rules = PRESETS[name]
    except KeyError:
        raise UsageError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})") from None
    return replace(rules, **{k: v for k, v in overrides.items() if v is not None})


def preset_for(language: str) -> str:
    return "zh" if language in CJK_LANGUAGES else "en"


def line_width(text: str, rules: StyleRules) -> float:
    return display_width(text) if rules.half_width else float(len(text))


def reading_length(lines: tuple[str, ...] | list[str], rules: StyleRules) -> float:
    """What reading speed counts: every character of the lines; CJK presets skip spaces."""
    if rules.half_width:
        return sum(line_width(line.replace(" ", "").replace("\u3000", ""), rules) for line in lines)
    return float(sum(len(line) for line in lines))
