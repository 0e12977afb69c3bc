"""Batch throughput: `zimu batch` (--jobs 1, --jobs 2, --executor ray) against running `zimu`
once per file in a loop, on short clips cut from a sample recording.

    nice -n 5 python scripts/bench_batch.py [--media samples/zh_talk.mp4] [--pieces 20]

Prints audio seconds per wall second, the ratio to the loop, and the peak resident memory of
the whole process tree (sampled from /proc every 0.1 s; Linux). Batch workers load the Whisper
model once each (toolkit.asr.shared_engine); the loop loads it once per file. Other work on the
machine makes absolute numbers noisy; the ratios come from runs made one after another in this
process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cut(media: Path, folder: Path, pieces: int) -> float:
    """`pieces` equal WAV clips of the recording; returns their total duration."""
    import numpy as np

    from toolkit.media import decode_audio

    audio = decode_audio(str(media))
    size = len(audio) // pieces
    for n in range(pieces):
        samples = (np.clip(audio[n * size:(n + 1) * size], -1, 1) * 32767).astype("<i2")
        with wave.open(str(folder / f"clip{n:02d}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(samples.tobytes())
    return size * pieces / 16000


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(parts[1]), []).append(pid)
        rss[pid] = int(parts[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(commands: Sequence[Sequence[str]]) -> tuple[float, int]:
    """Wall seconds for the commands run one after another, and the peak tree memory."""
    peak = 0
    began = time.monotonic()
    for command in commands:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        done = threading.Event()

        def sample(pid: int = process.pid, done: threading.Event = done) -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = process.communicate()
        done.set()
        sampler.join()
        if process.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{err.decode()[-2000:]}")
    return time.monotonic() - began, peak


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--media", type=Path, default=ROOT / "samples" / "zh_talk.mp4")
    p.add_argument("--pieces", type=int, default=20)
    p.add_argument("--skip", default="", help="comma-separated modes to leave out")
    a = p.parse_args()
    zimu = [sys.executable, "-m", "toolkit"]
    with tempfile.TemporaryDirectory(prefix="zimu-bench-") as tmp:
        clips = Path(tmp) / "clips"
        clips.mkdir()
        seconds = cut(a.media, clips, a.pieces)
        files = sorted(clips.glob("*.wav"))
        print(f"{len(files)} clips, {seconds:.1f} s of audio from {a.media.name}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

        def out(name: str) -> str:
            path = Path(tmp) / name
            shutil.rmtree(path, ignore_errors=True)
            return str(path)

        def batch(name: str, *extra: str) -> list[list[str]]:
            return [[*zimu, "batch", str(clips), "-o", out(name), "--format", "srt,json",
                     "--language", "zh", "-q", *extra]]

        modes: list[tuple[str, Callable[[], list[list[str]]]]] = [
            ("loop: zimu FILE, once per file", lambda: [
                [*zimu, str(f), "-o", out("loop"), "--format", "srt,json", "--language", "zh",
                 "-q"]
                for f in files]),
            ("zimu batch --jobs 1", lambda: batch("j1", "--jobs", "1")),
            ("zimu batch --jobs 2", lambda: batch("j2", "--jobs", "2")),
            ("zimu batch --executor ray", lambda: batch("ray", "--executor", "ray")),
        ]
        skip = {s.strip() for s in a.skip.split(",") if s.strip()}
        rows = []
        base = None
        for label, commands in modes:
            if any(s in label for s in skip):
                continue
            wall, peak = measure(commands())
            speed = seconds / wall
            base = base or speed
            rows.append((label, wall, speed, speed / base, peak / 2**20))
            print(f"  {label}: {wall:.1f} s", flush=True)
    print()
    print("| mode | wall s | audio s / wall s | vs loop | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for label, wall, speed, ratio, peak in rows:
        print(f"| {label} | {wall:.1f} | {speed:.2f} | {ratio:.2f}× | {peak:.0f} |")


if __name__ == "__main__":
    main()
