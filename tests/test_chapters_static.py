import numpy as np
import pytest

import toolkit.chapters.features as features_module
import toolkit.chapters.static as static_module
from toolkit.chapters import ChapterOptions, find_chapters
from toolkit.chapters.static import StaticTable, sentence_vectors, static_table
from toolkit.errors import ModelError
from toolkit.types import Sentence

COOKING = [
    "红烧肉要先把五花肉切块焯水。", "焯水以后的五花肉用冰糖炒出糖色。",
    "糖色炒好再放五花肉翻炒上色。", "加入酱油和料酒，五花肉就有了红烧的颜色。",
    "倒进热水没过五花肉，小火慢炖一个小时。", "炖到汤汁浓稠，红烧肉就可以出锅了。",
]
FOOTBALL = [
    "昨晚的足球比赛，主队在下半场连进两球。", "前锋接到中场的传球，一脚射门破门。",
    "守门员扑出了对方的点球，保住了比分。", "教练在下半场换上两名年轻球员。",
    "这场足球比赛的控球率主队占了六成。", "裁判给客队后卫出示了一张红牌。",
]
SPACE = [
    "天文学家用望远镜观测到一颗新的彗星。", "这颗彗星的轨道要七十年才绕太阳一圈。",
    "望远镜拍到彗星的尾巴长达几百万公里。", "行星和彗星都围绕太阳运行。",
    "天文台计划下个月继续观测这颗彗星。", "木星是太阳系里最大的行星。",
]
ENGLISH = [
    *[f"The recipe needs flour, butter and sugar for the cake batter {i}." for i in range(6)],
    *[f"The striker scored a goal after the midfielder passed the football {i}." for i in range(6)],
    *[f"Astronomers pointed the telescope at the comet near Jupiter {i}." for i in range(6)],
]


def timed(texts: list[str], seconds: float = 10.0) -> list[Sentence]:
    return [Sentence(t, i, i + 1, i * seconds, (i + 1) * seconds - 1) for i, t in enumerate(texts)]


def words(texts: list[str], language: str = "zh") -> list[list[str]]:
    return [features_module._content_words(t, language) for t in texts]


def test_shipped_table_knows_both_scripts_and_weighs_frequent_words_less():
    table = static_table()
    assert table.vectors.dtype == np.float32 and table.vectors.shape[0] == len(table.weights)
    assert table.rows["经济"] == table.rows["經濟"]
    assert table.rows["电视台"] == table.rows["電視臺"]
    assert table.weights[table.rows["我们"]] < table.weights[table.rows["望远镜"]]
    assert np.all((table.weights > 0) & (table.weights <= 1))


def test_unknown_chinese_word_counts_as_its_known_characters():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    table = StaticTable({"天": 0, "文": 1, "学": 2}, vectors, np.array([1.0, 1.0, 0.5], np.float32))
    out, known = sentence_vectors([["天文", "学"], ["quark"], []], table)
    # 天文 is not in the table: 天 and 文 at half its weight each; 学 weighs 0.5.
    assert out[0] == pytest.approx((0.5 * vectors[0] + 0.5 * vectors[1] + 0.5 * vectors[2]) / 1.5)
    assert not out[1].any() and not out[2].any()
    assert known == pytest.approx(2 / 3)  # quark is unknown and has no characters to fall back on


def test_static_vectors_keep_topics_apart():
    vectors, known = sentence_vectors(words(COOKING + FOOTBALL + SPACE), static_table())
    assert known > 0.9
    x = vectors - vectors.mean(axis=0)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sims = x @ x.T
    topic = np.repeat(np.arange(3), 6)
    same = topic[:, None] == topic[None, :]
    np.fill_diagonal(same, False)
    different = topic[:, None] != topic[None, :]
    assert sims[same].mean() > sims[different].mean() + 0.2


def test_static_method_splits_the_topics_and_is_the_default():
    sents = timed(COOKING + FOOTBALL + SPACE)
    static = find_chapters(sents, "zh", ChapterOptions(min_chapter=20.0, method="static"))
    assert [c.first for c in static] == [0, 6, 12]
    assert find_chapters(sents, "zh", ChapterOptions(min_chapter=20.0)) == static


def test_languages_the_table_does_not_cover_use_tfidf_alone():
    tokens = words(ENGLISH, "en")
    static = features_module._features(ENGLISH, tokens, "static")
    lexical = features_module._features(ENGLISH, tokens, "lexical")
    assert np.array_equal(static, lexical)


def test_missing_table_is_a_model_error(monkeypatch):
    monkeypatch.setattr(static_module, "_DATA", "missing.npz")
    static_table.cache_clear()
    try:
        with pytest.raises(ModelError, match="chapter-method lexical"):
            static_table()
    finally:
        static_table.cache_clear()
