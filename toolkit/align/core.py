"""Known words + recognised words → the known words with times, and what did not align.

Pure: no audio, no model. The recogniser may be weak (the embedded base model gets many Chinese
characters wrong): the words are compared as pinyin, the alignment is global, so errors only
cost locally, and every known word gets a time, either from the recognised unit it is paired
with or by interpolation between such anchors. Steps:

1. units (toolkit.align.units) and a global alignment of them (toolkit.align.sequence);
2. anchors: agreeing pairs in a chain that never implies impossibly fast speech (a chance
   "的" far ahead is dropped) less short islands of agreement between two stretches of speech
   the text lacks (an aside's chance "个"), plus mismatched pairs where both sides of a gap
   hold about as many units;
3. times: anchors' recognised times, interpolation over detected speech between them
   (toolkit.align.timing), except where the speech between two anchors holds a stretch more
   than the text: there the text is cut at its strongest break and laid out right after the
   one anchor and right before the other, at the recording's pace, clear of the aside; word
   edges pulled out of pauses the voice-activity detector found (Whisper starts the word after
   a pause early: measured 0.12 s median, 0.02 s after);
4. stretches that did not align, from runs without trusted agreeing pairs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from ..text import CJK_LANGUAGES
from ..text.chars import SENTENCE_END
from ..types import Word
from .sequence import MAX_CELLS, Pair, align_units, unit_score
from .timing import UNIT_SECONDS, Span, around_gap, cross_pauses, snap_to_speech, unit_times
from .units import Unit, units_of


@dataclass(frozen=True)
class Stretch:
    """A stretch that did not align. kind "text": known words `first`..`last` (exclusive) not
    found in the audio; kind "speech": recognised words `first`..`last` that the text lacks."""

    kind: str  # "text" | "speech"
    first: int
    last: int
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class AlignResult:
    words: tuple[Word, ...]  # the known words, every one timed, starts never going back
    unaligned: tuple[Stretch, ...]
    matched: float  # share of known units paired with a recognised unit that sounds alike


@dataclass(frozen=True)
class AlignOptions:
    # Also take times from units paired with a recognised unit that sounds different (the
    # recogniser heard *something* there); otherwise those are interpolated.
    substitutions: bool = True
    min_stretch: int = 6  # units: shorter unaligned stretches are not reported
    # Fastest plausible speech, units (syllables, words) a second: agreeing pairs that would
    # need faster speech between them are chance agreements ("的" heard here, "的" read there).
    max_rate: float = 8.0
    # Pull word edges out of the pauses the voice-activity detector found.
    snap: bool = True
    max_cells: int = MAX_CELLS


def align_words(words: Sequence[Word], recognised: Sequence[Word], language: str = "zh",
                speech: Sequence[Span] | None = None, duration: float | None = None,
                options: AlignOptions | None = None) -> AlignResult:
    """Time `words` (the known text) from `recognised` (timed ASR words of the same audio).

    `speech`: stretches the voice-activity detector marked as speech, which bound interpolated
    words; `duration`: the audio's length (default: the last recognised end)."""
    options = options or AlignOptions()
    chinese = language in CJK_LANGUAGES or language == "und"
    known, owner = _units(words, chinese)
    heard, heard_times, heard_owner = _heard_units(recognised, chinese)
    if duration is None:
        duration = max([t[1] for t in heard_times] + [s[1] for s in speech or ()] + [0.0])
    pairs = align_units(known, heard, options.max_cells)
    trusted = _plausible([p for p in pairs if p.score > 0], heard_times, options.max_rate)
    trusted = _without_islands(pairs, trusted, len(heard), options.min_stretch)
    if options.substitutions:
        trusted = _with_substitutions(pairs, trusted, len(known), len(heard))
    agree = {(p.i, p.j) for p in trusted if p.score > 0}
    gaps = _asides(trusted, pairs, known, heard, words, owner, options.min_stretch)
    pace = _pace([p for p in trusted if p.score > 0], heard_times)
    anchors = sorted([(p.i, heard_times[p.j]) for p in trusted]
                     + _around(gaps, heard_times, pace, speech), key=lambda a: a[0])
    times = unit_times(len(known), anchors, speech, duration)
    sure = {owner[i] for i, _ in agree}
    timed = _word_times(words, owner, times, speech if options.snap else None, sure)
    good = sum(1 for p in pairs if p.score > 0)
    reported = [p if (p.i, p.j) in agree else replace(p, score=min(p.score, 0))
                for p in _around_asides(pairs, gaps, known, heard)]
    unaligned = _stretches(reported, len(known), len(heard), owner, heard_owner, timed,
                           recognised, options.min_stretch, language)
    return AlignResult(timed, unaligned, good / len(known) if known else 1.0)


