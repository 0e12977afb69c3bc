"""Static word vectors distilled from multilingual-e5-small: sentence vectors at lexical speed.

scripts/build_static_embeddings.py ran e5 once over each of 40,000 entries on its own (the
36,000 most frequent jieba words of Chinese corpora and 4,000 single characters), reduced the
outputs to 128 dimensions by PCA and stored them as int8 with a smooth-inverse-frequency weight
per entry (frequent words weigh little). A sentence's vector is the weighted mean of its words'
vectors; a Chinese word the table lacks counts as its known characters, sharing its weight.
No model runs here: one dictionary lookup per word.

Derived from multilingual-e5-small (MIT licence, Copyright (c) Microsoft Corporation);
see data/STATIC_E5.txt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import ModelError

_DATA = "static_e5.npz"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class StaticTable:
    """Entry (lower case; simplified and traditional forms) → row of `vectors`, and each
    row's weight in a sentence's mean."""

    rows: dict[str, int]
    vectors: np.ndarray
    weights: np.ndarray


@lru_cache(maxsize=1)
def static_table() -> StaticTable:
    """The table shipped in data/ (read once, about 0.1 s)."""
    ref = resources.files(__package__).joinpath("data", _DATA)
    try:
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
            keys = data["keys"].tobytes().decode("utf-8").split("\n")
            rows = data["rows"].tolist()
            scales = data["scales"].astype(np.float32)
            vectors = data["vectors"].astype(np.float32) * scales[:, None]
            weights = data["weights"].astype(np.float32)
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(
            f"cannot read the chapter word vectors {_DATA} ({exc}); reinstall zimu, "
            "or use --chapter-method lexical"
        ) from None
    return StaticTable(dict(zip(keys, rows, strict=True)), vectors, weights)


def sentence_vectors(
    sentences: Sequence[Sequence[str]], table: StaticTable
) -> tuple[np.ndarray, float]:
    """One row per sentence: the weighted mean of its words' vectors (zeros when none is
    known), and the share of all words the table knew (directly or by their characters)."""
    out = np.zeros((len(sentences), table.vectors.shape[1]), dtype=np.float64)
    known = total = 0
    for i, words in enumerate(sentences):
        rows: list[int] = []
        weights: list[float] = []
        for word in words:
            total += 1
            key = word.lower()
            row = table.rows.get(key)
            if row is not None:
                rows.append(row)
                weights.append(float(table.weights[row]))
                known += 1
            elif _HAN.match(key):
                chars = [r for r in (table.rows.get(c) for c in key) if r is not None]
                rows.extend(chars)
                weights.extend(float(table.weights[r]) / len(key) for r in chars)
                known += bool(chars)
        if rows:
            w = np.array(weights)
            out[i] = w @ table.vectors[rows] / w.sum()
    return out, known / total if total else 0.0
