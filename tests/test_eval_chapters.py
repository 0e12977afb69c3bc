"""The chapter eval's scoring on toy documents (scripts/eval_chapters.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from toolkit.types import Chapter, Sentence

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "eval_chapters.py"


def _eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_chapters", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ITEMS = [{"title": "天气", "text": "今天天气晴朗。明天下雨。"},
         {"title": "股市", "text": "股市上涨了。成交量放大。"}]


def test_exact_chapters_score_perfectly_and_every_boundary_is_on_a_sentence():
    ev = _eval()
    sents = [Sentence(t, i, i + 1) for i, t in
             enumerate(["今天天气晴朗。", "明天下雨。", "股市上涨了。", "成交量放大。"])]
    s = ev.score(ITEMS, sents, [Chapter("天气", 0, 2), Chapter("股市", 2, 4)])
    assert (s.pk, s.wd, s.f1, s.on_sentence) == (0.0, 0.0, 1.0, 1.0)
    assert (s.predicted, s.true) == (2, 2)
    assert s.rouge == 1.0


def test_a_boundary_inside_a_sentence_is_off_sentence_and_one_chapter_misses_it():
    ev = _eval()
    sents = [Sentence("今天天气晴朗。", 0, 1), Sentence("明天下雨股市上涨了。", 1, 2),
             Sentence("成交量放大。", 2, 3)]
    s = ev.score(ITEMS, sents, [Chapter("天气", 0, 3)])
    assert s.on_sentence == 0.0
    # 20 characters, k = 5: the 5 of 15 probes that straddle the true boundary all miss it.
    assert s.pk == 5 / 15 and s.f1 == 0.0
