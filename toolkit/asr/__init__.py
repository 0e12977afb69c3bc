"""Speech recognition behind one small protocol; engines load lazily, by name.

Public:
    AsrOptions                      frozen settings (engine, model, device, language, ...)
    AsrSegment, AsrInfo             what engines yield / report before the first segment
    Engine                          protocol: transcribe(audio, options)
                                        -> (AsrInfo, Iterator[AsrSegment])
    ENGINES                         registry: engine name -> "module:factory" (imported lazily)
    load_engine(options) -> Engine  loads the model once; reuse it across files
    stream(audio, options, engine=None) -> (AsrInfo, Iterator[AsrSegment])   guarded, lazy
    recognize(audio, options=AsrOptions(), on_progress=None, engine=None) -> Transcript
    default_prompt(language) -> str | None

`audio` is 16 kHz mono float32 (toolkit.media.decode_audio). Segments arrive while the engine
works, so a caller can show progress from `segment.end / info.duration` (recognize() calls
`on_progress(done_seconds, total_seconds)` after each segment and once at the end).
Guards (toolkit.asr.guards) run on the stream: Whisper's repetition loops are collapsed and its
stock phantom lines ("字幕由Amara.org社群提供", "Thanks for watching", ...) are dropped where the
audio holds no confident speech; silence and music give an empty, valid Transcript.

Transcript.words are toolkit.types.Word with Whisper's word text stripped of spaces; the text may
still carry punctuation (toolkit.text splits it off and re-segments Chinese later).
Transcript.language is the given or detected language ("und" when nothing was heard and none
was given). Transcript.meta: engine, model, device, compute_type, language_probability,
beam_size, vad, initial_prompt, segments (kept), dropped (segments removed by the guards).
Engines raise ModelError / EngineUnavailable (install hint) / UsageError (bad device).

Importing this package imports neither faster_whisper, ctranslate2, torch nor whisper.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from toolkit.errors import UsageError
from toolkit.types import Transcript, Word

__all__ = [
    "ENGINES",
    "SAMPLE_RATE",
    "AsrInfo",
    "AsrOptions",
    "AsrSegment",
    "Engine",
    "default_prompt",
    "load_engine",
    "recognize",
    "shared_engine",
    "stream",
]

SAMPLE_RATE = 16000

# Whisper follows the style of its prompt: a simplified-Chinese sentence with full-width
# punctuation makes it write simplified characters and punctuate (without it, base often
# writes traditional characters and no punctuation at all).
_PROMPTS = {
    "zh": "以下是普通话的句子，使用简体中文，有标点符号。",
}


def default_prompt(language: str | None) -> str | None:
    """The initial prompt used when the user gives none (None for most languages)."""
    return _PROMPTS.get(language or "")


@dataclass(frozen=True)
class AsrOptions:
    """How to recognise speech. `None` means: the embedded model / detect / a default prompt."""

    engine: str = "faster"  # a key of ENGINES
    model: str | None = None  # None: the embedded Whisper base; a name; or a local path
    device: str = "auto"  # "auto" | "cpu" | "cuda"
    compute_type: str = "default"  # "default": int8 on CPU, float16 on CUDA
    language: str | None = None  # None: detect from the first 30 s of speech
    beam_size: int = 5
    vad: bool = True
    initial_prompt: str | None = None  # None: default_prompt(language); "" for no prompt
    batch_size: int | None = None  # batched inference (faster-whisper, best on a GPU)
    cpu_threads: int = 0  # 0: the engine's default


@dataclass(frozen=True)
class AsrSegment:
    """One stretch of recognised speech; times in seconds on the input's clock."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    # Whisper's own confidence signals, used by the guards (neutral defaults for other engines)
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 1.0


@dataclass(frozen=True)
class AsrInfo:
    """Known before the first segment: enough for a progress bar."""

    language: str
    language_probability: float
    duration: float
    # stretches the VAD judged to be speech, (start, end) seconds; None when no VAD ran
    speech: tuple[tuple[float, float], ...] | None = None


class Engine(Protocol):
    """A loaded model. `transcribe` returns at once; the iterator does the work lazily."""

    name: str
    model: str  # display name of the model, e.g. "base (embedded)"
    device: str
    compute_type: str

    def transcribe(
        self, audio: np.ndarray, options: AsrOptions
    ) -> tuple[AsrInfo, Iterator[AsrSegment]]: ...


