"""toolkit.media on small files of every common container, written with PyAV inside each test."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from toolkit.errors import DecodeError, InputError, NoAudioStream
from toolkit.media import decode_audio, probe

TONE_HZ = 440.0


def write_media(
    path: Path,
    audio_codec: str | None,
    *,
    rate: int = 44100,
    layout: str = "stereo",
    video_codec: str | None = None,
    seconds: float = 1.0,
    amplitude: float = 0.5,
    container: str | None = None,
) -> Path:
    """A `seconds` long 440 Hz tone (and/or a few frames of a plain picture)."""
    with av.open(str(path), "w", format=container) as box:
        video: Any = None
        if video_codec:
            video = box.add_stream(video_codec, rate=5)
            video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound: Any = None
        if audio_codec:
            sound = box.add_stream(audio_codec, rate=rate, layout=layout)
            if audio_codec == "vorbis":
                sound.codec_context.options = {"strict": "experimental"}
        if video is not None:
            picture = np.full((48, 64, 3), 90, np.uint8)
            for i in range(int(seconds * 5)):
                frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
                frame.pts, frame.time_base = i, Fraction(1, 5)
                box.mux(video.encode(frame))
            box.mux(video.encode(None))
        if sound is not None:
            channels = 2 if layout == "stereo" else 1
            t = np.arange(int(seconds * rate)) / rate
            tone = (amplitude * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
            samples = np.tile(tone, (channels, 1))
            step = 4096
            for i in range(0, samples.shape[1], step):
                piece = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(samples[:, i : i + step]), format="fltp", layout=layout
                )
                piece.sample_rate, piece.pts, piece.time_base = rate, i, Fraction(1, rate)
                box.mux(sound.encode(piece))
            box.mux(sound.encode(None))
    return path


def dominant_hz(audio: np.ndarray, rate: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return float(np.fft.rfftfreq(len(audio), 1 / rate)[int(np.argmax(spectrum))])


CASES = [
    # file name, audio codec, sample rate, video codec, container format (None: from suffix)
    ("talk.mp4", "aac", 44100, "libx264", None),
    ("talk.mkv", "libopus", 48000, "mpeg4", None),
    ("talk.webm", "libopus", 48000, "libvpx", None),
    ("talk.mov", "aac", 48000, "mpeg4", None),
    ("song.mp3", "libmp3lame", 44100, None, None),
    ("episode.m4a", "aac", 22050, None, "ipod"),
    ("episode.aac", "aac", 44100, None, "adts"),
    ("voice.ogg", "vorbis", 44100, None, None),
    ("voice.opus", "libopus", 48000, None, "opus"),
    ("clip.flac", "flac", 32000, None, None),
    ("clip.wav", "pcm_s16le", 8000, None, None),
]


@pytest.mark.parametrize(("name", "codec", "rate", "video", "container"), CASES)
def test_every_container_decodes_to_16k_mono(
    tmp_path: Path, name: str, codec: str, rate: int, video: str | None, container: str | None
) -> None:
    path = write_media(tmp_path / name, codec, rate=rate, video_codec=video, container=container)
    audio = decode_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    # lossy codecs add a little priming/padding; the length must still be about one second
    assert 15000 <= len(audio) <= 17500, len(audio)
    assert abs(dominant_hz(audio) - TONE_HZ) < 5
    assert 0.2 < float(np.max(np.abs(audio))) < 1.0

    info = probe(path)
    assert info.has_audio
    assert info.duration is not None and 0.9 < info.duration < 1.3
    assert any(s.startswith("audio ") for s in info.streams)
    assert ("video " in info.description) == (video is not None)


def test_sample_rate_argument(tmp_path: Path) -> None:
    path = write_media(tmp_path / "a.wav", "pcm_s16le", rate=44100, layout="mono")
    audio = decode_audio(path, sample_rate=8000)
    assert abs(len(audio) - 8000) < 100
    assert abs(dominant_hz(audio, 8000) - TONE_HZ) < 5


def test_longer_than_estimate_and_stereo_downmix(tmp_path: Path) -> None:
    # adts carries no duration, so the buffer must grow past its first guess
    path = write_media(tmp_path / "long.aac", "aac", seconds=70.0, container="adts")
    audio = decode_audio(path)
    assert abs(len(audio) - 70 * 16000) < 16000
    assert 0.3 < float(np.max(np.abs(audio[16000:32000]))) < 0.75


def test_silent_file_is_not_an_error(tmp_path: Path) -> None:
    path = write_media(tmp_path / "silence.m4a", "aac", amplitude=0.0, container="ipod")
    audio = decode_audio(path)
    assert len(audio) > 15000
    assert float(np.max(np.abs(audio))) < 1e-3


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        decode_audio(tmp_path / "nope.mp4")
    with pytest.raises(InputError, match="no such file"):
        probe(tmp_path / "nope.mp4")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        decode_audio(tmp_path)


def test_video_only_file_names_its_streams(tmp_path: Path) -> None:
    path = write_media(tmp_path / "talk.mp4", None, video_codec="libx264")
    with pytest.raises(NoAudioStream) as caught:
        decode_audio(path)
    assert str(caught.value) == f"{path}: no audio stream (streams: video h264)"
    assert caught.value.exit_code == 2
    info = probe(path)
    assert not info.has_audio and info.streams == ("video h264",)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    path.write_bytes(b"")
    with pytest.raises(DecodeError, match="empty file"):
        decode_audio(path)


@pytest.mark.parametrize("name", ["noise.mp4", "noise.wav", "noise.bin"])
def test_garbage_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(DecodeError) as caught:
        decode_audio(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message


def test_truncated_file_keeps_what_decodes(tmp_path: Path) -> None:
    whole = write_media(tmp_path / "whole.mp3", "libmp3lame", seconds=3.0)
    cut = tmp_path / "cut.mp3"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    audio = decode_audio(cut)
    assert 0.8 * 16000 < len(audio) < 2.5 * 16000


def test_text_file_is_a_decode_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 50)
    with pytest.raises(DecodeError):
        probe(path)
