"""What a batch works on: folders, list files, standard input and URLs → `Item`s with unique
output names that mirror the input folders (a/intro.mp4 → a/intro, b/intro.mp4 → b/intro).

Only the driver runs this; URL expansion (yt-dlp) lives in `fetch.py` and is passed in.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TextIO

from ..pipeline import MEDIA_SUFFIXES

SUBTITLE_SUFFIXES = frozenset({".srt", ".vtt", ".ass", ".ssa"})
TEXT_SUFFIXES = frozenset({".txt"})
INPUT_SUFFIXES = MEDIA_SUFFIXES | SUBTITLE_SUFFIXES | TEXT_SUFFIXES


@dataclass(frozen=True)
class Item:
    """One unit of work. `name` is the output path stem under the output folder."""

    key: str  # identity in the manifest: the resolved absolute path, or the URL
    source: str  # a local path or a URL
    name: str  # posix, e.g. "a/intro" → out/a/intro.srt
    url: bool = False
    fingerprint: str = ""  # URLs: what the server said about the content (ETag, size, ...)
    problem: str | None = None  # known before running: a missing file, a URL that failed


Expand = Callable[[str], list[Item]]


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def discover(inputs: Sequence[str], out_dir: Path, *, recursive: bool = False,
             include: Sequence[str] = (), exclude: Sequence[str] = (),
             stdin: TextIO | None = None, expand: Expand | None = None) -> list[Item]:
    """Every input → items, deduplicated, sorted by name, names unique (case-insensitively)."""
    out_dir = out_dir.resolve()
    items: list[Item] = []
    loose: list[Path] = []  # files named directly, in lists or on stdin: mirrored together
    for given in inputs:
        if given == "-":
            if stdin is None:
                raise ValueError("'-' needs stdin")
            entries = _list_entries(stdin.read(), Path.cwd())
        elif is_url(given):
            entries = [given]
        else:
            path = Path(given).expanduser()
            if path.is_dir():
                items.extend(_walk(path, out_dir, recursive, include, exclude))
                continue
            entries = [str(path)]
            if path.is_file() and is_list_file(path):
                entries = _list_entries(path.read_text(encoding="utf-8-sig", errors="replace"),
                                        path.parent)
        for entry in entries:
            if is_url(entry):
                items.extend(_expand(entry, expand))
            else:
                loose.append(Path(entry))
    items.extend(_loose_items(loose))
    return unique_names(_dedupe(items))


def is_list_file(path: Path) -> bool:
    """A file of paths or URLs, one a line (# comments allowed), rather than a transcript."""
    if path.suffix.lower() in MEDIA_SUFFIXES | SUBTITLE_SUFFIXES:
        return False
    try:
        with path.open(encoding="utf-8-sig") as f:
            head = f.read(256 * 1024)
    except (OSError, UnicodeDecodeError):
        return False
    lines = [s.strip() for s in head.splitlines() if s.strip() and not s.startswith("#")]
    return bool(lines) and all(
        is_url(s) or PurePosixPath(s.replace("\\", "/")).suffix.lower() in INPUT_SUFFIXES
        for s in lines)


def _list_entries(text: str, base: Path) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.append(line if is_url(line) else str(base / Path(line).expanduser()))
    return out


def _walk(root: Path, out_dir: Path, recursive: bool, include: Sequence[str],
          exclude: Sequence[str]) -> Iterable[Item]:
    root = root.resolve()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        # hidden folders and our own output folder (when it lies inside the input) stay out
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and
                         (here / d).resolve() != out_dir) if recursive else []
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if name.startswith(".") or not _wanted(rel, include, exclude):
                continue
            yield Item(str(path), str(path), _stem(PurePosixPath(rel)))


def _wanted(rel: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Globs match the path relative to the folder, or the file name alone."""
    name = rel.rsplit("/", 1)[-1]

    def hit(patterns: Sequence[str]) -> bool:
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)

    if include:
        return hit(include) and not hit(exclude)
    return PurePosixPath(name).suffix.lower() in INPUT_SUFFIXES and not hit(exclude)


def _loose_items(paths: Sequence[Path]) -> list[Item]:
    """Files from lists and the command line, named relative to their common folder."""
    if not paths:
        return []
    absolute = [Path(os.path.abspath(p)) for p in paths]
    base = Path(os.path.commonpath([str(p.parent) for p in absolute]))
    items = []
    for path in absolute:
        rel = PurePosixPath(path.relative_to(base).as_posix())
        problem = None if path.is_file() else ("no such file" if not path.exists()
                                               else "not a regular file")
        key = str(path.resolve()) if problem is None else str(path)
        items.append(Item(key, str(path), _stem(rel), problem=problem))
    return items


def _stem(rel: PurePosixPath) -> str:
    return str(rel.with_name(rel.stem)) if rel.stem else str(rel)


def _expand(url: str, expand: Expand | None) -> list[Item]:
    if expand is None:
        from .fetch import expand_url

        expand = expand_url
    return expand(url)


def _dedupe(items: Iterable[Item]) -> list[Item]:
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.key, item)
    return list(seen.values())


def unique_names(items: Sequence[Item]) -> list[Item]:
    """Names that collide (intro.mp4 and intro.vtt in one folder; two feeds' "Episode 1") get
    the file suffix or a short hash of the key, then a counter; case-insensitive file systems
    count too. Deterministic for a given set of items."""
    counts = Counter(i.name.casefold() for i in items)
    taken: set[str] = set()
    out = []
    for item in sorted(items, key=lambda i: (i.name, i.key)):
        name = item.name
        if counts[name.casefold()] > 1:
            name += (f" [{hashlib.sha1(item.key.encode()).hexdigest()[:8]}]" if item.url
                     else PurePosixPath(item.source).suffix)
        base, n = name, 2
        while name.casefold() in taken:
            name, n = f"{base}~{n}", n + 1
        taken.add(name.casefold())
        out.append(replace(item, name=name))
    return out
