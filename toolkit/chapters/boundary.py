"""How much each gap between sentences looks like a chapter boundary, by a learned model.

A logistic regression over features that hold in any language and register: at three window
sizes, the cosine of the vectors on either side of the gap, its TextTiling depth, and the share
of words on each side that the other side lacks; then a discourse cue after the gap, whether the
sentence before it ends with a full stop (not a comma), and the lengths of the two sentences.
It is trained on synthetic documents from the corpora whose neighbouring chapters share
vocabulary, as news items or the parts of one talk do (scripts/train_boundaries.py), and its
chance per gap makes a boundary there cheaper in `segment`. No words are learned, so it cannot
memorise a subject.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..segment import closes_sentence
from .segment import _depths, _window_cosines, reach, windows
from .wordcost import WordCounts

MODEL_FILE = Path(__file__).parent / "data" / "boundary.json"
SCALES = (0.5, 1.0, 2.0)  # window sizes, in scale lengths (segment._lengths)
FEATURES = (
    *(f"{name}@{scale}" for scale in SCALES for name in ("cosine", "depth", "new", "gone")),
    "cue", "full_stop", "length_before", "length_after",
)


@dataclass(frozen=True)
class BoundaryModel:
    """Standardised features times weights, plus a bias: the log-odds of a boundary."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def chances(self, features: np.ndarray) -> np.ndarray:
        z = (features - np.array(self.mean)) / np.array(self.scale)
        return np.asarray(1.0 / (1.0 + np.exp(-(z @ np.array(self.weights) + self.bias))))

    def to_json(self) -> str:
        return json.dumps({"features": self.features, "mean": self.mean, "scale": self.scale,
                           "weights": self.weights, "bias": self.bias}, indent=1)


@lru_cache(maxsize=1)
def shipped_model() -> BoundaryModel:
    data = json.loads(MODEL_FILE.read_text("utf-8"))
    if tuple(data["features"]) != FEATURES:  # a model from other features would mislead
        raise ValueError(f"{MODEL_FILE} was trained on other features")
    return BoundaryModel(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]),
                         tuple(data["weights"]), float(data["bias"]))


def gap_features(
    x: np.ndarray,
    words: WordCounts,
    lengths: np.ndarray,
    scale_length: float,
    cues: np.ndarray,
    texts: Sequence[str],
) -> np.ndarray:
    """One row per gap (before sentence 1, 2, …), the columns of FEATURES."""
    n = len(x)
    vocab = [frozenset(ids.tolist()) for ids in words.ids]
    columns = []
    for scale in SCALES:
        size = scale * scale_length
        spans = windows(lengths, size)
        curve = _window_cosines(x, spans)
        columns += [curve, _depths(curve, reach(lengths, size)), *_novelty(vocab, *spans)]
    typical = float(np.median(lengths)) or 1.0
    full_stop = [closes_sentence(t.rstrip()) for t in texts[:-1]]
    columns += [cues, np.array(full_stop, float),
                np.log(lengths[:-1] / typical + 0.1), np.log(lengths[1:] / typical + 0.1)]
    return np.stack(columns, axis=1) if n > 1 else np.zeros((0, len(FEATURES)))


def depth_profile(features: np.ndarray) -> np.ndarray:
    """Per gap, the mean TextTiling depth over the window sizes: how sharply the vocabulary
    changes there, at more than one scale."""
    columns = [FEATURES.index(f"depth@{scale}") for scale in SCALES]
    return np.asarray(features[:, columns].mean(axis=1))


def _novelty(
    vocab: Sequence[frozenset[int]], gaps: np.ndarray, left: np.ndarray, right: np.ndarray
) -> list[np.ndarray]:
    """Per gap, the share of the word types after it that the window before lacks (a subject
    begins), and of those before it that the window after lacks (a subject ends)."""
    new, gone = np.zeros(len(gaps)), np.zeros(len(gaps))
    for k, (g, a, b) in enumerate(zip(gaps, left, right, strict=True)):
        before = frozenset().union(*vocab[a:g])
        after = frozenset().union(*vocab[g:b])
        new[k] = len(after - before) / max(1, len(after))
        gone[k] = len(before - after) / max(1, len(before))
    return [new, gone]


def fit(features: np.ndarray, labels: np.ndarray, l2: float = 1.0,
        names: Sequence[str] = FEATURES) -> BoundaryModel:
    """Logistic regression by Newton's method on standardised features (L2 on the weights)."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-9
    z = np.hstack([(features - mean) / scale, np.ones((len(features), 1))])
    w = np.zeros(z.shape[1])
    ridge = np.diag([*([l2] * (z.shape[1] - 1)), 0.0])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - labels) + ridge @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + ridge
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return BoundaryModel(tuple(names), tuple(map(float, mean)), tuple(map(float, scale)),
                         tuple(map(float, w[:-1])), float(w[-1]))
