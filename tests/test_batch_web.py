"""URL inputs for real: a podcast RSS feed and a page with captions, served on 127.0.0.1,
expanded and downloaded by yt-dlp. Speech recognition is faked; captions run the real path."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from toolkit.batch import BatchSettings, ItemResult, Job, convert, run_batch
from toolkit.batch.fetch import expand_url, pick_captions, safe_name

pytest.importorskip("yt_dlp")

FETCHED: list[tuple[str, str, int]] = []  # (origin, suffix, bytes) the fake ASR saw


def fake_asr(job: Job, progress: object = None) -> ItemResult:
    """Media: remember what arrived. Captions: the real subtitle path."""
    if job.path.suffix in (".vtt", ".srt"):
        return convert(job)
    FETCHED.append((job.origin, job.path.suffix, job.path.stat().st_size))
    return ItemResult({"txt": "speech\n"}, 1.0)


def tone(path: Path, seconds: float, codec: str) -> None:
    """A 440 Hz tone written with PyAV (aac → .m4a, pcm_s16le → .wav)."""
    import av

    wave = np.sin(2 * np.pi * 440 * np.arange(int(16000 * seconds)) / 16000)
    if codec == "aac":
        samples, layout = (0.2 * wave).astype(np.float32), "fltp"
    else:
        samples, layout = (3000 * wave).astype(np.int16), "s16"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=16000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format=layout,
                                           layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    tone(root / "ep1.m4a", 1.0, "aac")
    tone(root / "ep2.wav", 1.5, "pcm_s16le")
    (root / "ep2.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nhello there and welcome back\n",
        encoding="utf-8")
    (root / "page.html").write_text(
        f'<html><head><title>Ep2</title></head><body><video controls src="{base}/ep2.wav">'
        f'<track kind="captions" src="{base}/ep2.vtt" srclang="en"></video></body></html>',
        encoding="utf-8")
    (root / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>My Pod</title>'
        f'<item><title>Episode One</title><guid>ep-1</guid>'
        f'<enclosure url="{base}/ep1.m4a" type="audio/mp4"/></item>'
        f'<item><title>Episode Two: the page</title><guid>ep-2</guid>'
        f'<enclosure url="{base}/page.html" type="text/html"/></item>'
        f'</channel></rss>', encoding="utf-8")
    try:
        yield base, root
    finally:
        server.shutdown()
        server.server_close()


def test_rss_feed_expands_to_one_item_per_enclosure(site: tuple[str, Path]) -> None:
    base, root = site
    items = expand_url(f"{base}/feed.xml")
    assert [i.name for i in items] == ["My Pod/Episode One", "My Pod/Episode Two_ the page"]
    assert items[0].url and f"Content-Length={(root / 'ep1.m4a').stat().st_size}" in (
        items[0].fingerprint)
    broken = expand_url(f"{base}/missing.xml")
    assert len(broken) == 1 and broken[0].problem


def test_feed_batch_fetches_audio_and_prefers_captions(site: tuple[str, Path],
                                                       tmp_path: Path) -> None:
    base, root = site
    out = tmp_path / "out"
    settings = BatchSettings(executor="inline", captions="prefer")
    FETCHED.clear()
    result = run_batch([f"{base}/feed.xml"], out, formats=("srt", "txt"), settings=settings,
                       item_fn=fake_asr)
    assert result.ok and result.done == 2, result.failures
    # episode one: its audio, downloaded whole, went to (fake) speech recognition
    assert [(s, n) for _, s, n in FETCHED] == [(".m4a", (root / "ep1.m4a").stat().st_size)]
    # episode two: the page's captions went through the real subtitle path
    srt = (out / "My Pod" / "Episode Two_ the page.srt").read_text(encoding="utf-8")
    assert "hello there" in srt.lower() and "00:00:00,000 -->" in srt
    assert not (out / ".zimu-fetch").exists() or not any((out / ".zimu-fetch").iterdir())

    FETCHED.clear()
    again = run_batch([f"{base}/feed.xml"], out, formats=("srt", "txt"), settings=settings,
                      item_fn=fake_asr)
    assert (again.done, again.skipped, FETCHED) == (0, 2, [])

    tone(root / "ep1.m4a", 2.0, "aac")  # the episode was re-uploaded: new size
    changed = run_batch([f"{base}/feed.xml"], out, formats=("srt", "txt"), settings=settings,
                        item_fn=fake_asr)
    assert changed.done == 1 and len(FETCHED) == 1

    FETCHED.clear()
    asr = run_batch([f"{base}/feed.xml"], tmp_path / "asr", formats=("txt",),
                    settings=BatchSettings(executor="inline"), item_fn=fake_asr)
    assert asr.ok and sorted(s for _, s, _ in FETCHED) == [".m4a", ".wav"]


def test_pick_captions_prefers_uploaded_then_the_spoken_language() -> None:
    def track(ext: str) -> list[dict[str, str]]:
        return [{"ext": "json3", "url": "j"}, {"ext": ext, "url": f"u-{ext}"}]

    info = {"subtitles": {"de": track("vtt")},
            "automatic_captions": {"en-orig": track("vtt"), "fr": track("srt")}}
    assert pick_captions(info, None)["language"] == "de"  # type: ignore[index]
    assert pick_captions(info, "en") == {"url": "u-vtt", "ext": "vtt", "language": "en-orig"}
    assert pick_captions(info, "fr")["ext"] == "srt"  # type: ignore[index]
    assert pick_captions({"subtitles": {"de": track("vtt"), "en": track("vtt")}}, None) is None
    assert pick_captions({}, "en") is None
    assert safe_name('a/b: "c"?') == "a_b_ _c" and safe_name("...") != ""
