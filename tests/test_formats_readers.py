"""Subtitle readers: SRT, WebVTT (incl. YouTube rolling auto-captions), ASS; repairs and
strict mode; parse ∘ compose round trips; cues to a Transcript."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import SubtitleError, UsageError
from toolkit.formats import (
    RawCue,
    cues_to_transcript,
    detect_kind,
    read,
    read_ass,
    read_json,
    read_srt,
    read_text,
    read_vtt,
    to_cues,
    write_json,
    write_srt,
    write_vtt,
)
from toolkit.types import Cue, Document, Transcript

# ------------------------------------------------------------------ SRT

CLEAN_SRT = """1
00:00:01,000 --> 00:00:02,500
<i>你好</i>，世界
{\\an8}第二行

2
00:00:03,000 --> 00:00:04,000
Second <b>cue</b> <font color="#fff">here</font>
"""


def test_srt_clean_file() -> None:
    cues, repairs = read_srt(CLEAN_SRT, "a.srt")
    assert cues == [
        RawCue(1.0, 2.5, "你好，世界\n第二行"),
        RawCue(3.0, 4.0, "Second cue here"),
    ]
    assert repairs == []


def test_srt_without_numbers_or_blank_lines_and_with_dots() -> None:
    text = "00:00:01.000 --> 00:00:02.000\nOne\n00:00:02.000 --> 00:00:03.000\nTwo\n\n\n"
    assert read_srt(text)[0] == [RawCue(1.0, 2.0, "One"), RawCue(2.0, 3.0, "Two")]


def test_srt_number_like_text_is_kept() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n1984\n\n2\n00:00:03,000 --> 00:00:04,000\n42\n"
    assert [c.text for c in read_srt(text)[0]] == ["1984", "42"]


BROKEN_SRT = """garbage header
1
00:00:05,000 --> 00:00:07,000
first

3
00:00:06,000 --> 00:00:08,000
overlaps the first

4
00:00:12,000 --> 00:00:10,000
inverted

5
00:00:20,000 --> 00:00:2x,000
broken timestamp

6
00:00:30,000 --> 00:00:31,000
<i></i>

7
00:00:01,000 --> 00:00:02,000
out of order

8
00:00:40,000 --> 00:00:41,000
same start

9
00:00:40,000 --> 00:00:42,000
as this one
"""


def test_srt_default_mode_repairs_and_reports() -> None:
    cues, repairs = read_srt(BROKEN_SRT, "b.srt")
    assert cues == [
        RawCue(1.0, 2.0, "out of order"),
        RawCue(5.0, 6.0, "first"),
        RawCue(6.0, 8.0, "overlaps the first"),
        RawCue(10.0, 12.0, "inverted"),
        RawCue(40.0, 42.0, "same start\nas this one"),
    ]
    text = "\n".join(repairs)
    for expected in [
        "line 1: ignored text before the first cue",
        "line 11: swapped start and end",
        "line 15: dropped a cue with an unreadable timestamp '00:00:2x,000'",
        "line 19: dropped an empty cue",
        "sorted cues by start time",
        "line 3: ended cue at 00:00:06,000 instead of 00:00:07,000",
        "line 31: merged with the cue on line 27",
        "renumbered cues",
    ]:
        assert expected in text


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("1\n00:00:01,000 --> 00:00:0x,000\na\n", 2, "unreadable timestamp"),
        ("1\n00:00:03,000 --> 00:00:02,000\na\n", 2, "ends (00:00:02,000) before it starts"),
        (
            "1\n00:00:01,000 --> 00:00:03,000\na\n\n2\n00:00:02,000 --> 00:00:04,000\nb\n",
            6,
            "before the previous one ends (00:00:03,000)",
        ),
        (
            "1\n00:00:05,000 --> 00:00:06,000\na\n\n2\n00:00:01,000 --> 00:00:02,000\nb\n",
            6,
            "starts before the previous one",
        ),
    ],
)
def test_srt_strict_mode_names_the_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(SubtitleError, match=re.escape(problem)) as err:
        read_srt(text, "c.srt", strict=True)
    assert err.value.line == line
    assert str(err.value).startswith(f"c.srt: line {line}: ")


def test_srt_without_any_cue_is_an_error() -> None:
    with pytest.raises(SubtitleError, match="no subtitle cues found"):
        read_srt("just some text\n", "d.srt")
    with pytest.raises(SubtitleError, match="no subtitle cues with text"):
        read_srt("1\n00:00:01,000 --> 00:00:02,000\n\n", "d.srt")


# ------------------------------------------------------------------ WebVTT

PLAIN_VTT = """WEBVTT - a talk
Kind: captions

STYLE
::cue { color: yellow }

