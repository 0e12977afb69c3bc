"""Measure `zimu align` on synthetic Mandarin speech with known timing.

    nice -n 5 python scripts/eval_align.py --work /tmp/align_eval --tts-home /tmp/tts

About 80 commentary-style fragments (written for this script) are synthesised one by one, with
the Kokoro TTS (its home built by tools/mandarin_tts/setup.sh) and, as the hard case, with
espeak-ng's cmn-latn-pinyin voice from tone-numbered pinyin (Whisper base gets few characters of
that right). The fragments are laid end to end with pauses of 0.1–1.5 s, and an aside that the
text lacks is spoken in the middle. Per voice it reports the error of fragment starts and ends:
  baseline   bare faster-whisper word times, where it recognised a fragment's first/last char
  align      the text aligned to the audio (zimu align audio.wav text.txt); also without
             taking times from mismatched pairs, and without pulling word edges out of pauses
  shifted    the true SRT moved by +2.5 s, re-timed (zimu align audio.wav shifted.srt)
  stretched  the true SRT stretched ×1.04, re-timed
"Placed": the predicted span covers at least half of the true one and its middle lies inside
it. Synthesised fragments and recognised words are cached under --work, so reruns are quick
(--score FOLDER rescores one prepared case). Finally align_words runs on --scale copies of the
kokoro case end to end (an hour), for time and memory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
import wave
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.align import AlignOptions, align_known, align_words, read_known, recognise  # noqa: E402
from toolkit.align.core import _heard_units  # noqa: E402
from toolkit.align.files import speech_stretches  # noqa: E402
from toolkit.align.units import units_of  # noqa: E402
from toolkit.pipeline import Options  # noqa: E402
from toolkit.text import split_text  # noqa: E402
from toolkit.types import Transcript, Word  # noqa: E402

RATE = 16000
FRAGMENTS = """
大家好欢迎回到我们的频道|今天我们来到了南方的一个小镇|这里以种茶出名|已经有好几百年的历史了
我们一大早就从县城出发|坐了将近两个小时的汽车|一路上山路弯弯曲曲|窗外全是绿色的茶园
到了以后天刚刚放晴|空气里都是青草的味道|我们先去拜访了一位老茶农|他姓陈今年六十八岁
从十几岁就开始跟着父亲采茶|陈师傅说采茶很讲究时间|最好是在清明之前|这个时候的芽叶最嫩
泡出来的茶也最香|他带我们走进了自家的茶园|一排一排的茶树整整齐齐|每一棵都修剪得差不多高
采茶的时候只摘最上面|一芽一叶或者一芽两叶|手法要轻不能把叶子捏坏|我也试着摘了几分钟
结果半天才摘了一小把|陈师傅在旁边看着直笑|他说熟练的人一天能采好几斤|中午我们在他家吃饭
桌上摆满了当地的家常菜|有竹笋炒腊肉|还有用茶叶做的炒蛋|味道真的出乎意料
茶叶的清香一点都不苦|吃完饭我们去看炒茶|这是整个过程最关键的一步|新鲜的叶子倒进热锅里
温度大概有两百多度|陈师傅直接用手在锅里翻|动作又快又稳|我在旁边看得都有点紧张
他说这个火候全靠经验|早一分钟晚一分钟都不行|炒好的茶叶要摊开晾凉|然后再揉捻再烘干
前前后后要好几个小时|一斤干茶大概需要四斤鲜叶|所以好茶贵是有道理的|下午我们去了镇上的茶叶市场
这里有上百家大大小小的店铺|每家门口都摆着试喝的茶具|老板们都很热情|看到有人经过就招呼你坐下
我们连着喝了五六家|说实话到后面已经喝不出区别了|有一位年轻的老板跟我们聊了很久|她是大学毕业以后回来的
现在主要在网上卖茶|她说这几年年轻人回来的越来越多|网络让小镇的茶卖到了全国|也有不少外国客人专门来买
不过她也有自己的担心|比如价格越来越乱|有的人拿外地的茶冒充本地茶|这对老茶农来说很不公平
她希望能建立一个统一的标准|让买茶的人更放心|傍晚的时候我们爬上了后山|从山顶可以看到整个小镇
夕阳照在茶园上特别好看|远处还能听到有人在唱山歌|这一刻真的觉得很放松|城市里很少有这样安静的时候
晚上我们住在镇上的民宿|老板娘给我们泡了一壶今年的新茶|汤色清亮入口有一点甜|喝完感觉整个人都清醒了
这次旅行让我学到了很多|原来一杯茶背后有这么多辛苦|以后喝茶的时候会更珍惜|如果你也喜欢喝茶
欢迎在评论区分享你最爱的茶|我们下期节目再见
"""
# Spoken after fragment ASIDE_AFTER but absent from the text.
ASIDE = ["对了顺便提醒一下", "还没有关注的朋友记得点个关注", "我们每周五更新"]
ASIDE_AFTER = 40

# Runs inside the TTS venv: synthesise each (text, path) pair not yet on disk, model loaded once.
_KOKORO = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import say
tts = say.MandarinTTS()
for text, out, voice in json.load(open(sys.argv[2], encoding="utf-8")):
    audio, sr = tts.synth(text, voice=voice)
    say.write_wav(out, audio, sr, 16000)
"""


