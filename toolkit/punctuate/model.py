"""The trained punctuation model: a small dilated 1-D convolution net over characters, in ONNX.

Input per position: a token (a CJK character, or one whole Latin-letter or digit run), the id of
the bigram it closes, and a "boundary" class for the gap after it: 0 nothing known (plain text),
1 known continuity, 2 weak break (caption line break, 0.15–0.5 s pause), 3 strong break
(pause >= 0.5 s). Output per position: the mark written after it (see LABELS).

Long inputs run in fixed windows with context on both sides, so memory stays bounded; the
convolutions see at most the model's `context` tokens either way (stored with its vocabulary), so
the centre of each window gets exactly the predictions of one pass over the whole stream.

The tokeniser here is also what `scripts/train_punct.py` uses, so training and inference agree.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from ..types import Word

DATA_DIR = Path(__file__).parent / "data"
MODEL_FILE = DATA_DIR / "punct_zh.onnx"
VOCAB_FILE = DATA_DIR / "punct_zh.json"

# What the model predicts after a token; index = class id.
LABELS = ("", "，", "、", "。", "？", "！", "；", "：")
NONE, COMMA, ENUM, PERIOD, QUESTION, EXCLAIM, SEMI, COLON = range(len(LABELS))
SENTENCE_FINAL = frozenset({PERIOD, QUESTION, EXCLAIM})
# Marks in training text → class; a run of marks takes the highest-priority one.
MARK_CLASS = {
    "，": COMMA,
    ",": COMMA,
    "、": ENUM,
    "。": PERIOD,
    ".": PERIOD,
    "｡": PERIOD,
    "？": QUESTION,
    "?": QUESTION,
    "！": EXCLAIM,
    "!": EXCLAIM,
    "；": SEMI,
    ";": SEMI,
    "：": COLON,
    ":": COLON,
    "…": COMMA,
}
PRIORITY = (0, 2, 1, 4, 7, 6, 3, 3)  # by class id: ？ > ！ > 。 > ；=： > ， > 、

# Special token ids; vocabulary characters start at FIRST_CHAR.
PAD, UNK, LATIN_LOWER, LATIN_UPPER, NUMBER = range(5)
FIRST_CHAR = 5
SPECIAL_KEYS = ("<pad>", "<unk>", "<a>", "<A>", "<0>")

# Boundary classes for the gap after a token.
B_NONE, B_CONT, B_WEAK, B_STRONG = range(4)
WEAK_PAUSE = 0.15
STRONG_PAUSE = 0.5

# Tokens either side that can influence a prediction, for models that do not say.
CONTEXT = 32
WINDOW = 1024
BATCH_WINDOWS = 16

_LATIN = "A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a"
_DIGIT = "0-9\uff10-\uff19"
TOKEN_RE = re.compile(
    rf"(?P<lat>[{_LATIN}]+(?:['’][{_LATIN}]+)*)"
    rf"|(?P<num>[{_DIGIT}]+(?:[.,:．][{_DIGIT}]+)*%?)"
    r"|(?P<sp>\s+)"
    r"|(?P<ch>.)",
    re.S,
)


def token_key(m: re.Match[str]) -> str | None:
    """Vocabulary key of one TOKEN_RE match; None for spaces and punctuation (not tokens)."""
    kind = m.lastgroup
    text = m.group()
    if kind == "lat":
        return "<A>" if text[0].isupper() else "<a>"
    if kind == "num":
        return "<0>"
    if kind == "sp" or unicodedata.category(text).startswith("P"):
        return None
    return text


@dataclass(frozen=True)
class Vocab:
    """Token and bigram tables plus the decision bias the trainer chose on held-out data."""

    ids: dict[str, int]
    bigram_keys: npt.NDArray[np.int64]  # sorted prev_id * size + id
    none_bias: float
    context: int = CONTEXT  # tokens either side that reach a prediction

    @property
    def size(self) -> int:
        """Number of token ids (specials included): the base of the bigram keys."""
        return len(self.ids)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Vocab:
        ids = {c: i + FIRST_CHAR for i, c in enumerate(data["chars"])}
        ids.update({k: i for i, k in enumerate(SPECIAL_KEYS)})
        keys = np.asarray(data["bigrams"], dtype=np.int64)
        return cls(ids, keys, float(data.get("none_bias", 0.0)), int(data.get("context", CONTEXT)))

    def token_id(self, key: str) -> int:
        return self.ids.get(key, UNK)

    def bigram_ids(self, tokens: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Bigram id per position (0 = unknown); the first position's left neighbour is PAD."""
        prev = np.concatenate([np.zeros(1, np.int64), tokens[:-1]])
        keys = prev * self.size + tokens
        if len(self.bigram_keys) == 0:
            return np.zeros_like(tokens)
        idx = np.searchsorted(self.bigram_keys, keys)
        idx = np.minimum(idx, len(self.bigram_keys) - 1)
        return np.where(self.bigram_keys[idx] == keys, idx + 1, 0)


def _gap_classes(words: Sequence[Word], timed: bool, captioned: bool) -> npt.NDArray[np.int64]:
    """Boundary class of the gap after each word but the last (from pauses and caption breaks)."""
    b = np.full(len(words) - 1, B_NONE, dtype=np.int64)
    if timed:
        starts = np.array([w.start for w in words[1:]], dtype=np.float64)
        ends = np.array([w.end for w in words[:-1]], dtype=np.float64)
        gap = starts - ends
        b = np.where(gap >= STRONG_PAUSE, B_STRONG, np.where(gap >= WEAK_PAUSE, B_WEAK, B_CONT))
    if captioned:
        breaks = np.array([w.break_before for w in words[1:]], dtype=bool)
        b = np.maximum(b, np.where(breaks, B_WEAK, B_CONT))
    return b


