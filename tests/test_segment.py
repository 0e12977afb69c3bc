from toolkit.punctuate import get_punctuator
from toolkit.segment import clauses, paragraphs, sentences
from toolkit.text import split_text
from toolkit.types import Sentence, Word


def test_sentences_cut_after_end_marks():
    words = split_text("你好。今天怎么样？很好！还有", "zh")
    out = sentences(words, "zh")
    assert [s.text for s in out] == ["你好。", "今天怎么样？", "很好！", "还有"]
    assert out[0].first == 0 and out[-1].last == len(words)


def test_sentences_carry_times():
    words = (Word("Hi", 0.0, 0.5, punct="."), Word("Bye", 1.0, 1.4, punct="."))
    out = sentences(words, "en")
    assert [(s.start, s.end) for s in out] == [(0.0, 0.5), (1.0, 1.4)]


def test_paragraphs_break_at_pauses_and_forced_starts():
    sents = [Sentence("句" * 60 + "。", i, i + 1, i * 10.0, i * 10.0 + 5) for i in range(8)]
    starts = paragraphs(sents, "zh", forced=[5])
    assert starts[0] == 0 and 5 in starts
    assert list(starts) == sorted(set(starts))


def test_rules_punctuator_never_changes_words():
    words = split_text("我们今天 谈一谈 这是什么 你知道吗 好", "zh")
    out = get_punctuator("rules", "zh").punctuate(words, "zh")
    assert [w.text for w in out] == [w.text for w in words]
    assert out[-1].punct in ("。", "？")
    assert any(w.punct == "？" for w in out)


def test_clauses_cut_at_clause_marks_once_long_enough():
    words = split_text("短，这一句已经足够长了，后面还有；最后一句。下一句", "zh")
    out = clauses(words, "zh", 8)
    assert [c.text for c in out] == ["短，这一句已经足够长了，", "后面还有；最后一句。", "下一句"]
    assert out[0].first == 0 and out[-1].last == len(words)
    assert [c.text for c in clauses(words, "zh", 1000)] == [s.text for s in sentences(words, "zh")]
