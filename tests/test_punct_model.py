"""The shipped punctuation model on real input: words intact, sensible marks, bounded windows."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import ModelError
from toolkit.punctuate import get_punctuator
from toolkit.punctuate import model as pm
from toolkit.text import split_text
from toolkit.types import Word

PUNCT = pm.ModelPunctuator()


def timed(texts: list[str], pause_after: dict[int, float] | None = None) -> list[Word]:
    """Words spoken at 0.2 s a character with 50 ms gaps, plus the given pauses."""
    words, t = [], 0.0
    for i, text in enumerate(texts):
        end = t + 0.2 * max(1, len(text))
        words.append(Word(text, start=t, end=end))
        t = end + 0.05 + (pause_after or {}).get(i, 0.0)
    return words


def test_registry_gives_the_model_for_chinese() -> None:
    assert get_punctuator("auto", "zh").name == "model"


def test_empty_input() -> None:
    assert PUNCT.punctuate([], "zh") == ()


def test_obvious_question_gets_a_question_mark() -> None:
    for text in ("你今天吃饭了吗", "你叫什么名字", "这个问题到底是为什么呢"):
        out = PUNCT.punctuate(split_text(text, "zh"), "zh")
        assert out[-1].punct == "？", text


def test_statement_ends_with_a_period_and_commas_inside() -> None:
    text = "今天天气很好我们一起去公园散步吧然后再去吃饭如果下雨的话我们就待在家里看电影"
    out = PUNCT.punctuate(split_text(text, "zh"), "zh")
    marks = [w.punct for w in out if w.punct]
    assert out[-1].punct in ("。", "！")
    assert len(marks) >= 3


def test_existing_punctuation_is_replaced() -> None:
    words = [Word("我们", punct="？？"), Word("走吧", lead="「", punct="」")]
    out = PUNCT.punctuate(words, "zh")
    assert all(w.lead == "" for w in out)
    assert out[0].punct in pm.LABELS and out[1].punct in ("。", "？", "！")


def test_mixed_chinese_english_digits() -> None:
    text = "我昨天用iPhone 15 Pro拍了100张照片然后上传到Google Photos你看过了吗"
    words = split_text(text, "zh")
    out = PUNCT.punctuate(words, "zh")
    assert [w.text for w in out] == [w.text for w in words]
    assert out[-1].punct == "？"


def test_a_spoken_pause_particle_is_not_a_question() -> None:
    # Topic particles before a pause (…呢，…) against the same particle ending a question.
    topics = ("我们公司呢去年搬到了上海", "这部电影呢我已经看了三遍", "我爸爸啊年轻的时候当过兵",
              "这几天呢天气一直不太好")
    read_as_pause = 0
    for text in topics:
        out = PUNCT.punctuate(split_text(text, "zh"), "zh")
        particle = next(w for w in out if w.text[-1] in "呢啊")
        read_as_pause += particle.punct not in ("。", "？", "！")
    assert read_as_pause >= 3
    for text in ("你周末打算去哪儿玩呢", "他为什么一直不说话呢"):
        assert PUNCT.punctuate(split_text(text, "zh"), "zh")[-1].punct == "？", text


def test_a_long_pause_brings_a_mark() -> None:
    texts = ["我们", "今天", "就", "讲", "到", "这里", "大家", "下次", "再", "见"]
    plain = PUNCT.punctuate(timed(texts), "zh")
    paused = PUNCT.punctuate(timed(texts, {5: 1.2}), "zh")
    assert paused[5].punct in ("。", "！", "，")
    model = pm.load_model()
    scores = []
    for words in (plain, paused):
        tokens, bounds, owner = pm.encode_words(words, model.vocab)
        logits = model.logits(tokens, bounds)
        at = int(np.flatnonzero(owner == 5)[-1])
        probs = np.exp(logits[at]) / np.exp(logits[at]).sum()
        scores.append(probs[pm.NONE])
    assert scores[1] < scores[0]


def test_caption_breaks_are_hints() -> None:
    model = pm.load_model()
    text = "我觉得这个方法很好 我们可以试一试"
    words = split_text(text, "zh")
    _, bounds, _ = pm.encode_words(words, model.vocab)
    assert set(bounds[:-1].tolist()) == {pm.B_CONT, pm.B_WEAK}
    flat = [dataclasses.replace(w, break_before=False) for w in words]
    assert set(pm.encode_words(flat, model.vocab)[1].tolist()) == {pm.B_NONE}


class _Recorder:
    """Wraps the ONNX session to see what shapes it is fed."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.shapes: list[tuple[int, ...]] = []

    def run(self, names: Any, feed: dict[str, np.ndarray]) -> Any:
        self.shapes.append(feed["tokens"].shape)
        return self.session.run(names, feed)


def test_long_input_runs_in_bounded_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    model = pm.load_model()
    recorder = _Recorder(model.session)
    monkeypatch.setattr(model, "session", recorder)
    sentence = "我们今天讨论的是人工智能对教育的影响以及它在未来十年可能带来的变化"
    words = [Word(w.text) for w in split_text(sentence, "zh")] * (200_000 // len(sentence))
    out = PUNCT.punctuate(words, "zh")
    assert len(out) == len(words)
    assert all(b <= pm.BATCH_WINDOWS and t <= pm.WINDOW for b, t in recorder.shapes)
    assert len(recorder.shapes) > 10


def test_windows_agree_with_one_pass() -> None:
    model = pm.load_model()
    text = "各位好今天我想跟大家分享一个故事这个故事发生在很多年以前" * 80
    tokens, bounds, _ = pm.encode_words(split_text(text, "zh"), model.vocab)
    windowed = model.logits(tokens, bounds)
    # One pass over the stream with the same padding (PAD tokens) the windows see at its ends.
    context = model.vocab.context
    pad = np.zeros(context, np.int64)
    arrays = (tokens, model.vocab.bigram_ids(tokens), bounds)
    feed = {
        name: np.concatenate([pad, a, pad])[None]
        for name, a in zip(("tokens", "bigrams", "bounds"), arrays, strict=True)
    }
    whole = model.session.run(None, feed)[0][0, context:-context]
    assert np.allclose(windowed, whole, atol=1e-3)


def test_missing_model_file_is_a_model_error(tmp_path: Path) -> None:
    punct = pm.ModelPunctuator(tmp_path / "none.onnx", tmp_path / "none.json")
    with pytest.raises(ModelError):
        punct.punctuate([Word("你好")], "zh")


_texts = st.one_of(
    st.sampled_from(
        ["我们", "今天", "吗", "iPhone", "3.5", "100", "OK", "", "的", "Zimu", "２０２６"]
    ),
    st.text(alphabet="abcXYZ019你好世界问题。，？ '", max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(_texts, min_size=1, max_size=30),
    with_times=st.booleans(),
    breaks=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_text_and_times_never_change(
    texts: list[str], with_times: bool, breaks: list[bool]
) -> None:
    words = timed(texts) if with_times else [Word(t) for t in texts]
    words = [dataclasses.replace(w, break_before=b) for w, b in zip(words, breaks, strict=False)]
    out = PUNCT.punctuate(words, "zh")
    assert len(out) == len(words)
    for a, b in zip(words, out, strict=True):
        assert dataclasses.replace(b, punct=a.punct, lead=a.lead) == a
        assert b.punct in pm.LABELS and b.lead == ""
    assert out[-1].punct in ("。", "？", "！")
