from hypothesis import given
from hypothesis import strategies as st

from toolkit.text import (
    convert_text,
    convert_words,
    join_words,
    normalize_words,
    split_text,
    strip_punct,
)
from toolkit.types import Word


def test_split_chinese_caption_dump_marks_breaks():
    words = split_text("朝鲜和俄罗斯 已经签了历史上的第二次军事同盟", "zh")
    assert [w.text for w in words][:3] == ["朝鲜", "和", "俄罗斯"]
    assert words[3].text == "已经" and words[3].break_before
    assert not any(w.break_before for w in words[4:])


def test_split_attaches_punctuation_to_the_right_side():
    words = split_text("他说「真的吗?」好。", "zh")
    assert [(w.lead, w.text, w.punct) for w in words] == [
        ("", "他", ""), ("", "说", ""), ("「", "真的", ""), ("", "吗", "？」"), ("", "好", "。")]


def test_english_spaces_are_not_breaks_but_newlines_are():
    words = split_text('Hello, world! "Quoted" 3.5% done\nnext', "en")
    assert [w.text for w in words] == ["Hello", "world", "Quoted", "3.5%", "done", "next"]
    assert [w.break_before for w in words] == [False] * 5 + [True]
    assert join_words(words, "en") == 'Hello, world! "Quoted" 3.5% done next'


def test_join_spaces_between_cjk_and_latin_only():
    words = split_text("我用Python写了2026年的代码，好！", "zh")
    assert join_words(words, "zh") == "我用 Python 写了 2026 年的代码，好！"


def test_normalize_recuts_asr_tokens_and_spreads_times():
    asr = [Word(" 朝", 0.0, 0.2), Word("鲜", 0.2, 0.4), Word("和俄", 0.4, 0.8),
           Word("罗斯。", 0.8, 1.2), Word(" Py", 1.3, 1.5), Word("thon", 1.5, 1.7)]
    words = normalize_words(asr, "zh")
    assert [w.text for w in words] == ["朝鲜", "和", "俄罗斯", "Python"]
    assert words[0].start == 0.0 and words[0].end == 0.4
    assert words[2].punct == "。" and abs(words[2].end - 1.2) < 1e-9
    assert (words[3].start, words[3].end) == (1.3, 1.7)


def test_normalize_never_joins_across_a_pause():
    words = normalize_words([Word("很", 0.0, 0.3), Word("好", 1.5, 1.8)], "zh")
    assert [w.text for w in words] == ["很", "好"]


def test_script_conversion_word_by_word_keeps_times():
    words = (Word("軟體", 1.0, 2.0), Word("和", 2.0, 2.2), Word("滑鼠", 2.2, 3.0, punct="。"))
    out = convert_words(words, "zh-Hans")
    assert [w.text for w in out] == ["软体", "和", "滑鼠"]
    assert [(w.start, w.end) for w in out] == [(1.0, 2.0), (2.0, 2.2), (2.2, 3.0)]
    assert convert_text("软件和鼠标", "zh-TW") == "軟體和滑鼠"
    assert convert_text("请不吝点赞", "zh-Hant") == "請不吝點贊"
    assert convert_text("請不吝點贊", "zh-Hans") == "请不吝点赞"


text_pieces = st.lists(
    st.sampled_from(["我们", "今天", "谈", "Python", "2026", "年", "，", "。", " ", "？", "hello",
                     "world", "「", "」", "3.5%", "的", "\n"]), max_size=30)


@given(text_pieces)
def test_split_then_join_keeps_every_character(pieces):
    text = "".join(pieces)
    for language in ("zh", "en"):
        words = split_text(text, language)
        assert strip_punct(join_words(words, language)) == strip_punct(text)
        assert all(w.text and not any(c.isspace() for c in w.text) for w in words)


def test_truecase_capitalises_caseless_captions_only():
    from toolkit.text import truecase

    words = [Word("so", punct=","), Word("i"), Word("think"), Word("i'm", punct="."),
             Word("right"), Word("now")]
    assert [w.text for w in truecase(words, "en")] == ["So", "I", "think", "I'm", "Right", "now"]
    italian = [Word("i", punct=""), Word("ragazzi"), Word("e"), Word("i"), Word("cani", punct=".")]
    assert [w.text for w in truecase(italian, "it")] == ["I", "ragazzi", "e", "i", "cani"]
    cased = [Word("Apple"), Word("and"), Word("NASA", punct="."), Word("i"), Word("see")]
    assert truecase(cased, "en") == tuple(cased)  # the writer's own capitals stay as they are
    assert truecase(words, "zh") == tuple(words)  # CJK languages are left alone


def test_korean_keeps_the_spaces_between_its_words():
    text = "안녕하세요 여러분 오늘은 좋은 날입니다"
    words = split_text(text, "ko")
    assert join_words(words, "ko") == text
    assert not any(w.break_before for w in words)  # a space is not a caption break in Korean
    from toolkit.punctuate import get_punctuator

    marked = get_punctuator("rules", "ko").punctuate(words, "ko")
    assert join_words(marked, "ko").endswith("날입니다.")
