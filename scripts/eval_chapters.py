"""Measure chapter segmentation and titles against documents with true chapters.

    nice -n 5 python scripts/eval_chapters.py ../shared/dev/chapters/news_dev_2022.jsonl \
        --mode both --punctuator auto --min-chars 150

Input: JSONL, one document a line: {"items": [{"title", "text"}, ...]}, each item a true chapter.
Modes:
  captions  all punctuation stripped, the text re-cut into caption-like fragments (6-16
            characters at random, seeded) separated by spaces, then zimu's full text path:
            words, punctuation, sentences, chapters.
  gold      the same path with the gold punctuation kept (segmentation errors only).
Figures (means over documents): Pk and WindowDiff over characters (k = half the mean true
chapter length), boundary F1 within ±1 sentence, predicted/true chapter counts, and the
character-level ROUGE-L F of each predicted title against the title of the true chapter it
overlaps most; and "on-sentence", the share of true boundaries where an output sentence starts
(from captions: what punctuation and chapter starts make of them; a boundary that falls inside
a sentence cannot be hit exactly). Measuring only: never tune on these documents (tune on
synthetic ones from scripts/make_chapter_tuning.py). --oracle-count (a diagnostic) takes away
the price per chapter and caps the count at the true one, to see placement quality apart from
the count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.chapters import ChapterOptions
from toolkit.types import Chapter, Sentence

_PUNCT = re.compile(r"[^\w]|_")


def bare(text: str) -> str:
    """Text without punctuation or spaces: what both sides share character for character."""
    return _PUNCT.sub("", text)


def captions(text: str, rng: random.Random) -> str:
    """Punctuation stripped, cut into 6-16 character fragments separated by spaces."""
    chars = re.sub(r"[^\w]+|_", " ", text)
    chars = re.sub(r"\s+", " ", chars).strip()
    out, i = [], 0
    while i < len(chars):
        n = rng.randint(6, 16)
        out.append(chars[i : i + n].strip())
        i += n
    return " ".join(f for f in out if f)


def chaptered(text: str, language: str, punctuator: str, options: ChapterOptions
              ) -> tuple[tuple[Sentence, ...], tuple[Chapter, ...]]:
    """zimu's text path: words, punctuation (`keep`: the text's own), sentences, chapters."""
    from toolkit.pipeline import Options, parse_text, process

    opts = Options(language=language, punctuator=punctuator, chapter_options=asdict(options))
    doc = process(parse_text(text, "captions", opts), opts)
    return doc.sentences, doc.chapters


# --- metrics -------------------------------------------------------------------------------


def labels(lengths: Sequence[int], groups: Sequence[tuple[int, int]]) -> list[int]:
    """Chapter id of every character, given per-unit character counts and unit ranges."""
    out: list[int] = []
    for cid, (a, b) in enumerate(groups):
        out.extend([cid] * sum(lengths[a:b]))
    return out


def pk_windowdiff(ref: Sequence[int], hyp: Sequence[int], k: int) -> tuple[float, float]:
    n = min(len(ref), len(hyp))
    if n <= k:
        return 0.0, 0.0
    pk = wd = 0
    for i in range(n - k):
        pk += (ref[i] == ref[i + k]) != (hyp[i] == hyp[i + k])
        wd += (ref[i + k] - ref[i]) != (hyp[i + k] - hyp[i])
    return pk / (n - k), wd / (n - k)


def boundary_f1(ref: Sequence[int], hyp: Sequence[int], tolerance: int = 1) -> float:
    """Boundaries as sentence indices; each true one matches at most one predicted one."""
    if not ref and not hyp:
        return 1.0
    unused = sorted(hyp)
    hits = 0
    for r in sorted(ref):
        near = [h for h in unused if abs(h - r) <= tolerance]
        if near:
            unused.remove(min(near, key=lambda h: (abs(h - r), h)))
            hits += 1
    p = hits / len(hyp) if hyp else 0.0
    r_ = hits / len(ref) if ref else 0.0
    return 2 * p * r_ / (p + r_) if p + r_ else 0.0


def rouge_l(a: str, b: str) -> float:
    a, b = bare(a), bare(b)
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    lcs = prev[-1]
    if not lcs:
        return 0.0
    p, r = lcs / len(a), lcs / len(b)
    return 2 * p * r / (p + r)


@dataclass(frozen=True)
class Score:
    pk: float
    wd: float
    f1: float
    predicted: int
    true: int
    rouge: float
    on_sentence: float


def score(items: Sequence[dict[str, str]], sents: Sequence[Sentence],
          chapters: Sequence[Chapter]) -> Score:
    true_lengths = [len(bare(it["text"])) for it in items]
    sent_lengths = [len(bare(s.text)) for s in sents]
    ref = labels(true_lengths, [(i, i + 1) for i in range(len(items))])
    hyp = labels(sent_lengths, [(c.first, c.last) for c in chapters])
    k = max(2, round(len(ref) / len(items) / 2))
    pk, wd = pk_windowdiff(ref, hyp, k)
    # True boundaries as the sentence index holding their first character.
    starts, pos = [], 0
    for n in sent_lengths:
        starts.append(pos)
        pos += n
    cuts = list(itertools.accumulate(true_lengths[:-1]))  # true boundaries, in characters
    true_b = []
    for acc in cuts:
        idx = max(i for i, s in enumerate(starts) if s <= acc) if starts else 0
        into = acc - starts[idx]
        if into > 0 and sent_lengths[idx] and into > sent_lengths[idx] / 2:
            idx += 1  # the boundary falls in the later half of that sentence
        true_b.append(idx)
    f1 = boundary_f1(true_b, [c.first for c in chapters[1:]])
    on_sentence = len(set(cuts) & set(starts)) / max(1, len(set(cuts)))
    rouges = []
    for c in chapters:
        span = hyp_span = (sum(sent_lengths[: c.first]), sum(sent_lengths[: c.last]))
        overlap = [0] * len(items)
        for i in range(*hyp_span):
            if i < len(ref):
                overlap[ref[i]] += 1
        del span
        best = max(range(len(items)), key=lambda j: (overlap[j], -j))
        rouges.append(rouge_l(c.title, items[best]["title"]))
    return Score(pk, wd, f1, len(chapters), len(items), sum(rouges) / max(1, len(rouges)),
                 on_sentence)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("--mode", choices=["captions", "gold", "both"], default="both")
    ap.add_argument("--language", default="zh")
    ap.add_argument("--punctuator", default="auto")
    ap.add_argument("--method", default="auto")
    ap.add_argument("--min-chars", type=int, default=150)
    ap.add_argument("--min-sentences", type=int, default=2)
    ap.add_argument("--max-chapters", type=int, default=40)
    ap.add_argument("--penalty", type=float, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="first N documents only")
    ap.add_argument("--show", action="store_true", help="print each document's chapter titles")
    ap.add_argument("--oracle-count", action="store_true",
                    help="diagnostic: no price per chapter, at most the true count "
                         "(mostly the true count: placement quality alone)")
    args = ap.parse_args(argv)

    docs = [json.loads(line) for line in args.jsonl.read_text("utf-8").splitlines() if line]
    if args.limit:
        docs = docs[: args.limit]
    options = ChapterOptions(
        min_chars=args.min_chars, min_sentences=args.min_sentences,
        max_chapters=args.max_chapters, method=args.method, penalty=args.penalty,
    )
    modes = ["captions", "gold"] if args.mode == "both" else [args.mode]
    for mode in modes:
        rng = random.Random(args.seed)
        scores: list[Score] = []
        t0 = time.perf_counter()
        punctuator = args.punctuator
        for doc in docs:
            items = doc["items"]
            text = "\n".join(it["text"] for it in items)
            doc_options = options
            if args.oracle_count:  # no price per chapter and a cap at the true count
                doc_options = replace(options, penalty=0.0, max_chapters=len(items))
            if mode == "gold":
                sents, chapters = chaptered(text, args.language, "keep", doc_options)
            else:
                fragments = captions(text, rng)
                try:
                    sents, chapters = chaptered(fragments, args.language, punctuator, doc_options)
                except Exception as exc:  # the model may not be built yet: say so, use rules
                    if punctuator == "rules":
                        raise
                    print(f"# punctuator {punctuator!r} failed ({exc}); using 'rules'")
                    punctuator = "rules"
                    sents, chapters = chaptered(fragments, args.language, punctuator, doc_options)
            s = score(items, sents, chapters)
            scores.append(s)
            if args.show:
                print(f"  {doc.get('date', '')} pk={s.pk:.3f} n={s.predicted}/{s.true}: "
                      + " | ".join(c.title for c in chapters))
        def mean(f: Callable[[Score], float], scores: list[Score] = scores) -> float:
            return sum(f(s) for s in scores) / len(scores)

        n = len(scores)
        label = mode if mode == "gold" else f"captions/{punctuator}"
        print(
            f"{label:16s} method={args.method} docs={n} Pk={mean(lambda s: s.pk):.3f} "
            f"WD={mean(lambda s: s.wd):.3f} F1±1={mean(lambda s: s.f1):.3f} "
            f"chapters={mean(lambda s: s.predicted):.1f}/{mean(lambda s: s.true):.1f} "
            f"ROUGE-L={mean(lambda s: s.rouge):.3f} "
            f"on-sentence={mean(lambda s: s.on_sentence):.3f} ({time.perf_counter() - t0:.1f}s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
