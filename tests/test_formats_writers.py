"""Writers: golden files for every format, JSON round trips, and the time formatter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.formats import EXTENSIONS, WRITERS, format_time, parse_time, read_json
from toolkit.formats.json import write_json
from toolkit.formats.md import write_md
from toolkit.formats.txt import write_txt
from toolkit.types import Chapter, Cue, Document, Sentence, Transcript, Word

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("ZIMU_REGEN_GOLDEN") == "1"  # rewrite the golden files

# ------------------------------------------------------------------ two small documents


def _words(spec: list[tuple[str, float, float, str]]) -> tuple[Word, ...]:
    return tuple(Word(t, s, e, 0.9, punct=p) for t, s, e, p in spec)


def _sentence(words: tuple[Word, ...], first: int, last: int, sep: str) -> Sentence:
    text = sep.join(w.lead + w.text + w.punct for w in words[first:last])
    return Sentence(text, first, last, words[first].start, words[last - 1].end)


def chinese() -> Document:
    words = _words(
        [
            ("大家", 0.0, 0.4, ""),
            ("好", 0.4, 0.6, "！"),
            ("今天", 1.0, 1.4, ""),
            ("我们", 1.4, 1.7, ""),
            ("聊聊", 1.7, 2.1, ""),
            ("字幕", 2.1, 2.6, "。"),
            ("好", 3.0, 3.2, ""),
            ("的", 3.2, 3.3, ""),
            ("字幕", 3.3, 3.7, ""),
            ("需要", 3.7, 4.1, ""),
            ("标点", 4.1, 4.6, "。"),
            ("第一", 65.0, 65.5, ""),
            ("是", 65.5, 65.7, ""),
            ("断句", 65.7, 66.3, "，"),
            ("第二", 66.8, 67.3, ""),
            ("是", 67.3, 67.5, ""),
            ("节奏", 67.5, 68.2, "。"),
        ]
    )
    sentences = tuple(_sentence(words, a, b, "") for a, b in [(0, 2), (2, 6), (6, 11), (11, 17)])
    transcript = Transcript(
        words, "zh", "/videos/字幕讲座.mp4", "media", 70.0, meta={"model": "base"}
    )
    chapters = (
        Chapter("开场", 0, 2, 0.0, 2.6),
        Chapter("好字幕的标准", 2, 4, 3.0, 68.2),
    )
    cues = (
        Cue(0.0, 2.6, ("大家好！", "今天我们聊聊字幕"), 0, 6),
        Cue(3.0, 4.6, ("好的字幕需要标点",), 6, 11),
        Cue(65.0, 68.2, ("第一是断句", "第二是节奏"), 11, 17),
    )
    return Document(transcript, sentences, (0, 3), chapters, cues, {"preset": "zh"})


def english() -> Document:
    base = 3595.0  # crosses the hour: stamps must all show hours
    words = _words(
        [
            ("Welcome", base + 0.0, base + 0.5, ""),
            ("back", base + 0.5, base + 0.9, "."),
            ("Subtitles", base + 1.5, base + 2.2, ""),
            ("need", base + 2.2, base + 2.5, ""),
            ("punctuation", base + 2.5, base + 3.3, ","),
            ("and", base + 3.4, base + 3.6, ""),
            ("timing", base + 3.6, base + 4.2, "."),
            ("That's", base + 8.0, base + 8.4, ""),
            ("all", base + 8.4, base + 8.7, "!"),
        ]
    )
    sentences = tuple(_sentence(words, a, b, " ") for a, b in [(0, 2), (2, 7), (7, 9)])
    transcript = Transcript(words, "en", "talk.en.m4a", "media", 3604.0)
    cues = (
        Cue(base + 0.0, base + 0.9, ("Welcome back.",), 0, 2),
        Cue(base + 1.5, base + 4.2, ("Subtitles need punctuation,", "and timing."), 2, 7),
        Cue(base + 8.0, base + 8.7, ("That's all & <done>!",), 7, 9),
    )
    return Document(transcript, sentences, (0, 2), (), cues)


DOCUMENTS = {"zh": chinese, "en": english}


# ------------------------------------------------------------------ golden files


@pytest.mark.parametrize("fmt", sorted(WRITERS.keys() & {"srt", "vtt", "txt", "md", "json"}))
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_writer_matches_golden_file(name: str, fmt: str) -> None:
    out = WRITERS[fmt](DOCUMENTS[name]())
    golden = GOLDEN / f"{name}{EXTENSIONS[fmt]}"
    if REGENERATE:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_every_writer_has_an_extension() -> None:
    assert set(WRITERS) <= set(EXTENSIONS)
    assert all(ext.startswith(".") for ext in EXTENSIONS.values())


def test_txt_and_md_without_times_or_chapters() -> None:
    words = tuple(Word(t, punct=p) for t, p in [("# not", ""), ("a", ""), ("heading", ".")])
    doc = Document(
        Transcript(words, "en", "", "text"),
        (Sentence("# not a heading.", 0, 3),),
        (0,),
        options={"title": "My notes"},
    )
    assert write_txt(doc) == "# not a heading.\n"
    assert write_md(doc) == "# My notes\n\n\\# not a heading.\n"


def test_chapter_always_starts_a_paragraph() -> None:
    doc = DOCUMENTS["zh"]()
    doc = Document(doc.transcript, doc.sentences, (0,), doc.chapters, doc.cues)
    assert write_txt(doc).split("\n\n") == [
        "开场",
        "大家好！今天我们聊聊字幕。",
        "好字幕的标准",
        "好的字幕需要标点。第一是断句，第二是节奏。\n",
    ]


def test_empty_document_writes_empty_text() -> None:
    doc = Document(Transcript((), "zh"))
    assert WRITERS["srt"](doc) == ""
    assert WRITERS["vtt"](doc) == "WEBVTT\n\n"
    assert WRITERS["txt"](doc) == ""
    assert read_json(write_json(doc)) == doc


@pytest.mark.parametrize(
    ("seconds", "style", "expected"),
    [
        (0, "srt", "00:00:00,000"),
        (3723.4567, "srt", "01:02:03,457"),
        (59.9996, "vtt", "00:01:00.000"),
        (-1, "vtt", "00:00:00.000"),
        (123.9, "stamp", "[02:03]"),
        (3723.0, "stamp", "[01:02:03]"),
        (5.0, "clock", "00:05"),
        (36000.0, "clock", "10:00:00"),
    ],
)
def test_format_time(seconds: float, style: str, expected: str) -> None:
    assert format_time(seconds, style) == expected


def test_format_time_hours_can_be_forced() -> None:
    assert format_time(5, "stamp", hours=True) == "[00:00:05]"
    assert format_time(4000, "clock", hours=False) == "66:40"
    with pytest.raises(ValueError, match="unknown time style"):
        format_time(1, "nope")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:00:01,500", 1.5),
        ("01:02:03.004", 3723.004),
        ("0:00:01.5", 1.5),
        ("0:01:02.34", 62.34),
        ("02:03.100", 123.1),
        ("00:00:01", 1.0),
        ("00:61:00,000", None),
        ("1x:00", None),
        ("", None),
    ],
)
def test_parse_time(text: str, seconds: float | None) -> None:
    assert parse_time(text) == seconds


@given(st.integers(min_value=0, max_value=360_000_000))
def test_time_text_round_trip(ms: int) -> None:
    for style in ("srt", "vtt"):
        assert parse_time(format_time(ms / 1000, style)) == ms / 1000


# ------------------------------------------------------------------ JSON round trips

_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
_TIME = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))
_INDEX = st.integers(0, 10_000)
_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), _TEXT)

_WORDS = st.builds(
    Word,
    text=_TEXT,
    start=_TIME,
    end=_TIME,
    probability=st.one_of(st.none(), st.floats(0, 1)),
    punct=_TEXT,
    lead=_TEXT,
    break_before=st.booleans(),
)
_DOCS = st.builds(
    Document,
    transcript=st.builds(
        Transcript,
        words=st.lists(_WORDS, max_size=8).map(tuple),
        language=st.sampled_from(["zh", "en", "ja", "zh-Hant"]),
        source=_TEXT,
        kind=st.sampled_from(["media", "text", "subtitles"]),
        duration=_TIME,
        meta=st.dictionaries(_TEXT, _SCALAR, max_size=3),
    ),
    sentences=st.lists(st.builds(Sentence, _TEXT, _INDEX, _INDEX, _TIME, _TIME), max_size=4).map(
        tuple
    ),
    paragraphs=st.lists(_INDEX, max_size=4).map(tuple),
    chapters=st.lists(st.builds(Chapter, _TEXT, _INDEX, _INDEX, _TIME, _TIME), max_size=3).map(
        tuple
    ),
    cues=st.lists(
        st.builds(
            Cue,
            st.floats(0, 1e6),
            st.floats(0, 1e6),
            st.lists(_TEXT, max_size=3).map(tuple),
            _INDEX,
            _INDEX,
        ),
        max_size=4,
    ).map(tuple),
    options=st.dictionaries(_TEXT, _SCALAR, max_size=3),
)


@given(_DOCS)
def test_json_round_trip_is_exact(doc: Document) -> None:
    back = read_json(write_json(doc))
    assert back == doc
    # meta and options are not part of == (compare=False): check them too.
    assert back.transcript.meta == doc.transcript.meta
    assert back.options == doc.options


def test_json_is_one_line_per_word() -> None:
    doc = DOCUMENTS["zh"]()
    lines = write_json(doc).split("\n")
    assert sum(1 for line in lines if line.lstrip().startswith('{"text"')) == len(
        doc.transcript.words
    ) + len(doc.sentences)
    assert '"大家"' in write_json(doc)  # not \\u escapes


def test_json_writes_what_json_cannot_hold_as_text() -> None:
    doc = Document(Transcript((), "en", meta={"path": Path("a/b"), "tags": {"x"}}))
    back = read_json(write_json(doc))
    assert back.transcript.meta == {"path": "a/b", "tags": ["x"]}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "invalid JSON"),
        ('{"schema": "other"}', "not a zimu JSON file"),
        ('{"schema": "zimu/1", "words": [{"txt": 1}]}', "malformed zimu JSON"),
    ],
)
def test_read_json_rejects_other_json(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        read_json(text, "x.json")
