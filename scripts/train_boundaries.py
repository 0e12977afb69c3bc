"""Train the chapter boundary model (toolkit/chapters/boundary.py) on synthetic documents.

    nice python scripts/train_boundaries.py ../shared/corpora toolkit/chapters/data/boundary.json

The documents come from the corpora (scripts/make_chapter_tuning.py), most of them with
neighbouring chapters drawn to share vocabulary, as news items or the parts of a talk do. Each
is read twice, as zimu reads it: with its own punctuation, and stripped and re-cut into caption
fragments then punctuated by the model. The units are the clauses chapters are found over; a
gap is a boundary where a true chapter starts within 15 characters of it (the nearest gap only).
Held-out documents (the last of each set) give the log-loss and AUC printed at the end. Never
the dev set: its documents are for measuring.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_chapters import bare, captions
from make_chapter_tuning import documents

from toolkit import segment
from toolkit.chapters import ChapterOptions, boundary_features
from toolkit.chapters.boundary import BoundaryModel, fit
from toolkit.chapters.words import CLAUSE_CHARS
from toolkit.pipeline import Options, parse_text, process

# (style, seed, neighbours drawn per chapter, documents, chapter characters from, to):
# related neighbours first; the last two hold short chapters too, as news briefs are.
SETS = (("paragraph", 101, 30, 60, 150, 1200), ("paragraph", 102, 5, 60, 150, 1200),
        ("paragraph", 103, 1, 40, 150, 1200), ("run", 104, 5, 40, 150, 1200),
        ("paragraph", 105, 30, 60, 60, 1500), ("paragraph", 106, 5, 40, 60, 1500))
HELD_OUT = 0.2
# The chapter bounds of scripts/eval_chapters.py.
OPTIONS = ChapterOptions(min_chars=150, min_sentences=2, max_chapters=40)


def examples(doc: dict[str, Any], punctuator: str, rng: random.Random
             ) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every gap between the clauses zimu finds chapters over."""
    text = "\n".join(item["text"] for item in doc["items"])
    if punctuator != "keep":
        text = captions(text, rng)
    opts = Options(language="zh", punctuator=punctuator, chapters=False)
    words = process(parse_text(text, "train", opts), opts).transcript.words
    units = segment.clauses(words, "zh", CLAUSE_CHARS)
    features = boundary_features(units, "zh", OPTIONS)
    starts = np.cumsum([len(bare(u.text)) for u in units])[:-1]  # where units 1.. start
    labels = np.zeros(len(starts))
    for true in np.cumsum([len(bare(item["text"])) for item in doc["items"]])[:-1]:
        nearest = int(np.argmin(np.abs(starts - true)))
        if abs(int(starts[nearest]) - int(true)) <= 15:
            labels[nearest] = 1.0
    return features, labels


def gathered(corpora: Path, scale: float) -> Iterator[tuple[bool, np.ndarray, np.ndarray]]:
    """(held out?, features, labels) per document and reading."""
    rng = random.Random(0)
    for style, seed, related, count, shortest, longest in SETS:
        count = max(2, round(count * scale))
        for k, doc in enumerate(documents(corpora, count, style, seed, related,
                                          max_chars=longest, min_chars=shortest)):
            held = k >= count * (1 - HELD_OUT)
            for punctuator in ("keep", "model"):
                yield (held, *examples(doc, punctuator, rng))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(len(scores))
    positive = labels == 1
    return float((ranks[positive].mean() - (positive.sum() - 1) / 2) / (~positive).sum())


def log_loss(model: BoundaryModel, features: np.ndarray, labels: np.ndarray) -> float:
    p = np.clip(model.chances(features), 1e-9, 1 - 1e-9)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the documents")
    args = ap.parse_args()
    train: list[tuple[np.ndarray, np.ndarray]] = []
    test: list[tuple[np.ndarray, np.ndarray]] = []
    for held, features, labels in gathered(args.corpora, args.scale):
        (test if held else train).append((features, labels))
    x, y = (np.concatenate(part) for part in zip(*train, strict=True))
    model = fit(x, y)
    tx, ty = (np.concatenate(part) for part in zip(*test, strict=True))
    print(f"trained on {len(y)} gaps ({int(y.sum())} boundaries); held out {len(ty)}: "
          f"log-loss {log_loss(model, tx, ty):.4f}, AUC {auc(model.chances(tx), ty):.4f}")
    final = fit(np.concatenate([x, tx]), np.concatenate([y, ty]))
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(final.to_json() + "\n", "utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
