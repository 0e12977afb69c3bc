"""Train zimu's Chinese punctuation model on CPU and export it to ONNX (inference needs no PyTorch).

The shipped model was trained in three stages (210 minutes on a shared 2-core CPU in all):

    # 1. the plain net: 90 minutes, about 7,400 steps of 64 windows of 256 tokens
    python scripts/train_punct.py --corpora ../shared/corpora --out /tmp/zimu_punct1/out \
        --work /tmp/zimu_punct1 --time-budget 5400 --threads 1 --eval-every 500 \
        --no-mix --drop-chars 0 --drop-bigrams 0
    # 2. pointwise layers added (starting as the identity) and input dropout: 80 minutes more
    python scripts/train_punct.py --corpora ../shared/corpora --out /tmp/zimu_punct2/out \
        --work /tmp/zimu_punct2 --init /tmp/zimu_punct1/best.pt --lr 1e-3 \
        --time-budget 4800 --threads 1 --eval-every 500
    # 3. spoken pause particles (咱们呢，…) inserted before 3% of the commas: 40 minutes more
    python scripts/train_punct.py --corpora ../shared/corpora --out toolkit/punctuate/data \
        --work /tmp/zimu_punct3 --init /tmp/zimu_punct2/best.pt --lr 5e-4 --particles 0.03 \
        --time-budget 2400 --threads 1 --eval-every 500

(`--max-steps N --time-budget 1e9` makes the length independent of machine speed; the default
flags train stage 2's architecture from scratch.)
One thread beats two when other jobs share the cores; bfloat16 autocast (default) is 1.6x
faster than float32 on CPUs with AVX-512 BF16.

Steps: (1) tokenise every corpus (*.txt.xz, one paragraph a line) with the tokeniser of
toolkit/punctuate/model.py into a cache; (2) build the character and bigram vocabularies from the
training part; (3) train on random windows, each with one of three hint styles (no hints,
simulated caption line breaks, simulated pauses), validating on a held-out tail of every corpus;
(4) pick the no-mark bias that maximises held-out F1 and export the best checkpoint.

Needs `pip install torch==2.13.0 onnx` (CPU); neither is a runtime dependency of zimu.
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.punctuate.model import (
    B_CONT,
    B_NONE,
    B_WEAK,
    COLON,
    COMMA,
    ENUM,
    EXCLAIM,
    FIRST_CHAR,
    LABELS,
    MARK_CLASS,
    PAD,
    PERIOD,
    PRIORITY,
    QUESTION,
    SEMI,
    SPECIAL_KEYS,
    TOKEN_RE,
    UNK,
    token_key,
)

# Sampling weight of each corpus: spoken material first (zimu punctuates speech).
WEIGHTS = {
    "audreyt_transcripts": 0.40,
    "ly_gazette_interp": 0.25,
    "laws_cn": 0.05,
    "drcd_wiki": 0.04,
    "cmrc2018_wiki": 0.03,
    "zhwiki_sample": 0.02,
    "kdconv_dialogue": 0.06,
    "crosswoz_dialogue": 0.05,
    "tatoeba_cmn": 0.03,
    "commonvoice_zhCN_sentences": 0.04,
    "d2l_zh_prose": 0.03,
}
VAL_FRACTION = 0.01
SPECIAL_CODE = {k: i for i, k in enumerate(SPECIAL_KEYS)}
CODE_OFFSET = 16  # raw code of a character = ord + offset (keeps clear of the special codes)
SENT_END = (PERIOD, QUESTION, EXCLAIM)
CLAUSE = (COMMA, SEMI, COLON)
# Scored classes, as in the TED benchmark.
GROUPS = {"COMMA": (COMMA, ENUM, SEMI, COLON), "PERIOD": (PERIOD, EXCLAIM), "QUESTION": (QUESTION,)}


# ---------------------------------------------------------------- corpus cache


def encode_lines(lines: Iterator[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw token codes, mark class after each token, and the index of each line's first token."""
    codes: list[int] = []
    labels: list[int] = []
    starts: list[int] = []
    for line in lines:
        starts.append(len(codes))
        for m in TOKEN_RE.finditer(line):
            if m.lastgroup == "ch":
                cls = MARK_CLASS.get(m.group())
                if cls is not None:
                    if len(codes) > starts[-1] and PRIORITY[cls] > PRIORITY[labels[-1]]:
                        labels[-1] = cls
                    continue
            key = token_key(m)
            if key is None:
                continue
            codes.append(SPECIAL_CODE[key] if key in SPECIAL_CODE else ord(key) + CODE_OFFSET)
            labels.append(0)
        if len(codes) == starts[-1]:
            starts.pop()
    return (
        np.asarray(codes, dtype=np.uint32),
        np.asarray(labels, dtype=np.uint8),
        np.asarray(starts, dtype=np.int64),
    )


