"""Regenerate samples/zh_talk.mp4 and samples/en_talk.mp4 from samples/*.txt.

    python scripts/make_samples.py --tts-home /tmp/tts

Chinese: Kokoro-82M through the offline Mandarin TTS whose home (say.py + venv + models, built by
its setup.sh) is given with --tts-home; English: espeak-ng. Each clip is muxed with PyAV into an
MP4 holding a still, plain-coloured 1 fps 320x180 H.264 picture and mono AAC at 48 kbit/s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import wave
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

# Runs inside the TTS venv. misaki passes Latin words through as letters, which Kokoro then
# reads badly, so the few English names in the text are given as IPA here.
_ZH_SYNTH = r"""
import sys, wave
import numpy as np
sys.path.insert(0, sys.argv[1])
import say
IPA = {"David": "dˈeɪvɪd "}
text, out, voice = open(sys.argv[2], encoding="utf-8").read(), sys.argv[3], sys.argv[4]
tts = say.MandarinTTS()
style = tts.voice(voice)
pieces = []
for line in (s.strip() for s in text.splitlines()):
    if not line:
        continue
    ps = tts.phonemize(line)
    for name, ipa in IPA.items():
        ps = ps.replace(name, ipa)
    pieces += [tts._infer(ps, style, 1.0), np.zeros(int(0.45 * say.SR), np.float32)]
audio = np.concatenate(pieces)
pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(say.SR); w.writeframes(pcm.tobytes())
"""


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    return pcm.astype(np.float32) / 32768.0, rate


def mux_mp4(audio: np.ndarray, rate: int, out: Path, colour: tuple[int, int, int]) -> None:
    """Write a still-picture MP4: 1 fps H.264 (mpeg4 where libx264 is missing) + mono AAC."""
    lead = np.zeros(int(0.5 * rate), np.float32)  # a little silence before the first word
    audio = np.concatenate([lead, audio, lead])
    seconds = int(np.ceil(len(audio) / rate))
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    tmp = out.with_suffix(".tmp.mp4")
    with av.open(str(tmp), "w") as box:
        video: Any = box.add_stream(codec, rate=1)
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        if codec == "libx264":
            video.options = {"crf": "30", "preset": "veryslow"}
        sound: Any = box.add_stream("aac", rate=rate, layout="mono")
        sound.bit_rate = 48_000
        picture = np.empty((180, 320, 3), np.uint8)
        picture[:] = colour
        for i in range(seconds):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 1)
            box.mux(video.encode(frame))
        box.mux(video.encode(None))
        step = 1024 * 16
        for i in range(0, len(audio), step):
            chunk = audio[i : i + step].reshape(1, -1)
            piece = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            piece.sample_rate, piece.pts, piece.time_base = rate, i, Fraction(1, rate)
            box.mux(sound.encode(piece))
        box.mux(sound.encode(None))
    tmp.replace(out)


def make_zh(tts_home: Path, voice: str, work: Path) -> None:
    wav = work / "zh.wav"
    python = tts_home / "venv" / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-c",
            _ZH_SYNTH,
            str(tts_home),
            str(SAMPLES / "zh_talk.txt"),
            str(wav),
            voice,
        ],
        check=True,
    )
    audio, rate = read_wav(wav)
    mux_mp4(audio, rate, SAMPLES / "zh_talk.mp4", (32, 64, 96))


def make_en(voice: str, work: Path) -> None:
    wav = work / "en.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            voice,
            "-s",
            "160",
            "-g",
            "6",
            "-w",
            str(wav),
            "-f",
            str(SAMPLES / "en_talk.txt"),
        ],
        check=True,
    )
    audio, rate = read_wav(wav)
    mux_mp4(audio, rate, SAMPLES / "en_talk.mp4", (96, 48, 32))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--tts-home",
        type=Path,
        default=Path("/tmp/tts"),
        help="home of the offline Mandarin TTS (say.py, venv/, models/)",
    )
    ap.add_argument("--zh-voice", default="zm_yunjian")
    ap.add_argument("--en-voice", default="en-us")
    ap.add_argument("--only", choices=["zh", "en"], help="regenerate one sample only")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if a.only in (None, "zh"):
            make_zh(a.tts_home, a.zh_voice, Path(tmp))
        if a.only in (None, "en"):
            make_en(a.en_voice, Path(tmp))
    for name in ("zh_talk.mp4", "en_talk.mp4"):
        path = SAMPLES / name
        if path.exists():
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