_JUMP = 12.0  # four exact matches' worth


def _plausible(pairs: Sequence[Pair], times: Sequence[Span], max_rate: float,
               window: int = 400) -> list[Pair]:
    """The heaviest chain of agreeing pairs, where two neighbours that imply speech faster
    than `max_rate` (text skipped: unspoken, or a chance agreement further on) cost
    `_JUMP`: a run of good matches after unspoken text pays for it, a stray match does not."""
    if not pairs:
        return []
    i = np.array([p.i for p in pairs], dtype=np.float64)
    t = np.array([times[p.j][0] for p in pairs], dtype=np.float64)
    weight = np.array([p.score for p in pairs], dtype=np.float64)
    best = weight.copy()
    back = np.full(len(pairs), -1, dtype=np.int64)
    for b in range(1, len(pairs)):
        a0 = max(0, b - window)
        ok = (i[b] - i[a0:b]) <= max_rate * (t[b] - t[a0:b]) + 3.0
        scores = np.where(ok, best[a0:b], best[a0:b] - _JUMP)
        k = int(np.argmax(scores))
        if scores[k] > 0:
            best[b] += scores[k]
            back[b] = a0 + k
    chain = []
    k = int(np.argmax(best))
    while k >= 0:
        chain.append(pairs[k])
        k = int(back[k])
    return chain[::-1]


def _without_islands(pairs: Sequence[Pair], trusted: Sequence[Pair], n_heard: int,
                     min_units: int) -> list[Pair]:
    """The trusted pairs less short islands of agreement between two stretches of speech the
    text lacks: fewer than `min_units` recognised units holding fewer than half that many
    agreeing pairs. An aside's "个" or "我们" agrees with the text somewhere by chance, and
    the global alignment then pulls the text around it into the aside."""
    agree = {(p.i, p.j) for p in trusted}
    partner: list[Pair | None] = [None] * n_heard
    for p in pairs:
        partner[p.j] = p if (p.i, p.j) in agree else replace(p, score=min(p.score, 0))
    at = [p.j for p in trusted]  # increasing: the chain increases on both sides
    dropped: set[int] = set()
    for (_, end), (start, _) in pairwise(_runs(partner, min_units)):
        island = at[bisect_left(at, end) : bisect_left(at, start)]
        if start - end < min_units and 2 * len(island) < min_units:
            dropped.update(island)
    return [p for p in trusted if p.j not in dropped]


@dataclass(frozen=True)
class _Aside:
    """Between the anchors `before` and `after` the audio holds speech the text lacks: the
    first `split` known units between them come right after `before`, the rest right before
    `after`."""

    before: Pair
    after: Pair
    split: int


def _asides(anchors: Sequence[Pair], pairs: Sequence[Pair], known: Sequence[Unit],
            heard: Sequence[Unit], words: Sequence[Word], owner: Sequence[int],
            min_units: int) -> list[_Aside]:
    """Neighbouring anchors with at least `min_units` more recognised units between them than
    known ones. Spreading the known units over all that speech would put them inside the
    aside; instead they are cut in two where the text breaks most strongly (a line, then a
    sentence, then a clause), then where the units at both ends sound most like the speech
    there, then nearest where the alignment put the gap."""
    partner = {p.i: p.j for p in pairs}
    found: list[_Aside] = []
    for a, b in pairwise(anchors):
        n, m = b.i - a.i - 1, b.j - a.j - 1
        if n <= 0 or m - n < min_units:
            continue
        # agreement of the units laid one to one after `a` (first k) and before `b` (last k)
        early = [0]
        for x in range(n):
            early.append(early[-1] + max(0, unit_score(known[a.i + 1 + x], heard[a.j + 1 + x])))
        late = [0]
        for x in range(n):
            late.append(late[-1] + max(0, unit_score(known[b.i - 1 - x], heard[b.j - 1 - x])))
        near_a, guess = True, 0
        for i in range(a.i + 1, b.i):
            if i in partner:
                near_a = partner[i] - a.j <= b.j - partner[i]
            guess += near_a
        split = max(range(n + 1), key=lambda k: (_cut(words, owner, a.i + 1 + k),
                                                  early[k] + late[n - k], -abs(k - guess)))
        found.append(_Aside(a, b, split))
    return found


