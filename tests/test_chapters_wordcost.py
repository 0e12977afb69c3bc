import math

import numpy as np
import pytest

from toolkit.chapters.wordcost import ALPHA, chapter_costs, null_gain, word_counts


def dcm_cost(counts: dict[str, int], vocabulary: int) -> float:
    """Minus the Dirichlet-compound multinomial log-likelihood, written out from its formula."""
    total = sum(counts.values())
    log_p = math.lgamma(vocabulary * ALPHA) - math.lgamma(total + vocabulary * ALPHA)
    for c in counts.values():
        log_p += math.lgamma(c + ALPHA) - math.lgamma(ALPHA)
    return -log_p


SENTENCES = [["猫", "狗", "猫"], ["猫", "鱼"], ["狗", "鱼"], ["鸟"], ["鸟", "猫"]]


def test_only_words_said_in_two_sentences_count() -> None:
    counts = word_counts([["猫", "狗"], ["猫"], ["鱼"]])
    assert counts.size == 1 and counts.total == 2  # 狗 and 鱼 are said once


def test_a_long_chinese_word_shares_its_character_pairs() -> None:
    counts = word_counts([["军事同盟"], ["同盟"]])
    assert counts.size == 1 and counts.total == 2  # 同盟, said in both
    assert word_counts([["alliance"], ["alli"]]).total == 0  # no pieces outside Chinese
    assert word_counts([["대한민국"], ["대한"]]).total == 0


def test_costs_match_the_formula() -> None:
    counts = word_counts(SENTENCES)
    pos = np.array([0, 1, 3, 5])
    cost = chapter_costs(counts, pos)
    v = counts.size
    assert cost[0, 1] == pytest.approx(dcm_cost({"猫": 2, "狗": 1}, v))
    assert cost[1, 2] == pytest.approx(dcm_cost({"猫": 1, "鱼": 2, "狗": 1}, v))
    assert cost[0, 3] == pytest.approx(dcm_cost({"猫": 4, "狗": 2, "鱼": 2, "鸟": 2}, v))
    assert np.isinf(cost[2, 1]) and np.isinf(cost[1, 1])


def test_a_split_at_the_vocabulary_change_costs_least() -> None:
    topic_a = [["红烧肉", "冰糖", "酱油"]] * 4
    topic_b = [["彗星", "望远镜", "木星"]] * 4
    counts = word_counts(topic_a + topic_b)
    cost = chapter_costs(counts, np.arange(9))
    splits = {k: cost[0, k] + cost[k, 8] for k in range(1, 8)}
    assert min(splits, key=lambda k: splits[k]) == 4
    assert splits[4] < cost[0, 8]  # splitting there beats one chapter
    assert cost[0, 4] + cost[4, 8] < cost[0, 2] + cost[2, 8]


def test_the_null_gain_is_positive_and_repeatable() -> None:
    words = [["红烧肉", "冰糖"], ["彗星", "木星"]] * 10
    counts = word_counts(words)
    lengths = np.full(len(words), 10.0)
    gain = null_gain(counts, lengths, 30.0, 2)
    assert gain > 0.01 and gain == null_gain(counts, lengths, 30.0, 2)


def test_find_chapters_uses_the_word_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.chapters.segment as segment_module
    from toolkit.chapters import ChapterOptions, find_chapters
    from toolkit.types import Sentence

    calls = []

    def spy(counts, pos):  # type: ignore[no-untyped-def]
        calls.append(counts.size)
        return chapter_costs(counts, pos)

    monkeypatch.setattr(segment_module, "chapter_costs", spy)
    texts = ["红烧肉要用冰糖和酱油。"] * 18 + ["望远镜里的彗星和木星。"] * 18
    sentences = [Sentence(t, i, i + 1) for i, t in enumerate(texts)]
    chapters = find_chapters(sentences, "zh", ChapterOptions(min_chars=20, method="lexical"))
    assert calls and calls[0] > 0
    assert [c.first for c in chapters] == [0, 18]
