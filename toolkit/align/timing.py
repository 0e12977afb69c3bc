"""Times for every known unit: taken from the recognised units it is paired with, interpolated
across the rest in proportion to their count, inside the neighbouring anchors and, where the
voice-activity detector marked speech, inside that speech."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

Span = tuple[float, float]
# Seconds a unit (a Chinese syllable) takes when nothing better is known: text before the first
# or after the last anchor is laid out at this pace.
UNIT_SECONDS = 0.22
# Less speech than this inside a gap: the detector missed it, spread over the whole gap.
_MIN_SPEECH = 0.1
# A line cannot begin in the last this-many seconds before a pause when the rest of it comes
# after the pause (and, mirrored, cannot end just after one).
LINE_EDGE = 0.8


def unit_times(count: int, anchors: Sequence[tuple[int, Span]], speech: Sequence[Span] | None,
               duration: float) -> list[Span]:
    """Times of known units 0..count-1. `anchors`: (unit index, time) increasing in both."""
    times: list[Span | None] = [None] * count
    for i, span in anchors:
        times[i] = span
    out: list[Span] = []
    i = 0
    while i < count:
        known = times[i]
        if known is not None:
            out.append(known)
            i += 1
            continue
        j = i
        while j < count and times[j] is None:
            j += 1
        lo, hi = _room(out[-1] if out else None, times[j] if j < count else None, j - i,
                       speech, duration)
        out.extend(spread(j - i, lo, hi, speech))
        i = j
    return out


def _room(before: Span | None, after: Span | None, n: int, speech: Sequence[Span] | None,
          duration: float) -> Span:
    """The stretch of time between two anchors (or an edge of the audio) for `n` units."""
    first = speech[0][0] if speech else 0.0
    last = speech[-1][1] if speech else duration
    if before is not None and after is not None:
        return before[1], max(before[1], after[0])
    if after is not None:
        hi = after[0]
        return max(min(first, hi), hi - n * UNIT_SECONDS, 0.0), hi
    lo = before[1] if before is not None else first
    return lo, max(lo, min(max(last, lo), lo + n * UNIT_SECONDS, duration))


def spread(n: int, lo: float, hi: float, speech: Sequence[Span] | None) -> list[Span]:
    """`n` equal shares of the speech inside [lo, hi] (of all of it when there is too little)."""
    pieces = [(max(a, lo), min(b, hi)) for a, b in speech or () if b > lo and a < hi]
    if sum(b - a for a, b in pieces) < _MIN_SPEECH:
        pieces = [(lo, hi)]
    total = sum(b - a for a, b in pieces)
    return [(_at(pieces, total * k / n), _at(pieces, total * (k + 1) / n, end=True))
            for k in range(n)]


def around_gap(after: int, before: int, lo: float, hi: float, pace: float,
               speech: Sequence[Span] | None) -> list[Span]:
    """`after` units spoken right after `lo` and `before` units right before `hi`, each taking
    `pace` seconds of speech: the speech between the two is what the text lacks (an aside), so
    nothing is spread over it. The aside's edges move to a pause within LINE_EDGE where there
    is one: the pace is an average, and an aside is usually set off by pauses."""
    middle = min(walk(lo, after * pace, speech), hi)
    ends = [b for _, b in speech or () if lo <= b <= hi and abs(b - middle) < LINE_EDGE]
    middle = min(ends, key=lambda b: abs(b - middle), default=middle)
    resume = max(walk(hi, -before * pace, speech), middle)
    starts = [a for a, _ in speech or () if middle <= a <= hi and abs(a - resume) < LINE_EDGE]
    resume = min(starts, key=lambda a: abs(a - resume), default=resume)
    return spread(after, lo, middle, speech) + spread(before, resume, hi, speech)


def walk(t: float, seconds: float, speech: Sequence[Span] | None) -> float:
    """The time `seconds` of speech after `t` (before it, if negative): pauses the detector
    found do not count; past the last (or first) stretch of speech, plain time does."""
    if not speech:
        return t + seconds
    left = abs(seconds)
    if seconds >= 0:
        for a, b in speech:
            if b > t:
                a = max(a, t)
                if left <= b - a:
                    return a + left
                left -= b - a
                t = b
        return t + left
    for a, b in reversed(speech):
        if a < t:
            b = min(b, t)
            if left <= b - a:
                return b - left
            left -= b - a
            t = a
    return t - left


def _at(pieces: Sequence[Span], offset: float, end: bool = False) -> float:
    """The time `offset` seconds of speech into `pieces` (an end stays in its piece)."""
    for a, b in pieces:
        length = b - a
        if offset < length or (end and offset <= length):
            return a + offset
        offset -= length
    return pieces[-1][1]


def snap_to_speech(spans: Sequence[Span], speech: Sequence[Span],
                   sides: Sequence[int] | None = None) -> list[Span]:
    """Word spans pulled out of pauses. A start inside a pause moves to where speech resumes,
    an end inside one back to where it stopped (Whisper lets a word after a pause begin early,
    inside the pause). A word spanning a whole pause keeps one side of it: `sides[n]` is +1
    for a word that begins a line or sentence (it keeps the speech after the pause), -1 for
    one that ends it, 0 for the side holding more of the word."""
    starts = [a for a, _ in speech]
    out: list[Span] = []
    for n, (start, end) in enumerate(spans):
        k = bisect_right(starts, start) - 1  # the last stretch starting at or before `start`
        if (k < 0 or start > speech[k][1]) and k + 1 < len(speech) and speech[k + 1][0] < end:
            start = speech[k + 1][0]
        k = bisect_right(starts, end) - 1
        if k >= 0 and end > speech[k][1] and speech[k][1] > start:
            end = speech[k][1]
        k = bisect_right(starts, start) - 1
        if 0 <= k < len(speech) - 1 and speech[k][1] < speech[k + 1][0] < end:
            side = sides[n] if sides is not None else 0
            stop, resume = speech[k][1], speech[k + 1][0]
            if side == 0:
                side = 1 if end - resume > stop - start else -1
            start, end = (resume, end) if side > 0 else (start, stop)
        out.append((start, end))
    return out


def cross_pauses(spans: Sequence[Span], speech: Sequence[Span], sides: Sequence[int],
                 sure: Sequence[bool]) -> list[Span]:
    """Unsure words that begin a line, stranded at the very end of a speech stretch while the
    next word is already past the pause, move past the pause; words that end a line, stranded
    just after a pause, move before it. Interpolation and substitution pairs can leave a word
    on the wrong side of a pause; a recognised word is trusted where it is."""
    starts = [a for a, _ in speech]
    out = list(spans)
    for n, (start, end) in enumerate(spans):
        if sure[n] or not sides[n]:
            continue
        k = bisect_right(starts, start) - 1
        if sides[n] > 0 and n + 1 < len(out) and 0 <= k < len(speech) - 1:
            stop, resume = speech[k][1], speech[k + 1][0]
            if start <= stop < resume <= out[n + 1][0] and stop - start < LINE_EDGE \
                    and end <= stop + 0.05:
                out[n] = (resume, max(resume, min(out[n + 1][0], resume + end - start)))
        elif sides[n] < 0 and n > 0 and 1 <= k < len(speech):
            stop, resume = speech[k - 1][1], speech[k][0]
            if out[n - 1][1] <= stop < resume <= start and end - resume < LINE_EDGE:
                out[n] = (min(stop, max(out[n - 1][1], stop - (end - start))), stop)
    return out