def _around(gaps: Sequence[_Aside], times: Sequence[Span], pace: float,
            speech: Sequence[Span] | None) -> list[tuple[int, Span]]:
    """Times of the known units between the anchors of each aside, clear of the aside."""
    out: list[tuple[int, Span]] = []
    for g in gaps:
        lo = times[g.before.j][1]
        hi = max(times[g.after.j][0], lo)
        spans = around_gap(g.split, g.after.i - g.before.i - 1 - g.split, lo, hi, pace, speech)
        out.extend(zip(range(g.before.i + 1, g.after.i), spans, strict=True))
    return out


def _cut(words: Sequence[Word], owner: Sequence[int], u: int) -> int:
    """How strongly the text breaks before unit `u`: 3 a line, 2 a sentence, 1 a clause, 0
    between words, -1 inside a word."""
    if owner[u] == owner[u - 1]:
        return -1
    if words[owner[u]].break_before:
        return 3
    punct = words[owner[u - 1]].punct
    if any(c in punct for c in SENTENCE_END):
        return 2
    return 1 if punct else 0


def _around_asides(pairs: Sequence[Pair], gaps: Sequence[_Aside], known: Sequence[Unit],
                   heard: Sequence[Unit]) -> list[Pair]:
    """The alignment with each aside's known units paired one to one with the recognised units
    next to its anchors, where they were laid out; the speech left between is the aside."""
    if not gaps:
        return list(pairs)
    out = list(pairs)
    for g in gaps:
        n = g.after.i - g.before.i - 1
        inside = [p for p in out if not (g.before.i < p.i < g.after.i or
                                         g.before.j < p.j < g.after.j)]
        ends = [(g.before.i + 1 + x, g.before.j + 1 + x) for x in range(g.split)]
        ends += [(g.after.i - 1 - x, g.after.j - 1 - x) for x in range(n - g.split)]
        out = inside + [Pair(i, j, unit_score(known[i], heard[j])) for i, j in ends]
    return sorted(out, key=lambda p: p.i)


def _pace(agreeing: Sequence[Pair], times: Sequence[Span]) -> float:
    """Seconds a unit takes in this recording: the median recognised length of the agreeing
    units (UNIT_SECONDS when there are too few)."""
    if len(agreeing) < 5:
        return UNIT_SECONDS
    return float(np.median([times[p.j][1] - times[p.j][0] for p in agreeing]))


def _with_substitutions(pairs: Sequence[Pair], trusted: Sequence[Pair], n_known: int,
                        n_heard: int) -> list[Pair]:
    """The trusted pairs plus the disagreeing ones between two trusted neighbours where both
    sides hold about as many units (the recogniser heard *something* for each known unit)."""
    out: list[Pair] = []
    inner = sorted(pairs, key=lambda p: p.i)
    bounds = [Pair(-1, -1, 0), *trusted, Pair(n_known, n_heard, 0)]
    k = 0
    for a, b in pairwise(bounds):
        known, heard = b.i - a.i - 1, b.j - a.j - 1
        balanced = heard > 0 and 2 * known <= 3 * heard and 2 * heard <= 3 * known
        while k < len(inner) and inner[k].i < b.i:
            p = inner[k]
            if balanced and p.i > a.i and a.j < p.j < b.j:
                out.append(p)
            k += 1
        if b.i < n_known:
            out.append(b)
    return out


def _units(words: Sequence[Word], chinese: bool) -> tuple[list[Unit], list[int]]:
    units: list[Unit] = []
    owner: list[int] = []
    for n, w in enumerate(words):
        mine = units_of(w.text, chinese)
        units.extend(mine)
        owner.extend([n] * len(mine))
    return units, owner


def _heard_units(words: Sequence[Word], chinese: bool
                 ) -> tuple[list[Unit], list[Span], list[int]]:
    """Recognised units, each with an equal share of its word's time (starts kept monotone)."""
    units: list[Unit] = []
    times: list[Span] = []
    owner: list[int] = []
    floor = 0.0
    for n, w in enumerate(words):
        mine = units_of(w.text, chinese)
        if not mine:
            continue
        start = max(w.start if w.start is not None else floor, floor)
        end = max(w.end if w.end is not None else start, start)
        floor = start
        step = (end - start) / len(mine)
        units.extend(mine)
        times.extend((start + step * k, start + step * (k + 1)) for k in range(len(mine)))
        owner.extend([n] * len(mine))
    return units, times, owner


