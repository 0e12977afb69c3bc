"""What zimu's ASR path costs next to bare faster-whisper on the same audio, in one run.

    python scripts/bench_asr.py [AUDIO] [--repeat 2] [--language zh] [--openai-checkpoint X.pt]

Every variant runs in its own subprocess (model loading included, as a user pays it) and is
measured from outside: wall time, and CPU time and peak resident memory from os.wait4's rusage
of that child (CPU time is the steadier number on a shared machine). The best of --repeat runs
counts. Variants:
  bare      faster-whisper alone: WhisperModel(embedded base, int8) + transcribe() with zimu's
            settings (beam 5, Silero VAD, word timestamps, no conditioning, the same prompt),
            decoding the file itself and consuming every segment
  zimu-py   toolkit.media.decode_audio + toolkit.asr.recognize (guards, Transcript)
  zimu-cli  python -m toolkit AUDIO -o TMP (everything: punctuation, cues, writers), when present
  openai    the openai-whisper CLI, only with a local checkpoint (--openai-checkpoint)
Ratios are against "bare"; RTF = audio seconds / wall seconds (above 1: faster than real time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE = """
import json, sys
from faster_whisper import WhisperModel
model_dir, path, prompt = sys.argv[1], sys.argv[2], sys.argv[3] or None
vad = json.loads(sys.argv[4])
model = WhisperModel(model_dir, device="cpu", compute_type="int8")
segments, info = model.transcribe(path, beam_size=5, vad_filter=True, vad_parameters=vad,
    word_timestamps=True, condition_on_previous_text=False, initial_prompt=prompt)
words = [w for s in segments for w in s.words]
print(json.dumps({"words": len(words), "chars": sum(len(w.word.strip()) for w in words)}))
"""

ZIMU_PY = """
import json, sys
from toolkit.media import decode_audio
from toolkit.asr import recognize
t = recognize(decode_audio(sys.argv[1]))
print(json.dumps({"words": len(t.words), "chars": sum(len(w.text) for w in t.words)}))
"""


@dataclass(frozen=True)
class Result:
    name: str
    wall: float
    cpu: float
    peak_mib: float
    note: str = ""


def run_child(argv: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user+sys), peak RSS MiB and stdout of one child process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace").strip()
    if child.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {child.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, text  # ru_maxrss is KiB on Linux


def best_of(name: str, argv: list[str], repeat: int) -> Result:
    runs = [run_child(argv) for _ in range(repeat)]
    wall, _, _, text = min(runs, key=lambda r: r[0])
    note = ""
    if text.startswith("{"):
        counts = json.loads(text.splitlines()[-1])
        note = f"{counts['words']} words, {counts['chars']} chars"
    return Result(name, wall, min(r[1] for r in runs), max(r[2] for r in runs), note)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("audio", nargs="?", type=Path, default=ROOT / "samples" / "zh_talk.mp4")
    ap.add_argument("--repeat", type=int, default=2, help="runs per variant; the fastest counts")
    ap.add_argument("--language", default="zh", help="picks the prompt the bare run gets")
    ap.add_argument("--openai-checkpoint", type=Path, help="a local openai-whisper .pt file")
    a = ap.parse_args(argv)

    from toolkit.asr import default_prompt
    from toolkit.asr.faster import VAD_PARAMETERS
    from toolkit.asr.models import embedded_model_dir
    from toolkit.media import probe

    audio = str(a.audio.resolve())
    duration = probe(audio).duration or 0.0
    model_dir = str(embedded_model_dir())  # assembled before timing starts
    prompt = default_prompt(a.language) or ""
    py = sys.executable
    results: list[Result] = []
    notes: list[str] = []

    bare = [py, "-c", BARE, model_dir, audio, prompt, json.dumps(VAD_PARAMETERS)]
    results.append(best_of("bare faster-whisper", bare, a.repeat))
    results.append(best_of("zimu recognize()", [py, "-c", ZIMU_PY, audio], a.repeat))

    if (ROOT / "toolkit" / "__main__.py").exists():
        with tempfile.TemporaryDirectory() as tmp:
            cli = [py, "-m", "toolkit", audio, "-o", tmp]
            try:
                results.append(best_of("zimu CLI (all outputs)", cli, a.repeat))
            except RuntimeError as e:
                notes.append(f"zimu CLI skipped: {e}")
    else:
        notes.append("zimu CLI skipped: toolkit/__main__.py does not exist yet")

    whisper_cli = shutil.which("whisper")
    if a.openai_checkpoint and whisper_cli:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [whisper_cli, audio, "--model", str(a.openai_checkpoint), "--output_dir", tmp,
                   "--word_timestamps", "True", "--condition_on_previous_text", "False",
                   "--beam_size", "5", "--fp16", "False", "--initial_prompt", prompt]  # fmt: skip
            results.append(best_of("openai-whisper CLI", cmd, a.repeat))
    else:
        why = "not installed" if not whisper_cli else "no local checkpoint given"
        notes.append(f"openai-whisper CLI skipped: {why} (--openai-checkpoint X.pt; "
                     "no weights can be downloaded here)")  # fmt: skip

    base = results[0]
    print(f"audio: {a.audio} ({duration:.1f} s), model: embedded Whisper base int8, "
          f"cpu cores: {os.cpu_count()}, best of {a.repeat}")  # fmt: skip
    print(
        f"{'variant':<24}{'wall s':>8}{'x bare':>7}{'RTF':>6}{'cpu s':>8}{'x bare':>7}"
        f"{'peak MiB':>9}{'x bare':>7}  output"
    )
    for r in results:
        print(
            f"{r.name:<24}{r.wall:>8.2f}{r.wall / base.wall:>7.2f}{duration / r.wall:>6.2f}"
            f"{r.cpu:>8.2f}{r.cpu / base.cpu:>7.2f}"
            f"{r.peak_mib:>9.0f}{r.peak_mib / base.peak_mib:>7.2f}  {r.note}"
        )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (other work skews wall time)")
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
