"""`zimu batch`: many inputs into one folder, resumably, with a live progress line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .common import (
    asr_args,
    chosen_formats,
    clock,
    common_args,
    formats_arg,
    options_of,
    style_args,
)


def cmd_batch(argv: Sequence[str]) -> int:
    import shutil

    from ..batch import CAPTIONS, EXECUTORS, BatchProgress, BatchSettings, run_batch
    from ..errors import UsageError

    p = argparse.ArgumentParser(
        prog="zimu batch",
        description="Many inputs into one folder, resumably (manifest: OUT/zimu-batch.sqlite); "
                    "a rerun skips what is done and unchanged.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="a folder, a list file (a path or URL a line), - (a list on stdin), a "
                        "file, or a channel, playlist or podcast feed URL (needs zimu[web])")
    p.add_argument("-o", "--output-dir", type=Path, required=True,
                   help="outputs go here, mirroring the input folders")
    formats_arg(p)
    g = p.add_argument_group("batch")
    g.add_argument("-r", "--recursive", action="store_true", help="include sub-folders")
    g.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="only files matching GLOB (path or file name; repeatable)")
    g.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="skip files matching GLOB (repeatable)")
    g.add_argument("-j", "--jobs", type=int,
                   help="parallel workers (default: from CPUs, memory and model; 1 on a GPU)")
    g.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="give up on an item after this long (its worker is stopped)")
    g.add_argument("--force", action="store_true", help="redo every item")
    g.add_argument("--retry-failed", action="store_true",
                   help="redo items that failed before (by default only if they changed)")
    g.add_argument("--executor", default="process", choices=EXECUTORS,
                   help="process: worker processes here (default); ray: a Ray cluster; "
                        "inline: one by one in this process (debugging)")
    g.add_argument("--address", help="Ray cluster to join (auto, ray://HOST:10001); "
                                     "default: start Ray on this machine")
    g.add_argument("--captions", default="ignore", choices=CAPTIONS,
                   help="URLs: prefer captions the site already has over speech recognition")
    asr_args(p)
    p.add_argument("--no-chapters", action="store_true", help="no chapter detection")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    common_args(p)
    style_args(p)
    a = p.parse_args(argv)
    if a.jobs is not None and a.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if a.timeout is not None and a.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    settings = BatchSettings(
        recursive=a.recursive, include=tuple(a.include), exclude=tuple(a.exclude), jobs=a.jobs,
        timeout=a.timeout, force=a.force, retry_failed=a.retry_failed, executor=a.executor,
        address=a.address, captions=a.captions)
    formats = chosen_formats(a)
    live = not a.quiet and sys.stderr.isatty()

    def show(s: BatchProgress) -> None:  # one line, redrawn: overall bar, counts, ETA, current
        if not live or not s.total:
            return
        finished = s.done + s.failed
        bar = "#" * int(24 * finished / s.total)
        eta = f"  {clock(s.eta)} left" if s.eta is not None else ""
        now = "  ".join(f"{name}" + (f" {frac:.0%}" if frac is not None else "")
                        for name, frac in s.running)
        line = (f"[{bar:<24}] {finished}/{s.total}"
                + (f", {s.failed} failed" if s.failed else "") + eta + (f"  {now}" if now else ""))
        width = shutil.get_terminal_size().columns - 1
        sys.stderr.write("\r" + line[:width].ljust(width))
        sys.stderr.flush()

    result = run_batch(a.inputs, a.output_dir, options_of(a), formats, settings,
                       on_progress=show, stdin=sys.stdin)
    if live:
        sys.stderr.write("\n")
    for failure in result.failures:
        note = " (failed before; --retry-failed to retry)" if failure.earlier else ""
        print(f"zimu: {failure.source}: {failure.error}{note}", file=sys.stderr)
    audio = (f", {result.audio_seconds / 60:.1f} min of media"
             if result.audio_seconds else "")
    print(f"{result.items} items: {result.done} converted, {result.skipped} up to date, "
          f"{len(result.failures)} failed{audio} in {clock(result.elapsed)} "
          f"(manifest: {result.manifest})")
    return 1 if result.failures else 0
