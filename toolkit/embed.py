"""Chapters into a copy of a media container (stream copy through PyAV, nothing re-encoded).

PyAV 18 sets container chapters itself (`OutputContainer.set_chapters`), so no ffmpeg binary is
needed. The copy is written under a temporary name next to `out_path` and moved into place, so a
failed run never leaves half a file behind.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import DecodeError, InputError, UsageError
from .types import Chapter

_TIME_BASE = Fraction(1, 1000)
_COPIED = ("audio", "video", "subtitle")


def embed_chapters(
    media_path: str | os.PathLike[str],
    chapters: Sequence[Chapter],
    out_path: str | os.PathLike[str],
) -> None:
    """Write `media_path` with `chapters` (timed) to `out_path`, every stream copied as is.

    The container follows `out_path`'s suffix (.mkv, .mp4, .mov, .m4a …). Chapters are made
    contiguous: the first starts at 0, each ends where the next starts, the last at the end."""
    import av  # lazy: keeps `import toolkit` light

    src_name, out = os.fspath(media_path), Path(out_path)
    if any(c.start is None for c in chapters):
        raise UsageError("embedding chapters needs timed chapters (the input has no times)")
    if Path(src_name).resolve() == out.resolve():
        raise UsageError(f"{out}: the output would overwrite the input; choose another name")
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.part{out.suffix}")
    try:
        with av.open(src_name) as src:
            duration = src.duration / 1_000_000 if src.duration else None
            with av.open(str(tmp), "w") as dst:
                mapping = _copy_streams(src, dst)
                if not mapping:
                    raise InputError(src_name, "no audio, video or subtitle stream to copy")
                dst.metadata.update(dict(src.metadata))
                dst.set_chapters(_entries(chapters, duration))  # type: ignore[arg-type]
                for packet in src.demux(*(s for s in src.streams if s.index in mapping)):
                    if packet.dts is None:  # demuxer flush packets carry no data
                        continue
                    packet.stream = mapping[packet.stream.index]
                    dst.mux(packet)
        os.replace(tmp, out)
    except av.error.FFmpegError as exc:
        raise DecodeError(src_name, f"cannot copy into {out.name}: {exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def _copy_streams(src: Any, dst: Any) -> dict[int, Any]:
    """Input stream index → output stream, for every stream the output container accepts."""
    import av

    mapping: dict[int, Any] = {}
    for stream in src.streams:
        if stream.type not in _COPIED:
            continue
        try:
            mapping[stream.index] = dst.add_stream_from_template(stream)
        except (av.error.FFmpegError, ValueError):
            if stream.type != "subtitle":  # a subtitle codec the container lacks is dropped
                raise
    return mapping


def _entries(chapters: Sequence[Chapter], duration: float | None) -> list[dict[str, Any]]:
    starts = [0.0, *(float(c.start or 0.0) for c in chapters[1:])]
    last = max(duration or 0.0, float(chapters[-1].end or 0.0), starts[-1]) if chapters else 0.0
    ends = [*starts[1:], last]
    return [
        {
            "id": i + 1,
            "start": round(start / _TIME_BASE),
            "end": round(end / _TIME_BASE),
            "time_base": _TIME_BASE,
            "metadata": {"title": c.title},
        }
        for i, (start, end, c) in enumerate(zip(starts, ends, chapters, strict=True))
    ]
