"""Many inputs in one command: discovery, a resumable manifest, parallel workers, URLs, Ray.

    from toolkit.batch import run_batch, BatchSettings
    result = run_batch(["videos/"], "out/", settings=BatchSettings(recursive=True, jobs=2))

Modules: discover (inputs → items and output names), fetch (yt-dlp), hashing, manifest
(SQLite), plan (workers for the hardware), task (the per-item work), executors (inline,
process pool, Ray), runner (the driver).
"""

from .discover import Item, discover
from .executors import EXECUTORS
from .manifest import FILENAME as MANIFEST_NAME
from .manifest import Manifest
from .plan import WorkerPlan, plan_workers
from .runner import (
    CAPTIONS,
    BatchProgress,
    BatchResult,
    BatchSettings,
    Failure,
    run_batch,
)
from .task import ItemFn, ItemResult, Job, convert

__all__ = [
    "CAPTIONS",
    "EXECUTORS",
    "MANIFEST_NAME",
    "BatchProgress",
    "BatchResult",
    "BatchSettings",
    "Failure",
    "Item",
    "ItemFn",
    "ItemResult",
    "Job",
    "Manifest",
    "WorkerPlan",
    "convert",
    "discover",
    "plan_workers",
    "run_batch",
]
