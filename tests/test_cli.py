import io
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.cli import main

GOOD_SRT = """1
00:00:01,000 --> 00:00:03,000
你好世界

2
00:00:03,500 --> 00:00:06,000
我们今天谈一谈字幕
"""

BAD_SRT = """1
00:00:01,000 --> 00:00:01,200
这一行实在是太长了超过了十六个字的限制还没有结束

2
00:00:01,100 --> 00:00:03,000
重叠
"""


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main([str(tmp_path / "nope.mp4")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("zimu: ") and "no such file" in err[0]


def test_binary_garbage_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "junk.mp4"
    bad.write_bytes(b"\x00\x01garbage" * 100)
    code = main([str(bad), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and err[0].startswith("zimu: ")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_check_passes_good_and_fails_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    good = tmp_path / "good.srt"
    good.write_text(GOOD_SRT, encoding="utf-8")
    assert main(["check", str(good)]) == 0
    bad = tmp_path / "bad.srt"
    bad.write_text(BAD_SRT, encoding="utf-8")
    assert main(["check", str(bad), "--preset", "zh"]) == 1
    out = capsys.readouterr().out
    for rule in ("line length", "duration", "reading speed", "overlap"):
        assert rule in out
    assert "1 break" in out.splitlines()[-1] or "2 break" in out.splitlines()[-1]


def test_punctuate_reads_stdin_and_prints_only_text(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(sys, "stdin", io.StringIO("你好吗 我很好 谢谢"))
    assert main(["punctuate", "-", "--punctuator", "rules"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("。") and "你好吗" in out
    assert out.replace("，", "").replace("。", "").replace("？", "").strip() == "你好吗我很好谢谢"


def test_convert_keeps_timing(tmp_path: Path):
    src = tmp_path / "a.srt"
    src.write_text(GOOD_SRT, encoding="utf-8")
    assert main(["convert", "--script", "zh-TW", str(src)]) == 0
    out = (tmp_path / "a.zh-TW.srt").read_text(encoding="utf-8")
    assert "00:00:03,500 --> 00:00:06,000" in out and "我們" in out


def test_subtitle_input_relayout_passes_check(tmp_path: Path):
    src = tmp_path / "long.srt"
    src.write_text("1\n00:00:00,000 --> 00:00:09,000\n"
                   "我们今天要讨论的问题是朝鲜和俄罗斯的军事同盟到底给两国带来了什么样的好处\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "--punctuator", "rules", "--format", "srt,json"]) == 0
    assert main(["check", str(out / "long.srt")]) == 0


def test_python_dash_m_runs():
    done = subprocess.run([sys.executable, "-m", "toolkit", "--version"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "zimu" in done.stdout


def test_youtube_rolling_vtt_becomes_a_clean_srt_that_passes_check(tmp_path: Path):
    from test_formats_readers import YOUTUBE_VTT

    src = tmp_path / "yt.en.vtt"
    src.write_text(YOUTUBE_VTT, encoding="utf-8")
    assert main([str(src), "-o", str(tmp_path / "out"), "--format", "srt", "-q"]) == 0
    srt = (tmp_path / "out" / "yt.en.srt").read_text(encoding="utf-8")
    assert "[Music]" not in srt and srt.lower().count("today") == 1
    assert "<c>" not in srt and "-->" in srt
    assert main(["check", str(tmp_path / "out" / "yt.en.srt")]) == 0


def test_punctuate_file_keeps_the_last_words_in_their_sentence(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]):
    src = tmp_path / "talk.txt"
    src.write_text("so it is really hard to follow", encoding="utf-8")
    assert main(["punctuate", str(src), "--language", "en", "--punctuator", "rules"]) == 0
    assert capsys.readouterr().out.strip().endswith("hard to follow.")
