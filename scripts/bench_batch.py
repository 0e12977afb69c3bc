"""Batch throughput: `zimu batch` (--jobs 1, --jobs 2, --executor ray) against running `zimu`
once per file in a loop, on short clips cut from a sample recording.

    nice -n 5 python scripts/bench_batch.py [--media samples/zh_talk.mp4] [--pieces 20]

Prints audio seconds per wall second, the ratio to the loop, and the peak resident memory of
the whole process tree (sampled from /proc every 0.1 s; Linux). "cached" rows run the same
batch with the Whisper engine kept per worker process (what toolkit.asr should do; see the
batch report), to show what model reuse is worth. Other work on the machine makes absolute
numbers noisy; the ratios come from runs made one after another in this process.
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
from typing import Any

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


# ---------------------------------------------------------------- the "cached" variant

def cached_convert(job: Any, progress: Any = None) -> Any:
    """convert() with the engine loaded once per worker process (the proposed asr change)."""
    import functools

    import toolkit.asr as asr
    from toolkit.batch import convert

    if not hasattr(asr.load_engine, "cache_info"):
        load = asr.load_engine

        @functools.lru_cache(maxsize=2)
        def cached(options: Any) -> Any:
            return load(options)

        def shared(options: Any) -> Any:
            return cached(asr.AsrOptions(engine=options.engine, model=options.model,
                                         device=options.device,
                                         compute_type=options.compute_type,
                                         cpu_threads=options.cpu_threads))

        shared.cache_info = cached.cache_info  # type: ignore[attr-defined]
        asr.load_engine = shared  # type: ignore[assignment]
    return convert(job, progress)


def child(argv: list[str]) -> None:
    """`bench_batch.py --child CLIPS OUT JOBS EXECUTOR`: run_batch with cached_convert."""
    from toolkit.batch import BatchSettings, run_batch
    from toolkit.pipeline import Options

    clips, out, jobs, executor = argv
    settings = BatchSettings(jobs=int(jobs) or None, executor=executor)
    result = run_batch([clips], out, Options(language="zh"), ("srt", "json"), settings,
                       item_fn=cached_convert)
    sys.exit(0 if result.ok else 1)


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

        def cached(name: str, jobs: int, executor: str = "process") -> list[list[str]]:
            return [[sys.executable, __file__, "--child", str(clips), out(name), str(jobs),
                     executor]]

        modes: list[tuple[str, Callable[[], list[list[str]]]]] = [
            ("loop: zimu FILE, once per file", lambda: [
                [*zimu, str(f), "-o", out("loop"), "--format", "srt,json", "--language", "zh",
                 "-q"]
                for f in files]),
            ("zimu batch --jobs 1", lambda: batch("j1", "--jobs", "1")),
            ("zimu batch --jobs 2", lambda: batch("j2", "--jobs", "2")),
            ("zimu batch --executor ray", lambda: batch("ray", "--executor", "ray")),
            ("cached: batch --jobs 1", lambda: cached("c1", 1)),
            ("cached: batch --jobs 2", lambda: cached("c2", 2)),
            ("cached: batch --executor ray", lambda: cached("cray", 0, "ray")),
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
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        main()