def fragments() -> list[str]:
    return [f for line in FRAGMENTS.strip().splitlines() for f in line.split("|") if f]


# ---------------------------------------------------------------- synthesis

def synthesise(texts: Sequence[str], case: str, work: Path, tts_home: Path, voice: str
               ) -> list[np.ndarray]:
    folder = work / "fragments" / case
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / (hashlib.sha1(f"{case}|{voice}|{t}".encode()).hexdigest()[:16] + ".wav")
             for t in texts]
    todo = [(t, str(p)) for t, p in zip(texts, paths, strict=True) if not p.exists()]
    if todo and case == "kokoro":
        jobs = work / "kokoro_jobs.json"
        jobs.write_text(json.dumps([[t, p, voice] for t, p in todo], ensure_ascii=False))
        subprocess.run([str(tts_home / "venv/bin/python"), "-c", _KOKORO, str(tts_home),
                        str(jobs)], check=True)
    elif todo:
        from pypinyin import Style, lazy_pinyin

        for text, path in todo:
            pinyin = " ".join(lazy_pinyin(text, style=Style.TONE3))
            subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", path, pinyin],
                           check=True)
    return [_trim(_read(p)) for p in paths]


def _read(path: Path) -> np.ndarray:
    from toolkit.media import decode_audio

    return decode_audio(path, RATE)


def _trim(audio: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """Without leading and trailing silence (10 ms frames quieter than `threshold` RMS)."""
    frame = RATE // 100
    n = len(audio) // frame
    rms = np.sqrt((audio[: n * frame].reshape(n, frame) ** 2).mean(axis=1))
    loud = np.flatnonzero(rms > threshold)
    if not len(loud):
        return audio
    return audio[loud[0] * frame : (loud[-1] + 1) * frame]


def assemble(clips: Sequence[np.ndarray], aside: Sequence[np.ndarray], seed: int
             ) -> tuple[np.ndarray, list[tuple[float, float]], tuple[float, float]]:
    """Clips end to end with random pauses; the aside after clip ASIDE_AFTER. True spans."""
    rng = random.Random(seed)
    parts: list[np.ndarray] = [np.zeros(int(0.6 * RATE), np.float32)]
    pos = len(parts[0])
    spans: list[tuple[float, float]] = []
    aside_span = (0.0, 0.0)

    def add(clip: np.ndarray) -> tuple[float, float]:
        nonlocal pos
        span = (pos / RATE, (pos + len(clip)) / RATE)
        pause = np.zeros(int(rng.uniform(0.1, 1.5) * RATE), np.float32)
        parts.extend([clip, pause])
        pos += len(clip) + len(pause)
        return span

    for n, clip in enumerate(clips):
        spans.append(add(clip))
        if n + 1 == ASIDE_AFTER:
            inner = [add(c) for c in aside]
            aside_span = (inner[0][0], inner[-1][1])
    parts.append(np.zeros(int(0.6 * RATE), np.float32))
    return np.concatenate(parts), spans, aside_span


def write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def srt(texts: Sequence[str], spans: Sequence[tuple[float, float]]) -> str:
    def clock(t: float) -> str:
        ms = round(max(t, 0.0) * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    return "".join(f"{n}\n{clock(a)} --> {clock(b)}\n{t}\n\n"
                   for n, (t, (a, b)) in enumerate(zip(texts, spans, strict=True), 1))


# ---------------------------------------------------------------- recognition (cached)

def recognised(case_dir: Path, audio_path: Path) -> Transcript:
    cache = case_dir / "recognised.json"
    if cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        words = tuple(Word(t, s, e, p) for t, s, e, p in data["words"])
        # The speech stretches are cheap: always from the current code.
        speech = [list(s) for s in speech_stretches(_read(audio_path))]
        return Transcript(words, "zh", str(audio_path), "media", data["duration"],
                          {"speech": speech, "seconds": data["seconds"],
                           "reheard": data.get("reheard")})
    began = time.monotonic()
    heard = recognise(audio_path, "zh")
    seconds = time.monotonic() - began
    cache.write_text(json.dumps({
        "words": [[w.text, w.start, w.end, w.probability] for w in heard.words],
        "duration": heard.duration, "speech": heard.meta["speech"], "seconds": seconds,
        "reheard": heard.meta["reheard"],
    }, ensure_ascii=False), encoding="utf-8")
    return replace(heard, meta={**heard.meta, "seconds": seconds})


# ---------------------------------------------------------------- scoring

def stats(errors: Sequence[float]) -> str:
    if not errors:
        return "      –       –"
    ordered = sorted(abs(e) for e in errors)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):7.3f} {p95:7.3f}"


