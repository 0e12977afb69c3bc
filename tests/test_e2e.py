"""The real thing: the embedded Whisper model and the shipped punctuator on the samples."""

from itertools import pairwise
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.formats import read_json
from toolkit.text import convert_text, strip_punct

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _cer(ref: str, hyp: str) -> float:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1] / max(len(ref), 1)


@pytest.mark.slow
def test_chinese_sample_gives_simplified_punctuated_subtitles_that_pass_check(tmp_path: Path):
    assert main([str(SAMPLES / "zh_talk.mp4"), "-o", str(tmp_path), "-q"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["zh_talk.json", "zh_talk.md", "zh_talk.srt", "zh_talk.txt", "zh_talk.vtt"]
    assert main(["check", str(tmp_path / "zh_talk.srt"), "--preset", "zh"]) == 0
    doc = read_json((tmp_path / "zh_talk.json").read_text(encoding="utf-8"))
    text = "".join(s.text for s in doc.sentences)
    assert convert_text(text, "zh-Hans") == text  # simplified throughout
    assert text.count("。") + text.count("？") >= 5  # punctuated into sentences
    assert "？" in text
    reference = (SAMPLES / "zh_talk.txt").read_text(encoding="utf-8")
    assert _cer(strip_punct(reference), strip_punct(text).replace("300", "三百")) < 0.25
    words = doc.transcript.words
    assert all(a.start <= b.start for a, b in pairwise(words))


@pytest.mark.slow
def test_traditional_output(tmp_path: Path):
    assert main([str(SAMPLES / "zh_talk.mp4"), "-o", str(tmp_path), "-q", "--script", "zh-TW",
                 "--format", "srt"]) == 0
    srt = (tmp_path / "zh_talk.srt").read_text(encoding="utf-8")
    assert "腳踏車" in srt or "自行車" in srt


@pytest.mark.slow
def test_english_sample(tmp_path: Path):
    assert main([str(SAMPLES / "en_talk.mp4"), "-o", str(tmp_path), "-q"]) == 0
    assert main(["check", str(tmp_path / "en_talk.srt")]) == 0
    srt = (tmp_path / "en_talk.srt").read_text(encoding="utf-8")
    assert "bicycles" in srt.lower() and "?" in srt
