"""Score a zimu punctuator against punctuated Chinese text (e.g. TED subtitles).

    python scripts/eval_punct.py GOLD.txt [--punctuator model|rules] [--model-dir DIR]

The gold text loses its punctuation, goes through zimu's punctuator, and the result is aligned
with the gold on the non-punctuation characters. Scored as in the TED Chinese benchmark:
COMMA = ，、；：  PERIOD = 。！  QUESTION = ？  OVERALL = mean of the three F1s.

Three modes: `plain` (one character stream, no hints: the benchmark setting), `captions` (the
stream cut every 6-16 characters at random, seeded, as auto-captions cut by time whatever the
sentence: do arbitrary breaks mislead the model?) and `hints` (the gold's spaces and line ends
kept as caption line breaks, `Word.break_before`). Throughput is characters per CPU second of
the punctuate call (ONNX Runtime runs on one thread); memory is the tracemalloc peak of one call
and the process's peak resident size.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.punctuate import Punctuator, get_punctuator
from toolkit.text import is_punct, needs_space, split_text
from toolkit.types import Word

CLASSES = {"COMMA": "，、；：,;:", "PERIOD": "。！.!", "QUESTION": "？?"}


def mark_class(punct: str) -> str:
    """The scored class of the first classed mark in a word's trailing punctuation ('' if none)."""
    for c in punct:
        for name, marks in CLASSES.items():
            if c in marks:
                return name
    return ""


def char_labels(words: Sequence[Word]) -> tuple[str, list[str]]:
    """Non-punctuation characters of the words, and the class of the mark after each of them."""
    chars: list[str] = []
    labels: list[str] = []
    for w in words:
        for c in w.text:
            if not is_punct(c) and not c.isspace():
                chars.append(c)
                labels.append("")
        cls = mark_class(w.punct)
        if cls and labels:
            labels[-1] = cls
    return "".join(chars), labels


def break_positions(words: Sequence[Word]) -> set[int]:
    """Indices (as in char_labels) of the characters right before a gold caption line break."""
    out: set[int] = set()
    n = 0
    for w in words:
        if w.break_before and n:
            out.add(n - 1)
        n += sum(not is_punct(c) and not c.isspace() for c in w.text)
    return out


def random_breaks(words: Sequence[Word], seed: int = 1) -> tuple[Word, ...]:
    """The words with a caption line break every 6-16 characters, wherever that falls."""
    rng = random.Random(seed)
    out: list[Word] = []
    size, target = 0, rng.randint(6, 16)
    for w in words:
        cut = size >= target and bool(out)
        if cut:
            size, target = 0, rng.randint(6, 16)
        size += len(w.text)
        out.append(replace(w, break_before=cut))
    return tuple(out)


def unpunctuated_input(gold: Sequence[Word], hints: bool) -> tuple[Word, ...]:
    """The gold words' text as a user would hand it over: no punctuation, breaks only with hints."""
    parts: list[str] = []
    prev = ""
    for w in gold:
        if prev and ((hints and w.break_before) or (not hints and needs_space(prev, w.text))):
            parts.append(" ")
        parts.append(w.text)
        prev = w.text
    words = split_text("".join(parts), "zh")
    return words if hints else tuple(replace(w, break_before=False) for w in words)