def placed(pred: Sequence[tuple[float, float]], truth: Sequence[tuple[float, float]]) -> int:
    """Fragments whose predicted span covers at least half of the true one, and whose middle
    lies inside it."""
    count = 0
    for (a, b), (x, y) in zip(pred, truth, strict=True):
        overlap = max(0.0, min(b, y) - max(a, x))
        if overlap >= 0.5 * (y - x) and x <= (a + b) / 2 <= y:
            count += 1
    return count


def row(name: str, pred: Sequence[tuple[float, float]], truth: Sequence[tuple[float, float]],
        note: str = "") -> str:
    starts = [p[0] - t[0] for p, t in zip(pred, truth, strict=True)]
    ends = [p[1] - t[1] for p, t in zip(pred, truth, strict=True)]
    return (f"| {name:<26} | {placed(pred, truth):3d}/{len(truth):<3d} | {stats(starts)} "
            f"| {stats(ends)} | {note} |")


def fragment_spans(words: Sequence[Word], texts: Sequence[str]) -> list[tuple[float, float]]:
    out = []
    pos = 0
    for text in texts:
        n = len(split_text(text, "zh"))
        mine = words[pos : pos + n]
        out.append((mine[0].start or 0.0, mine[-1].end or 0.0))
        pos += n
    assert pos == len(words), (pos, len(words))
    return out


def baseline(texts: Sequence[str], heard: Transcript, truth: Sequence[tuple[float, float]]
             ) -> tuple[str, float]:
    """Bare Whisper word times at each fragment's first and last character, where the
    recogniser wrote exactly those characters (matched by difflib over the whole text)."""
    known = [(k, u.char) for k, t in enumerate(texts) for u in units_of(t, True)]
    units, times, _ = _heard_units(heard.words, True)
    matcher = SequenceMatcher(None, [c for _, c in known], [u.char for u in units],
                              autojunk=False)
    at: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for d in range(block.size):
            at[block.a + d] = block.b + d
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for n, (k, _) in enumerate(known):
        first.setdefault(k, n)
        last[k] = n
    starts = [times[at[first[k]]][0] - truth[k][0] for k in range(len(texts)) if first[k] in at]
    ends = [times[at[last[k]]][1] - truth[k][1] for k in range(len(texts)) if last[k] in at]
    share = len(at) / len(known)
    line = (f"| {'baseline: bare word times':<26} |  –      | {stats(starts)} | {stats(ends)} "
            f"| starts of {len(starts)}, ends of {len(ends)} fragments; {share:.0%} of chars "
            f"recognised |")
    return line, share


