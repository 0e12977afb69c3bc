from dataclasses import replace
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.check import check_cues
from toolkit.cues import layout_cues, render_line
from toolkit.style import preset
from toolkit.text import strip_punct
from toolkit.types import Word

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
