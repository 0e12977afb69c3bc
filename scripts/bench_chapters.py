"""Time chaptering at 1×, 2× and 4× a one-hour transcript (about 15,000 Chinese characters).

    nice -n 5 python scripts/bench_chapters.py ../shared/seed/transcript_zh.txt [--method lexical]

The text (any Chinese text; spaces or 。？！ separate its pieces) is cut into timed jieba words
(4.5 characters per second), a comma after each piece and a full stop once a sentence has 30
characters, repeated as needed up to each size; timed is the pipeline's chapter step (chapters
over clauses, then sentences ended at chapter starts). Prints seconds per size and the
ratios to 1× (linear cost: about 2 and 4).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.chapters import ChapterOptions
from toolkit.chapters.words import chapters_in_words
from toolkit.text import split_text
from toolkit.types import Word

HOUR_CHARS = 15_000
CHARS_PER_SECOND = 4.5


def words(pieces: list[str], size: int) -> list[Word]:
    """Jieba words of the pieces, timed, a comma after each piece and a full stop once a
    sentence has 30 characters (so chapters are found over clauses, as in the pipeline)."""
    out: list[Word] = []
    chars, sentence, i, t = 0, 0, 0, 0.0
    while chars < size:
        piece = split_text(pieces[i % len(pieces)], "zh")
        i += 1
        for w in piece:
            seconds = len(w.text) / CHARS_PER_SECOND
            out.append(replace(w, start=t, end=t + seconds))
            t += seconds
            chars += len(w.text)
            sentence += len(w.text)
        end = sentence >= 30 or chars >= size
        out[-1] = replace(out[-1], punct="。" if end else "，")
        sentence = 0 if end else sentence
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
    chapters_in_words(words(pieces, 2000), "zh", options)  # load jieba and the tables first
    base = None
    for factor in (int(f) for f in args.sizes.split(",")):
        timed = words(pieces, factor * HOUR_CHARS)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _, sents, chapters = chapters_in_words(timed, "zh", options)
            best = min(best, time.perf_counter() - t0)
        base = base or best
        print(f"{factor}x: {len(sents)} sentences, {factor * HOUR_CHARS} chars, "
              f"{len(chapters)} chapters, {best:.2f} s, ratio {best / base:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