NOTE this is a comment
that spans two lines

REGION
id:fred width:40%

intro
00:00:01.000 --> 00:00:02.500 align:start position:0% line:90%
<v Roger Bingham>We are in New York City</v>

00:02.500 --> 00:04.000
<b>Fish</b> &amp; <i>chips</i> &lt;3&nbsp;you
<c.yellow>second</c> line

NOTE between cues

3
00:00:04.000 --> 00:00:05.000
<ruby>漢<rt>kan</rt></ruby>字
"""


def test_vtt_plain_file() -> None:
    cues, repairs = read_vtt(PLAIN_VTT, "p.vtt")
    assert cues == [
        RawCue(1.0, 2.5, "We are in New York City"),
        RawCue(2.5, 4.0, "Fish & chips <3 you\nsecond line"),
        RawCue(4.0, 5.0, "漢字"),
    ]
    assert repairs == []


def test_vtt_header_is_required_in_strict_mode_only() -> None:
    text = "00:00:01.000 --> 00:00:02.000\nhi\n"
    with pytest.raises(SubtitleError, match="missing 'WEBVTT' header"):
        read_vtt(text, "h.vtt", strict=True)
    cues, repairs = read_vtt(text, "h.vtt")
    assert cues == [RawCue(1.0, 2.0, "hi")]
    assert "no 'WEBVTT' header" in repairs[0]


def test_vtt_strict_overlap_names_the_line() -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:03.000\na\n\n00:02.000 --> 00:04.000\nb\n"
    with pytest.raises(SubtitleError) as err:
        read_vtt(text, "o.vtt", strict=True)
    assert err.value.line == 6


# A YouTube auto-caption file as YouTube writes them: every cue shows the previous line again
# above the new one, whose words carry inline times; 10 ms cues in between only repeat. The
# lines holding a single space (written " ") are part of the format.
def _tagged(first: str, *timed: tuple[str, str]) -> str:
    return first + "".join(f"<00:00:{t}><c> {w}</c>" for t, w in timed)


YOUTUBE_VTT = "\n".join(
    [
        "WEBVTT",
        "Kind: captions",
        "Language: en",
        "",
        "00:00:00.000 --> 00:00:02.790 align:start position:0%",
        " ",
        _tagged(
            "so",
            ("00.320", "today"),
            ("00.640", "we're"),
            ("00.880", "going"),
            ("01.040", "to"),
            ("01.200", "talk"),
        ),
        "",
        "00:00:02.790 --> 00:00:02.800 align:start position:0%",
        "so today we're going to talk",
        " ",
        "",
        "00:00:02.800 --> 00:00:05.110 align:start position:0%",
        "so today we're going to talk",
        _tagged("about", ("03.120", "subtitles"), ("03.600", "and"), ("04.000", "why")),
        "",
        "00:00:05.110 --> 00:00:05.120 align:start position:0%",
        "about subtitles and why",
        " ",
        "",
        "00:00:05.120 --> 00:00:06.990 align:start position:0%",
        "about subtitles and why",
        "[Music]",
        "",
        "00:00:06.990 --> 00:00:07.000 align:start position:0%",
        "[Music]",
        " ",
        "",
        "00:00:07.000 --> 00:00:09.500 align:start position:0%",
        "[Music]",
        _tagged("they", ("07.300", "matter"), ("07.800", "so"), ("08.100", "much")),
        "",
        "00:00:09.500 --> 00:00:09.510 align:start position:0%",
        "they matter so much",
        " ",
        "",
        "00:00:09.510 --> 00:00:11.000 align:start position:0%",
        "they matter so much",
        "okay",
        "",
    ]
)


def test_youtube_rolling_captions_become_one_word_stream() -> None:
    cues, repairs = read_vtt(YOUTUBE_VTT, "yt.vtt")
    words = [w for c in cues for w in c.words or ()]
    assert [w.text for w in words] == (
        [
            "so",
            "today",
            "we're",
            "going",
            "to",
            "talk",
            "about",
            "subtitles",
            "and",
            "why",
            "they",
            "matter",
            "so",
            "much",
            "okay",
        ]
    )
    starts = [w.start for w in words]
    assert starts == [
        0.0, 0.32, 0.64, 0.88, 1.04, 1.2, 2.8, 3.12, 3.6, 4.0, 7.0, 7.3, 7.8, 8.1, 9.51
    ]  # fmt: skip
    for a, b in pairwise(words):
        assert a.start is not None and a.end is not None and b.start is not None
        assert a.start <= a.end <= b.start
    assert words[5].end == 2.79  # last word of a line ends with its cue
    assert words[-1].end == 11.0
    assert [c.text for c in cues] == [
        "so today we're going to talk",
        "about subtitles and why",
        "they matter so much",
        "okay",
    ]
    assert any("rolling" in r and "[Music]" in r for r in repairs)


def test_youtube_words_reach_the_transcript_once_each_with_line_breaks() -> None:
    cues, _ = read_vtt(YOUTUBE_VTT, "yt.vtt")
    transcript = cues_to_transcript(cues, "en", "yt.vtt")
    assert transcript.kind == "subtitles"
    assert len(transcript.words) == 15
    assert [w.text for w in transcript.words if w.break_before] == ["so", "about", "they", "okay"]
    assert transcript.words[2].text == "we're"
    assert (transcript.words[2].start, transcript.words[2].end) == (0.64, 0.88)
    assert transcript.duration == 11.0


def test_chinese_rolling_captions_are_cut_into_words_inside_their_times() -> None:
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n \n"
        "大家好<00:00:00.600><c>今天</c><00:00:01.000><c>我们</c><00:00:01.400><c>聊聊字幕</c>\n\n"
        "00:00:02.000 --> 00:00:02.010\n大家好今天我们聊聊字幕\n \n\n"
        "00:00:02.010 --> 00:00:03.000\n大家好今天我们聊聊字幕\n好不好\n"
    )
    cues, _ = read_vtt(text, "zh.vtt")
    transcript = cues_to_transcript(cues, "zh")
    assert "".join(w.text for w in transcript.words) == "大家好今天我们聊聊字幕好不好"
    by_text = {w.text: w for w in transcript.words}
    assert (by_text["今天"].start, by_text["今天"].end) == (0.6, 1.0)
    assert by_text["字幕"].end == 2.0
    times = [t for w in transcript.words for t in (w.start, w.end)]
    assert times == sorted(times)  # type: ignore[type-var]


def test_rolling_captions_without_word_times_are_deduplicated() -> None:
    lines = ["one two", "three four", "five six", "seven eight", "nine ten"]
    blocks = [
        f"00:00:0{i}.000 --> 00:00:0{i + 1}.000\n{a}\n{b}"
        for i, (a, b) in enumerate(pairwise(lines))
    ]
    cues, _ = read_vtt("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", "r.vtt")
    assert " ".join(c.text.replace("\n", " ") for c in cues) == " ".join(lines)


def test_repeated_single_line_cues_are_not_taken_for_rolling() -> None:
    blocks = [f"00:00:0{i}.000 --> 00:00:0{i + 1}.000\nNo." for i in range(5)]
    cues, _ = read_vtt("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", "n.vtt")
    assert [c.text for c in cues] == ["No."] * 5


# ------------------------------------------------------------------ ASS

ASS = """[Script Info]
Title: test
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, Bold
Style: Default,Arial,20,&H00FFFFFF,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Comment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,not shown
Dialogue: 0,0:00:03.00,0:00:04.50,Default,,0,0,0,,{\\i1}Second{\\i0}, with a comma
Dialogue: 0,0:00:01.00,0:00:02.50,Default,Bob,0,0,0,,{\\pos(10,10)\\b1}第一行\\N第二行
Dialogue: 0,0:00:05.00,0:00:06.00,Sign,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}drawn\\hsign
Dialogue: 0,0:00:0x.00,0:00:06.00,Default,,0,0,0,,bad time
"""


def test_ass_dialogue_lines() -> None:
    cues, repairs = read_ass(ASS, "a.ass")
    assert cues == [
        RawCue(1.0, 2.5, "第一行\n第二行"),
        RawCue(3.0, 4.5, "Second, with a comma"),
        RawCue(5.0, 6.0, "drawn sign"),
    ]
    assert any("unreadable timestamp" in r for r in repairs)
    assert any("sorted" in r for r in repairs)


def test_ass_strict_accepts_overlaps_but_not_bad_times() -> None:
    overlapping = ASS.replace("0:00:04.50", "0:00:05.50").replace(
        "Dialogue: 0,0:00:0x.00,0:00:06.00,Default,,0,0,0,,bad time\n", ""
    )
    cues, repairs = read_ass(overlapping, "a.ass", strict=True)
    assert cues[1].end == 5.0 and any("overlapped" in r for r in repairs)
    with pytest.raises(SubtitleError) as err:
        read_ass(ASS, "a.ass", strict=True)
    assert err.value.line == 15


def test_read_dispatches_by_kind() -> None:
    assert read("srt", CLEAN_SRT, "a.srt")[0] == read_srt(CLEAN_SRT, "a.srt")[0]
    with pytest.raises(SubtitleError, match="not a subtitle file"):
        read("text", "hello", "a.txt")
    with pytest.raises(UsageError):
        read("sub", "", "a.sub")


# ------------------------------------------------------------------ cues → transcript


def test_cue_time_is_spread_by_characters_and_lines_are_breaks() -> None:
    cues = [RawCue(10.0, 14.0, "Hello, big\nworld."), RawCue(20.0, 21.0, "Yes")]
    transcript = cues_to_transcript(cues, "en", "x.srt")
    w = transcript.words
    assert [x.text for x in w] == ["Hello", "big", "world", "Yes"]
    assert (w[0].start, w[0].end, w[0].punct) == (10.0, 11.538, ",")
    assert [x.break_before for x in w] == [True, False, True, True]
    assert (w[2].end, w[3].start, w[3].end) == (14.0, 20.0, 21.0)
    assert transcript.source == "x.srt"
    assert transcript.duration == 21.0


def test_chinese_cue_is_cut_into_jieba_words() -> None:
    transcript = cues_to_transcript([RawCue(0.0, 2.0, "我们聊聊字幕\n好吗")], "zh")
    assert [w.text for w in transcript.words] == ["我们", "聊聊", "字幕", "好", "吗"]
    assert [w.break_before for w in transcript.words] == [True, False, False, True, False]
    assert transcript.words[-1].end == 2.0


def test_to_cues_keeps_the_file_layout() -> None:
    assert to_cues([RawCue(1.0, 2.0, "a\nb")]) == (Cue(1.0, 2.0, ("a", "b")),)


# ------------------------------------------------------------------ round trips


def _document(raw: list[RawCue], language: str) -> Document:
    transcript = cues_to_transcript(raw, language, "in.srt")
    cues, first = [], 0
    for cue in raw:
        count = len(cues_to_transcript([cue], language).words)
        cues.append(Cue(cue.start, cue.end, tuple(cue.text.split("\n")), first, first + count))
        first += count
    return Document(transcript, cues=tuple(cues))


def test_srt_to_document_to_json_to_srt_keeps_every_cue() -> None:
    raw, _ = read_srt(CLEAN_SRT, "a.srt")
    doc = read_json(write_json(_document(raw, "zh")))
    assert read_srt(write_srt(doc))[0] == raw
    assert read_vtt(write_vtt(doc))[0] == raw


_LINE = (
    st.text(
        st.sampled_from(list("abcXYZ 09,.!?'\"-你好世界字幕。，！「」")), min_size=1, max_size=20
    )
    .map(str.strip)
    .filter(bool)
)
_VTT_LINE = (
    st.text(st.sampled_from(list("ab 09-<>&;:你好。")), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)


def _cues(line: st.SearchStrategy[str]) -> st.SearchStrategy[list[RawCue]]:
    def build(items: list[tuple[int, int, list[str]]]) -> list[RawCue]:
        out, at = [], 0
        for n, (gap, length, lines) in enumerate(items):
            start, at = at + gap, at + gap + length
            # A distinct first line per cue, as in real files (identical runs look "rolling").
            text = "\n".join([f"#{n} {lines[0]}", *lines[1:]])
            out.append(RawCue(start / 1000, at / 1000, text))
        return out

    item = st.tuples(
        st.integers(0, 5000), st.integers(0, 8000), st.lists(line, min_size=1, max_size=3)
    )
    return st.lists(item, min_size=1, max_size=8).map(build)


def _doc(raw: list[RawCue]) -> Document:
    cues = tuple(Cue(c.start, c.end, tuple(c.text.split("\n"))) for c in raw)
    return Document(Transcript((), "zh"), cues=cues)


@settings(max_examples=60)
@given(_cues(_LINE))
def test_srt_parse_compose_round_trip(raw: list[RawCue]) -> None:
    cues, repairs = read_srt(write_srt(_doc(raw)), "h.srt", strict=True)
    assert cues == raw
    assert repairs == []


@settings(max_examples=60)
@given(_cues(_VTT_LINE))
def test_vtt_parse_compose_round_trip(raw: list[RawCue]) -> None:
    cues, repairs = read_vtt(write_vtt(_doc(raw)), "h.vtt", strict=True)
    assert cues == raw
    assert repairs == []


def test_gbk_subtitle_file_from_disk_to_transcript(tmp_path: Path) -> None:
    path = tmp_path / "旧字幕.txt"  # the extension says text; the content says SRT
    path.write_bytes(CLEAN_SRT.replace("Second", "第二条").encode("gbk").replace(b"\n", b"\r\n"))
    text = read_text(path)
    kind = detect_kind(str(path), text)
    assert kind == "srt"
    raw, repairs = read(kind, text, str(path))
    transcript = cues_to_transcript(raw, "zh", str(path))
    assert "".join(w.text for w in transcript.words) == "你好世界第二行第二条cuehere"
    assert repairs == []
