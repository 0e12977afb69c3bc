"""zimu align: the alignment on synthetic recognitions, then one real run on the sample."""

from __future__ import annotations

import json
import wave
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.align import AlignOptions, align_words, describe_unaligned, retime_cues
from toolkit.align.sequence import align_units
from toolkit.align.units import units_of
from toolkit.style import preset
from toolkit.text import split_text, strip_punct
from toolkit.types import Cue, Word

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TEXT = ("今天我们聊一聊城市里的自行车。过去十年，越来越多的人开始骑车上班。"
        "第一个原因很简单，骑车比开车便宜，也比挤地铁自由。")
STEP = 0.25  # seconds per spoken character in the synthetic recognitions


def heard(spoken: str | list[str], start: float = 0.5, pause_at: dict[int, float] | None = None
          ) -> list[Word]:
    """A fake recognition: one word per character (or token), STEP apart, optional pauses."""
    out, t = [], start
    for n, c in enumerate(spoken):
        t += (pause_at or {}).get(n, 0.0)
        out.append(Word(c, round(t, 3), round(t + STEP * 0.8, 3)))
        t += STEP
    return out


def starts_of(words: tuple[Word, ...]) -> dict[str, float]:
    return {w.text: w.start or 0.0 for w in words}


def check_sane(words: tuple[Word, ...], known: tuple[Word, ...]) -> None:
    assert [w.text for w in words] == [w.text for w in known]
    assert all(w.timed for w in words)
    assert all((w.start or 0) <= (w.end or 0) for w in words)
    assert all((a.start or 0) <= (b.start or 0) and (a.end or 0) <= (b.start or 0) + 1e-9
               for a, b in pairwise(words))


def test_exact_recognition_gives_the_recognised_times() -> None:
    known = split_text(TEXT, "zh")
    rec = heard(strip_punct(TEXT))
    result = align_words(known, rec, "zh")
    check_sane(result.words, known)
    assert result.matched == 1.0 and result.unaligned == ()
    assert result.words[0].start == 0.5
    assert starts_of(result.words)["过去"] == pytest.approx(0.5 + 14 * STEP)


def test_homophones_and_wrong_characters_still_place_every_word() -> None:
    known = split_text(TEXT, "zh")
    spoken = strip_punct(TEXT).replace("城市", "成是").replace("挤", "几").replace("原因", "元音")
    spoken = spoken.replace("便宜", "偏移")  # same syllables, other tones
    result = align_words(known, heard(spoken), "zh")
    check_sane(result.words, known)
    assert result.matched == 1.0  # pinyin forgives all of these
    plain = strip_punct(TEXT)
    assert starts_of(result.words)["第一个"] == pytest.approx(0.5 + plain.index("第一") * STEP)


def test_missed_words_are_interpolated_between_their_neighbours() -> None:
    known = split_text(TEXT, "zh")
    plain = strip_punct(TEXT)
    gone = plain.index("越来越多")
    spoken = plain[:gone] + plain[gone + 4 :]  # the recogniser dropped four characters
    result = align_words(known, heard(spoken), "zh")
    check_sane(result.words, known)
    times = starts_of(result.words)
    assert times["十年"] < times["越来越"] < times["人"]


def test_an_aside_is_reported_and_does_not_shift_what_follows() -> None:
    known = split_text(TEXT, "zh")
    plain = strip_punct(TEXT)
    cut = plain.index("第一")
    aside = "插播一条广告欢迎购买我们的产品"
    result = align_words(known, heard(plain[:cut] + aside + plain[cut:]), "zh")
    check_sane(result.words, known)
    assert [s.kind for s in result.unaligned] == ["speech"]
    stretch = result.unaligned[0]
    assert stretch.text == aside
    assert stretch.start == pytest.approx(0.5 + cut * STEP)
    assert starts_of(result.words)["第一个"] == pytest.approx(0.5 + (cut + len(aside)) * STEP)


