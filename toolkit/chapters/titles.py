"""Chapter titles.

A title is the ≤ 16-character (≤ 60 Latin) run of words, within one clause, that carries most
weight in words specific to the chapter: TF-IDF with the chapters as documents (the count
capped at 4, not logarithmic: a word said once is rarely the subject), times the word's general
rarity (jieba's IDF table) for Chinese; earlier sentences are slightly preferred.
For Chinese the run must also read as a phrase by jieba's part-of-speech tags (starts at a noun,
adjective or number that does not continue a word group, ends at a noun that modifies nothing),
and noun phrases are preferred.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from ..text import base_language
from .features import (
    _CJK,
    _STOP_EN,
    _STOP_ZH,
    _content,
    _cue_strength,
    _is_cjk_language,
    _is_word,
    _uses_jieba,
)

_TITLE_CJK = 16
_TITLE_LATIN = 60
_CLAUSE_SPLIT = re.compile(r"[，。？！；：、,;:?!…—\s「」『』“”\"（）()《》【】\[\]]+|\.(?!\d)")

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
    table = _jieba_idf() if cjk and base_language(language) != "ja" else None
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
                if j > i and (_name_after_noun(tags, j) or tags[j] in _NOT_IN_TITLE):
                    break
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
# Adverbs (也, 终于, 不再, 明确) and pronouns (这, 这边) belong to the sentence around a
# subject, not to a title.
_NOT_IN_TITLE = frozenset(("d", "ad", "r"))
_NOUN_TAGS = frozenset(("n", "nr", "nrfg", "nrt", "ns", "nt", "nz", "ng", "nl", "vn", "an",
                        "j", "eng", "s"))
_VERB_TAGS = frozenset(("v", "vd", "vg", "vi", "vq"))
_PERSON_TAGS = frozenset(("nr", "nrfg", "nrt"))
# Words jieba's HMM glued to a function word (对朝 = 对 + 朝) are cut back into their pieces.
_FUNCTION_TAGS = frozenset(("p", "c", "d", "u", "uj", "r"))
_START_TAGS = _NOUN_TAGS | {"a", "b", "m"}
_NOUN_PHRASE_TAGS = _NOUN_TAGS | {"a", "b", "m", "mq", "q", "uj", "f", "c"}
# A phrase does not start right after these (it would cut a compound or a verb's object)...
_NOT_BEFORE_START = _NOUN_TAGS | _VERB_TAGS | {"a", "ad", "b", "m", "mq", "q"}
# ...nor end right before these (a longer noun, a 的-modifier, a localiser like 上).
_NOT_AFTER_END = _NOUN_TAGS | {"uj", "f", "k", "q"}


def _phrase_start(tags: Sequence[str], i: int) -> bool:
    return tags[i] in _START_TAGS and (
        i == 0 or tags[i - 1] not in _NOT_BEFORE_START or _name_after_noun(tags, i)
    )


def _phrase_end(tags: Sequence[str], j: int) -> bool:
    return tags[j] in _NOUN_TAGS and (
        j + 1 == len(tags) or tags[j + 1] not in _NOT_AFTER_END or _name_after_noun(tags, j + 1)
    )


def _name_after_noun(tags: Sequence[str], i: int) -> bool:
    """A person's name right after another noun mostly starts a new phrase when the punctuation
    missed a pause (没有同盟条约金日成总是觉得…), so it ends the phrase before it. (Titles in
    apposition, 总统拜登, are split too: either half still names the subject.)"""
    return i > 0 and tags[i] in _PERSON_TAGS and tags[i - 1] in _NOUN_TAGS - _PERSON_TAGS


def _phrase_title(
    candidates: Sequence[tuple[float, int, list[str], float]],
    weights: dict[str, float],
    taken: Sequence[str],
) -> str:
    """The best noun-phrase-like span of the best clauses, by part-of-speech tags."""
    best: tuple[float, int, str] | None = None
    for _, order, clause, prior in candidates:
        words, tags = _tagged(clause)
        clause_weights = weights
        if len(words) > len(clause):  # pieces cut from a glued word carry its weight
            clause_weights = {**weights, **_piece_weights(clause, weights)}
        span = _best_span(words, clause_weights, True, tags)
        if span is None or span[1] in taken:
            continue
        if best is None or (span[0] * prior, order) > (best[0], best[1]):
            best = (span[0] * prior, order, span[1])
    return best[2] if best else ""


def _tagged(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """The words with jieba's dictionary tag of each. A word the dictionary lacks (jieba's HMM
    joined it: a name, or a verb with its particle like 签了) is tagged from its pieces: a verb
    if one is a verb, else like its last piece; one that starts with a function word (对朝) is
    cut back into its pieces. (Tagging whole clauses with jieba.posseg costs five times the
    cutting.)"""
    table = _jieba_tags()
    out_words: list[str] = []
    out_tags: list[str] = []
    for word in words:
        tag = table.get(word)
        pieces = ((word, tag),) if tag else _unknown_pieces(word)
        for piece, piece_tag in pieces:
            out_words.append(piece)
            out_tags.append(piece_tag)
    return out_words, out_tags


def _piece_weights(words: Sequence[str], weights: dict[str, float]) -> dict[str, float]:
    """Each content piece of a word cut at its function word weighs what the word did."""
    out: dict[str, float] = {}
    known = _jieba_tags()
    for word in words:
        if word not in weights or word in known:
            continue
        for piece, tag in _unknown_pieces(word)[1:]:
            if tag not in _FUNCTION_TAGS:
                out[piece] = max(out.get(piece, 0.0), weights[word])
    return out


@lru_cache(maxsize=4096)
def _unknown_pieces(word: str) -> tuple[tuple[str, str], ...]:
    if word.isdigit():
        return ((word, "m"),)
    if word.isascii():
        return ((word, "eng"),)
    import jieba.posseg

    pieces = tuple((p.word, str(p.flag)) for p in jieba.posseg.lcut(word))
    if len(pieces) < 2:
        return pieces or ((word, "x"),)
    if pieces[0][1] in _FUNCTION_TAGS:
        return pieces
    tags = [t for _, t in pieces]
    return ((word, "v" if any(t in _VERB_TAGS for t in tags) else tags[-1]),)


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
