"""URLs through yt-dlp (the `zimu[web]` extra): a channel, playlist or podcast RSS feed becomes
one item per entry (`expand_url`, in the driver); each entry's audio, or its existing captions
with `--captions prefer`, is downloaded by the worker that converts it (`fetch`).

yt-dlp's generic extractor reads RSS <enclosure>s and HTML5 <video>/<audio> with <track>
captions; its site extractors handle YouTube and the rest.
"""

from __future__ import annotations

import hashlib
import re
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from ..errors import EngineUnavailable, InputError
from .discover import INPUT_SUFFIXES, Item

SUBTITLE_EXTS = ("vtt", "srt")  # in order of preference; both have readers
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def _yt_dlp() -> Any:
    try:
        import yt_dlp
    except ImportError as e:
        raise EngineUnavailable(
            "URL inputs need yt-dlp: pip install 'zimu[web]'") from e
    return yt_dlp


class _Quiet:
    """yt-dlp logger: keep its chatter off the terminal, remember the last error."""

    def __init__(self) -> None:
        self.last_error = ""

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        self.last_error = msg


def _options(**extra: Any) -> dict[str, Any]:
    return {"quiet": True, "no_warnings": True, "noprogress": True, "logger": _Quiet(),
            "socket_timeout": 30, **extra}


def expand_url(url: str) -> list[Item]:
    """A URL → one Item per entry (a single video or file → one). Failures become an Item with
    a `problem`, so the rest of the batch still runs."""
    try:
        yt_dlp = _yt_dlp()
        with yt_dlp.YoutubeDL(_options(extract_flat="in_playlist")) as ydl:
            info = ydl.extract_info(url, download=False)
    except EngineUnavailable as e:
        return [Item(url, url, safe_name(url), url=True, problem=str(e))]
    except Exception as e:  # yt-dlp raises its own DownloadError and friends
        return [Item(url, url, safe_name(url), url=True, problem=_one_line(e))]
    if info.get("_type") != "playlist":
        return _with_fingerprints([_item(url, info, "")])
    folder = safe_name(info.get("title") or info.get("id") or urlparse(url).netloc)
    entries = [e for e in _flatten(info.get("entries") or ()) if e.get("url")]
    return _with_fingerprints([_item(e["url"], e, folder) for e in entries])


def _flatten(entries: Iterable[Any]) -> Iterable[dict[str, Any]]:
    for entry in entries:
        if entry and entry.get("_type") == "playlist":
            yield from _flatten(entry.get("entries") or ())
        elif entry:
            yield entry


def _item(url: str, info: dict[str, Any], folder: str) -> Item:
    name = safe_name(info.get("title") or info.get("id") or _last_part(url))
    size = info.get("filesize") or info.get("filesize_approx")
    return Item(url, url, f"{folder}/{name}" if folder else name, url=True,
                fingerprint=f"size={size}" if size else "")


def _with_fingerprints(items: list[Item]) -> list[Item]:
    """Direct file URLs (podcast enclosures) get the server's ETag / size / date, so a changed
    episode file is noticed; pages (YouTube) are identified by their URL alone."""
    def one(item: Item) -> Item:
        if item.fingerprint or PurePosixPath(urlparse(_plain(item.source)).path
                                             ).suffix.lower() not in INPUT_SUFFIXES:
            return item
        return replace(item, fingerprint=head_fingerprint(_plain(item.source)))

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, items))


def head_fingerprint(url: str) -> str:
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            headers = response.headers
    except Exception:
        return ""  # unknown: the URL alone identifies the item
    fields = ("ETag", "Content-Length", "Last-Modified")
    return ";".join(f"{f}={headers[f]}" for f in fields if headers.get(f))


def fetch(url: str, folder: Path, captions: str = "ignore", language: str | None = None
          ) -> Path:
    """Download one entry into `folder`: its captions (captions="prefer", where it has some),
    else its audio (the best audio-only format, else the best complete one)."""
    yt_dlp = _yt_dlp()
    quiet = _Quiet()
    try:
        if captions == "prefer":
            with yt_dlp.YoutubeDL(_options(logger=quiet, noplaylist=True)) as ydl:
                info = ydl.extract_info(url, download=False)
                track = pick_captions(info, language)
                if track is not None:
                    path = folder / f"captions.{track['ext']}"
                    with ydl.urlopen(track["url"]) as response:
                        path.write_bytes(response.read())
                    return path
        opts = _options(logger=quiet, noplaylist=True, format="bestaudio/best",
                        outtmpl=str(folder / "media.%(ext)s"))
        with yt_dlp.YoutubeDL(opts) as ydl:
            info = ydl.extract_info(url, download=True)
    except Exception as e:
        raise InputError(url, f"download failed: {quiet.last_error or _one_line(e)}") from e
    downloads = info.get("requested_downloads") or [{}]
    path = Path(downloads[0].get("filepath") or "")
    if not path.is_file():
        raise InputError(url, "download failed: yt-dlp reported no file")
    return path


def pick_captions(info: dict[str, Any], language: str | None) -> dict[str, Any] | None:
    """Uploaded captions before automatic ones; the asked language, else the video's own
    (YouTube marks automatic captions in the spoken language "-orig"), else the only one."""
    wanted = language or info.get("language")
    for table, automatic in ((info.get("subtitles") or {}, False),
                             (info.get("automatic_captions") or {}, True)):
        langs = [k for k in table if k != "live_chat"]
        choice = None
        if wanted:
            choice = next((k for k in langs if k in (wanted, f"{wanted}-orig")), None) or (
                None if automatic else next((k for k in langs if k.startswith(wanted)), None))
        elif automatic:
            choice = next((k for k in langs if k.endswith("-orig")), None)
        elif len(langs) == 1:
            choice = langs[0]
        if choice is None:
            continue
        for ext in SUBTITLE_EXTS:
            track = next((t for t in table[choice] if t.get("ext") == ext and t.get("url")),
                         None)
            if track is not None:
                return {"url": track["url"], "ext": ext, "language": choice}
    return None


def safe_name(text: str) -> str:
    """A title as a file name: no separators or reserved characters, at most 100 characters."""
    name = _UNSAFE.sub("_", str(text)).strip(" ._")[:100].strip(" ._")
    return name or hashlib.sha1(str(text).encode()).hexdigest()[:10]


def _last_part(url: str) -> str:
    path = PurePosixPath(urlparse(url).path)
    return path.stem or urlparse(url).netloc


def _plain(url: str) -> str:
    """yt-dlp smuggles data into URLs after '#__youtubedl_smuggle'; the server never sees it."""
    return url.split("#__youtubedl_smuggle", 1)[0]


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return re.sub(r"^ERROR:\s*", "", text[0] if text else type(e).__name__)