def evaluate(case: str, work: Path, tts_home: Path, voice: str, seed: int) -> list[str]:
    texts = fragments()
    case_dir = work / case
    case_dir.mkdir(parents=True, exist_ok=True)
    clips = synthesise(texts, case, work, tts_home, voice)
    aside = synthesise(ASIDE, case, work, tts_home, voice)
    audio, truth, aside_span = assemble(clips, aside, seed)
    audio_path = case_dir / "audio.wav"
    write_wav(audio_path, audio)
    (case_dir / "text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    (case_dir / "true.srt").write_text(srt(texts, truth), encoding="utf-8")
    shifted = [(a + 2.5, b + 2.5) for a, b in truth]
    stretched = [(a * 1.04, b * 1.04) for a, b in truth]
    (case_dir / "shifted.srt").write_text(srt(texts, shifted), encoding="utf-8")
    (case_dir / "stretched.srt").write_text(srt(texts, stretched), encoding="utf-8")
    (case_dir / "truth.json").write_text(json.dumps({"truth": truth, "aside": aside_span}))
    heard = recognised(case_dir, audio_path)
    title = (f"### {case} ({voice if case == 'kokoro' else 'espeak-ng cmn-latn-pinyin'}): "
             f"{len(texts)} fragments, {len(audio) / RATE / 60:.1f} min, aside at "
             f"{aside_span[0]:.1f}–{aside_span[1]:.1f} s; recognition took "
             f"{heard.meta['seconds']:.0f} s{_reheard(heard)}")
    return [title, *score(case_dir)]


def _reheard(heard: Transcript) -> str:
    """Holes (speech Whisper skipped) recognised again, as cached (older caches lack them)."""
    holes = heard.meta.get("reheard")
    if holes is None:
        return ""
    seconds = sum(b - a for a, b in holes)
    return f", {len(holes)} holes (spanning {seconds:.1f} s) recognised again"


def score(case_dir: Path) -> list[str]:
    """The table for one prepared case (audio, text, SRTs, truth and recognition on disk)."""
    texts = fragments()
    data = json.loads((case_dir / "truth.json").read_text())
    truth = [tuple(span) for span in data["truth"]]
    shifted = [(a + 2.5, b + 2.5) for a, b in truth]
    stretched = [(a * 1.04, b * 1.04) for a, b in truth]
    heard = recognised(case_dir, case_dir / "audio.wav")
    lines = ["", "| run | placed | start median | start p95 | end median | end p95 | note |",
             "|---|---|---|---|---|---|---|"]
    line, _ = baseline(texts, heard, truth)
    lines.append(line)
    options = Options(chapters=False, punctuator="rules")
    for name, align_options in (("align", AlignOptions()),
                                ("align, no substitutions", AlignOptions(substitutions=False)),
                                ("align, no pause snapping", AlignOptions(snap=False))):
        began = time.monotonic()
        done = align_known(read_known(case_dir / "text.txt", options), heard, options,
                           align_options=align_options)
        spent = time.monotonic() - began
        pred = fragment_spans(done.result.words, texts)
        found = "; ".join(f"{s.kind} {s.start:.1f}–{s.end:.1f}" for s in done.result.unaligned)
        lines.append(row(name, pred, truth, f"matched {done.result.matched:.0%}, "
                         f"{spent:.1f} s; unaligned: {found or 'none'}"))
    for name, drifted, file in (("shifted +2.5 s, re-timed", shifted, "shifted.srt"),
                                ("stretched ×1.04, re-timed", stretched, "stretched.srt")):
        lines.append(row(name.split(",")[0] + " (input)", drifted, truth))
        done = align_known(read_known(case_dir / file, options), heard, options)
        pred = [(c.start, c.end) for c in done.document.cues]
        lines.append(row(name, pred, truth, "cue times as written"))
    return [*lines, ""]


def scale(work: Path, copies: int) -> str:
    """Time and memory of align_words on `copies` kokoro recordings laid end to end."""
    case_dir = work / "kokoro"
    heard = recognised(case_dir, case_dir / "audio.wav")
    known = read_known(case_dir / "text.txt", Options()).transcript.words
    length = heard.duration or 0.0
    words: list[Word] = []
    spoken: list[Word] = []
    for n in range(copies):
        words.extend(known)
        spoken.extend(replace(w, start=(w.start or 0) + n * length, end=(w.end or 0) + n * length)
                      for w in heard.words)
    tracemalloc.start()
    began = time.monotonic()
    result = align_words(words, spoken, "zh", duration=length * copies)
    spent = time.monotonic() - began
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    chars = sum(len(w.text) for w in words)
    return (f"scale: {copies} copies = {length * copies / 60:.0f} min, {chars} chars: "
            f"align_words {spent:.1f} s, peak {peak:.0f} MiB (Python allocations), "
            f"matched {result.matched:.0%}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", type=Path, required=True, help="cache and output folder")
    p.add_argument("--tts-home", type=Path, default=Path("/tmp/tts"))
    p.add_argument("--voice", default="zm_yunjian")
    p.add_argument("--cases", default="kokoro,espeak")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale", type=int, default=15, help="copies for the long-input check")
    p.add_argument("--score", type=Path, help="only score this prepared case folder")
    a = p.parse_args()
    if a.score:
        print("\n".join(score(a.score)))
        return
    a.work.mkdir(parents=True, exist_ok=True)
    out = []
    for case in a.cases.split(","):
        out += evaluate(case, a.work, a.tts_home, a.voice, a.seed)
    if a.scale and "kokoro" in a.cases:
        out.append(scale(a.work, a.scale))
    print("\n" + "\n".join(out))


if __name__ == "__main__":
    main()