def score(gold: list[str], pred: list[str]) -> dict[str, tuple[float, float, float]]:
    out = {}
    for name in CLASSES:
        tp = sum(g == p == name for g, p in zip(gold, pred, strict=True))
        fp = sum(p == name != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == name != p for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = (precision, recall, f1)
    return out


def punctuated_lines_mask(text: str) -> list[bool]:
    """Per scored character: does its gold line carry any scored mark? (Some talks have none.)"""
    mask: list[bool] = []
    for line in text.split("\n"):
        marked = any(mark_class(c) for c in line)
        mask.extend(marked for c in line if not is_punct(c) and not c.isspace())
    return mask


MODES = {
    "plain": "plain (no spaces)",
    "captions": "captions (random breaks every 6-16 characters)",
    "hints": "hints (caption breaks kept)",
}


def evaluate(
    punctuator: Punctuator, gold_words: Sequence[Word], mode: str, mask: list[bool]
) -> None:
    gold_chars, gold_labels = char_labels(gold_words)
    words = unpunctuated_input(gold_words, mode == "hints")
    if mode == "captions":
        words = random_breaks(words)
    punctuator.punctuate(words[:50], "zh")  # load the model outside the timing
    t = time.process_time()
    out = punctuator.punctuate(words, "zh")
    cpu = time.process_time() - t
    if [(w.text, w.start, w.end) for w in out] != [(w.text, w.start, w.end) for w in words]:
        print("  ERROR: the punctuator changed the words")
    tracemalloc.start()
    punctuator.punctuate(words, "zh")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    chars, labels = char_labels(out)
    if chars != gold_chars:
        print(f"  ERROR: characters differ from the gold ({len(chars)} vs {len(gold_chars)})")
        return
    table = score(gold_labels, labels)
    print(
        f"mode {MODES[mode]}: "
        f"{len(chars):,} characters, {sum(map(bool, gold_labels)):,} gold marks"
    )
    print(f"  {'class':<9}{'precision':>10}{'recall':>8}{'F1':>7}")
    for name, (p, r, f) in table.items():
        print(f"  {name:<9}{p:>10.3f}{r:>8.3f}{f:>7.3f}")
    overall = sum(f for _, _, f in table.values()) / len(table)
    print(f"  {'OVERALL':<9}{'':>18}{overall:>7.3f}")
    if len(mask) == len(labels):
        keep = [i for i, m in enumerate(mask) if m]
        part = score([gold_labels[i] for i in keep], [labels[i] for i in keep])
        print(
            f"  (diagnostic: OVERALL {sum(f for _, _, f in part.values()) / len(part):.3f} on the "
            f"gold lines that carry any mark, {len(keep) / len(mask):.0%} of the characters)"
        )
    # Subtitles often let a line break stand for a comma: where the gold breaks a line and writes
    # no mark, a mark is a matter of convention, not an error a reader would see.
    breaks = break_positions(gold_words)
    keep = [i for i in range(len(labels)) if not (i in breaks and not gold_labels[i])]
    part = score([gold_labels[i] for i in keep], [labels[i] for i in keep])
    print(
        f"  (diagnostic: OVERALL {sum(f for _, _, f in part.values()) / len(part):.3f} not "
        f"counting the {len(labels) - len(keep):,} line breaks where the gold writes no mark)"
    )
    print(
        f"  throughput {len(chars) / max(cpu, 1e-9):,.0f} chars/s (CPU time, one thread); "
        f"tracemalloc peak {peak / 2**20:.1f} MiB"
    )


def chosen_punctuator(name: str, model_dir: Path | None) -> Punctuator:
    """The named punctuator, or the model in `model_dir` (a candidate not yet shipped)."""
    if model_dir is None:
        return get_punctuator(name, "zh")
    from toolkit.punctuate.model import ModelPunctuator

    return ModelPunctuator(model_dir / "punct_zh.onnx", model_dir / "punct_zh.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path, help="punctuated Chinese text, spaces where lines broke")
    ap.add_argument("--punctuator", default="model", help="model | rules | keep")
    ap.add_argument("--model-dir", type=Path, help="score punct_zh.onnx/.json from this folder")
    ap.add_argument("--mode", choices=("all", *MODES), default="all")
    args = ap.parse_args()
    punctuator = chosen_punctuator(args.punctuator, args.model_dir)
    gold_text = args.gold.read_text(encoding="utf-8")
    gold_words = split_text(gold_text, "zh")
    mask = punctuated_lines_mask(gold_text)
    print(f"punctuator {punctuator.name} on {args.gold}")
    for mode in MODES:
        if args.mode in ("all", mode):
            evaluate(punctuator, gold_words, mode, mask)
    print(
        f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
