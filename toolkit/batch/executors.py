"""Where tasks run: in this process ("inline", for tests and debugging), in a pool of long-lived
worker processes ("process", the default), or on a Ray cluster ("ray").

Every executor runs `task.execute` and reports to a Listener in the driver's thread; only the
driver writes files and the manifest. A per-item timeout kills the worker running the item
(a decoder that hangs cannot be interrupted any other way) and a fresh worker takes its place.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from ..errors import EngineUnavailable, UsageError
from .task import ItemFn, Outcome, Task, execute

EXECUTORS = ("process", "inline", "ray")
_PROGRESS_EVERY = 0.25  # seconds between progress messages from one worker


class Listener(Protocol):
    def started(self, key: str) -> None: ...
    def progressed(self, key: str, done: float, total: float) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


def run_tasks(executor: str, tasks: Sequence[Task], item_fn: ItemFn, listener: Listener, *,
              jobs: int = 1, timeout: float | None = None, address: str | None = None,
              cpus_per_task: int = 1, gpus_per_task: float = 0) -> None:
    if executor == "inline":
        run_inline(tasks, item_fn, listener)
    elif executor == "process":
        run_processes(tasks, item_fn, listener, jobs=jobs, timeout=timeout)
    elif executor == "ray":
        run_ray(tasks, item_fn, listener, jobs=jobs, timeout=timeout, address=address,
                cpus_per_task=cpus_per_task, gpus_per_task=gpus_per_task)
    else:
        raise UsageError(f"unknown executor {executor!r} (known: {', '.join(EXECUTORS)})")


def timeout_error(timeout: float) -> str:
    return f"timed out after {timeout:g} s (the worker was stopped; see --timeout)"


# ---------------------------------------------------------------- inline

def run_inline(tasks: Sequence[Task], item_fn: ItemFn, listener: Listener) -> None:
    """One after another in this process: no timeout, no isolation from crashes."""
    for task in tasks:
        listener.started(task.key)
        outcome = execute(task, item_fn, functools.partial(listener.progressed, task.key))
        listener.finished(outcome)


# ---------------------------------------------------------------- worker processes

@dataclass
class _Worker:
    process: Any  # multiprocessing.context.SpawnProcess
    conn: Connection
    ready: bool = False  # started up (imports done): the timeout only counts from here
    task: Task | None = None
    began: float = 0.0


_STARTUP_FAILURES = 3  # workers dying before they are ready: the environment is broken


def run_processes(tasks: Sequence[Task], item_fn: ItemFn, listener: Listener, *, jobs: int,
                  timeout: float | None) -> None:
    """A pool of `jobs` spawned worker processes, each living for the whole batch (so each
    loads its model once); a worker that times out or dies is replaced."""
    context = multiprocessing.get_context("spawn")  # no forked copies of the driver's threads
    queue = deque(tasks)
    workers: list[_Worker] = []
    failed_starts, start_error = 0, ""

    def start() -> _Worker:
        mine, theirs = context.Pipe()
        process = context.Process(target=worker_main, args=(theirs, item_fn, os.getpid()),
                                  daemon=True, name="zimu-batch-worker")
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def retire(worker: _Worker, error: str) -> None:
        nonlocal failed_starts, start_error
        if worker.task is not None:
            listener.finished(Outcome(worker.task.key, None, error,
                                      time.monotonic() - worker.began))
            worker.task = None
        elif not worker.ready:
            failed_starts, start_error = failed_starts + 1, error
        _stop(worker)
        workers.remove(worker)

    try:
        while queue or any(w.task for w in workers):
            if failed_starts >= _STARTUP_FAILURES:
                error = f"worker processes fail to start: {start_error}"
                while queue:
                    listener.finished(Outcome(queue.popleft().key, None, error, 0.0))
            busy = sum(1 for w in workers if w.task is not None)
            while len(workers) < min(jobs, busy + len(queue)):
                workers.append(start())
            for worker in workers:
                if worker.ready and worker.task is None and queue:
                    worker.task, worker.began = queue.popleft(), time.monotonic()
                    listener.started(worker.task.key)
                    worker.conn.send(worker.task)
            ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers],
                         timeout=_next_wait(workers, timeout))
            for worker in list(workers):
                if worker.conn in ready:
                    _receive(worker, listener, retire)
                elif worker.process.sentinel in ready:
                    retire(worker, _died(worker.process))
                elif (worker.task is not None and timeout is not None
                      and time.monotonic() - worker.began > timeout):
                    retire(worker, timeout_error(timeout))
    finally:
        for worker in workers:
            _stop(worker, graceful=True)


def _receive(worker: _Worker, listener: Listener, retire: Callable[[_Worker, str], None]
             ) -> None:
    try:
        while worker.conn.poll():
            message = worker.conn.recv()
            if message[0] == "ready":
                worker.ready = True
            elif message[0] == "progress":
                listener.progressed(*message[1:])
            else:
                worker.task = None
                listener.finished(message[1])
    except (EOFError, OSError):
        retire(worker, _died(worker.process))


def _next_wait(workers: Sequence[_Worker], timeout: float | None) -> float:
    began = [w.began for w in workers if w.task is not None]
    if timeout is None or not began:
        return 1.0
    soonest = min(began) + timeout - time.monotonic()
    return min(max(soonest, 0.0) + 0.01, 1.0)


def _died(process: Any) -> str:
    process.join(1)
    code = process.exitcode
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return f"worker process died ({how}): out of memory or a crash in a native library?"


def _stop(worker: _Worker, graceful: bool = False) -> None:
    if graceful and worker.task is None and worker.process.is_alive():
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.process.join(2)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(2)
    worker.conn.close()


def worker_main(conn: Connection, item_fn: ItemFn, parent: int) -> None:
    """A worker's life: tasks in, outcomes out, until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    conn.send(("ready",))
    last = 0.0

    def progress(key: str, done: float, total: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= _PROGRESS_EVERY:
            last = now
            conn.send(("progress", key, done, total))

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome = execute(task, item_fn, functools.partial(progress, task.key))
        conn.send(("done", outcome))


def _watch_parent(parent: int) -> None:
    """If the driver is killed (even with SIGKILL) its workers follow within a second instead
    of finishing files nobody will record."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


# ---------------------------------------------------------------- Ray

def run_ray(tasks: Sequence[Task], item_fn: ItemFn, listener: Listener, *, jobs: int,
            timeout: float | None, address: str | None, cpus_per_task: int = 1,
            gpus_per_task: float = 0) -> None:
    """The same tasks as Ray remote functions. Ray keeps its worker processes between tasks,
    so a model cached in a worker is reused; at most `jobs` (default: the cluster's CPUs
    divided by cpus_per_task) run at once, so a task's start time is close to its submission
    time and the timeout can be measured from there."""
    try:
        import ray
    except ImportError as e:
        raise EngineUnavailable("--executor ray needs Ray: pip install 'zimu[ray]'") from e
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    try:
        remote = ray.remote(max_retries=0, num_cpus=cpus_per_task,
                            num_gpus=gpus_per_task)(execute)
        cpus = getattr(ray, "cluster_resources")().get("CPU", 1)  # noqa: B009 (untyped)
        slots = jobs or max(1, int(cpus) // cpus_per_task)
        queue = deque(tasks)
        running: dict[Any, tuple[Task, float]] = {}
        while queue or running:
            while queue and len(running) < slots:
                task = queue.popleft()
                listener.started(task.key)
                running[remote.remote(task, item_fn)] = (task, time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
            for ref in ready:
                task, began = running.pop(ref)
                try:
                    outcome = ray.get(ref)
                except Exception as e:  # the worker died, or Ray could not run the task
                    outcome = Outcome(task.key, None, f"ray: {type(e).__name__}: "
                                      f"{str(e).strip().splitlines()[0] if str(e).strip() else ''}",
                                      time.monotonic() - began)
                listener.finished(outcome)
            if timeout is not None:
                now = time.monotonic()
                for ref, (task, began) in list(running.items()):
                    if now - began > timeout:
                        ray.cancel(ref, force=True)
                        del running[ref]
                        listener.finished(Outcome(task.key, None, timeout_error(timeout),
                                                  now - began))
    finally:
        if started_here:
            ray.shutdown()