@pytest.mark.parametrize("with_speech", [True, False])
def test_a_chance_match_inside_an_aside_does_not_pull_the_next_line_into_it(
        with_speech: bool) -> None:
    # The words either side of the aside are misheard; the aside's "一" and "个" agree by
    # chance with "第一个", which the global alignment alone would time inside the aside.
    known = split_text(TEXT.replace("第一个", "\n第一个"), "zh")
    plain = strip_punct(TEXT)
    cut = plain.index("第一")
    before = plain[: cut - 2] + "去玩"
    aside = "对了顺便提醒一下还没有关注的朋友记得点个关注"
    after = ["tap", "watch", "er", "oh", "yeah", *plain[cut + 5 :]]
    rec = heard([*before, *aside, *after],
                pause_at={len(before): 0.8, len(before) + len(aside): 0.8})
    first, last, resumed = rec[len(before)], rec[len(before) + len(aside) - 1], rec[-len(after)]
    speech = [(0.5, rec[len(before) - 1].end or 0.0), (first.start or 0.0, last.end or 0.0),
              (resumed.start or 0.0, rec[-1].end or 0.0)]
    result = align_words(known, rec, "zh", speech=speech if with_speech else None)
    check_sane(result.words, known)
    times = starts_of(result.words)
    assert times["第一个"] >= (last.end or 0.0)
    # at the pause where speech resumes, or (without detected speech) laid out at the pace
    # of the recognised words back from "很", the first word heard right
    assert times["第一个"] == pytest.approx(resumed.start or 0.0, abs=0.01 if with_speech else 0.3)
    assert times["上班"] < (first.start or 0.0)
    assert [(s.kind, s.text) for s in result.unaligned] == [("speech", aside)]


def test_text_that_was_not_spoken_is_reported_and_squeezed_between_anchors() -> None:
    extra = "这一段文字根本没有人读出来过。"
    known = split_text(TEXT.replace("第一个", extra + "第一个"), "zh")
    plain = strip_punct(TEXT)
    result = align_words(known, heard(plain), "zh")
    check_sane(result.words, known)
    assert [s.kind for s in result.unaligned] == ["text"]
    stretch = result.unaligned[0]
    assert strip_punct(stretch.text) == strip_punct(extra)
    assert stretch.end - stretch.start < 0.3
    assert starts_of(result.words)["第一个"] == pytest.approx(0.5 + plain.index("第一") * STEP)


def test_different_text_and_speech_in_the_same_place_are_both_reported() -> None:
    extra = "这一段文字根本没有人读出来过。"
    known = split_text(TEXT.replace("第一个", extra + "第一个"), "zh")
    plain = strip_punct(TEXT)
    cut = plain.index("第一")
    spoken = plain[:cut] + "插播一条广告欢迎购买我们的产品" + plain[cut:]
    result = align_words(known, heard(spoken), "zh")
    assert sorted(s.kind for s in result.unaligned) == ["speech", "text"]
    assert starts_of(result.words)["第一个"] == pytest.approx(0.5 + (cut + 15) * STEP)
    notes = describe_unaligned(result.unaligned, "talk.mp4", "talk.txt")
    assert len(notes) == 1
    assert notes[0].startswith("talk.mp4: 00:0") and "does not match the text" in notes[0]
    assert "文字根本没有人读出来过" in notes[0]


def test_a_chance_agreement_that_needs_impossibly_fast_speech_is_not_trusted() -> None:
    known = split_text(TEXT, "zh")
    plain = strip_punct(TEXT)
    first = plain.index("过去")
    # The recogniser got the first sentence, then one character of the last: far too soon
    # for everything between to have been said.
    rec = [*heard(plain[:first]), Word("便", 0.5 + first * STEP, 0.5 + (first + 1) * STEP)]
    result = align_words(known, rec, "zh", speech=[(0.5, 14.0)])
    check_sane(result.words, known)
    times = starts_of(result.words)
    assert times["第一个"] > 0.5 + first * STEP + 3.0
    assert times["便宜"] > times["第一个"]


