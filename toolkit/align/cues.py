"""Existing subtitle cues re-timed to aligned words, their text and line breaks kept."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..style import StyleRules
from ..types import Cue, Word


def retime_cues(cues: Sequence[Cue], words: Sequence[Word], rules: StyleRules) -> tuple[Cue, ...]:
    """Each cue (its words `first`..`last`) from its first word's start to its last word's end,
    then kept apart by the minimum gap and, where there is room, held for the minimum duration."""
    spans: list[tuple[float, float]] = []
    for cue in cues:
        mine = words[cue.first : cue.last]
        if mine:
            spans.append((mine[0].start or 0.0, mine[-1].end or 0.0))
        else:  # a cue with no words (music notes, say): where the previous one ended
            spans.append((spans[-1][1], spans[-1][1]) if spans else (cue.start, cue.end))
    out: list[Cue] = []
    for n, (cue, (start, end)) in enumerate(zip(cues, spans, strict=True)):
        if out:  # rounded up, so the gap survives the millisecond rounding
            start = max(start, math.ceil((out[-1].end + rules.min_gap) * 1000 - 1e-6) / 1000)
        limit = spans[n + 1][0] - rules.min_gap if n + 1 < len(spans) else start + 3600.0
        held = math.ceil((start + rules.min_duration) * 1000 - 1e-6) / 1000
        end = max(end, min(held, math.floor(limit * 1000 + 1e-6) / 1000))
        if end < start + 0.001:  # no room at all: a sliver, never zero or negative
            end = start + 0.001
        out.append(Cue(round(start, 3), round(end, 3), cue.lines, cue.first, cue.last))
    return tuple(out)
