"""Guards against Whisper's known failure modes, applied to the segment stream.

Public:
    guard(segments, speech=None) -> Iterator[AsrSegment]   # all guards, streaming
    collapse_loops(segment, min_repeats=5, keep=2) -> AsrSegment | None
    is_phantom(text) -> bool
    phantom_without_speech(segment, speech) -> bool

1. Repetition loops inside a segment ("谢谢谢谢谢谢谢谢…", "the the the the the") — a unit of
   1–30 characters repeated `min_repeats`+ times in a row — keep `keep` copies.
2. The same text in 3+ consecutive segments (a decoder loop across windows): keep the first two.
3. Phantom lines: Whisper's training subtitles taught it credits and sign-offs it writes over
   silence, noise or music ("字幕由Amara.org社群提供", "Thanks for watching!",
   "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目"). A segment whose whole text is one of
   them is dropped unless the audio there is confidently speech (VAD overlap, Whisper's
   no-speech and word probabilities).
4. No speech: a segment Whisper itself rates as probably silent (no_speech_prob >= 0.6 with
   avg_logprob < -0.5: stricter than Whisper's own -1.0, which lets noise through), or one that
   lies wholly outside the VAD's speech stretches, is dropped.
5. Segments with no words left, or whose words are all empty, are dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from toolkit.asr import AsrSegment
from toolkit.types import Word

__all__ = ["collapse_loops", "guard", "is_phantom", "no_speech", "phantom_without_speech"]

SEGMENT_RUN_KEEP = 2  # identical consecutive segments kept before the rest count as a loop

# Normalised (see _phantom_key): simplified script, lower case, no spaces or punctuation.
# Patterns are matched against the whole segment text (re.fullmatch on the normalised form).
_PHANTOMS = [
    r"请不吝点赞订阅转发打赏支持明镜与点点栏目",
    r"(请)?(不吝)?点赞订阅转发打赏.*",
    r"字幕(由|来自)?.*(amara|社群|社区|志愿者|组|提供|制作|翻译|校对).*",
    r".*amaraorg.*",
    r"(中文)?字幕志愿者.*",
    r"(字幕|翻译|校对|时间轴|后期)(by|由).*",
    r"优优独播剧场.*",
    r".*yoyotelevisionseries.*",
    r"(感谢|谢谢)(大家|您|你)?的?(观看|收看|收听)+(本期视频|本视频|我们的视频)?",
    r"(请|欢迎)?(订阅|点赞|关注)(我的|我们的)?(频道|频道的内容)?",
    r"明镜.*点点栏目",
    r"(thanks|thank you)(so much|very much)?for(watching|listening)",
    r"(please)?(subscribe|like and subscribe)(to my channel|to the channel)?",
    r"subtitles by.*",
    r"(transcribed|translated|subtitled) by.*",
    r"ご視聴ありがとうございました",
    r"(チャンネル登録)(を)?(お願いします|よろしくお願いします)",
    r"시청해주셔서감사합니다",
    r"mbc뉴스.*",
    r"untertitel(im auftrag|der amara).*",
    r"soustitres?(réalisés)?par.*",
    r"sottotitoli(creati)?(dalla|a cura).*",
    r"продолжениеследует",
    r"редактор субтитров.*",
]


@functools.cache
def _simplified() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def _norm(text: str) -> str:
    """Lower case, NFKC, no whitespace/punctuation/symbols: what phantom and loop checks compare."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _phantom_key(text: str) -> str:
    return _norm(_simplified()(text)) if any(ord(c) > 0x2E80 for c in text) else _norm(text)


def is_phantom(text: str) -> bool:
    """True when the whole text is one of Whisper's stock phantom lines."""
    key = _phantom_key(text)
    return bool(key) and _phantom_regex().fullmatch(key) is not None


@functools.cache
def _phantom_regex() -> re.Pattern[str]:
    # patterns go through the same script folding as the text (OpenCC also maps Japanese kanji)
    patterns = (_simplified()(p).replace(" ", "") for p in _PHANTOMS)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def phantom_without_speech(
    segment: AsrSegment, speech: Sequence[tuple[float, float]] | None
) -> bool:
    """A phantom line that the audio does not clearly support: drop it."""
    if not is_phantom(segment.text):
        return False
    probs = [w.probability for w in segment.words if w.probability is not None]
    mean_prob = sum(probs) / len(probs) if probs else 0.0
    confident = (
        mean_prob >= 0.75
        and segment.no_speech_prob < 0.2
        and segment.avg_logprob > -0.5
        and (speech is None or _overlap(segment, speech) >= 0.5)
    )
    return not confident


def no_speech(segment: AsrSegment, speech: Sequence[tuple[float, float]] | None) -> bool:
    """Text that Whisper wrote where nobody speaks."""
    if segment.no_speech_prob >= 0.6 and segment.avg_logprob < -0.5:
        return True
    return speech is not None and segment.end > segment.start and _overlap(segment, speech) == 0


def _overlap(segment: AsrSegment, speech: Sequence[tuple[float, float]]) -> float:
    length = segment.end - segment.start
    if length <= 0:
        return 0.0
    inside = sum(max(0.0, min(segment.end, b) - max(segment.start, a)) for a, b in speech)
    return inside / length


def collapse_loops(segment: AsrSegment, min_repeats: int = 5, keep: int = 2) -> AsrSegment | None:
    """Cut runs of `min_repeats`+ back-to-back copies of a unit down to `keep` copies."""
    keys = [_norm(w.text) for w in segment.words]
    # One string of all words (Latin words get a trailing space so "the the" repeats as "the ")
    # and, for each character, the index of the word it came from.
    chars: list[str] = []
    owner: list[int] = []
    for i, key in enumerate(keys):
        piece = key + " " if key.isascii() else key
        chars.extend(piece)
        owner.extend([i] * len(piece))
    joined = "".join(chars)
    loop = re.compile(rf"(.{{1,30}}?)\1{{{min_repeats - 1},}}", re.DOTALL)
    drop: set[int] = set()
    for m in loop.finditer(joined):
        unit = len(m.group(1))
        cut_from, cut_to = m.start() + keep * unit, m.end()
        first_kept_word = owner[cut_from - 1]
        drop.update(owner[k] for k in range(cut_from, cut_to) if owner[k] != first_kept_word)
    words = tuple(w for i, w in enumerate(segment.words) if i not in drop and w.text.strip())
    if not any(_norm(w.text) for w in words):
        return None
    if not drop:
        return segment
    return replace(
        segment,
        words=words,
        text=_join(words),
        start=words[0].start if words[0].start is not None else segment.start,
        end=words[-1].end if words[-1].end is not None else segment.end,
    )


def guard(
    segments: Iterable[AsrSegment], speech: Sequence[tuple[float, float]] | None = None
) -> Iterator[AsrSegment]:
    """All guards, lazily: a segment is yielded as soon as it has been judged."""
    previous = ""
    run = 0
    for raw in segments:
        segment = collapse_loops(raw)
        if segment is None or no_speech(segment, speech) or phantom_without_speech(segment, speech):
            continue
        key = _norm(segment.text)
        run = run + 1 if key == previous else 1
        previous = key
        if run > SEGMENT_RUN_KEEP:
            continue
        yield segment


def _join(words: Sequence[Word]) -> str:
    out = ""
    for w in words:
        text = w.text.strip()
        if out and text and out[-1].isascii() and text[0].isascii():
            out += " "
        out += text
    return out