def test_interpolation_stays_inside_detected_speech() -> None:
    known = split_text("甲乙丙丁戊己庚辛", "zh")
    # Only the first and last characters were recognised; a silence sits in the middle.
    rec = [Word("甲", 0.0, 0.2), Word("辛", 3.8, 4.0)]
    speech = [(0.0, 1.6), (2.4, 4.0)]
    result = align_words(known, rec, "zh", speech=speech, options=AlignOptions(min_stretch=99))
    for w in result.words:
        middle = ((w.start or 0) + (w.end or 0)) / 2
        assert any(a <= middle <= b for a, b in speech), w


def test_walking_through_speech_skips_pauses() -> None:
    from toolkit.align.timing import around_gap, walk

    speech = [(0.0, 1.0), (2.0, 3.0), (5.0, 6.0)]
    assert walk(0.5, 1.0, speech) == pytest.approx(2.5)
    assert walk(5.5, -1.0, speech) == pytest.approx(2.5)
    assert walk(1.5, 0.2, speech) == pytest.approx(2.2)  # from a pause: where speech resumes
    assert walk(0.5, 1.0, None) == pytest.approx(1.5)
    # two units after 0.0, two before 6.0, the aside (2.0–3.0) between: the edges move to
    # the pauses around it
    spans = around_gap(2, 2, 0.0, 6.0, 0.4, speech)
    assert spans == [pytest.approx((0.0, 0.5)), pytest.approx((0.5, 1.0)),
                     pytest.approx((5.0, 5.5)), pytest.approx((5.5, 6.0))]


def test_digits_and_chinese_numerals_agree() -> None:
    known = split_text("北京每天大约有三百万人次使用共享单车", "zh")
    rec = heard([*"北京每天大约有", "300", *"万人次使用共享单车"])
    result = align_words(known, rec, "zh")
    assert result.matched == 1.0
    assert [u.char for u in units_of("2.5", True)] == ["二", "点", "五"]
    assert "".join(u.char for u in units_of("10086", True)) == "一万零八十六"


def test_english_aligns_word_by_word() -> None:
    known = split_text("The quick brown fox jumps over the lazy dog.", "en")
    heard_words = ["the", "quick", "brown", "box", "jumps", "over", "a", "lazy", "dog"]
    rec = [Word(t, n * 0.4, n * 0.4 + 0.3) for n, t in enumerate(heard_words)]
    result = align_words(known, rec, "en")
    check_sane(result.words, known)
    assert starts_of(result.words)["lazy"] == pytest.approx(7 * 0.4)


def test_unit_alignment_in_small_pieces_matches_the_whole() -> None:
    text = strip_punct(TEXT) * 6
    known = units_of(text, True)
    spoken = units_of(text.replace("城市", "成是").replace("上班", ""), True)
    whole = align_units(known, spoken)
    pieces = align_units(known, spoken, max_cells=300)  # forces anchors and cuts
    agree = {(p.i, p.j) for p in whole} & {(p.i, p.j) for p in pieces}
    assert len(agree) >= 0.95 * len(whole)


def test_retimed_cues_keep_their_text_and_the_minimum_gap() -> None:
    words = (Word("一", 1.0, 1.2), Word("二", 1.2, 1.5), Word("三", 1.5, 1.6),
             Word("四", 5.0, 6.0))
    cues = [Cue(0.0, 9.0, ("一二",), 0, 2), Cue(0.0, 9.0, ("三",), 2, 3),
            Cue(0.0, 9.0, ("四",), 3, 4)]
    rules = preset("zh")
    out = retime_cues(cues, words, rules)
    assert [c.lines for c in out] == [("一二",), ("三",), ("四",)]
    assert out[0].start == 1.0
    assert out[1].start >= out[0].end + rules.min_gap - 1e-9
    assert out[1].end <= out[2].start - rules.min_gap + 1e-9
    assert out[1].end - out[1].start >= rules.min_duration - 1e-9  # room enough: held
    assert out[2].start == 5.0


