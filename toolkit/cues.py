"""Timed words → subtitle cues that follow the style rules.

Cue breaks are chosen by dynamic programming over word boundaries: each cue must fit the line
limits (checked in O(lines) with precomputed line reach) and the duration limit; the cost
prefers breaks at sentence ends, then clause marks and pauses, and punishes reading speeds the
timing cannot give. Lines inside a cue are balanced and broken after punctuation where possible.
Everything is linear in the number of words (times a window of one cue's worth).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise

from .segment import ends_sentence
from .style import StyleRules, line_width, reading_length
from .text.words import join_words, needs_space
from .types import Cue, Word

FULL_SPACE = "\u3000"
CLAUSE_MARKS = "，。"
# Gaps between cues shorter than this are closed up to the minimum gap (chained cues).
CHAIN_GAP = 0.5
# Words a line or cue should not end on: they belong with what follows (Netflix line treatment).
CLINGING = frozenset({
    "a", "an", "the", "my", "your", "his", "her", "its", "our", "their", "this", "that", "these",
    "those", "to", "of", "in", "on", "at", "for", "with", "by", "from", "into", "and", "or", "but",
    "nor", "if", "as", "than", "so", "very", "not",
})
# Silence inside one cue longer than this is costly: the text would hang over nothing.
LONG_PAUSE = 1.5


@dataclass(frozen=True)
class _Widths:
    prefix: tuple[float, ...]  # prefix[k]: width of words[:k] including separators
    sep: tuple[float, ...]  # separator width before word k

    def span(self, i: int, j: int) -> float:
        return self.prefix[j] - self.prefix[i] - self.sep[i]


def layout_cues(words: Sequence[Word], rules: StyleRules, language: str) -> tuple[Cue, ...]:
    """Cues for timed words; no cues for untimed ones (subtitles need times)."""
    if not words or not all(w.timed for w in words):
        return ()
    widths = _measure(words, rules)
    bounds = _choose_breaks(words, widths, rules)
    cues = [_make_cue(words, i, j, widths, rules, language) for i, j in bounds]
    return tuple(_retime(cues, rules))


def _piece(w: Word) -> str:
    return w.lead + w.text + w.punct


def _measure(words: Sequence[Word], rules: StyleRules) -> _Widths:
    space = 0.5 if rules.half_width else 1.0
    prefix = [0.0]
    sep: list[float] = []
    prev = ""
    for w in words:
        piece = _piece(w)
        s = space if prev and piece and needs_space(prev, piece) else 0.0
        sep.append(s)
        prefix.append(prefix[-1] + s + line_width(piece, rules))
        prev = piece or prev
    return _Widths(tuple(prefix), tuple(sep))


def _line_reach(n: int, widths: _Widths, limit: float) -> list[int]:
    """reach[k]: the end of the longest line starting at word k (at least one word)."""
    reach = [0] * n
    j = 0
    for k in range(n):
        j = max(j, k + 1)
        while j < n and widths.span(k, j + 1) <= limit:
            j += 1
        reach[k] = j
    return reach


def _fits(i: int, j: int, reach: list[int], max_lines: int) -> bool:
    k, lines = i, 0
    while k < j:
        k = reach[k]
        lines += 1
        if lines > max_lines:
            return False
    return True


def _break_cost(w: Word, nxt: Word) -> float:
    """How good a place the boundary after `w` is to end a cue (lower is better)."""
    if ends_sentence(w):
        cost = 0.0
    elif w.punct:
        cost = 1.0
    elif nxt.break_before:
        cost = 2.0
    else:
        cost = 4.0
    pause = (nxt.start or 0.0) - (w.end or 0.0)
    return cost + _clings(w) - 2.0 * min(max(pause, 0.0), 1.0)


def _clings(w: Word) -> float:
    return 2.0 if not w.punct and w.text.lower() in CLINGING else 0.0


def _choose_breaks(
    words: Sequence[Word], widths: _Widths, rules: StyleRules
) -> list[tuple[int, int]]:
    n = len(words)
    reach = _line_reach(n, widths, rules.max_line)
    inner_ends = [0]
    for w in words:
        inner_ends.append(inner_ends[-1] + ends_sentence(w))
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        end = words[j - 1].end or 0.0
        next_start = (words[j].start or end) if j < n else end + rules.max_duration
        tail = _break_cost(words[j - 1], words[j]) if j < n else 0.0
        longest_pause = 0.0
        for i in range(j - 1, -1, -1):
            if i < j - 1:
                longest_pause = max(longest_pause, (words[i + 1].start or 0) - (words[i].end or 0))
            if not _fits(i, j, reach, rules.max_lines):
                break
            start = words[i].start or 0.0
            if end - start > rules.max_duration and i < j - 1:
                break
            if best[i] == math.inf:
                continue
            # The cue may run until the next one starts, less the gap (even into its last word).
            avail = max(min(rules.max_duration, next_start - rules.min_gap - start), 1e-3)
            cps = widths.span(i, j) / avail
            cost = 1.0 + tail
            if cps > rules.max_cps:  # too fast to read: only when no layout can avoid it
                cost += 10.0 + 100.0 * (cps / rules.max_cps - 1.0)
            # Too short to read is nearly a hard limit: only taken when nothing else fits.
            cost += 1000.0 if avail < rules.min_duration else 0.0
            cost += 5.0 if longest_pause > LONG_PAUSE else 0.0
            cost += 1.2 * (inner_ends[j - 1] - inner_ends[i])
            total = best[i] + cost
            if total < best[j]:
                best[j], back[j] = total, i
    bounds = []
    j = n
    while j > 0:
        bounds.append((back[j], j))
        j = back[j]
    return bounds[::-1]


def _make_cue(
    words: Sequence[Word], i: int, j: int, widths: _Widths, rules: StyleRules, language: str
) -> Cue:
    splits = _split_lines(words, i, j, widths, rules)
    lines = tuple(
        render_line(words[a:b], rules, language) for a, b in pairwise(splits)
    )
    return Cue(words[i].start or 0.0, words[j - 1].end or 0.0, lines, i, j)


def _split_lines(
    words: Sequence[Word], i: int, j: int, widths: _Widths, rules: StyleRules
) -> list[int]:
    """Word indices where lines start (plus the end): one line if it fits, else balanced lines
    broken after punctuation where possible, the lower line rather longer than the upper."""
    limit = rules.max_line

    @cache
    def best(a: int, lines_left: int) -> tuple[float, tuple[int, ...]]:
        if widths.span(a, j) <= limit or lines_left == 1 or a == j - 1:
            over = max(0.0, widths.span(a, j) - limit)
            return 100.0 * over, (a, j)
        options: list[tuple[float, tuple[int, ...]]] = []
        for b in range(a + 1, j):
            top = widths.span(a, b)
            if top > limit and b > a + 1:
                break
            rest_cost, rest = best(b, lines_left - 1)
            bottom = widths.span(b, rest[1])
            # After punctuation first, then balance; a longer lower line reads better.
            cost = rest_cost + 0.15 * abs(top - bottom) + (0.3 if top > bottom else 0.0)
            cost += (0.0 if words[b - 1].punct else 3.0) + _clings(words[b - 1])
            options.append((cost, (a, *rest)))
        return min(options) if options else (0.0, (a, j))

    if widths.span(i, j) <= limit:
        return [i, j]
    return list(best(i, rules.max_lines)[1])


def rerendered(
    cues: Sequence[Cue], old: Sequence[Word], new: Sequence[Word], rules: StyleRules,
    language: str,
) -> tuple[Cue, ...]:
    """`cues` laid out over the `old` words, for `new` words that differ from them only in
    punctuation or capitals (a chapter start ended a sentence): each cue over a changed word
    keeps its times and line breaks and has its lines rendered again; the rest are unchanged.
    The rules' punctuation style is taken from the old lines (a JSON does not keep it)."""
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    out = []
    for cue in cues:
        if any(cue.first <= i < cue.last for i in changed):
            cue = _rerendered(cue, old, new, rules, language)
        out.append(cue)
    return tuple(out)


