"""toolkit.asr: protocol, recognize(), guards (with fakes), the real embedded model (slow)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from toolkit.asr import (
    AsrInfo,
    AsrOptions,
    AsrSegment,
    default_prompt,
    load_engine,
    recognize,
    stream,
)
from toolkit.asr.guards import collapse_loops, guard, is_phantom, no_speech, phantom_without_speech
from toolkit.errors import UsageError
from toolkit.types import Word

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def seg(
    texts: list[str], start: float = 0.0, step: float = 0.3, prob: float = 0.9, **signals: float
) -> AsrSegment:
    words = tuple(
        Word(t, round(start + i * step, 3), round(start + (i + 1) * step, 3), prob)
        for i, t in enumerate(texts)
    )
    sep = " " if all(t.isascii() for t in texts) else ""
    return AsrSegment(start, start + len(texts) * step, sep.join(texts), words, **signals)


class FakeEngine:
    name = "fake"
    model = "fake-model"
    device = "cpu"
    compute_type = "int8"

    def __init__(self, segments: list[AsrSegment], language: str = "zh") -> None:
        self.segments = segments
        self.language = language
        self.consumed = 0

    def transcribe(
        self, audio: np.ndarray, options: AsrOptions
    ) -> tuple[AsrInfo, Iterator[AsrSegment]]:
        def run() -> Iterator[AsrSegment]:
            for s in self.segments:
                self.consumed += 1
                yield s

        return AsrInfo(self.language, 0.97, len(audio) / 16000, None), run()


# --- recognize() with a fake engine -------------------------------------------------------


def test_recognize_builds_a_transcript() -> None:
    engine = FakeEngine([seg(["今天", "我们", "聊"], 0.5), seg(["自行车。"], 2.0)])
    progress: list[tuple[float, float]] = []
    audio = np.zeros(16000 * 4, np.float32)
    t = recognize(audio, AsrOptions(), lambda d, total: progress.append((d, total)), engine=engine)
    assert [w.text for w in t.words] == ["今天", "我们", "聊", "自行车。"]
    assert t.kind == "media" and t.language == "zh" and t.duration == 4.0
    assert t.meta["engine"] == "fake" and t.meta["model"] == "fake-model"
    assert t.meta["initial_prompt"] == default_prompt("zh")
    assert t.meta["segments"] == 2 and t.meta["dropped"] == 0
    assert progress == [(pytest.approx(1.4), 4.0), (pytest.approx(2.3), 4.0), (4.0, 4.0)]


def test_recognize_makes_times_monotone_and_inside_the_audio() -> None:
    a = seg(["one", "two"], 1.0, step=0.5)
    b = AsrSegment(
        1.2, 3.5, "three four", (Word("three", 1.2, 2.2, 0.9), Word("four", 3.2, 3.5, 0.9))
    )
    t = recognize(np.zeros(16000 * 3, np.float32), engine=FakeEngine([a, b], "en"))
    starts = [w.start for w in t.words]
    assert starts == sorted(starts)  # type: ignore[type-var]
    assert t.words[2].start == 1.5  # pulled forward to its predecessor's start
    assert all(
        w.end is not None and w.start is not None and w.start <= w.end <= 3.0 for w in t.words
    )


def test_stream_is_lazy_and_guarded() -> None:
    engine = FakeEngine([seg(["字幕由Amara.org社群提供"], 0, prob=0.3), seg(["你好"], 1)])
    info, segments = stream(np.zeros(16000 * 3, np.float32), AsrOptions(), engine=engine)
    assert info.duration == 3.0 and engine.consumed == 0
    assert [s.text for s in segments] == ["你好"]


def test_no_prompt_when_asked_for_none() -> None:
    t = recognize(np.zeros(1600, np.float32), AsrOptions(initial_prompt=""), engine=FakeEngine([]))
    assert t.meta["initial_prompt"] is None and t.words == ()


def test_registry_and_input_checks() -> None:
    with pytest.raises(UsageError, match="unknown ASR engine 'nope'"):
        load_engine(AsrOptions(engine="nope"))
    with pytest.raises(UsageError, match="mono"):
        recognize(np.zeros((2, 100), np.float32), engine=FakeEngine([]))
    assert default_prompt("zh") and default_prompt("en") is None and default_prompt(None) is None


def test_importing_toolkit_loads_no_engine() -> None:
    code = (
        "import sys, toolkit, toolkit.asr, toolkit.asr.guards, toolkit.asr.models, toolkit.media\n"
        "heavy = {'faster_whisper', 'ctranslate2', 'torch', 'whisper', 'onnxruntime'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- guards ------------------------------------------------------------------------------


def test_loop_inside_a_segment_is_cut_to_two() -> None:
    s = collapse_loops(seg(["我们", "说"] + ["谢谢"] * 12))
    assert s is not None and s.text == "我们说谢谢"
    s = collapse_loops(seg(["the"] * 9 + ["end"]))
    assert s is not None and s.text == "the the end"
    s = collapse_loops(seg(["I", "said", "go", "home", "go", "home", "go", "home", "go", "home",
                            "go", "home", "now"]))  # fmt: skip
    assert s is not None and s.text == "I said go home go home now"


def test_ordinary_repetition_is_kept() -> None:
    original = seg(["哈哈哈哈", "好", "好", "好"])
    assert collapse_loops(original) is original
    original = seg(["very", "very", "very", "good"])
    assert collapse_loops(original) is original


def test_loop_across_segments() -> None:
    segments = [seg(["我们", "走", "吧"], i) for i in range(6)] + [seg(["再见"], 7)]
    assert [s.text for s in guard(segments)] == ["我们走吧", "我们走吧", "再见"]


@pytest.mark.parametrize(
    "text",
    [
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "字幕由Amara.org社群提供",
        "Thanks for watching!",
        "Thank you for watching.",
        "ご視聴ありがとうございました",
        "优优独播剧场——YoYo Television Series Exclusive",
        "中文字幕志愿者 李宗盛",
        "谢谢观看",
        "字幕by索兰娅",
        "請不吝點贊 訂閱 轉發 打賞支持明鏡與點點欄目",
    ],
)
def test_phantom_lines(text: str) -> None:
    assert is_phantom(text)
    assert phantom_without_speech(seg([text], prob=0.4), None)
    # spoken clearly over speech: kept
    assert not phantom_without_speech(seg([text], prob=0.95), [(0.0, 5.0)])


@pytest.mark.parametrize(
    "text", ["谢谢大家", "欢迎在评论区告诉我们", "Thanks for the question", "字"]
)
def test_real_speech_is_not_a_phantom(text: str) -> None:
    assert not is_phantom(text)


def test_confident_phantom_outside_speech_is_dropped() -> None:
    s = seg(["Thanks", "for", "watching!"], 10.0, prob=0.95)
    assert phantom_without_speech(s, [(0.0, 5.0)])


def test_no_speech_guard() -> None:
    assert no_speech(seg(["1,5%"], no_speech_prob=0.85, avg_logprob=-0.87), None)
    assert not no_speech(seg(["好"], no_speech_prob=0.85, avg_logprob=-0.2), None)
    assert no_speech(seg(["好"], 8.0), [(0.0, 5.0)])
    assert not no_speech(seg(["好"], 4.9), [(0.0, 5.0)])


def test_guard_drops_empty_segments() -> None:
    empty = AsrSegment(0, 1, "", ())
    punct = AsrSegment(0, 1, "。", (Word("。", 0, 1, 0.9),))
    assert list(guard([empty, punct])) == []


# --- the real embedded model (slow) ------------------------------------------------------


def _chars(text: str) -> str:
    import opencc

    text = opencc.OpenCC("t2s").convert(text)
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN").lower()


def _edit_distance(a: str | list[str], b: str | list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


@pytest.fixture(scope="module")
def embedded() -> object:
    return load_engine(AsrOptions())


def _check_times(words: tuple[Word, ...], duration: float) -> None:
    previous = 0.0
    for w in words:
        assert w.start is not None and w.end is not None
        assert previous <= w.start <= w.end <= duration
        previous = w.start


@pytest.mark.slow
def test_chinese_sample(embedded: object) -> None:
    from toolkit.media import decode_audio

    audio = decode_audio(SAMPLES / "zh_talk.mp4")
    t = recognize(audio, AsrOptions(), engine=embedded)  # type: ignore[arg-type]
    assert t.language == "zh" and t.meta["model"] == "base (embedded)"
    heard = _chars("".join(w.text for w in t.words))
    known = _chars((SAMPLES / "zh_talk.txt").read_text(encoding="utf-8"))
    cer = _edit_distance(heard, known) / len(known)
    assert cer < 0.25, (cer, heard)
    assert t.duration is not None
    _check_times(t.words, t.duration)
    assert t.words[0].start is not None and t.words[0].start < 2.0
    assert t.words[-1].end is not None and t.words[-1].end > t.duration - 5.0


@pytest.mark.slow
def test_batched_inference(embedded: object) -> None:
    from toolkit.media import decode_audio

    audio = decode_audio(SAMPLES / "zh_talk.mp4")
    t = recognize(audio, AsrOptions(batch_size=4), engine=embedded)  # type: ignore[arg-type]
    heard = _chars("".join(w.text for w in t.words))
    known = _chars((SAMPLES / "zh_talk.txt").read_text(encoding="utf-8"))
    assert t.language == "zh" and _edit_distance(heard, known) / len(known) < 0.25
    assert t.duration is not None
    _check_times(t.words, t.duration)


@pytest.mark.slow
def test_english_sample(embedded: object) -> None:
    from toolkit.media import decode_audio

    audio = decode_audio(SAMPLES / "en_talk.mp4")
    t = recognize(audio, AsrOptions(), engine=embedded)  # type: ignore[arg-type]
    assert t.language == "en"
    heard = [_chars(w.text) for w in t.words if _chars(w.text)]
    known = [_chars(w) for w in (SAMPLES / "en_talk.txt").read_text().split() if _chars(w)]
    wer = _edit_distance(heard, known) / len(known)
    assert wer < 0.25, (wer, heard)
    assert t.duration is not None
    _check_times(t.words, t.duration)


def _tone(seconds: int) -> np.ndarray:
    time = np.arange(16000 * seconds) / 16000
    return (0.3 * np.sin(2 * np.pi * 440 * time)).astype(np.float32)


@pytest.mark.slow
@pytest.mark.parametrize(
    "audio",
    [
        np.zeros(16000 * 20, np.float32),
        (0.1 * np.random.default_rng(0).standard_normal(16000 * 20)).astype(np.float32),
        _tone(20),
    ],
    ids=["silence", "white-noise", "sine-tone"],
)
def test_nothing_from_no_speech(embedded: object, audio: np.ndarray) -> None:
    t = recognize(audio, AsrOptions(), engine=embedded)  # type: ignore[arg-type]
    assert t.words == () and t.duration == 20.0 and t.kind == "media"
    assert t.language == "und"


@pytest.mark.slow
def test_empty_audio(embedded: object) -> None:
    t = recognize(np.zeros(0, np.float32), AsrOptions(language="en"), engine=embedded)  # type: ignore[arg-type]
    assert t.words == () and t.duration == 0.0 and t.language == "en"
