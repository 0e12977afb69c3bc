"""Build synthetic chaptered documents for tuning chapter segmentation (never the dev set).

    python scripts/make_chapter_tuning.py ../shared/corpora /tmp/chapters_tune.jsonl --docs 40
    python scripts/make_chapter_tuning.py ../shared/corpora /tmp/chapters_para.jsonl \\
        --style paragraph --seed 2

Each document takes all its chapters from one corpus, so neighbouring chapters share a register
the way items of one broadcast or parts of one talk do. Chapter lengths are log-uniform in
150-`--max-chars` characters. Styles:
  run        a chapter is a run of consecutive lines from a random place (consecutive lines
             mostly continue one meeting or article, but some runs drift or cross into the
             next one: noisy, topics inside a chapter can shift);
  paragraph  a chapter is one paragraph (a line at least as long as the target length), cut
             after the sentence that reaches the target: one topic per chapter, like news items.
--related N draws N candidates for each chapter and keeps the one closest in vocabulary to the
chapter before, so neighbours share a subject (harder, like neighbouring news items or the parts
of one talk; `--related 30 --style paragraph`: Pk close to the news dev set's).
Output lines match eval_chapters.py's input, titles empty.
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# cmrc2018 is left out: its consecutive lines are unrelated articles.
CORPORA = ("audreyt_transcripts", "ly_gazette_interp", "zhwiki_sample", "drcd_wiki")
# One-topic paragraphs: laws_cn's articles stand in for wiki prose's short lines.
PARAGRAPH_CORPORA = ("audreyt_transcripts", "ly_gazette_interp", "drcd_wiki", "laws_cn")
_SENTENCE_END = re.compile(r"(?<=[。？！])")


def run_chapter(pool: list[str], target: float, rng: random.Random) -> str:
    i = rng.randrange(len(pool))
    text = ""
    while len(text) < target and i < len(pool):
        text += pool[i]
        i += 1
    return text


def paragraph_chapter(pool: list[str], target: float, rng: random.Random) -> str:
    line = rng.choice(pool)
    for _ in range(500):  # a paragraph long enough for the target, when one turns up
        if len(line) >= target:
            break
        line = rng.choice(pool)
    text = ""
    for sentence in _SENTENCE_END.split(line):
        text += sentence
        if len(text) >= target:
            break
    return text


def _pairs(text: str) -> Counter[str]:
    """Character pairs of the Han runs: vocabulary without a word cutter."""
    return Counter(text[i : i + 2] for i in range(len(text) - 1)
                   if "\u4e00" <= text[i] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff")


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    """Cosine of two pair counts."""
    dot = sum(n * b[p] for p, n in a.items())
    norm = math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()))
    return dot / norm if norm else 0.0


def documents(corpora: Path, docs: int, style: str = "run", seed: int = 1, related: int = 1,
              max_chars: int = 1200, min_chars: int = 150) -> Iterator[dict[str, Any]]:
    """`docs` synthetic documents: {"date": a name, "items": [{"title": "", "text"}, ...]}."""
    rng = random.Random(seed)
    names = CORPORA if style == "run" else PARAGRAPH_CORPORA
    lines = {}
    for name in names:
        with lzma.open(corpora / f"{name}.txt.xz", "rt", encoding="utf-8") as f:
            lines[name] = [ln.strip() for ln in f if ln.strip()]
        if style == "paragraph":
            lines[name] = [ln for ln in lines[name] if len(ln) >= min_chars]
    make = run_chapter if style == "run" else paragraph_chapter
    for d in range(docs):
        name = names[d % len(names)]
        items: list[dict[str, str]] = []
        for _ in range(rng.randint(6, 16)):
            target = math.exp(rng.uniform(math.log(min_chars), math.log(max_chars)))
            drawn = [make(lines[name], target, rng) for _ in range(related)]
            if items:
                before = _pairs(items[-1]["text"])
                drawn.sort(key=lambda text: -_overlap(before, _pairs(text)))
            items.append({"title": "", "text": drawn[0]})
        yield {"date": f"{name}-{d}", "items": items}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-chars", type=int, default=150)
    ap.add_argument("--max-chars", type=int, default=1200)
    ap.add_argument("--style", choices=["run", "paragraph"], default="run")
    ap.add_argument("--related", type=int, default=1, metavar="N",
                    help="each chapter the closest in vocabulary to the one before of N drawn "
                         "(1: drawn at random), so neighbours share a subject as news items do")
    args = ap.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        for doc in documents(args.corpora, args.docs, args.style, args.seed, args.related,
                             args.max_chars, args.min_chars):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
