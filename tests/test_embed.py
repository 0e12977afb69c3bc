from fractions import Fraction

import av
import numpy as np
import pytest

from toolkit.embed import embed_chapters
from toolkit.errors import DecodeError, UsageError
from toolkit.types import Chapter

CHAPTERS = [
    Chapter("开头 = one", 0, 3, 0.3, 1.9),
    Chapter("Two; #2", 3, 6, 2.0, 3.9),
    Chapter("三", 6, 9, 4.0, 5.5),
]


def make_media(path, seconds=6):
    """A tiny video+audio file (MPEG-4 Part 2 video, AAC audio), encoded here."""
    with av.open(str(path), "w") as c:
        video = c.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = c.add_stream("aac", rate=16000)
        for _ in range(seconds * 10):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            for packet in video.encode(frame):
                c.mux(packet)
        for packet in video.encode():
            c.mux(packet)
        pts = 0
        for _ in range(seconds * 16000 // 1024):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = 16000, pts
            pts += 1024
            for packet in audio.encode(frame):
                c.mux(packet)
        for packet in audio.encode():
            c.mux(packet)


@pytest.mark.parametrize("suffix", [".mkv", ".mp4"])
def test_round_trip(tmp_path, suffix):
    src, out = tmp_path / f"in{suffix}", tmp_path / f"out.chapters{suffix}"
    make_media(src)
    embed_chapters(src, CHAPTERS, out)
    with av.open(str(out)) as c:
        got = c.chapters()
        kinds = sorted(s.type for s in c.streams if s.type in ("audio", "video"))
        packets = sum(1 for p in c.demux(c.streams.video[0]) if p.size)
    assert [ch["metadata"]["title"] for ch in got] == [c.title for c in CHAPTERS]
    seconds = [(float(ch["start"] * ch["time_base"]), float(ch["end"] * ch["time_base"]))
               for ch in got]
    assert seconds[0][0] == 0.0 and seconds[1] == (2.0, 4.0)
    assert seconds[-1][1] >= 5.5
    assert all(isinstance(ch["time_base"], Fraction) for ch in got)
    assert kinds == ["audio", "video"]
    assert packets == 60  # every video packet copied, none re-encoded away
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_errors(tmp_path):
    src = tmp_path / "in.mkv"
    make_media(src, seconds=1)
    with pytest.raises(UsageError):
        embed_chapters(src, [Chapter("A", 0, 1)], tmp_path / "out.mkv")
    with pytest.raises(UsageError):
        embed_chapters(src, CHAPTERS, src)
    with pytest.raises(DecodeError):
        embed_chapters(tmp_path / "missing.mkv", CHAPTERS, tmp_path / "out.mkv")
    assert not (tmp_path / "out.mkv").exists()