# engine name -> "module:factory"; a factory takes AsrOptions and returns a loaded Engine
ENGINES: dict[str, str] = {
    "faster": "toolkit.asr.faster:FasterWhisperEngine",
    "openai": "toolkit.asr.openai:OpenAIWhisperEngine",
}


def load_engine(options: AsrOptions) -> Engine:
    """Import the engine's module and load its model (seconds; do it once per run)."""
    target = ENGINES.get(options.engine)
    if target is None:
        raise UsageError(f"unknown ASR engine '{options.engine}': use one of {', '.join(ENGINES)}")
    module, _, factory = target.partition(":")
    engine: Engine = getattr(importlib.import_module(module), factory)(options)
    return engine


def shared_engine(options: AsrOptions) -> Engine:
    """The engine for these settings, loaded once per process and kept: a batch worker (or any
    caller converting file after file) pays the model load once, not per file."""
    return _cached_engine(AsrOptions(engine=options.engine, model=options.model,
                                     device=options.device, compute_type=options.compute_type,
                                     cpu_threads=options.cpu_threads))


@functools.lru_cache(maxsize=2)
def _cached_engine(options: AsrOptions) -> Engine:
    return load_engine(options)


def stream(
    audio: np.ndarray, options: AsrOptions, engine: Engine | None = None
) -> tuple[AsrInfo, Iterator[AsrSegment]]:
    """Guarded segments as the engine produces them."""
    from toolkit.asr.guards import guard

    engine = engine or shared_engine(options)
    info, segments = engine.transcribe(_as_audio(audio), options)
    return info, guard(segments, info.speech)


def recognize(
    audio: np.ndarray,
    options: AsrOptions | None = None,
    on_progress: Callable[[float, float], None] | None = None,
    engine: Engine | None = None,
) -> Transcript:
    """Recognise all of `audio` into a Transcript (kind "media") of timed words."""
    from toolkit.asr.guards import guard

    options = options or AsrOptions()
    engine = engine or shared_engine(options)
    info, raw = engine.transcribe(_as_audio(audio), options)
    counter = _Counter(raw)
    words: list[Word] = []
    for segment in guard(counter, info.speech):
        counter.kept += 1
        words.extend(segment.words)
        if on_progress is not None:
            on_progress(min(segment.end, info.duration), info.duration)
    if on_progress is not None:
        on_progress(info.duration, info.duration)
    meta: dict[str, Any] = {
        "engine": engine.name,
        "model": engine.model,
        "device": engine.device,
        "compute_type": engine.compute_type,
        "language_probability": round(info.language_probability, 4),
        "beam_size": options.beam_size,
        "vad": options.vad,
        "initial_prompt": _prompt_used(options, info.language),
        "segments": counter.kept,
        "dropped": counter.seen - counter.kept,
    }
    return Transcript(
        words=_monotone(words, info.duration),
        language=info.language,
        kind="media",
        duration=info.duration,
        meta=meta,
    )


def _prompt_used(options: AsrOptions, language: str) -> str | None:
    if options.initial_prompt is not None:
        return options.initial_prompt or None
    return default_prompt(language)


@dataclass
class _Counter:
    """Counts segments from the engine (seen) and after the guards (kept, set by the caller)."""

    source: Iterator[AsrSegment]
    seen: int = 0
    kept: int = 0

    def __iter__(self) -> Iterator[AsrSegment]:
        for segment in self.source:
            self.seen += 1
            yield segment


def _as_audio(audio: np.ndarray) -> np.ndarray:
    if audio.ndim != 1:
        raise UsageError(f"audio must be mono (one dimension), got shape {audio.shape}")
    return audio if audio.dtype == np.float32 else audio.astype(np.float32)


def _monotone(words: list[Word], duration: float) -> tuple[Word, ...]:
    """Word starts never go backwards, no word ends before it starts, all inside the audio.

    Whisper's alignment occasionally lets a word overlap its predecessor across a segment
    boundary by a few hundredths; the fix-ups here are that small.
    """
    out: list[Word] = []
    floor = 0.0
    for w in words:
        start = min(max(w.start if w.start is not None else floor, floor), duration)
        end = min(max(w.end if w.end is not None else start, start), duration)
        floor = start
        out.append(w if (start, end) == (w.start, w.end) else replace(w, start=start, end=end))
    return tuple(out)
