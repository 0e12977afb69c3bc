"""The per-item work, the same in every executor: fetch (URLs), convert, report.

Workers return rendered outputs instead of writing them: the driver writes every file (and the
manifest), so a worker on another Ray node needs no access to the output folder, and a killed
worker can never leave half an output behind.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ZimuError
from ..pipeline import Options, ProgressFn


@dataclass(frozen=True)
class Job:
    """What the per-item function gets: a local file, and where it came from."""

    path: Path
    origin: str  # the path or URL the user gave (recorded as the transcript's source)
    options: Options
    formats: tuple[str, ...]


@dataclass(frozen=True)
class ItemResult:
    outputs: Mapping[str, str]  # format name → file content
    audio_seconds: float | None = None


ItemFn = Callable[[Job, ProgressFn | None], ItemResult]


@dataclass(frozen=True)
class Task:
    """One item sent to a worker (picklable)."""

    key: str
    source: str
    url: bool
    options: Options
    formats: tuple[str, ...]
    captions: str = "ignore"  # URLs: "prefer" takes existing captions instead of ASR
    fetch_dir: str | None = None  # where downloads go (None: the system's temp folder)


@dataclass(frozen=True)
class Outcome:
    key: str
    result: ItemResult | None
    error: str | None
    seconds: float


def convert(job: Job, progress: ProgressFn | None = None) -> ItemResult:
    """The default per-item function: pipeline.run's stages, returning the rendered files."""
    from .. import pipeline

    transcript = pipeline.load(job.path, job.options, progress)
    transcript = replace(transcript, source=job.origin)
    doc = pipeline.process(transcript, job.options)
    seconds = transcript.duration if transcript.kind == "media" else None
    return ItemResult(pipeline.render(doc, job.formats), seconds)


def execute(task: Task, item_fn: ItemFn, progress: ProgressFn | None = None) -> Outcome:
    """Run one task; every failure becomes an Outcome with a one-line error."""
    began = time.monotonic()
    try:
        result = _execute(task, item_fn, progress)
    except ZimuError as e:
        return Outcome(task.key, None, str(e), time.monotonic() - began)
    except Exception as e:  # a bug or a library's surprise: recorded, the batch goes on
        error = f"internal error: {type(e).__name__}: {e}"
        return Outcome(task.key, None, error, time.monotonic() - began)
    return Outcome(task.key, result, None, time.monotonic() - began)


def _execute(task: Task, item_fn: ItemFn, progress: ProgressFn | None) -> ItemResult:
    if not task.url:
        return item_fn(Job(Path(task.source), task.source, task.options, task.formats),
                       progress)
    from .fetch import fetch

    if task.fetch_dir:
        Path(task.fetch_dir).mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="fetch-", dir=task.fetch_dir)
    try:
        path = fetch(task.source, Path(folder), task.captions, task.options.language)
        return item_fn(Job(path, task.source, task.options, task.formats), progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
