"""Cues measured against style rules: what `zimu check` reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .style import StyleRules, line_width, reading_length
from .text.words import split_text
from .types import Cue

# Rounding slack: SRT keeps milliseconds, so limits are compared a millisecond loosely.
EPS = 0.0015


@dataclass(frozen=True)
class Violation:
    cue: int  # 1-based, as numbered in the file
    rule: str
    detail: str
    allowed: bool = False  # the one accepted exception: a single word longer than a line


def check_cues(cues: Sequence[Cue], rules: StyleRules, language: str) -> list[Violation]:
    found: list[Violation] = []
    for n, cue in enumerate(cues, 1):
        found.extend(_check_one(n, cue, rules, language))
        if n < len(cues):
            gap = cues[n].start - cue.end
            if gap < 0:
                found.append(Violation(n, "overlap", f"overlaps the next cue by {-gap:.3f} s"))
            elif gap < rules.min_gap - EPS:
                found.append(Violation(n, "gap", f"{gap:.3f} s before the next cue "
                                       f"(at least {rules.min_gap:.3f})"))
    return found


def _check_one(n: int, cue: Cue, rules: StyleRules, language: str) -> list[Violation]:
    found = []
    if len(cue.lines) > rules.max_lines:
        found.append(Violation(n, "lines", f"{len(cue.lines)} lines (at most {rules.max_lines})"))
    for line in cue.lines:
        width = line_width(line, rules)
        if width > rules.max_line:
            single = len(split_text(line, language)) <= 1
            found.append(Violation(n, "line length", f"{width:g} > {rules.max_line:g}: {line!r}",
                                   allowed=single))
    duration = cue.end - cue.start
    if duration < rules.min_duration - EPS:
        found.append(Violation(n, "duration", f"{duration:.3f} s (at least "
                               f"{rules.min_duration:.3f})"))
    if duration > rules.max_duration + EPS:
        found.append(Violation(n, "duration", f"{duration:.3f} s (at most "
                               f"{rules.max_duration:.3f})"))
    if duration > 0:
        cps = reading_length(cue.lines, rules) / duration
        if cps > rules.max_cps + 0.05:
            found.append(Violation(n, "reading speed", f"{cps:.1f} chars/s (at most "
                                   f"{rules.max_cps:g})"))
    return found
