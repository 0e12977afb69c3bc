"""How many workers, and how each runs the model, for the hardware at hand.

CPU: several worker processes, each with its own model and a share of the cores (a batch of
files parallelises better across processes than one file does across threads), as many as
memory allows for the model size. GPU: one process, one model, faster-whisper's batched
pipeline (BatchedInferencePipeline) keeping the GPU busy; more processes would only compete
for its memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..pipeline import Options

GPU_BATCH_SIZE = 16
_GIB = 1 << 30
# resident memory of one worker with the model loaded (int8 on CPU), rough, in GiB
_MODEL_GIB = {"tiny": 0.4, "base": 0.6, "small": 1.2, "medium": 2.5, "turbo": 2.5}
_LARGE_GIB = 4.5
_UNKNOWN_GIB = 2.5


@dataclass(frozen=True)
class WorkerPlan:
    jobs: int
    device: str  # "cpu" | "cuda" | "auto" (engines other than faster-whisper decide)
    cpu_threads: int  # per worker; 0: the engine's default
    batch_size: int | None  # batched inference (GPU)

    def apply(self, options: Options) -> Options:
        """The options each worker runs with (execution settings only; not hashed)."""
        asr = dict(options.asr)
        if self.device != "auto":
            asr["device"] = self.device
        if self.cpu_threads:
            asr["cpu_threads"] = self.cpu_threads
        if self.batch_size:
            asr["batch_size"] = self.batch_size
        return replace(options, asr=asr)


def cuda_device_count() -> int:
    try:
        import ctranslate2
    except ImportError:
        return 0
    try:
        return int(ctranslate2.get_cuda_device_count())
    except Exception:
        return 0


def plan_workers(options: Options, jobs: int | None = None, *, cpu_count: int | None = None,
                 memory: int | None = None, cuda: Callable[[], int] = cuda_device_count
                 ) -> WorkerPlan:
    asr = options.asr
    device = str(asr.get("device") or "auto")
    faster = asr.get("engine", "faster") == "faster"
    cpus = cpu_count or os.cpu_count() or 1
    if device == "cuda" or (device == "auto" and faster and cuda() > 0):
        batch = asr.get("batch_size") or (GPU_BATCH_SIZE if faster else None)
        return WorkerPlan(jobs or 1, "cuda", 0, batch)
    if device == "auto" and faster:
        device = "cpu"
    if jobs is None:
        memory = memory or _total_memory()
        per_worker = _model_gib(asr.get("model")) * _GIB
        by_memory = max(1, int(memory * 0.7 // per_worker)) if memory else cpus
        jobs = max(1, min(cpus // 2, by_memory))
    return WorkerPlan(jobs, device, max(1, cpus // jobs), asr.get("batch_size"))


def _model_gib(model: object) -> float:
    name = str(model or "base").lower()
    if name.startswith("large"):
        return _LARGE_GIB
    return next((gib for key, gib in _MODEL_GIB.items() if name.startswith(key)), _UNKNOWN_GIB)


def _total_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0