def _word_times(words: Sequence[Word], owner: Sequence[int], times: Sequence[Span],
                speech: Sequence[Span] | None, sure: set[int]) -> tuple[Word, ...]:
    """Each word from its first unit's start to its last unit's end, kept out of pauses; then
    starts never go back, no word ends before it starts or after the next one starts."""
    spans: list[Span | None] = [None] * len(words)
    for n, (a, b) in zip(owner, times, strict=True):
        old = spans[n]
        spans[n] = (a, b) if old is None else (old[0], b)
    if speech:
        have = [n for n, span in enumerate(spans) if span is not None]
        sides = [_side(words, n) for n in have]
        snapped = snap_to_speech([spans[n] or (0.0, 0.0) for n in have], speech, sides)
        snapped = cross_pauses(snapped, speech, sides, [n in sure for n in have])
        for n, new in zip(have, snapped, strict=True):
            spans[n] = new
    out: list[Word] = []
    floor = 0.0
    for n, w in enumerate(words):
        span = spans[n]
        start, end = span if span is not None else (floor, floor)  # a word with no units
        start = max(start, floor)
        end = max(end, start)
        if out and (out[-1].end or 0.0) > start:
            out[-1] = replace(out[-1], end=start)
        out.append(replace(w, start=round(start, 3), end=round(end, 3)))
        floor = start
    return tuple(out)


def _side(words: Sequence[Word], n: int) -> int:
    """+1: the word begins a line or sentence; -1: it ends one; 0: neither (see snap)."""
    if n == 0 or words[n].break_before or _ends_sentence(words[n - 1]):
        return 1
    if n + 1 == len(words) or words[n + 1].break_before or _ends_sentence(words[n]):
        return -1
    return 0


def _ends_sentence(w: Word) -> bool:
    return any(c in w.punct for c in SENTENCE_END + "，,；;：:")


def _stretches(pairs: Sequence[Pair], n_known: int, n_heard: int, owner: Sequence[int],
               heard_owner: Sequence[int], timed: Sequence[Word], recognised: Sequence[Word],
               min_units: int, language: str) -> tuple[Stretch, ...]:
    """Runs of at least `min_units` units on one side with no agreeing partner, and either
    most of them with no partner at all (a weakly recognised stretch pairs up unit for unit; a
    missing one does not) or twice that long (text and speech that differ in the same place)."""
    from ..text import join_words

    known_pair: list[Pair | None] = [None] * n_known
    heard_pair: list[Pair | None] = [None] * n_heard
    for p in pairs:
        known_pair[p.i] = p
        heard_pair[p.j] = p
    found: list[Stretch] = []
    for a, b in _trimmed(_runs(known_pair, min_units), known_pair):
        first, last = owner[a], owner[b - 1] + 1
        found.append(Stretch("text", first, last, timed[first].start or 0.0,
                             timed[last - 1].end or 0.0, join_words(timed[first:last], language)))
    for a, b in _trimmed(_runs(heard_pair, min_units), heard_pair):
        first, last = heard_owner[a], heard_owner[b - 1] + 1
        words = recognised[first:last]
        found.append(Stretch("speech", first, last, words[0].start or 0.0, words[-1].end or 0.0,
                             join_words(words, language)))
    return tuple(sorted(found, key=lambda s: (s.start, s.kind)))


def _runs(partner: Sequence[Pair | None], min_units: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(partner):
        p = partner[k]
        if p is not None and p.score > 0:
            k += 1
            continue
        end = k
        while end < len(partner) and not ((q := partner[end]) is not None and q.score > 0):
            end += 1
        alone = sum(1 for q in partner[k:end] if q is None)
        if end - k >= min_units and (alone * 2 >= end - k or end - k >= 2 * min_units):
            runs.append((k, end))
        k = end
    return runs


def _trimmed(runs: Sequence[tuple[int, int]], partner: Sequence[Pair | None]
             ) -> list[tuple[int, int]]:
    """Runs mostly without a partner, less the paired units at their edges (the known words
    laid out next to an aside were heard as something: that speech is not the aside)."""
    out = []
    for a, b in runs:
        alone = [k for k in range(a, b) if partner[k] is None]
        out.append((alone[0], alone[-1] + 1) if 2 * len(alone) >= b - a else (a, b))
    return out
