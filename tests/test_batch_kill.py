"""Crash safety for real: SIGKILL a running `zimu batch` in the middle of an item, run it
again, and everything is finished, complete, and the manifest intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

# The real per-item conversion, except that with ZIMU_TEST_SLOW set the "slow" item writes
# a temp file (as write_atomic would) and then stalls, so the kill lands mid-item.
HOOK = textwrap.dedent("""
    import os, time
    from pathlib import Path
    from toolkit.batch import convert

    def run(job, progress=None):
        if "slow" in job.path.name and os.environ.get("ZIMU_TEST_SLOW"):
            out = Path(os.environ["ZIMU_TEST_OUT"])
            (out / ".03_slow.srt.x8d1.part").write_text("half a file")
            Path(os.environ["ZIMU_TEST_PID"]).write_text(str(os.getpid()))
            time.sleep(120)
        return convert(job, progress)
""")
DRIVER = ("import sys, zimu_hook, toolkit.batch.runner as r; r.convert = zimu_hook.run; "
          "from toolkit.cli import main; sys.exit(main(sys.argv[1:]))")
VTT = ("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nwell this is item number {n}\n\n"
       "00:00:02.000 --> 00:00:04.000\nand it has a few words for the test\n")


def status(manifest: Path) -> dict[str, str]:
    if not manifest.exists():
        return {}
    db = sqlite3.connect(f"file:{manifest}?mode=ro", uri=True, timeout=5)
    try:
        return {Path(k).name: s for k, s in db.execute("SELECT key, status FROM items")}
    except sqlite3.OperationalError:  # the table is not created yet
        return {}
    finally:
        db.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigkill_mid_item_then_resume(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    names = ["01.vtt", "02.vtt", "03_slow.vtt", "04.vtt", "05.vtt"]
    for n, name in enumerate(names):
        (src / name).write_text(VTT.format(n=n), encoding="utf-8")
    (tmp_path / "zimu_hook.py").write_text(HOOK, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.getcwd(),
                                                        os.environ.get("PYTHONPATH", "")]),
           "ZIMU_TEST_OUT": str(out), "ZIMU_TEST_PID": str(tmp_path / "worker.pid")}
    command = [sys.executable, "-c", DRIVER, "batch", str(src), "-o", str(out), "--jobs", "1",
               "--format", "srt,txt,json", "-q"]
    manifest = out / "zimu-batch.sqlite"

    first = subprocess.Popen(command, env={**env, "ZIMU_TEST_SLOW": "1"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while status(manifest).get("03_slow.vtt") != "running" or not (
            tmp_path / "worker.pid").exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the slow item never started"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    worker = int((tmp_path / "worker.pid").read_text())

    seen = status(manifest)
    assert seen["01.vtt"] == seen["02.vtt"] == "done" and seen["03_slow.vtt"] == "running"
    assert (out / ".03_slow.srt.x8d1.part").exists()
    deadline = time.monotonic() + 10  # the orphaned worker notices and exits
    while alive(worker):
        assert time.monotonic() < deadline, "the worker outlived its driver"
        time.sleep(0.1)

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "5 items: 3 converted, 2 up to date, 0 failed" in second.stdout
    assert set(status(manifest).values()) == {"done"}
    assert not list(out.rglob("*.part"))
    for n, name in enumerate(names):
        stem = Path(name).stem
        assert f"item number {n}" in (out / f"{stem}.txt").read_text(encoding="utf-8")
        assert (out / f"{stem}.srt").read_text(encoding="utf-8").startswith("1\n")
    db = sqlite3.connect(manifest)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
