from dataclasses import replace
from pathlib import Path

import pytest

from toolkit import Options, process, run
from toolkit.check import check_cues
from toolkit.pipeline import style_rules, write_atomic
from toolkit.text import split_text, strip_punct
from toolkit.types import Transcript

TEXT = ("朝鲜和俄罗斯 已经签了历史上的第二次军事同盟 而且对于人民军入俄参战的事 "
        "双方也终于不再遮遮掩掩 官宣了 按计划 2026年就能交付使用 这是为什么呢 我们来看一看")


def timed(text: str, language: str = "zh", rate: float = 4.5) -> Transcript:
    """Words of `text` spoken at `rate` characters per second, pausing at caption breaks."""
    words, t = [], 0.0
    for w in split_text(text, language):
        t += 0.5 if w.break_before else 0.03
        d = len(w.text) / rate
        words.append(replace(w, start=round(t, 3), end=round(t + d, 3), break_before=False))
        t += d
    return Transcript(tuple(words), language, "talk.mp4", "media", duration=t + 1)


def test_process_timed_chinese_gives_valid_cues_and_keeps_words():
    transcript = timed(convert_traditional(TEXT))
    doc = process(transcript, Options(punctuator="rules", chapters=False))
    assert doc.cues and doc.sentences and doc.paragraphs[0] == 0
    rules = style_rules("zh")
    assert not [v for v in check_cues(doc.cues, rules, "zh") if not v.allowed]
    shown = strip_punct("".join("".join(c.lines) for c in doc.cues))
    assert shown == strip_punct(TEXT)
    assert doc.transcript.words[-1].punct  # punctuated
    assert all(a.start <= b.start for a, b in zip(doc.cues, doc.cues[1:], strict=False))


def convert_traditional(text: str) -> str:
    from toolkit.text import convert_text

    return convert_text(text, "zh-Hant")


def test_process_converts_to_simplified_by_default():
    doc = process(timed(convert_traditional(TEXT)), Options(punctuator="rules", chapters=False))
    assert "军事同盟" in "".join(s.text for s in doc.sentences)
    doc = process(timed(TEXT), Options(punctuator="rules", chapters=False, script="zh-TW"))
    assert "軍事同盟" in "".join(s.text for s in doc.sentences)


def test_text_input_writes_transcripts_beside_it_never_over_it(tmp_path: Path):
    source = tmp_path / "talk.txt"
    source.write_text(TEXT, encoding="utf-8")
    paths = run(source, Options(punctuator="rules", chapters=False))
    names = sorted(p.name for p in paths)
    assert names == ["talk.json", "talk.md", "talk.zimu.txt"]  # no times: no SRT/VTT
    assert source.read_text(encoding="utf-8") == TEXT
    md = (tmp_path / "talk.md").read_text(encoding="utf-8")
    assert md.startswith("# talk") and "。" in md


def test_outputs_are_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "a.srt"
    target.write_text("old", encoding="utf-8")
    import os

    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: Path) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_atomic({tmp_path / "b.txt": "new", target: "new"})
    assert target.read_text(encoding="utf-8") == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_large_text_streams_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from toolkit import stream

    monkeypatch.setattr(stream, "STREAM_BYTES", 1000)
    monkeypatch.setattr(stream, "PIECE_CHARS", 500)
    source = tmp_path / "big.txt"
    source.write_text((TEXT + " ") * 40, encoding="utf-8")
    notes: list[str] = []
    paths = run(source, Options(punctuator="rules"), notes=notes.append)
    assert sorted(p.name for p in paths) == ["big.md", "big.zimu.txt"]
    assert "skipped" in notes[0] and "json" in notes[0]
    txt = (tmp_path / "big.zimu.txt").read_text(encoding="utf-8")
    assert strip_punct(txt) == strip_punct(source.read_text(encoding="utf-8"))
    md = (tmp_path / "big.md").read_text(encoding="utf-8")
    assert md.count("# big") == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_stream_pieces_end_at_whitespace(tmp_path: Path):
    from toolkit.stream import text_pieces

    source = tmp_path / "t.txt"
    source.write_text("甲乙丙 丁戊己庚 " * 300, encoding="utf-8")
    pieces = list(text_pieces(source, 100))
    assert len(pieces) > 5 and "".join(pieces).strip() == source.read_text(encoding="utf-8").strip()
    assert all(p[0].isspace() for p in pieces[1:])  # every cut falls on a space


def test_stream_pieces_keep_the_last_words_with_the_text_before_them():
    from toolkit.stream import pieces

    assert list(pieces(["so it is hard to follow"])) == ["so it is hard to follow"]
    assert list(pieces(["a b", " c d", "e f"])) == ["a", " b c", " de f"]