def _rerendered(cue: Cue, old: Sequence[Word], new: Sequence[Word], rules: StyleRules,
                language: str) -> Cue:
    for style in (rules, replace(rules, subtitle_punct=not rules.subtitle_punct)):
        breaks = _line_breaks(cue, old, style, language)
        if breaks is not None:
            lines = tuple(render_line(new[a:b], style, language) for a, b in pairwise(breaks))
            return replace(cue, lines=lines)
    return cue  # lines that no rendering of its words gives: not zimu's, left as they are


def _line_breaks(cue: Cue, words: Sequence[Word], rules: StyleRules, language: str
                 ) -> list[int] | None:
    """Word indices where each of the cue's lines starts (plus its end), if rendering the
    words that way gives exactly its lines."""
    breaks = [cue.first]
    for line in cue.lines:
        a = breaks[-1]
        b = next((b for b in range(a + 1, cue.last + 1)
                  if render_line(words[a:b], rules, language) == line), None)
        if b is None:
            return None
        breaks.append(b)
    return breaks if breaks[-1] == cue.last else None


def render_line(words: Sequence[Word], rules: StyleRules, language: str) -> str:
    """One subtitle line. Chinese style shows ，and 。 as a space and drops them at line ends."""
    text = join_words(words, language)
    if not rules.subtitle_punct:
        return text
    for mark in CLAUSE_MARKS:
        text = text.replace(mark, FULL_SPACE)
    text = text.replace(FULL_SPACE + " ", FULL_SPACE).replace(" " + FULL_SPACE, FULL_SPACE)
    return text.strip(FULL_SPACE + " ")


def _retime(cues: list[Cue], rules: StyleRules) -> list[Cue]:
    """Extend cues for reading speed and minimum duration, keep gaps, chain near-touching cues."""
    out: list[Cue] = []
    for k, cue in enumerate(cues):
        start = cue.start if not out else max(cue.start, out[-1].end + rules.min_gap)
        nxt = cues[k + 1].start if k + 1 < len(cues) else math.inf
        limit = nxt - rules.min_gap
        need = max(rules.min_duration, reading_length(cue.lines, rules) / rules.max_cps)
        end = max(cue.end, min(start + need, start + rules.max_duration))
        end = min(end, limit)
        if 0 < limit - end < CHAIN_GAP:
            end = min(limit, start + rules.max_duration)
        # Rare fallback when no layout gave this cue enough time: take it from the next one.
        end = max(end, start + rules.min_duration)
        out.append(Cue(start, end, cue.lines, cue.first, cue.last))
    return out
