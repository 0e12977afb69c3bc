"""Decode any audio or video container to mono float32 samples, and probe what a file holds.

Public:
    decode_audio(path, sample_rate=16000) -> np.ndarray   # float32, mono, shape (n,)
    probe(path) -> MediaInfo                              # duration, has_audio, streams

Everything goes through PyAV (FFmpeg's libraries inside the wheel): no ffmpeg binary is needed.
Decoding streams packet by packet through one `av.AudioResampler` into a single growing output
buffer, so a long file is never held decoded and resampled at the same time.

Errors (toolkit.errors): a missing file -> InputError "no such file"; a file with no audio
stream -> NoAudioStream "talk.mp4: no audio stream (streams: video h264)"; empty, corrupt or
unknown data -> DecodeError, all one line. A silent file is not an error: it decodes to zeros.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import av
import numpy as np

from toolkit.errors import DecodeError, InputError, NoAudioStream

__all__ = ["MediaInfo", "decode_audio", "probe"]


@dataclass(frozen=True)
class MediaInfo:
    """What a media file holds. `duration` is in seconds (None when the container doesn't say)."""

    path: str
    duration: float | None
    has_audio: bool
    streams: tuple[str, ...]  # one "kind codec" per stream, e.g. ("video h264", "audio aac")
    sample_rate: int | None = None  # of the first audio stream
    channels: int | None = None

    @property
    def description(self) -> str:
        return ", ".join(self.streams) or "none"


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Read the container header only (no decoding)."""
    name = os.fspath(path)
    with _open(name) as box:
        return _info(name, box)


def decode_audio(path: str | os.PathLike[str], sample_rate: int = 16000) -> np.ndarray:
    """All of the first audio stream as float32 mono at `sample_rate` Hz."""
    name = os.fspath(path)
    with _open(name) as box:
        info = _info(name, box)
        if not info.has_audio:
            raise NoAudioStream(name, f"no audio stream (streams: {info.description})")
        stream = box.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        out = _Buffer(_estimate_samples(info.duration, sample_rate))
        failures = 0
        first_error = ""
        try:
            for packet in box.demux(stream):
                try:
                    frames = packet.decode()
                except av.FFmpegError as e:  # a damaged packet: skip it as ffmpeg would
                    failures += 1
                    first_error = first_error or _reason(e)
                    continue
                for frame in frames:
                    for chunk in resampler.resample(frame):
                        out.append(chunk.to_ndarray())
            for chunk in resampler.resample(None):
                out.append(chunk.to_ndarray())
        except av.FFmpegError as e:  # demuxing itself broke (truncated container)
            failures += 1
            first_error = first_error or _reason(e)
        if failures and out.size == 0:
            raise DecodeError(name, f"cannot decode audio ({first_error})")
        return out.result()


class _Buffer:
    """A float32 array filled in place, grown geometrically when the estimate was short."""

    def __init__(self, capacity: int) -> None:
        self._data = np.empty(max(capacity, 1024), dtype=np.float32)
        self.size = 0

    def append(self, chunk: np.ndarray) -> None:
        samples = chunk.reshape(-1)
        end = self.size + samples.size
        if end > self._data.size:
            grown = np.empty(max(end, int(self._data.size * 1.5)), dtype=np.float32)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = samples
        self.size = end

    def result(self) -> np.ndarray:
        if self.size < 0.9 * self._data.size:  # don't keep a mostly empty allocation alive
            return self._data[: self.size].copy()
        return self._data[: self.size]


def _estimate_samples(duration: float | None, sample_rate: int) -> int:
    if duration is None or not math.isfinite(duration) or duration <= 0:
        return 60 * sample_rate
    return int(duration * sample_rate) + sample_rate // 10


def _open(name: str) -> Any:
    if not os.path.exists(name):
        raise InputError(name, "no such file")
    if os.path.isdir(name):
        raise InputError(name, "is a directory, not a media file")
    if not os.access(name, os.R_OK):
        raise InputError(name, "permission denied")
    if os.path.getsize(name) == 0:
        raise DecodeError(name, "empty file (0 bytes)")
    try:
        return av.open(name, metadata_errors="ignore")
    except av.FFmpegError as e:
        raise DecodeError(name, f"not a media file that can be decoded ({_reason(e)})") from e
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise DecodeError(name, f"cannot open as media ({e.__class__.__name__})") from e


def _info(name: str, box: Any) -> MediaInfo:
    streams = tuple(_describe(s) for s in box.streams)
    audio = box.streams.audio[0] if box.streams.audio else None
    duration: float | None = None
    if box.duration is not None and box.duration > 0:
        duration = box.duration / av.time_base
    elif audio is not None and audio.duration is not None and audio.time_base is not None:
        duration = float(audio.duration * audio.time_base)
    return MediaInfo(
        path=name,
        duration=duration,
        has_audio=audio is not None,
        streams=streams,
        sample_rate=audio.codec_context.sample_rate if audio is not None else None,
        channels=audio.codec_context.channels if audio is not None else None,
    )


def _describe(stream: Any) -> str:
    try:
        codec = stream.codec_context.name
    except (AttributeError, av.FFmpegError):
        codec = None
    return f"{stream.type} {codec or 'unknown'}"


def _reason(error: Exception) -> str:
    """FFmpeg's own words without the errno and path that PyAV puts around them."""
    text = getattr(error, "strerror", None) or str(error)
    return str(text).strip().rstrip(".").splitlines()[0] if text else error.__class__.__name__
