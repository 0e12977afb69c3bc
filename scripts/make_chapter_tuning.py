"""Build synthetic chaptered documents for tuning chapter segmentation (never the dev set).

    python scripts/make_chapter_tuning.py ../shared/corpora /tmp/chapters_tune.jsonl --docs 40

Each document takes all its chapters from one corpus; a chapter is a run of consecutive lines
(consecutive lines mostly continue one meeting or article) starting at a random place, of
150-`--max-chars` characters (log-uniform; short, so that a run rarely crosses into
the next meeting or article, which would make a true boundary look like a false one).
Output lines match eval_chapters.py's input, titles empty.
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
import random
from pathlib import Path

# cmrc2018 is left out: its consecutive lines are unrelated articles.
CORPORA = ("audreyt_transcripts", "ly_gazette_interp", "zhwiki_sample", "drcd_wiki")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-chars", type=int, default=1200)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    lines = {}
    for name in CORPORA:
        with lzma.open(args.corpora / f"{name}.txt.xz", "rt", encoding="utf-8") as f:
            lines[name] = [ln.strip() for ln in f if ln.strip()]
    with args.out.open("w", encoding="utf-8") as out:
        for d in range(args.docs):
            name = CORPORA[d % len(CORPORA)]
            pool = lines[name]
            items = []
            for _ in range(rng.randint(6, 16)):
                target = math.exp(rng.uniform(math.log(150), math.log(args.max_chars)))
                i = rng.randrange(len(pool))
                text = ""
                while len(text) < target and i < len(pool):
                    text += pool[i]
                    i += 1
                items.append({"title": "", "text": text})
            out.write(json.dumps({"date": f"{name}-{d}", "items": items}, ensure_ascii=False))
            out.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
