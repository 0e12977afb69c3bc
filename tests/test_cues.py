from dataclasses import replace
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.check import check_cues
from toolkit.cues import layout_cues, render_line, rerendered
from toolkit.style import preset
from toolkit.text import strip_punct
from toolkit.types import Cue, Word

ZH_WORDS = ["我们", "今天", "讨论", "一下", "这个", "问题", "朝鲜", "俄罗斯", "军事同盟", "的",
            "了",
            "Python", "2026", "年", "人民军", "库尔斯克", "实打实", "好处"]
EN_WORDS = ["we", "talk", "about", "the", "alliance", "today", "and", "its", "history", "why",
            "Pyongyang", "2026", "remarkable", "a", "of"]


@st.composite
def timed_words(draw, vocabulary, rate):
    """Words spoken at a natural rate (characters per second) with natural pauses."""
    n = draw(st.integers(1, 80))
    words, t = [], draw(st.floats(0, 5))
    for _ in range(n):
        text = draw(st.sampled_from(vocabulary))
        punct = draw(st.sampled_from(["", "", "", "", "，", "。", "？"] if rate < 10
                                     else ["", "", "", "", ",", ".", "?"]))
        duration = len(text) / draw(st.floats(rate * 0.6, rate))
        words.append(Word(text, round(t, 3), round(t + duration, 3), punct=punct))
        pause = draw(st.sampled_from([0.0, 0.02, 0.05, 0.1, 0.3, 0.8, 2.5]))
        t += duration + pause
    return words


def _check_layout(words, rules, language):
    cues = layout_cues(words, rules, language)
    # The words out equal the words in, punctuation aside.
    shown = "".join(strip_punct("".join(c.lines)) for c in cues)
    assert shown == strip_punct("".join(w.text for w in words))
    # Times never go backwards and cues never overlap.
    for a, b in pairwise(cues):
        assert a.start < a.end <= b.start < b.end
        assert a.last == b.first
    # No rule broken, except a single word longer than a line.
    problems = [v for v in check_cues(cues, rules, language) if not v.allowed]
    assert not problems, problems
    return cues


@settings(max_examples=40, deadline=None)
@given(timed_words(ZH_WORDS, rate=6.0))
def test_zh_layout_keeps_words_order_and_rules(words):
    _check_layout(words, preset("zh"), "zh")


@settings(max_examples=40, deadline=None)
@given(timed_words(EN_WORDS, rate=12.0))
def test_en_layout_keeps_words_order_and_rules(words):
    _check_layout(words, preset("en"), "en")


def test_single_overlong_word_is_the_only_exception():
    long = Word("https://example.org/a-very-long-address", 0.0, 4.0, punct="。")
    cues = layout_cues([long], preset("zh"), "zh")
    found = check_cues(cues, preset("zh"), "zh")
    assert found and all(v.allowed for v in found)


def test_breaks_prefer_sentence_ends():
    words, t = [], 0.0
    for text in ["今天", "天气", "很好。", "我们", "出去", "走走", "好吗？"]:
        punct = text[-1] if text[-1] in "。？" else ""
        words.append(Word(text.rstrip("。？"), t, t + 0.5, punct=punct))
        t += 0.55
    cues = layout_cues(words, preset("zh", max_line=9, max_lines=1), "zh")
    assert [c.lines for c in cues] == [("今天天气很好",), ("我们出去走走好吗？",)]


def test_chinese_subtitle_punctuation_style():
    words = [Word("你好", punct="，"), Word("世界", punct="。"), Word("对吗", punct="？")]
    assert render_line(words, preset("zh"), "zh") == "你好\u3000世界\u3000对吗？"
    assert render_line(words[:2], preset("zh"), "zh") == "你好\u3000世界"
    full = replace(preset("zh"), subtitle_punct=False)
    assert render_line(words, full, "zh") == "你好，世界。对吗？"


def test_untimed_words_make_no_cues():
    assert layout_cues([Word("你好")], preset("zh"), "zh") == ()


def _timed(texts_and_marks, gap=0.4):
    words, t = [], 0.0
    for text, punct in texts_and_marks:
        words.append(Word(text, t, t + gap, punct=punct))
        t += gap + 0.05
    return words


def test_rerendered_cues_show_a_new_full_stop_with_their_old_breaks_and_times():
    old = _timed([("we", ""), ("cooked", ""), ("the", ""), ("rice", ","), ("and", ""),
                  ("the", ""), ("match", ""), ("started", ".")])
    rules = preset("en", max_line=16)
    cues = layout_cues(old, rules, "en")
    new = list(old)
    new[3] = replace(old[3], punct=".")
    new[4] = replace(old[4], text="And")
    again = rerendered(cues, old, new, rules, "en")
    assert [(c.start, c.end, c.first, c.last) for c in again] == [
        (c.start, c.end, c.first, c.last) for c in cues]
    assert [len(c.lines) for c in again] == [len(c.lines) for c in cues]
    shown = " ".join(" ".join(c.lines) for c in again)
    assert "rice. And the match started." in shown
    untouched = [c for c in cues if not c.first <= 3 < c.last and not c.first <= 4 < c.last]
    assert all(c in again for c in untouched)


def test_rerendered_keeps_the_full_punctuation_style_the_lines_were_written_in():
    old = _timed([("先", ""), ("做饭", "，"), ("再", ""), ("看球", "。")])
    full = replace(preset("zh"), subtitle_punct=False)
    cues = layout_cues(old, full, "zh")
    new = [*old[:1], replace(old[1], punct="。"), *old[2:]]
    # The JSON keeps only the preset's name: the style is read from the old lines.
    again = rerendered(cues, old, new, preset("zh"), "zh")
    assert "".join(line for c in again for line in c.lines) == "先做饭。再看球。"


def test_rerendered_leaves_lines_it_cannot_trace_to_the_words():
    old = _timed([("你好", "，"), ("世界", "。")])
    cues = (Cue(0.0, 1.0, ("别人写的字幕",), 0, 2),)
    new = [replace(old[0], punct="。"), old[1]]
    assert rerendered(cues, old, new, preset("zh"), "zh") == cues