def test_holes_are_long_stretches_of_speech_with_nothing_recognised() -> None:
    from toolkit.align.files import _pieces, holes

    speech = [(0.5, 3.0), (3.5, 6.0), (7.0, 9.0), (9.2, 12.0)]
    words = [Word("一", 0.5, 1.0), Word("二", 6.5, 7.1)]
    assert holes(words, speech) == [(1.0, 6.0), (7.1, 12.0)]
    assert _pieces((0.0, 30.0), [(1.0, 4.0), (5.0, 8.0), (9.0, 20.0), (21.0, 22.0)]) == [
        (0.8, 8.2), (8.8, 20.2), (20.8, 22.2)]
    assert holes([Word("一", 0.5, 12.0)], speech) == []
    assert holes([], [(0.0, 3.0)]) == []  # shorter than HOLE_SECONDS


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["drop", "swap", "insert"])),
                max_size=12),
       st.lists(st.floats(0.0, 2.0), min_size=60, max_size=60))
def test_any_recognition_times_every_word_in_order(edits: list[tuple[int, str]],
                                                   pauses: list[float]) -> None:
    known = split_text(TEXT, "zh")
    chars = list(strip_punct(TEXT))
    for at, kind in edits:
        at = min(at, len(chars) - 1)
        if kind == "drop" and len(chars) > 1:
            del chars[at]
        elif kind == "swap":
            chars[at] = "哈"
        else:
            chars.insert(at, "嗯")
    rec = heard("".join(chars), pause_at=dict(enumerate(pauses)))
    result = align_words(known, rec, "zh")
    check_sane(result.words, known)
    assert 0.0 <= result.matched <= 1.0


# ---------------------------------------------------------------- the real thing


def _cut_sample(tmp_path: Path, seconds: float) -> Path:
    from toolkit.media import decode_audio

    audio = decode_audio(SAMPLES / "zh_talk.mp4")[: int(seconds * 16000)]
    path = tmp_path / "talk.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


@pytest.mark.slow
def test_cli_aligns_the_sample_and_reports_text_not_spoken(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.cli import main

    lines = (SAMPLES / "zh_talk.txt").read_text(encoding="utf-8").splitlines()
    media = _cut_sample(tmp_path, 10.2)  # the first two sentences
    text = tmp_path / "talk_text.txt"
    text.write_text("\n".join([lines[0], "这一句话录音里根本没有人说过。", lines[1]]),
                    encoding="utf-8")
    out = tmp_path / "out"
    assert main(["align", str(media), str(text), "-o", str(out), "--no-chapters"]) == 0
    captured = capsys.readouterr()
    assert "not found in the audio" in captured.err and "根本没有" in captured.err
    assert sorted(p.name for p in out.iterdir()) == [
        "talk.json", "talk.md", "talk.srt", "talk.txt", "talk.vtt"]
    assert main(["check", str(out / "talk.srt")]) == 0
    words = json.loads((out / "talk.json").read_text(encoding="utf-8"))["words"]
    assert "".join(w["text"] for w in words) == strip_punct(text.read_text(encoding="utf-8"))
    start = next(w["start"] for w in words if w["text"] == "过去")
    assert 4.7 <= start <= 5.4  # the second sentence begins at about 5.0 s
    first = next(w for w in words if w["text"] == "今天")
    assert 0.4 <= first["start"] <= 1.1


@pytest.mark.slow
def test_a_shifted_srt_is_retimed_keeping_its_cues(tmp_path: Path) -> None:
    from toolkit.align import align_file

    lines = (SAMPLES / "zh_talk.txt").read_text(encoding="utf-8").splitlines()
    media = _cut_sample(tmp_path, 10.2)
    srt = tmp_path / "old.srt"
    srt.write_text(f"1\n00:00:03,000 --> 00:00:06,000\n{lines[0]}\n\n"
                   f"2\n00:00:07,500 --> 00:00:12,000\n{lines[1][:14]}\n{lines[1][14:]}\n\n",
                   encoding="utf-8")
    done = align_file(media, srt)
    cues = done.document.cues
    assert [c.lines for c in cues] == [(lines[0],), (lines[1][:14], lines[1][14:])]
    assert 0.4 <= cues[0].start <= 1.1
    assert 4.7 <= cues[1].start <= 5.4
    assert cues[1].end <= 10.2
    assert done.result.unaligned == ()