def load_corpora(corpora: Path, cache: Path) -> dict[str, dict[str, np.ndarray]]:
    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in WEIGHTS:
        src = corpora / f"{name}.txt.xz"
        dst = cache / f"{name}.npz"
        if not dst.exists():
            t = time.time()
            with lzma.open(src, "rt", encoding="utf-8") as f:
                codes, labels, starts = encode_lines(line.strip() for line in f)
            np.savez(dst, codes=codes, labels=labels, starts=starts)
            print(f"cached {name}: {len(codes):,} tokens in {time.time() - t:.0f}s", flush=True)
        with np.load(dst) as z:
            out[name] = {k: z[k] for k in ("codes", "labels", "starts")}
    return out


def split(data: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Training head and held-out tail (cut at a line start)."""
    starts = data["starts"]
    cut = int(starts[int(len(starts) * (1 - VAL_FRACTION))])
    head = {
        "codes": data["codes"][:cut],
        "labels": data["labels"][:cut],
        "starts": starts[starts < cut],
    }
    tail = {
        "codes": data["codes"][cut:],
        "labels": data["labels"][cut:],
        "starts": starts[starts >= cut] - cut,
    }
    return head, tail


def build_vocab(
    train: dict[str, dict[str, np.ndarray]],
    max_chars: int,
    min_count: int,
    max_bigrams: int,
    min_bigram: int,
) -> dict[str, object]:
    all_codes = np.concatenate([d["codes"] for d in train.values()])
    values, counts = np.unique(all_codes[all_codes >= CODE_OFFSET], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    keep = [int(values[i]) for i in order[:max_chars] if counts[i] >= min_count]
    chars = [chr(c - CODE_OFFSET) for c in keep]
    size = len(chars) + FIRST_CHAR
    lookup = make_lookup(chars)
    pair_counts: dict[int, int] = {}
    keys_all = []
    for d in train.values():
        ids = map_codes(d["codes"], lookup)
        keys_all.append(np.concatenate([[0], ids[:-1]]) * size + ids)
    keys, kc = np.unique(np.concatenate(keys_all), return_counts=True)
    del pair_counts
    order = np.argsort(-kc, kind="stable")[:max_bigrams]
    order = order[kc[order] >= min_bigram]
    bigrams = sorted(int(k) for k in keys[order])
    return {"chars": chars, "bigrams": bigrams, "none_bias": 0.0}


def make_lookup(chars: list[str]) -> tuple[np.ndarray, np.ndarray]:
    codes = np.asarray([ord(c) + CODE_OFFSET for c in chars], dtype=np.int64)
    order = np.argsort(codes)
    return codes[order], (order + FIRST_CHAR).astype(np.int64)


def map_codes(codes: np.ndarray, lookup: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Raw codes → vocabulary ids (specials keep their id, unknown characters → UNK)."""
    keys, ids = lookup
    c = codes.astype(np.int64)
    idx = np.minimum(np.searchsorted(keys, c), len(keys) - 1)
    out = np.where(keys[idx] == c, ids[idx], UNK)
    return np.where(c < CODE_OFFSET, c, out)


def bigram_ids(prev: np.ndarray, ids: np.ndarray, size: int, bigrams: np.ndarray) -> np.ndarray:
    keys = prev * size + ids
    idx = np.minimum(np.searchsorted(bigrams, keys), len(bigrams) - 1)
    return np.where(bigrams[idx] == keys, idx + 1, 0)


# ---------------------------------------------------------------- hint simulation


def simulate_captions(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Caption line breaks as captioners make them: mostly at clause ends, else when full."""
    p_sent = rng.uniform(0.3, 0.95)
    p_clause = rng.uniform(0.1, 0.7)
    lo = int(rng.integers(5, 10))
    hi = lo + int(rng.integers(4, 14))
    bounds = np.full(len(labels), B_CONT, dtype=np.int64)
    since, target = int(rng.integers(0, hi)), int(rng.integers(lo, hi + 1))
    draws = rng.random(len(labels))
    for i, lab in enumerate(labels.tolist()):
        since += 1
        brk = False
        if lab in SENT_END:
            brk = draws[i] < p_sent
        elif lab in CLAUSE or lab == ENUM:
            brk = since >= 3 and draws[i] < (p_clause if lab != ENUM else p_clause / 3)
        if not brk and since >= target:
            brk = True
        if brk:
            bounds[i] = B_WEAK
            since, target = 0, int(rng.integers(lo, hi + 1))
    return bounds


# P(continuity, weak, strong) of the pause after a token, by the mark written there.
PAUSES = {
    "sent": (0.10, 0.25, 0.65),
    "clause": (0.30, 0.45, 0.25),
    "enum": (0.60, 0.30, 0.10),
    "none": (0.85, 0.12, 0.03),
}


def simulate_pauses(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pauses between words: long at sentence ends, medium at commas, short elsewhere; noisy."""
    kind = np.full(len(labels), 3)
    kind[np.isin(labels, SENT_END)] = 0
    kind[np.isin(labels, CLAUSE)] = 1
    kind[labels == ENUM] = 2
    # Speakers differ: shift some probability mass towards or away from pausing.
    tempo = rng.uniform(-0.08, 0.08)
    table = np.array([PAUSES["sent"], PAUSES["clause"], PAUSES["enum"], PAUSES["none"]])
    table[:, 0] = np.clip(table[:, 0] + tempo, 0.02, 0.97)
    table = table / table.sum(axis=1, keepdims=True)
    cum = table.cumsum(axis=1)[kind]
    u = rng.random(len(labels))[:, None]
    bounds: np.ndarray = (B_CONT + (u > cum[:, :2]).sum(axis=1)).astype(np.int64)
    return bounds


# ---------------------------------------------------------------- spoken particles

# Spoken Mandarin marks a topic with a pause particle before the pause: 咱们呢，就得…;
# 这个时候啊，…. Edited transcripts drop them, so in the corpora 呢 precedes ？ 91-98% of the
# time and the model learnt 呢 → ？. Inserting them before some commas teaches it the pause.
PARTICLES = ("呢", "啊", "吧", "嘛")
PARTICLE_SHARE = (0.6, 0.2, 0.1, 0.1)
# A clause that asks (为什么…, 是不是…) is not given one: there the particle stays a question.
QUESTION_CHARS = "什怎谁哪吗何"
NEGATIONS = "不没"


def insert_particles(
    tokens: np.ndarray, labels: np.ndarray, rate: float, particle_ids: np.ndarray,
    question_ids: np.ndarray, negation_ids: np.ndarray, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """A particle before a `rate` share of the commas that end a clause without a question
    word or an A-not-A question (是不是); the comma moves to the particle."""
    asks = np.isin(tokens, question_ids)
    asks[1:-1] |= np.isin(tokens[1:-1], negation_ids) & (tokens[:-2] == tokens[2:])
    asked = np.concatenate([[0], np.cumsum(asks)])  # asked[i]: question words before token i
    marks = np.flatnonzero(labels > 0)
    at = np.flatnonzero((labels == COMMA) & ~np.isin(tokens, particle_ids))
    previous = np.searchsorted(marks, at) - 1  # the mark before each comma: its clause start
    start = np.where(previous >= 0, marks[np.maximum(previous, 0)] + 1, 0)
    at = at[(asked[at + 1] == asked[start]) & (rng.random(len(at)) < rate)]
    if not len(at):
        return tokens, labels
    chosen = rng.choice(particle_ids, size=len(at), p=PARTICLE_SHARE)
    new_labels = labels.copy()
    new_labels[at] = 0
    tokens = np.insert(tokens, at + 1, chosen)
    labels = np.insert(new_labels, at + 1, COMMA)
    return tokens, labels


# ---------------------------------------------------------------- batches


class Sampler:
    def __init__(
        self,
        parts: dict[str, dict[str, np.ndarray]],
        lookup: tuple[np.ndarray, np.ndarray],
        size: int,
        bigrams: np.ndarray,
        length: int,
        seed: int,
        drop_chars: float = 0.0,
        drop_bigrams: float = 0.0,
        particles: float = 0.0,
    ) -> None:
        self.parts = {
            k: {
                "ids": map_codes(v["codes"], lookup),
                "labels": v["labels"].astype(np.int64),
                "starts": v["starts"],
            }
            for k, v in parts.items()
            if len(v["codes"]) > length + 2
        }
        names = list(self.parts)
        w = np.array([WEIGHTS[n] for n in names])
        self.names, self.weights = names, w / w.sum()
        self.size, self.bigrams, self.length = size, bigrams, length
        self.drop_chars, self.drop_bigrams = drop_chars, drop_bigrams
        self.particles = particles
        self.particle_ids, self.question_ids, self.negation_ids = (
            map_codes(np.array([ord(c) + CODE_OFFSET for c in chars], dtype=np.uint32), lookup)
            for chars in (PARTICLES, QUESTION_CHARS, NEGATIONS)
        )
        self.rng = np.random.default_rng(seed)

    def window(self, name: str, mode: int) -> tuple[np.ndarray, ...]:
        part, rng, n = self.parts[name], self.rng, self.length
        ids = np.full(n + 1, PAD, np.int64)
        labels = np.full(n, -100, np.int64)
        total = len(part["ids"])
        edge = rng.random()
        if edge < 0.08:  # start of a document: padding on the left
            k = int(rng.integers(1, n // 2))
            s = int(rng.choice(part["starts"]))
            seg = slice(s, min(s + n - k, total))
            m = seg.stop - seg.start
            ids[1 + k : 1 + k + m], labels[k : k + m] = part["ids"][seg], part["labels"][seg]
            first, last = k, k + m
        elif edge < 0.16:  # end of a document: padding on the right
            k = int(rng.integers(1, n // 2))
            e = int(rng.choice(part["starts"][1:])) if len(part["starts"]) > 1 else total
            seg = slice(max(0, e - (n - k)), e)
            m = seg.stop - seg.start
            ids[1 : 1 + m], labels[:m] = part["ids"][seg], part["labels"][seg]
            if seg.start > 0:
                ids[0] = part["ids"][seg.start - 1]
            first, last = 0, m
        else:
            s = int(rng.integers(1, total - n))
            ids[:] = part["ids"][s - 1 : s + n]
            labels[:] = part["labels"][s : s + n]
            first, last = 0, n
            if self.particles:  # longer after insertion: keep the first n
                more, more_labels = insert_particles(
                    ids[1:], labels, self.particles, self.particle_ids, self.question_ids,
                    self.negation_ids, rng,
                )
                ids[1:], labels[:] = more[:n], more_labels[:n]
        if self.drop_chars:  # unknown characters, as in names and ASR errors the model never saw
            hit = (ids >= FIRST_CHAR) & (rng.random(n + 1) < self.drop_chars)
            ids[hit] = UNK
        tokens = ids[1:]
        bigram = bigram_ids(ids[:-1], tokens, self.size, self.bigrams)
        if self.drop_bigrams:  # lean on the characters' context, not only on memorised pairs
            bigram[rng.random(n) < self.drop_bigrams] = 0
        bounds = np.zeros(n, np.int64)
        real = labels[first:last]
        if mode == 1:
            bounds[first:last] = simulate_captions(real, rng)
        elif mode == 2:
            bounds[first:last] = simulate_pauses(real, rng)
        if mode and last < n:  # the end of an input carries no pause or break after it
            bounds[last - 1] = B_CONT
        bounds[:first] = B_NONE
        bounds[last:] = B_NONE
        bigram[tokens == PAD] = 0
        return tokens, bigram, bounds, labels

    def batch(self, size: int, modes: tuple[float, float, float]) -> tuple[np.ndarray, ...]:
        names = self.rng.choice(self.names, size=size, p=self.weights)
        ms = self.rng.choice(3, size=size, p=modes)
        rows = [self.window(str(nm), int(m)) for nm, m in zip(names, ms, strict=True)]
        return tuple(np.stack(col) for col in zip(*rows, strict=True))


# ---------------------------------------------------------------- model


def make_model(
    vocab_size: int, n_bigrams: int, width: int, dilations: tuple[int, ...], mix: bool
) -> Any:
    import torch
    from torch import nn

    class Block(nn.Module):
        """Dilated convolution, then (with `mix`) a pointwise layer that recombines channels."""

        def __init__(self, d: int) -> None:
            super().__init__()
            self.conv = nn.Conv1d(width, width, 3, padding=d, dilation=d)
            self.mix = nn.Conv1d(width, width, 1) if mix else None
            if self.mix is not None:  # identity at first: a checkpoint without it loads exactly
                nn.init.eye_(self.mix.weight[:, :, 0])
                nn.init.zeros_(self.mix.bias)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = torch.relu(self.conv(x))
            return x + (self.mix(y) if self.mix is not None else y)

    class PunctNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.chars = nn.Embedding(vocab_size, width, padding_idx=PAD)
            self.bigrams = nn.Embedding(n_bigrams + 1, 64)
            self.bigram_proj = nn.Linear(64, width, bias=False)
            self.bounds = nn.Embedding(4, width)
            self.blocks = nn.ModuleList(Block(d) for d in dilations)
            self.out = nn.Linear(width, len(LABELS))

        def forward(
            self, tokens: torch.Tensor, bigrams: torch.Tensor, bounds: torch.Tensor
        ) -> torch.Tensor:
            x = self.chars(tokens) + self.bigram_proj(self.bigrams(bigrams)) + self.bounds(bounds)
            x = x.transpose(1, 2)
            for block in self.blocks:
                x = block(x)
            y: torch.Tensor = self.out(x.transpose(1, 2))
            return y

    return PunctNet()


# ---------------------------------------------------------------- scoring


def confusion(pred: np.ndarray, gold: np.ndarray) -> dict[str, tuple[int, int, int]]:
    """Per scored class: (true positives, false positives, false negatives)."""
    out = {}
    for name, members in GROUPS.items():
        p, g = np.isin(pred, members), np.isin(gold, members)
        out[name] = (int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum()))
    return out


def f1_table(conf: dict[str, tuple[int, int, int]]) -> dict[str, float]:
    scores = {}
    for name, (tp, fp, fn) in conf.items():
        scores[name] = 2 * tp / max(1, 2 * tp + fp + fn)
    scores["OVERALL"] = sum(scores.values()) / len(GROUPS)
    return scores


def predict(
    model: Any, batches: list[tuple[np.ndarray, ...]], torch: Any
) -> tuple[np.ndarray, np.ndarray]:
    model.eval()
    logits, golds = [], []
    with torch.no_grad():
        for tokens, bigram, bounds, labels in batches:
            out = model(
                torch.from_numpy(tokens), torch.from_numpy(bigram), torch.from_numpy(bounds)
            )
            keep = labels >= 0
            logits.append(out.numpy()[keep])
            golds.append(labels[keep])
    model.train()
    return np.concatenate(logits), np.concatenate(golds)


def best_bias(logits: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    best = (0.0, -1.0)
    for bias in np.arange(-1.5, 1.51, 0.25):
        scores = logits.copy()
        scores[:, 0] += bias
        f = f1_table(confusion(scores.argmax(1), gold))["OVERALL"]
        if f > best[1]:
            best = (float(bias), f)
    return best


# ---------------------------------------------------------------- export


def export(model: Any, vocab: dict[str, Any], out: Path, torch: Any) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    t = torch.zeros((2, 64), dtype=torch.int64)
    onnx_path = out / "punct_zh.onnx"
    torch.onnx.export(
        model,
        (t, t, t),
        str(onnx_path),
        input_names=["tokens", "bigrams", "bounds"],
        output_names=["logits"],
        opset_version=17,
        dynamo=False,
        dynamic_axes={
            n: {0: "batch", 1: "time"} for n in ("tokens", "bigrams", "bounds", "logits")
        },
    )
    (out / "punct_zh.json").write_text(
        json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(f"exported {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB)", flush=True)


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", type=Path, required=True, help="folder of *.txt.xz corpora")
    ap.add_argument("--out", type=Path, default=Path("toolkit/punctuate/data"))
    ap.add_argument(
        "--work", type=Path, default=Path("/tmp/zimu_punct"), help="cache and checkpoints"
    )
    ap.add_argument("--time-budget", type=float, default=3600.0, help="seconds of training")
    ap.add_argument("--max-steps", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--length", type=int, default=256)
    ap.add_argument("--width", type=int, default=160)
    ap.add_argument("--dilations", default="1,2,4,8,16")
    ap.add_argument(
        "--mix",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a pointwise layer after each dilated convolution",
    )
    ap.add_argument("--drop-chars", type=float, default=0.05, help="chance a char becomes UNK")
    ap.add_argument("--drop-bigrams", type=float, default=0.15, help="chance a bigram is hidden")
    ap.add_argument(
        "--particles", type=float, default=0.0,
        help="share of commas given a spoken pause particle before them (呢，啊，)",
    )
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--bf16",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="bfloat16 autocast for training steps (1.6x faster on AVX-512 BF16 CPUs)",
    )
    ap.add_argument(
        "--init", type=Path, help="start from this checkpoint (missing pointwise layers added)"
    )
    ap.add_argument(
        "--export-only", action="store_true", help="export the best checkpoint in --work"
    )
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dilations = tuple(int(d) for d in args.dilations.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    vocab_path = args.work / "vocab.json"
    best_path = args.work / "best.pt"

    data = load_corpora(args.corpora, args.work / "cache")
    halves = {k: split(v) for k, v in data.items()}
    train = {k: h for k, (h, _) in halves.items()}
    val = {k: t for k, (_, t) in halves.items()}
    for k in WEIGHTS:
        print(
            f"{k}: train {len(train[k]['codes']):,} val {len(val[k]['codes']):,} tokens", flush=True
        )
    if vocab_path.exists():
        vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
    else:
        vocab = build_vocab(train, max_chars=7000, min_count=3, max_bigrams=60_000, min_bigram=5)
        vocab_path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    vocab["context"] = sum(dilations) + 1  # kernel 3: each block sees its dilation either way
    chars: list[str] = vocab["chars"]
    size = len(chars) + FIRST_CHAR
    bigrams = np.asarray(vocab["bigrams"], dtype=np.int64)
    print(f"vocab {size} tokens, {len(bigrams)} bigrams", flush=True)
    lookup = make_lookup(chars)
    model = make_model(size, len(bigrams), args.width, dilations, args.mix)

    val_sampler = Sampler(val, lookup, size, bigrams, args.length, seed=12345)
    val_batches = {
        m: [val_sampler.batch(64, (float(m == 0), float(m == 1), float(m == 2))) for _ in range(12)]
        for m in range(3)
    }

    if args.export_only:
        model.load_state_dict(torch.load(best_path))
        logits, gold = zip(*(predict(model, val_batches[m], torch) for m in range(3)), strict=True)
        vocab["none_bias"], f = best_bias(np.concatenate(logits), np.concatenate(gold))
        print(f"none_bias {vocab['none_bias']:+.2f}: held-out OVERALL {f:.3f}", flush=True)
        export(model, vocab, args.out, torch)
        return

    if args.init:
        missing, unexpected = model.load_state_dict(torch.load(args.init), strict=False)
        assert not unexpected and all(k.startswith("blocks.") for k in missing), missing
        for k, block in enumerate(model.blocks):
            if f"blocks.{k}.conv.weight" in missing and block.mix is not None:
                torch.nn.init.zeros_(block.mix.weight)  # a new block starts as the identity
        print(f"started from {args.init} ({len(missing)} new tensors)", flush=True)
    sampler = Sampler(
        train,
        lookup,
        size,
        bigrams,
        args.length,
        seed=args.seed,
        drop_chars=args.drop_chars,
        drop_bigrams=args.drop_bigrams,
        particles=args.particles,
    )
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    t0 = time.time()
    best = -1.0
    step = 0
    running = 0.0
    modes = (0.4, 0.3, 0.3)
    while step < args.max_steps:
        progress = max(step / args.max_steps, (time.time() - t0) / args.time_budget)
        if progress >= 1:
            break
        warm = min(1.0, (step + 1) / 300)
        lr = args.lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        tokens, bigram, bounds, labels = (
            torch.from_numpy(a) for a in sampler.batch(args.batch, modes)
        )
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            logits = model(tokens, bigram, bounds)
        loss = loss_fn(logits.float().reshape(-1, len(LABELS)), labels.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        step += 1
        if step % args.eval_every == 0:
            line = []
            overall = []
            for m, name in enumerate(("plain", "caption", "pause")):
                lg, gd = predict(model, val_batches[m], torch)
                table = f1_table(confusion(lg.argmax(1), gd))
                overall.append(table["OVERALL"])
                line.append(f"{name} " + " ".join(f"{k[0]}{v:.3f}" for k, v in table.items()))
            score = float(np.mean(overall))
            if score > best:
                best = score
                torch.save(model.state_dict(), best_path)
            torch.save(model.state_dict(), args.work / "last.pt")
            print(
                f"step {step} {time.time() - t0:.0f}s lr {lr:.2e} loss {running:.4f} | "
                + " | ".join(line)
                + f" | mean {score:.3f} best {best:.3f}",
                flush=True,
            )
    print(f"trained {step} steps in {time.time() - t0:.0f}s", flush=True)
    if best < 0:
        torch.save(model.state_dict(), best_path)
    model.load_state_dict(torch.load(best_path))
    logits, gold = zip(*(predict(model, val_batches[m], torch) for m in range(3)), strict=True)
    vocab["none_bias"], f = best_bias(np.concatenate(logits), np.concatenate(gold))
    print(f"none_bias {vocab['none_bias']:+.2f}: held-out OVERALL {f:.3f}", flush=True)
    export(model, vocab, args.out, torch)


if __name__ == "__main__":
    main()
