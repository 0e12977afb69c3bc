"""Global alignment of two unit sequences in bounded memory.

Needleman–Wunsch with affine gap costs, one numpy row at a time (the left-to-right dependency
of a row is a running maximum), on pieces small enough for a full traceback table. Long inputs
are first cut into such pieces at anchors: pinyin n-grams that occur exactly once in both
stretches, chained in order by a longest increasing subsequence; a stretch with no anchor and
still too big is cut proportionally. An hour of speech (15k+ characters) needs megabytes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .units import Unit

# Scores: same character > same pinyin > similar pinyin > anything else; a run of units left
# out costs more than the same run paired wrongly, so runs of errors still pair up.
MATCH, HOMOPHONE, NEAR, MISMATCH = 3, 2, 1, -1
GAP_OPEN, GAP = -3, -1  # the first unit of a gap, each further one
_NEG = -(10**12)
MAX_CELLS = 2_000_000  # largest table aligned in one piece (one byte a cell)
_ANCHOR_SIZES = (8, 5, 3, 2)


@dataclass(frozen=True)
class Pair:
    """Known unit `i` aligned with recognised unit `j`; `score` > 0 means they agree."""

    i: int
    j: int
    score: int


def align_units(known: Sequence[Unit], heard: Sequence[Unit],
                max_cells: int = MAX_CELLS) -> list[Pair]:
    """The pairs of a best global alignment (units left out on either side have no pair)."""
    ids = _Ids()
    a = ids.encode(known)
    b = ids.encode(heard)
    pairs: list[Pair] = []
    _align(a, b, 0, len(known), 0, len(heard), max_cells, pairs)
    pairs.sort(key=lambda p: p.i)
    return pairs


class _Ids:
    """Units → three integer arrays (char, key, fuzzy) for vectorised comparison."""

    def __init__(self) -> None:
        self.table: dict[str, int] = {}

    def _id(self, s: str) -> int:
        return self.table.setdefault(s, len(self.table))

    def encode(self, units: Sequence[Unit]) -> np.ndarray:
        out = np.zeros((3, len(units)), dtype=np.int64)
        for n, u in enumerate(units):
            out[0, n], out[1, n], out[2, n] = self._id(u.char), self._id(u.key), self._id(u.fuzzy)
        return out


def _align(a: np.ndarray, b: np.ndarray, i0: int, i1: int, j0: int, j1: int, max_cells: int,
           out: list[Pair]) -> None:
    if i0 >= i1 or j0 >= j1:
        return
    if (i1 - i0) * (j1 - j0) <= max_cells:
        out.extend(_dp(a, b, i0, i1, j0, j1))
        return
    anchors = _anchors(a, b, i0, i1, j0, j1)
    if not anchors:  # nothing certain to cut at: halve the longer side, the other in proportion
        if i1 - i0 >= j1 - j0:
            im = (i0 + i1) // 2
            jm = j0 + (j1 - j0) * (im - i0) // (i1 - i0)
        else:
            jm = (j0 + j1) // 2
            im = i0 + (i1 - i0) * (jm - j0) // (j1 - j0)
        _align(a, b, i0, im, j0, jm, max_cells, out)
        _align(a, b, im, i1, jm, j1, max_cells, out)
        return
    pi, pj = i0, j0
    for i, j in anchors:
        _align(a, b, pi, i, pj, j, max_cells, out)
        out.append(Pair(i, j, _score(a, b, i, j)))
        pi, pj = i + 1, j + 1
    _align(a, b, pi, i1, pj, j1, max_cells, out)


def _score(a: np.ndarray, b: np.ndarray, i: int, j: int) -> int:
    if a[0, i] == b[0, j]:
        return MATCH
    if a[1, i] == b[1, j]:
        return HOMOPHONE
    return NEAR if a[2, i] == b[2, j] else MISMATCH


def unit_score(known: Unit, heard: Unit) -> int:
    """The score of pairing two units (as the alignment scores it)."""
    if known.char == heard.char:
        return MATCH
    if known.key == heard.key:
        return HOMOPHONE
    return NEAR if known.fuzzy == heard.fuzzy else MISMATCH


def _anchors(a: np.ndarray, b: np.ndarray, i0: int, i1: int, j0: int, j1: int
             ) -> list[tuple[int, int]]:
    """Unit pairs inside n-grams of pinyin keys unique to both stretches, in order."""
    for n in _ANCHOR_SIZES:
        left = _grams(a[1], i0, i1, n)
        right = _grams(b[1], j0, j1, n)
        cl, cr = Counter(left), Counter(right)
        where = {g: j0 + k for k, g in enumerate(right) if cr[g] == 1}
        found: set[tuple[int, int]] = set()
        for k, g in enumerate(left):
            if cl[g] == 1 and g in where:
                found.update((i0 + k + d, where[g] + d) for d in range(n))
        chain = _increasing(sorted(found))
        # A chain must cut the work down; single stray matches in a huge stretch do not.
        if len(chain) >= max(2, n):
            return chain
    return []


def _grams(keys: np.ndarray, start: int, stop: int, n: int) -> list[tuple[int, ...]]:
    seq = keys[start:stop].tolist()
    return [tuple(seq[k : k + n]) for k in range(len(seq) - n + 1)]


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs increasing strictly in both i and j (pairs sorted by i, then j)."""
    tails: list[int] = []  # tails[k]: smallest j ending a chain of length k + 1
    ends: list[int] = []  # index (into pairs) of that chain's last pair
    back = [-1] * len(pairs)
    # Same-i pairs must not extend each other: process each i's pairs in decreasing j.
    order = sorted(range(len(pairs)), key=lambda k: (pairs[k][0], -pairs[k][1]))
    for k in order:
        j = pairs[k][1]
        pos = bisect_left(tails, j)
        back[k] = ends[pos - 1] if pos else -1
        if pos == len(tails):
            tails.append(j)
            ends.append(k)
        else:
            tails[pos], ends[pos] = j, k
    chain: list[tuple[int, int]] = []
    k = ends[-1] if ends else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _dp(a: np.ndarray, b: np.ndarray, i0: int, i1: int, j0: int, j1: int) -> list[Pair]:
    """Needleman–Wunsch with affine gaps (Gotoh) on one piece, rows vectorised with numpy.

    States: M (the units pair up), X (a known unit left out), Y (a recognised unit left out).
    Opening a gap costs more than widening one, so an aside stays one gap rather than being
    picked apart for a few chance agreements."""
    n, m = i1 - i0, j1 - j0
    bc, bk, bf = b[0, j0:j1], b[1, j0:j1], b[2, j0:j1]
    cols = np.arange(m + 1, dtype=np.int64)
    lowest = np.full(m + 1, _NEG, dtype=np.int64)
    pm = lowest.copy()
    pm[0] = 0
    px = lowest.copy()
    py = lowest.copy()
    py[1:] = GAP_OPEN + GAP * (cols[1:] - 1)
    # where each state's best came from: 0 M, 1 X, 2 Y
    from_m = np.zeros((n + 1, m + 1), dtype=np.uint8)
    from_x = np.zeros((n + 1, m + 1), dtype=np.uint8)
    from_y = np.full((n + 1, m + 1), 2, dtype=np.uint8)
    for r in range(1, n + 1):
        i = i0 + r - 1
        score = np.where(bc == a[0, i], MATCH, np.where(
            bk == a[1, i], HOMOPHONE, np.where(bf == a[2, i], NEAR, MISMATCH)))
        prev = np.stack([pm, px, py])
        came = np.argmax(prev, axis=0)  # ties go to M, then X
        best = prev.max(axis=0)
        cm = lowest.copy()
        cm[1:] = best[:-1] + score
        from_m[r, 1:] = came[:-1]
        gaps = np.stack([pm + GAP_OPEN, px + GAP, py + GAP_OPEN])
        cx = gaps.max(axis=0)
        from_x[r] = np.argmax(gaps, axis=0)
        top = np.maximum(cm, cx)
        # Y[c] = max over k < c of top[k] + GAP_OPEN + GAP * (c - 1 - k): a running maximum
        run = np.maximum.accumulate(top - GAP * cols)
        cy = lowest.copy()
        cy[1:] = run[:-1] + GAP_OPEN + GAP * (cols[1:] - 1)
        extend = np.zeros(m + 1, dtype=bool)
        extend[2:] = cy[2:] == cy[1:-1] + GAP
        from_y[r] = np.where(extend, 2, np.where(cm >= cx, 0, 1)[np.maximum(cols - 1, 0)])
        pm, px, py = cm, cx, cy
    pairs: list[Pair] = []
    r, c = n, m
    state = int(np.argmax([pm[m], px[m], py[m]]))
    while r > 0 or c > 0:
        if state == 0:
            i, j = i0 + r - 1, j0 + c - 1
            pairs.append(Pair(i, j, _score(a, b, i, j)))
            state = int(from_m[r, c])
            r, c = r - 1, c - 1
        elif state == 1:
            state = int(from_x[r, c])
            r -= 1
        else:
            state = int(from_y[r, c])
            c -= 1
    return pairs[::-1]
