"""Time chaptering at 1×, 2× and 4× a one-hour transcript (about 15,000 Chinese characters).

    nice -n 5 python scripts/bench_chapters.py ../shared/seed/transcript_zh.txt [--method lexical]

The text (any Chinese text; spaces or 。？！ separate its pieces) is grouped into sentences of
about 30 characters and repeated as needed up to each size, with timestamps at 4.5 characters
per second. Prints seconds per size and the ratios to 1× (linear cost: about 2 and 4).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.chapters import ChapterOptions, find_chapters
from toolkit.types import Sentence

HOUR_CHARS = 15_000
CHARS_PER_SECOND = 4.5


def sentences(pieces: list[str], size: int) -> list[Sentence]:
    out: list[Sentence] = []
    chars, buf, i, t = 0, "", 0, 0.0
    while chars < size:
        buf += pieces[i % len(pieces)]
        i += 1
        if len(buf) >= 30:
            text = buf + "。"
            seconds = len(buf) / CHARS_PER_SECOND
            out.append(Sentence(text, len(out), len(out) + 1, t, t + seconds))
            t += seconds
            chars += len(buf)
            buf = ""
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("text", type=Path)
    ap.add_argument("--method", default="auto")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs per size")
    ap.add_argument("--sizes", default="1,2,4", help="multiples of one hour to time")
    args = ap.parse_args()
    pieces = [p for p in re.split(r"[\s。？！]+", args.text.read_text("utf-8")) if p]
    options = ChapterOptions(method=args.method)
    find_chapters(sentences(pieces, 2000), "zh", options)  # load jieba (and the model) first
    base = None
    for factor in (int(f) for f in args.sizes.split(",")):
        sents = sentences(pieces, factor * HOUR_CHARS)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            chapters = find_chapters(sents, "zh", options)
            best = min(best, time.perf_counter() - t0)
        base = base or best
        print(f"{factor}x: {len(sents)} sentences, {factor * HOUR_CHARS} chars, "
              f"{len(chapters)} chapters, {best:.2f} s, ratio {best / base:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