def encode_words(
    words: Sequence[Word], vocab: Vocab
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Token ids, boundary classes and the index of the word that owns each token."""
    timed = bool(words) and all(w.timed for w in words)
    captioned = any(w.break_before for w in words[1:])
    # Words repeat a lot: tokenise each distinct text once.
    seen: dict[str, list[int]] = {}
    per_word: list[list[int]] = []
    for w in words:
        ids = seen.get(w.text)
        if ids is None:
            keys = (token_key(m) for m in TOKEN_RE.finditer(w.text))
            ids = seen[w.text] = [vocab.token_id(k) for k in keys if k is not None]
        per_word.append(ids)
    lengths = np.fromiter(map(len, per_word), dtype=np.int64, count=len(per_word))
    total = int(lengths.sum())
    tokens = np.fromiter(chain.from_iterable(per_word), dtype=np.int64, count=total)
    owner = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    bounds = np.full(total, B_CONT if timed or captioned else B_NONE, dtype=np.int64)
    if len(words) > 1:
        last = np.cumsum(lengths)[:-1] - 1  # last token of each word but the final one
        has = lengths[:-1] > 0
        bounds[last[has]] = _gap_classes(words, timed, captioned)[has]
    return tokens, bounds, owner


def windows(length: int, context: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each window's kept centre over a stream of `length` tokens."""
    core = WINDOW - 2 * context
    for start in range(0, length, core):
        yield start, min(start + core, length)


class _Model:
    """An ONNX session plus its vocabulary; one per process."""

    def __init__(self, model_path: Path, vocab_path: Path) -> None:
        if not model_path.is_file() or not vocab_path.is_file():
            raise ModelError(
                f"punctuation model missing ({model_path.name}); "
                "reinstall zimu or use --punctuator rules"
            )
        try:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            self.session = ort.InferenceSession(
                str(model_path), options, providers=["CPUExecutionProvider"]
            )
            self.vocab = Vocab.from_json(json.loads(vocab_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, RuntimeError) as e:
            raise ModelError(f"cannot load punctuation model {model_path.name}: {e}") from e

    def logits(
        self, tokens: npt.NDArray[np.int64], bounds: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """Per-token class scores, computed window by window (bounded memory on any length)."""
        n = len(tokens)
        out = np.zeros((n, len(LABELS)), dtype=np.float32)
        if n == 0:
            return out
        bigrams = self.vocab.bigram_ids(tokens)
        context = self.vocab.context
        spans = list(windows(n, context))
        for b in range(0, len(spans), BATCH_WINDOWS):
            batch = spans[b : b + BATCH_WINDOWS]
            width = max(end - start for start, end in batch) + 2 * context
            arrays = [np.zeros((len(batch), width), np.int64) for _ in range(3)]
            for row, (start, end) in enumerate(batch):
                lo, hi = max(0, start - context), min(n, end + context)
                at = context - (start - lo)
                for arr, src in zip(arrays, (tokens, bigrams, bounds), strict=True):
                    arr[row, at : at + hi - lo] = src[lo:hi]
            feed = dict(zip(("tokens", "bigrams", "bounds"), arrays, strict=True))
            scores = self.session.run(None, feed)[0]
            for row, (start, end) in enumerate(batch):
                out[start:end] = scores[row, context : context + end - start]
        return out


_lock = threading.Lock()
_cache: dict[tuple[Path, Path], _Model] = {}


def load_model(model_path: Path = MODEL_FILE, vocab_path: Path = VOCAB_FILE) -> _Model:
    """The process-wide model for these files, loaded on first use."""
    key = (model_path, vocab_path)
    with _lock:
        if key not in _cache:
            _cache[key] = _Model(model_path, vocab_path)
        return _cache[key]


def decide(logits: npt.NDArray[np.float32], none_bias: float) -> npt.NDArray[np.int64]:
    """Class per token: argmax after shifting the no-mark score by the tuned bias."""
    scores = logits.copy()
    scores[:, NONE] += none_bias
    labels: npt.NDArray[np.int64] = scores.argmax(axis=1).astype(np.int64)
    return labels


class ModelPunctuator:
    """Chinese punctuation from the shipped model, using caption breaks and pauses as hints.

    A mark goes after the word whose last character precedes it. (Cutting a jieba word in two
    where the model is sure of a mark inside it was measured on the TED dev set: no gain, so
    words are kept whole.)
    """

    name = "model"

    def __init__(self, model_path: Path = MODEL_FILE, vocab_path: Path = VOCAB_FILE) -> None:
        self._paths = (model_path, vocab_path)

    def punctuate(self, words: Sequence[Word], language: str) -> tuple[Word, ...]:
        if not words:
            return ()
        model = load_model(*self._paths)
        tokens, bounds, owner = encode_words(words, model.vocab)
        labels = decide(model.logits(tokens, bounds), model.vocab.none_bias)
        marks = [""] * len(words)
        is_last = np.append(owner[1:] != owner[:-1], True) if len(owner) else owner.astype(bool)
        for t in np.flatnonzero(is_last):
            marks[int(owner[t])] = LABELS[int(labels[t])]
        end = len(words) - 1
        if LABELS.index(marks[end]) not in SENTENCE_FINAL:
            marks[end] = "。"
        return tuple(
            w if (w.punct, w.lead) == (mark, "") else replace(w, punct=mark, lead="")
            for w, mark in zip(words, marks, strict=True)
        )
