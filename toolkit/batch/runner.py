"""The batch driver: discover → decide what is out of date → run → write outputs and manifest.

The driver alone writes files: outputs (pipeline.write_atomic) first, then the manifest row,
so a crash between the two only means the item is done again next time.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TextIO

from ..errors import UsageError, ZimuError
from ..pipeline import ALL_FORMATS, Options, write_atomic
from .discover import Expand, Item, discover
from .executors import EXECUTORS, run_tasks
from .hashing import file_digest, options_digest, url_digest
from .manifest import FILENAME, Manifest, Row
from .plan import WorkerPlan, plan_workers
from .task import ItemFn, Outcome, Task, convert

LOCKNAME = "zimu-batch.lock"
FETCH_DIR = ".zimu-fetch"  # downloads in progress (removed at the start of every run)
CAPTIONS = ("ignore", "prefer")


@dataclass(frozen=True)
class BatchSettings:
    recursive: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None  # None: from the CPUs, memory and model (1 on a GPU)
    timeout: float | None = None  # seconds per item; the worker running it is killed
    force: bool = False  # redo everything
    retry_failed: bool = False  # redo items that failed before (otherwise only when changed)
    executor: str = "process"  # process | inline | ray
    address: str | None = None  # Ray: "auto" or ray://host:10001; None starts a local Ray
    captions: str = "ignore"  # URLs: "prefer" uses existing captions instead of ASR


@dataclass(frozen=True)
class Failure:
    source: str
    error: str
    earlier: bool = False  # failed in an earlier run and not retried (see --retry-failed)


@dataclass(frozen=True)
class BatchProgress:
    total: int  # items to run in this batch
    done: int
    failed: int
    skipped: int  # already done, unchanged
    failed_earlier: int  # not retried
    running: tuple[tuple[str, float | None], ...]  # (name, fraction done) per running item
    elapsed: float

    @property
    def eta(self) -> float | None:
        finished = self.done + self.failed
        if not finished:
            return None
        return self.elapsed / finished * (self.total - finished)


@dataclass(frozen=True)
class BatchResult:
    manifest: Path
    items: int  # discovered
    done: int  # converted in this run
    skipped: int
    failures: tuple[Failure, ...]
    elapsed: float
    audio_seconds: float  # media converted in this run
    plan: WorkerPlan | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


ProgressCallback = Callable[[BatchProgress], None]


def run_batch(inputs: Sequence[str], out_dir: str | Path, options: Options | None = None,
              formats: Sequence[str] = ALL_FORMATS, settings: BatchSettings | None = None,
              *, item_fn: ItemFn | None = None, on_progress: ProgressCallback | None = None,
              stdin: TextIO | None = None, expand: Expand | None = None) -> BatchResult:
    """Convert every input (folders, list files, "-" for a list on stdin, URLs) into
    `out_dir`, resuming where an earlier run stopped. `item_fn` replaces the conversion
    (tests); it must be importable by name for the process and Ray executors."""
    settings = settings or BatchSettings()
    if settings.executor not in EXECUTORS:
        raise UsageError(f"unknown executor {settings.executor!r} "
                         f"(known: {', '.join(EXECUTORS)})")
    if settings.captions not in CAPTIONS:
        raise UsageError(f"--captions {settings.captions}: use one of {', '.join(CAPTIONS)}")
    options = options or Options()
    began = time.monotonic()
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    with _exclusive(out):
        clean_stale(out)
        manifest = Manifest(out / FILENAME)
        try:
            manifest.requeue_running()
            items = discover(inputs, out, recursive=settings.recursive,
                             include=settings.include, exclude=settings.exclude, stdin=stdin,
                             expand=expand)
            driver = _Driver(out, manifest, options, tuple(formats), settings, on_progress)
            driver.plan(items)
            driver.run(item_fn or convert)
        finally:
            manifest.requeue_running()  # interrupted: those are redone next time
            manifest.close()
    return driver.result(len(items), time.monotonic() - began)


@dataclass
class _Driver:
    out: Path
    manifest: Manifest
    options: Options
    formats: tuple[str, ...]
    settings: BatchSettings
    on_progress: ProgressCallback | None
    items: dict[str, Item] = field(default_factory=dict)
    todo: list[Item] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    running: dict[str, float | None] = field(default_factory=dict)
    total: int = 0  # queued in this run
    done: int = 0
    failed: int = 0
    skipped: int = 0
    failed_earlier: int = 0
    audio_seconds: float = 0.0
    worker_plan: WorkerPlan | None = None
    began: float = field(default_factory=time.monotonic)

    def plan(self, items: Sequence[Item]) -> None:
        extra = {"captions": self.settings.captions}
        options_hash = options_digest(self.options, self.formats, extra)
        rows = self.manifest.rows()
        for item in items:
            row = rows.get(item.key)
            item, content_hash, size, mtime = _identify(item, row)
            self.items[item.key] = item
            verdict = decide(row, item.name, content_hash, options_hash, self.out,
                             force=self.settings.force, retry_failed=self.settings.retry_failed)
            if verdict == "skip":
                self.skipped += 1
                continue
            if verdict == "failed-earlier":
                assert row is not None
                self.failures.append(Failure(item.source, row.error or "failed", earlier=True))
                self.failed_earlier += 1
                continue
            self.manifest.queue(item.key, item.source, item.name, content_hash, size, mtime,
                                options_hash)
            self.total += 1
            if item.problem is not None:
                self._fail(item, item.problem, None)
            else:
                self.todo.append(item)

    def run(self, item_fn: ItemFn) -> None:
        self._notify()
        if not self.todo:
            return
        settings = self.settings
        plan = plan_workers(self.options, settings.jobs)
        if settings.executor == "ray":  # a cluster: one CPU per task unless on GPUs
            plan = WorkerPlan(settings.jobs or 0, plan.device,
                              0 if plan.device == "cuda" else 1, plan.batch_size)
        self.worker_plan = plan
        options = plan.apply(self.options)
        fetch_dir = None if settings.executor == "ray" else str(self.out / FETCH_DIR)
        tasks = [Task(i.key, i.source, i.url, options, self.formats, settings.captions,
                      fetch_dir) for i in self.todo]
        run_tasks(settings.executor, tasks, item_fn, self, jobs=min(plan.jobs, len(tasks))
                  if plan.jobs else 0, timeout=settings.timeout, address=settings.address,
                  cpus_per_task=max(plan.cpu_threads, 1),
                  gpus_per_task=1 if plan.device == "cuda" else 0)

    # Listener: called by the executor, in this thread
    def started(self, key: str) -> None:
        self.manifest.running(key)
        self.running[key] = None
        self._notify()

    def progressed(self, key: str, done: float, total: float) -> None:
        if key in self.running and total > 0:
            self.running[key] = min(done / total, 1.0)
            self._notify()

    def finished(self, outcome: Outcome) -> None:
        item = self.items[outcome.key]
        self.running.pop(outcome.key, None)
        if outcome.result is None:
            self._fail(item, outcome.error or "failed", outcome.seconds)
        else:
            try:
                files = output_files(self.out, item, outcome.result.outputs)
                write_atomic(files)
            except (OSError, ZimuError) as e:
                self._fail(item, f"cannot write outputs: {e}", outcome.seconds)
            else:
                outputs = [p.relative_to(self.out).as_posix() for p in files]
                self.manifest.done(item.key, outputs, outcome.seconds,
                                   outcome.result.audio_seconds)
                self.done += 1
                self.audio_seconds += outcome.result.audio_seconds or 0.0
        self._notify()

    def _fail(self, item: Item, error: str, seconds: float | None) -> None:
        self.manifest.failed(item.key, error, seconds)
        self.failures.append(Failure(item.source, error))
        self.failed += 1

    def _notify(self) -> None:
        if self.on_progress is None:
            return
        running = tuple((self.items[k].name, f) for k, f in self.running.items())
        self.on_progress(BatchProgress(
            self.total, self.done, self.failed, self.skipped, self.failed_earlier, running,
            time.monotonic() - self.began))

    def result(self, items: int, elapsed: float) -> BatchResult:
        return BatchResult(self.manifest.path, items, self.done, self.skipped,
                           tuple(self.failures), elapsed, self.audio_seconds, self.worker_plan)


def _identify(item: Item, row: Row | None) -> tuple[Item, str | None, int | None, int | None]:
    """The item's content hash, reusing the manifest's when size and mtime are unchanged."""
    if item.url:
        return item, url_digest(item.key, item.fingerprint), None, None
    if item.problem is not None:
        return item, None, None, None
    path = Path(item.source)
    try:
        stat = path.stat()
        if row is not None and row.content_hash and (row.size, row.mtime_ns) == (
                stat.st_size, stat.st_mtime_ns):
            return item, row.content_hash, stat.st_size, stat.st_mtime_ns
        return item, file_digest(path), stat.st_size, stat.st_mtime_ns
    except OSError as e:
        problem = "no such file" if not path.exists() else f"cannot read: {e.strerror or e}"
        return replace(item, problem=problem), None, None, None


def decide(row: Row | None, name: str, content_hash: str | None, options_hash: str, out: Path,
           *, force: bool = False, retry_failed: bool = False) -> str:
    """"run", "skip" (done, unchanged, outputs present) or "failed-earlier" (not retried)."""
    if row is None or force:
        return "run"
    if (row.content_hash, row.options_hash, row.name) != (content_hash, options_hash, name):
        return "run"
    if row.status == "done":
        return "skip" if all((out / o).is_file() for o in row.outputs) else "run"
    if row.status == "failed":
        return "run" if retry_failed else "failed-earlier"
    return "run"  # pending or running: an earlier run was interrupted


def output_files(out: Path, item: Item, rendered: Mapping[str, str]) -> dict[Path, str]:
    """out/<name><ext> per format; never the input itself (then <name>.zimu<ext>)."""
    from ..formats import EXTENSIONS

    rel = PurePosixPath(item.name)
    folder = out.joinpath(*rel.parent.parts)
    files = {}
    for fmt, content in rendered.items():
        ext = EXTENSIONS.get(fmt, f".{fmt}")
        path = folder / f"{rel.name}{ext}"
        if not item.url and _same(path, Path(item.source)):
            path = folder / f"{rel.name}.zimu{ext}"
        files[path] = content
    return files


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def clean_stale(out: Path) -> int:
    """Temp files a killed run left: write_atomic's `.NAME.*.part` and unfinished downloads.
    Only called while holding the folder's lock, so nothing live is removed."""
    removed = 0
    shutil.rmtree(out / FETCH_DIR, ignore_errors=True)
    for folder, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if d != FETCH_DIR]
        for name in files:
            if name.startswith(".") and name.endswith(".part"):
                try:
                    os.unlink(os.path.join(folder, name))
                    removed += 1
                except OSError:
                    pass
    return removed


@contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """One batch per output folder at a time (two would fight over the manifest and files)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; SQLite still keeps its file sane
        yield
        return
    with open(out / LOCKNAME, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            raise UsageError(f"{out}: another zimu batch is writing to this folder") from e
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
