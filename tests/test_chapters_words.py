"""Chapters over clauses: a chapter may start inside a sentence that ran two topics together."""

from dataclasses import replace

import pytest
from test_chapters import COOKING, ENGLISH, FOOTBALL

from toolkit.chapters import ChapterOptions
from toolkit.chapters.words import CLAUSE_CHARS, chapters_in_words
from toolkit.errors import InputError
from toolkit.pipeline import Options, process, rechapter
from toolkit.segment import sentences
from toolkit.text import split_text
from toolkit.types import Document, Sentence, Transcript

LEX = ChapterOptions(min_chars=60, max_chapters=2, method="lexical")


# A clause is cut off only once it is long enough (CLAUSE_CHARS): the run-on one is.
LAST_COOKING = "最后出锅之前一定要记得尝一尝汤汁的咸淡，再决定要不要多加一点酱油和白糖"


def run_on(first: list[str], second: list[str]) -> str:
    """Two topics, the last sentence of the first running into the second with a comma."""
    return "".join(first) + LAST_COOKING + "，" + "".join(second)


def test_a_chapter_starting_inside_a_sentence_ends_that_sentence() -> None:
    assert len(LAST_COOKING) - 1 >= CLAUSE_CHARS
    words = split_text(run_on(COOKING, FOOTBALL), "zh")
    before = sentences(words, "zh")
    out, sents, chapters = chapters_in_words(words, "zh", LEX)
    assert [w.text for w in out] == [w.text for w in words]  # nothing said is lost
    assert len(chapters) == 2 and len(sents) == len(before) + 1
    second = sents[chapters[1].first]
    assert second.text.startswith("昨晚的足球比赛")
    assert out[second.first - 1].punct == "。"
    assert chapters[0].last == chapters[1].first and chapters[-1].last == len(sents)
    assert sents == sentences(out, "zh")


def test_chapters_at_sentence_ends_change_no_word() -> None:
    words = split_text("".join(COOKING + FOOTBALL), "zh")
    out, sents, chapters = chapters_in_words(words, "zh", LEX)
    assert out == tuple(words) and sents == sentences(words, "zh")
    assert [sents[c.first].text for c in chapters] == [COOKING[0], FOOTBALL[0]]


def test_an_english_run_on_gets_a_full_stop_and_a_capital() -> None:
    cake, football = ENGLISH[:6], ENGLISH[6:12]
    text = " ".join(cake)[:-1] + ", " + " ".join(football)[0].lower() + " ".join(football)[1:]
    words = split_text(text, "en")
    out, sents, chapters = chapters_in_words(words, "en", ChapterOptions(min_chars=150,
                                                                         method="lexical"))
    assert len(chapters) == 2
    start = sents[chapters[1].first]
    assert start.text.startswith("The striker scored")
    assert out[start.first - 1].punct == "."


def test_rechapter_refuses_sentences_without_their_words() -> None:
    doc = Document(Transcript((), "zh", "talk.json", "text"), (Sentence("你好。", 0, 1),))
    with pytest.raises(InputError, match="no words"):
        rechapter(doc, {})


def test_trusted_punctuation_moves_the_chapter_to_a_sentence_start() -> None:
    words = split_text(run_on(COOKING, FOOTBALL), "zh")
    out, sents, chapters = chapters_in_words(words, "zh", LEX, keep_sentences=True)
    assert out == tuple(words) and sents == sentences(words, "zh")
    assert len(chapters) == 2 and chapters[1].first in (len(COOKING), len(COOKING) + 1)
    assert chapters[0].last == chapters[1].first and chapters[1].last == len(sents)


def test_the_pipeline_trusts_punctuation_it_keeps() -> None:
    from toolkit.pipeline import Options, parse_text, process

    text = run_on(COOKING, FOOTBALL)
    options = {"min_chars": 60, "max_chapters": 2, "method": "lexical"}
    kept = Options(language="zh", punctuator="keep", chapter_options=options)
    doc = process(parse_text(text, "talk.txt", kept), kept)
    assert [w.punct for w in doc.transcript.words] == [w.punct for w in split_text(text, "zh")]
    assert len(doc.chapters) == 2


def test_rechapter_shows_a_new_full_stop_in_the_cues() -> None:
    cake, football = ENGLISH[:6], ENGLISH[6:12]
    text = " ".join(cake)[:-1] + ", " + " ".join(football)[0].lower() + " ".join(football)[1:]
    words = [replace(w, start=i * 0.4, end=i * 0.4 + 0.35)
             for i, w in enumerate(split_text(text, "en"))]
    transcript = Transcript(tuple(words), "en", "talk.srt", "subtitles",
                            meta={"punctuator": "rules"})
    opts = Options(language="en", punctuator="keep", chapters=False)
    doc = replace(process(transcript, opts), transcript=transcript)  # punctuated by rules, say
    assert not any("passed" in line and ". The" in line for c in doc.cues for line in c.lines)
    again = rechapter(doc, {"min_chapter": 20.0, "method": "lexical"})
    assert len(again.chapters) == 2
    shown = " ".join(line for c in again.cues for line in c.lines)
    assert "batter 5. The striker" in shown
    assert [(c.start, c.end) for c in again.cues] == [(c.start, c.end) for c in doc.cues]
