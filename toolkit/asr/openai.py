"""The openai-whisper (PyTorch) engine, registered as "openai": `pip install 'zimu[openai]'`.

OpenAIWhisperEngine(options) loads `options.model` with whisper.load_model: a model name
(tiny, base, small, medium, large-v3, turbo, ...; downloaded to ~/.cache/whisper on first use,
so it needs internet once) or a local .pt checkpoint. None means "base".
`transcribe(audio, options)` runs the same Silero VAD as the default engine (from faster-whisper,
a core dependency), decodes only the speech stretches (whisper's clip_timestamps), with word
timestamps, condition_on_previous_text=False and the language's default prompt.
openai-whisper returns all segments at the end, so they arrive together, not as they come.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from toolkit.asr import SAMPLE_RATE, AsrInfo, AsrOptions, AsrSegment, default_prompt
from toolkit.errors import EngineUnavailable, ModelError, UsageError
from toolkit.types import Word

__all__ = ["DEFAULT_MODEL", "OpenAIWhisperEngine"]

DEFAULT_MODEL = "base"
_INSTALL = "pip install 'zimu[openai]' (openai-whisper and PyTorch)"


class OpenAIWhisperEngine:
    name = "openai"

    def __init__(self, options: AsrOptions) -> None:
        try:
            import torch
            import whisper
        except ImportError as e:
            raise EngineUnavailable(f"the openai engine is not installed: {_INSTALL}") from e
        self._whisper = whisper
        device = options.device
        if device not in ("auto", "cpu", "cuda"):
            raise UsageError(f"unknown device '{device}': use auto, cpu or cuda")
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        elif device == "cuda" and not torch.cuda.is_available():
            raise UsageError("--device cuda: no CUDA GPU is visible to PyTorch")
        self.device = device
        self.compute_type = (
            options.compute_type
            if options.compute_type != "default"
            else ("float16" if device == "cuda" else "float32")
        )
        if self.compute_type not in ("float16", "float32"):
            raise UsageError(
                f"the openai engine computes in float16 or float32, not {self.compute_type}"
            )
        if options.cpu_threads:
            torch.set_num_threads(options.cpu_threads)
        name = options.model or DEFAULT_MODEL
        self.model = name
        self._model = self._load(name, device)

    def _load(self, name: str, device: str) -> Any:
        whisper = self._whisper
        if name.endswith(".pt") or os.sep in name:
            if not os.path.isfile(name):
                raise ModelError(f"{name}: no such model checkpoint")
        elif name not in whisper.available_models():
            raise ModelError(
                f"unknown openai-whisper model '{name}': use one of "
                f"{', '.join(whisper.available_models())} or a .pt checkpoint path"
            )
        try:
            return whisper.load_model(name, device=device)
        except Exception as e:  # torch.load raises many kinds (UnpicklingError, RuntimeError...)
            if os.path.isfile(name):
                raise ModelError(f"{name}: not a Whisper checkpoint ({_first_line(e)})") from e
            raise ModelError(
                f"model '{name}' is not downloaded and the network is unreachable: run once "
                "with internet, or pass a local .pt checkpoint with --model PATH"
            ) from e

    def transcribe(
        self, audio: np.ndarray, options: AsrOptions
    ) -> tuple[AsrInfo, Iterator[AsrSegment]]:
        duration = len(audio) / SAMPLE_RATE
        if len(audio) < SAMPLE_RATE // 10:  # under 0.1 s: nothing to recognise
            speech: tuple[tuple[float, float], ...] = ()
        else:
            speech = _speech(audio) if options.vad else ((0.0, duration),)
        if not speech:
            return AsrInfo(options.language or "und", 0.0, duration, speech), iter(())
        language, probability = self._language(audio, speech, options)
        prompt = options.initial_prompt
        if prompt is None:
            prompt = default_prompt(language)
        info = AsrInfo(language, probability, duration, speech)
        return info, self._segments(audio, speech, language, prompt or None, options, duration)

    def _language(
        self, audio: np.ndarray, speech: tuple[tuple[float, float], ...], options: AsrOptions
    ) -> tuple[str, float]:
        if options.language:
            return options.language, 1.0
        if not self._model.is_multilingual:
            return "en", 1.0
        whisper = self._whisper
        start = int(speech[0][0] * SAMPLE_RATE)
        clip = whisper.pad_or_trim(audio[start:])
        mel = whisper.log_mel_spectrogram(clip, self._model.dims.n_mels).to(self._model.device)
        _, probs = self._model.detect_language(mel)
        language = max(probs, key=probs.get)
        return str(language), float(probs[language])

    def _segments(
        self,
        audio: np.ndarray,
        speech: tuple[tuple[float, float], ...],
        language: str,
        prompt: str | None,
        options: AsrOptions,
        duration: float,
    ) -> Iterator[AsrSegment]:
        result = self._model.transcribe(
            audio,
            language=language,
            initial_prompt=prompt,
            word_timestamps=True,
            condition_on_previous_text=False,
            beam_size=options.beam_size,
            best_of=options.beam_size,
            fp16=self.compute_type == "float16",
            clip_timestamps=[t for pair in speech for t in pair],
            verbose=None,
        )
        for s in result["segments"]:
            words = tuple(
                Word(
                    text=w["word"].strip(),
                    start=min(float(w["start"]), duration),
                    end=min(float(w["end"]), duration),
                    probability=float(w["probability"]),
                )
                for w in s.get("words", ())
                if w["word"].strip()
            )
            start = words[0].start if words else float(s["start"])
            end = words[-1].end if words else float(s["end"])
            yield AsrSegment(
                start=start or 0.0,
                end=min(end or 0.0, duration),
                text=s["text"].strip(),
                words=words,
                no_speech_prob=float(s.get("no_speech_prob", 0.0)),
                avg_logprob=float(s.get("avg_logprob", 0.0)),
                compression_ratio=float(s.get("compression_ratio", 1.0)),
            )


def _speech(audio: np.ndarray) -> tuple[tuple[float, float], ...]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from toolkit.asr.faster import VAD_PARAMETERS

    chunks = get_speech_timestamps(audio, VadOptions(**VAD_PARAMETERS))
    return tuple((c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__
