"""Align a text or subtitle file to a media file: recognise, align, then the usual stages.

    media ──decode, ASR──▶ recognised words ┐
                                            ├─align_words─▶ Transcript (known words, timed)
    text / subtitles ──read──▶ known words ─┘
                        ──process──▶ Document (the input's cues re-timed, or cues laid out anew)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, UsageError
from ..pipeline import MEDIA_SUFFIXES, Options, guess_language, process, script_for, style_rules
from ..types import Cue, Document, Transcript, Word
from .core import AlignOptions, AlignResult, Stretch, align_words
from .cues import retime_cues

if TYPE_CHECKING:
    from ..asr import Engine

ProgressFn = Callable[[float, float], None]


@dataclass(frozen=True)
class Known:
    """The text side: its words and, for subtitles, its cues (word ranges, lines as written)."""

    transcript: Transcript
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Aligned:
    document: Document  # cues: the input's own cues re-timed (subtitles) or laid out anew
    result: AlignResult
    recognised: Transcript  # what the recogniser heard (meta["speech"]: the VAD's stretches)
    known: Known


def read_known(path: str | Path, options: Options | None = None) -> Known:
    """Words of a text or subtitle file (`options.input_kind` or detected from the file)."""
    from ..formats import subtitles
    from ..formats.detect import detect_kind
    from ..formats.encoding import read_text
    from ..pipeline import parse_text

    options = options or Options()
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    kind = options.input_kind
    if kind == "media" or (kind == "auto" and path.suffix.lower() in MEDIA_SUFFIXES):
        raise UsageError(f"{path}: the second input must be a transcript or subtitles, not media")
    text = read_text(path)
    kind = kind if kind != "auto" else detect_kind(str(path), text)
    if kind == "text":
        return Known(parse_text(text, str(path), options, "text"))
    raw, repairs = subtitles.read(kind, text, str(path), strict=options.strict)
    language = options.language or guess_language(text)
    words: list[Word] = []
    cues: list[Cue] = []
    for cue in raw:
        mine = subtitles.cues_to_transcript([cue], language, str(path)).words
        cues.append(Cue(cue.start, cue.end, tuple(cue.text.split("\n")), len(words),
                        len(words) + len(mine)))
        words.extend(replace(w, start=None, end=None) for w in mine)
    meta: dict[str, Any] = {"repairs": list(repairs)}
    return Known(Transcript(tuple(words), language, str(path), "subtitles", meta=meta),
                 tuple(cues))


def recognise(media: str | Path, language: str, options: Options | None = None,
              progress: ProgressFn | None = None, engine: Engine | None = None) -> Transcript:
    """Timed words heard in `media` (raw engine tokens), the VAD's speech in meta["speech"],
    the holes recognised again in meta["reheard"].

    Repetition loops are cut and Whisper's stock phantom lines dropped, but not the segments it
    is merely unsure of (toolkit.asr.guards' no-speech guard): with the text known, a doubtful
    segment still helps. Measured on espeak speech: 44% of the characters recognised this way,
    6% through all the guards."""
    from ..asr import SAMPLE_RATE, AsrOptions, load_engine
    from ..asr.guards import collapse_loops, phantom_without_speech
    from ..media import decode_audio

    options = options or Options()
    audio = decode_audio(str(media))
    asr_options = AsrOptions(**{**options.asr, "language": options.language or language})
    engine = engine or load_engine(asr_options)
    speech = speech_stretches(audio)
    info, segments = engine.transcribe(audio, asr_options)
    words: list[Word] = []
    for raw in segments:
        segment = collapse_loops(raw)
        if segment is None or phantom_without_speech(segment, info.speech):
            continue
        words.extend(segment.words)
        if progress is not None:
            progress(min(segment.end, info.duration), info.duration)
    # Whisper skips a whole window it rates as no speech; unclear speech then leaves a hole
    # that alignment can only interpolate across. Heard again in short pieces, without the
    # style prompt (which Whisper tends to recite over unclear audio), most of it comes back.
    again = replace(asr_options, language=info.language, initial_prompt="")
    reheard = holes(words, speech)
    for hole in reheard:
        for start, end in _pieces(hole, speech):
            piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            for raw in engine.transcribe(piece, again)[1]:
                segment = collapse_loops(raw)
                if segment is not None and not phantom_without_speech(segment, None):
                    words.extend(_shifted(w, start) for w in segment.words)
    words.sort(key=lambda w: w.start or 0.0)
    if progress is not None:
        progress(info.duration, info.duration)
    meta = {"speech": [list(s) for s in speech], "reheard": [list(h) for h in reheard]}
    return Transcript(tuple(words), info.language, str(media), "media", info.duration, meta)


HOLE_SECONDS = 4.0  # speech without a recognised word for this long is recognised again


def holes(words: Sequence[Word], speech: Sequence[tuple[float, float]],
          seconds: float = HOLE_SECONDS) -> list[tuple[float, float]]:
    """Gaps between recognised words that hold at least `seconds` of detected speech, from the
    first speech in the gap to the last."""
    edges = [(0.0, 0.0), *sorted((w.start or 0.0, w.end or 0.0) for w in words),
             (float("inf"), float("inf"))]
    found: list[tuple[float, float]] = []
    reach = 0.0
    for start, end in edges:
        inside = [(max(a, reach), min(b, start)) for a, b in speech if b > reach and a < start]
        if sum(b - a for a, b in inside) >= seconds:
            found.append((inside[0][0], inside[-1][1]))
        reach = max(reach, end)
    return found


PIECE_SECONDS = 8.0


def _pieces(hole: tuple[float, float], speech: Sequence[tuple[float, float]]
            ) -> list[tuple[float, float]]:
    """The hole's speech in pieces of up to PIECE_SECONDS (longer stretches stay whole), cut
    in pauses, with a fifth of a second of margin."""
    out: list[tuple[float, float]] = []
    for a, b in speech:
        a, b = max(a, hole[0]), min(b, hole[1])
        if b <= a:
            continue
        if out and b - out[-1][0] <= PIECE_SECONDS:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return [(max(0.0, a - 0.2), b + 0.2) for a, b in out]


def _shifted(w: Word, offset: float) -> Word:
    return replace(w, start=None if w.start is None else w.start + offset,
                   end=None if w.end is None else w.end + offset)


def speech_stretches(audio: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Where the voice-activity detector hears speech, finely: pauses from a quarter second
    (the recogniser's own detector joins speech across pauses up to a second; interpolated
    words should not land in the shorter ones either)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from ..asr import SAMPLE_RATE

    if len(audio) < SAMPLE_RATE // 10:
        return ()
    found = get_speech_timestamps(audio, VadOptions(threshold=0.5, min_silence_duration_ms=250,
                                                     speech_pad_ms=30))
    return tuple((c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in found)


def align_known(known: Known, recognised: Transcript, options: Options | None = None,
                relayout: bool = False, align_options: AlignOptions | None = None) -> Aligned:
    """The known words timed from `recognised`, through the usual stages. Subtitles keep their
    own cues (re-timed) unless `relayout`."""
    options = options or Options()
    speech = recognised.meta.get("speech")
    spans = [(float(a), float(b)) for a, b in speech] if speech is not None else None
    language = known.transcript.language
    result = align_words(known.transcript.words, recognised.words, language, spans,
                         recognised.duration, align_options or AlignOptions())
    meta = {**known.transcript.meta, "aligned_to": known.transcript.source,
            "matched": round(result.matched, 4), "unaligned": len(result.unaligned)}
    transcript = Transcript(result.words, language, recognised.source, "media",
                            recognised.duration, meta)
    doc = process(transcript, _keep_punctuation(options, result.words))
    if known.cues and not relayout:
        from ..text import convert_text

        script = script_for(language, options.script)
        rules = style_rules(language, options)
        cues = retime_cues([replace(c, lines=tuple(convert_text(line, script) for line in c.lines))
                            for c in known.cues], doc.transcript.words, rules)
        doc = replace(doc, cues=cues)
    return Aligned(doc, result, recognised, known)


def describe_unaligned(stretches: Sequence[Stretch], media: str, text: str) -> list[str]:
    """One line per stretch that did not align; a text stretch and a speech stretch at the same
    time (a passage read differently, or speech the recogniser could not make out) share one."""
    lines: list[str] = []
    used: set[int] = set()
    for n, s in enumerate(stretches):
        if n in used:
            continue
        twin = next((k for k, o in enumerate(stretches) if k not in used and k != n
                     and o.kind != s.kind and o.start < s.end and s.start < o.end), None)
        where = f"{_clock(s.start)}–{_clock(s.end)}"
        if twin is not None:
            used.add(twin)
            written = s if s.kind == "text" else stretches[twin]
            lines.append(f"{media}: {where} the speech does not match the text: "
                         f"{_short(written.text)}")
        elif s.kind == "text":
            lines.append(f"{text}: not found in the audio (near {where}): {_short(s.text)}")
        else:
            lines.append(f"{media}: {where} speech not in the text: {_short(s.text)}")
    return lines


def _clock(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60:02d}:{s % 60:02d}"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _keep_punctuation(options: Options, words: tuple[Word, ...]) -> Options:
    """A transcript the user wrote keeps its own punctuation (unless a punctuator is named);
    unpunctuated text (most subtitles, caption dumps) is punctuated as usual."""
    marked = sum(1 for w in words if w.punct)
    if options.punctuator == "auto" and marked * 30 >= max(len(words), 1):
        return replace(options, punctuator="keep")
    return options


def align_file(media: str | Path, text_path: str | Path, options: Options | None = None,
               progress: ProgressFn | None = None, relayout: bool = False,
               engine: Engine | None = None) -> Aligned:
    """Time the words of `text_path` (plain text or subtitles) from the speech in `media`."""
    known = read_known(text_path, options)
    if not known.transcript.words:
        raise InputError(str(text_path), "no words to align")
    recognised = recognise(media, known.transcript.language, options, progress, engine)
    return align_known(known, recognised, options, relayout)
