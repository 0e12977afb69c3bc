"""The faster-whisper (CTranslate2) engine: the default, registered as "faster".

FasterWhisperEngine(options) loads the model once (toolkit.asr.models resolves --model);
`transcribe(audio, options)` runs Silero VAD once, detects the language on the first 30 s of
speech when none is given (so the language's initial prompt can be chosen), and returns
(AsrInfo, lazy iterator of AsrSegment) with word timestamps on the input's clock.

Settings and why:
- VAD: only speech is decoded (threshold 0.5, 1 s of silence splits, 400 ms padding); the speech
  stretches are also handed to the guards. The VAD runs here rather than inside transcribe() so
  that it runs once and the speech audio is concatenated in one pass.
- condition_on_previous_text=False: feeding the previous window back is what lets Whisper fall
  into repetition loops; the initial prompt still sets the style of the first window.
- device "auto": CUDA when ctranslate2 sees a GPU; compute_type "default": int8 on CPU,
  float16 on CUDA.
- batch_size: BatchedInferencePipeline (its own VAD chunking), for GPUs and batch mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from toolkit.asr import SAMPLE_RATE, AsrInfo, AsrOptions, AsrSegment, default_prompt
from toolkit.asr.models import resolve_model
from toolkit.errors import EngineUnavailable, ModelError, UsageError
from toolkit.types import Word

__all__ = ["VAD_PARAMETERS", "FasterWhisperEngine", "pick_device"]

VAD_PARAMETERS: dict[str, Any] = {
    "threshold": 0.5,
    "min_silence_duration_ms": 1000,
    "speech_pad_ms": 400,
}
_DETECT_SECONDS = 30


def pick_device(device: str, compute_type: str) -> tuple[str, str]:
    """Resolve "auto"/"default" to what will actually run."""
    import ctranslate2

    if device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"unknown device '{device}': use auto, cpu or cuda")
    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        device = "cuda" if gpus > 0 else "cpu"
    elif device == "cuda" and gpus == 0:
        raise UsageError("--device cuda: no CUDA GPU is visible to CTranslate2")
    if compute_type == "default":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


class FasterWhisperEngine:
    name = "faster"

    def __init__(self, options: AsrOptions) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as e:  # a core dependency, but say what to do anyway
            raise EngineUnavailable(
                "faster-whisper is not installed: pip install faster-whisper"
            ) from e
        resolved = resolve_model(options.model)
        self.device, self.compute_type = pick_device(options.device, options.compute_type)
        self.model = resolved.name
        try:
            self._model = WhisperModel(
                resolved.path,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=options.cpu_threads,
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"cannot load model {resolved.name}: {_first_line(e)}") from e

    def transcribe(
        self, audio: np.ndarray, options: AsrOptions
    ) -> tuple[AsrInfo, Iterator[AsrSegment]]:
        duration = len(audio) / SAMPLE_RATE
        if options.batch_size:
            return self._batched(audio, options, duration)
        from faster_whisper.vad import SpeechTimestampsMap, VadOptions, get_speech_timestamps

        if len(audio) < SAMPLE_RATE // 10:  # under 0.1 s: nothing to recognise
            chunks = []
        elif options.vad:
            chunks = get_speech_timestamps(audio, VadOptions(**VAD_PARAMETERS))
        else:
            chunks = [{"start": 0, "end": len(audio)}] if len(audio) else []
        speech = tuple((c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks)
        if not chunks:  # silence (or nothing): Whisper would only invent text here
            info = AsrInfo(options.language or "und", 0.0, duration, speech)
            return info, iter(())
        speech_audio = np.concatenate([audio[c["start"] : c["end"]] for c in chunks])
        language, probability = self._language(speech_audio, options)
        segments, _ = self._model.transcribe(
            speech_audio,
            language=language,
            vad_filter=False,
            **_decode_options(options, language),
        )
        clock = SpeechTimestampsMap(chunks, SAMPLE_RATE)
        info = AsrInfo(language, probability, duration, speech)
        return info, (_convert(s, clock, duration) for s in segments)

    def _language(self, speech_audio: np.ndarray, options: AsrOptions) -> tuple[str, float]:
        if options.language:
            return options.language, 1.0
        if not self._model.model.is_multilingual:
            return "en", 1.0
        head = speech_audio[: _DETECT_SECONDS * SAMPLE_RATE]
        language, probability, _ = self._model.detect_language(audio=head)
        return str(language), float(probability)

    def _batched(
        self, audio: np.ndarray, options: AsrOptions, duration: float
    ) -> tuple[AsrInfo, Iterator[AsrSegment]]:
        from faster_whisper import BatchedInferencePipeline

        pipeline = BatchedInferencePipeline(self._model)
        language = options.language
        if language is None and options.initial_prompt is None:
            language, _ = self._language(audio, options)  # to pick the prompt
        segments, found = pipeline.transcribe(
            audio,
            language=language,
            batch_size=options.batch_size,
            vad_filter=options.vad,
            vad_parameters=VAD_PARAMETERS if options.vad else None,
            **_decode_options(options, language),
        )
        info = AsrInfo(found.language, float(found.language_probability), duration, None)
        return info, (_convert(s, None, duration) for s in segments)


def _decode_options(options: AsrOptions, language: str | None) -> dict[str, Any]:
    prompt = options.initial_prompt if options.initial_prompt is not None else None
    if prompt is None:
        prompt = default_prompt(language)
    return {
        "beam_size": options.beam_size,
        "word_timestamps": True,
        "condition_on_previous_text": False,
        "initial_prompt": prompt or None,
    }


def _convert(segment: Any, clock: Any, duration: float) -> AsrSegment:
    """A faster-whisper Segment -> AsrSegment, times mapped back from speech-only audio."""
    words: list[Word] = []
    for w in segment.words or ():
        text = w.word.strip()
        if not text:
            continue
        start, end = float(w.start), float(w.end)
        if clock is not None:
            # both ends on the chunk of the word's middle, as faster-whisper itself does
            index = clock.get_chunk_index((start + end) / 2)
            start = clock.get_original_time(start, index)
            end = clock.get_original_time(end, index)
        words.append(Word(text, min(start, duration), min(end, duration), float(w.probability)))
    if words:
        start, end = words[0].start or 0.0, words[-1].end or 0.0
    elif clock is not None:
        start = clock.get_original_time(float(segment.start))
        end = clock.get_original_time(float(segment.end), is_end=True)
    else:
        start, end = float(segment.start), float(segment.end)
    return AsrSegment(
        start=start,
        end=min(end, duration),
        text=segment.text.strip(),
        words=tuple(words),
        no_speech_prob=float(segment.no_speech_prob),
        avg_logprob=float(segment.avg_logprob),
        compression_ratio=float(segment.compression_ratio),
    )


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__
