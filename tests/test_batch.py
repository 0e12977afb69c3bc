"""zimu batch: discovery, names, manifest, resume, failure isolation, workers, plan, CLI.

Most tests inject a fake per-item function (no Whisper); the CLI test runs the real text and
subtitle path in real worker processes. The fakes are module-level so spawned workers can
import them by name.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from toolkit.batch import (
    BatchSettings,
    ItemResult,
    Job,
    Manifest,
    discover,
    plan_workers,
    run_batch,
)
from toolkit.batch.discover import Item, is_list_file, unique_names
from toolkit.batch.hashing import options_digest
from toolkit.batch.runner import LOCKNAME
from toolkit.cli import main
from toolkit.errors import DecodeError, UsageError
from toolkit.pipeline import Options

CALLS: list[str] = []  # sources the fake converted, in this process (inline executor)
EN = "so today we are going to talk about subtitles and why timing matters for readers\n"
VTT = ("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nhello there everyone\n\n"
       "00:00:02.500 --> 00:00:04.000\nwelcome to the show\n")


def fake_convert(job: Job, progress: object = None) -> ItemResult:
    """Stands in for the pipeline: misbehaves according to the file name."""
    name = job.path.name
    if "corrupt" in name:
        raise DecodeError(str(job.path), "invalid data found when processing input")
    if "hang" in name:
        time.sleep(120)
    if "crash" in name:
        os._exit(7)
    if "bug" in name:
        raise RuntimeError("boom")
    CALLS.append(job.origin)
    if callable(progress):
        progress(1.0, 2.0)
    body = job.path.read_text(encoding="utf-8") if job.path.is_file() else ""
    return ItemResult({"txt": f"{job.origin}\n{body}", "json": json.dumps(
        {"language": job.options.language, "pid": os.getpid()})}, 1.5)


def touch(path: Path, text: str = EN) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(items: list[Item]) -> list[str]:
    return [i.name for i in items]


def batch(inputs: list[str], out: Path, options: Options | None = None, **settings: object):
    settings.setdefault("executor", "inline")
    return run_batch(inputs, out, options, ("txt", "json"), BatchSettings(**settings),  # type: ignore[arg-type]
                     item_fn=fake_convert)


def manifest_rows(out: Path) -> dict[str, tuple[str, str | None]]:
    db = sqlite3.connect(out / "zimu-batch.sqlite")
    try:
        return {Path(k).name: (s, e) for k, s, e in db.execute(
            "SELECT key, status, error FROM items")}
    finally:
        db.close()


# ---------------------------------------------------------------- discovery and names

def test_folder_discovery_mirrors_folders_and_filters(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for rel in ["top.mp3", "a/intro.mp4", "b/intro.mp4", "a/intro.srt", "a/notes.md",
                "a/deep/talk.vtt", ".hidden/x.mp4", "a/.tmp.mp4", "b/raw.txt"]:
        touch(src / rel)
    out = tmp_path / "out"
    flat = discover([str(src)], out)
    assert names(flat) == ["top"]
    deep = discover([str(src)], out, recursive=True)
    assert names(deep) == ["a/deep/talk", "a/intro.mp4", "a/intro.srt", "b/intro", "b/raw",
                           "top"]
    only = discover([str(src)], out, recursive=True, include=["*.mp4"], exclude=["b/*"])
    assert names(only) == ["a/intro"]
    md = discover([str(src)], out, recursive=True, include=["*.md"])
    assert names(md) == ["a/notes"]


def test_output_folder_inside_the_input_is_not_discovered(tmp_path: Path) -> None:
    touch(tmp_path / "talk.txt")
    touch(tmp_path / "out" / "talk.txt")  # an output of an earlier run
    assert names(discover([str(tmp_path)], tmp_path / "out", recursive=True)) == ["talk"]


def test_list_files_stdin_missing_files_and_urls(tmp_path: Path) -> None:
    touch(tmp_path / "x" / "one.wav")
    touch(tmp_path / "y" / "one.wav")
    listing = touch(tmp_path / "list.txt", "# my files\nx/one.wav\n\ny/one.wav\n"
                    "x/gone.mp4\nhttps://example.org/feed.xml\n")
    assert is_list_file(listing)
    assert not is_list_file(touch(tmp_path / "talk.txt", EN))

    def expand(url: str) -> list[Item]:
        return [Item(f"{url}#{n}", f"{url}#{n}", f"Feed/Episode {n}", url=True)
                for n in (1, 2)]

    items = discover([str(listing)], tmp_path / "out", expand=expand)
    assert names(items) == ["Feed/Episode 1", "Feed/Episode 2", "x/gone", "x/one", "y/one"]
    problems = {i.name: i.problem for i in items}
    assert problems["x/gone"] == "no such file" and problems["x/one"] is None
    piped = discover(["-"], tmp_path / "out", stdin=io.StringIO(str(tmp_path / "talk.txt")))
    assert names(piped) == ["talk"]


def test_unique_names_are_stable_and_case_insensitive() -> None:
    items = [Item("/a/Intro.mp4", "/a/Intro.mp4", "Intro"),
             Item("/a/intro.vtt", "/a/intro.vtt", "intro"),
             Item("u1", "u1", "Ep", url=True), Item("u2", "u2", "Ep", url=True)]
    first = names(unique_names(items))
    assert first == names(unique_names(list(reversed(items))))
    assert len({n.casefold() for n in first}) == 4
    assert "Intro.mp4" in first and "intro.vtt" in first


# ---------------------------------------------------------------- manifest and resume

def test_rerun_skips_unchanged_and_redoes_what_changed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    a, b = touch(src / "a" / "intro.txt"), touch(src / "b" / "intro.txt", "other words\n")
    CALLS.clear()
    result = batch([str(src)], out, recursive=True)
    assert result.ok and result.done == 2
    assert (out / "a" / "intro.txt").read_text().startswith(str(a))
    assert (out / "b" / "intro.txt").read_text().startswith(str(b))

    CALLS.clear()
    again = batch([str(src)], out, recursive=True)
    assert (again.done, again.skipped, CALLS) == (0, 2, [])

    b.write_text("changed words\n", encoding="utf-8")
    (out / "a" / "intro.json").unlink()  # a missing output is redone too
    CALLS.clear()
    batch([str(src)], out, recursive=True)
    assert sorted(CALLS) == sorted([str(a), str(b)])

    CALLS.clear()
    batch([str(src)], out, Options(language="en"), recursive=True)  # options changed
    assert len(CALLS) == 2
    CALLS.clear()
    forced = batch([str(src)], out, Options(language="en"), recursive=True, force=True)
    assert forced.done == 2 and len(CALLS) == 2


def test_failed_items_are_kept_until_retried_or_changed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    touch(src / "good.txt")
    bad = touch(src / "corrupt.txt")
    first = batch([str(src)], out)
    assert not first.ok and first.done == 1
    assert [f.error for f in first.failures] == [
        f"{bad}: invalid data found when processing input"]
    assert manifest_rows(out)["corrupt.txt"][0] == "failed"

    CALLS.clear()
    second = batch([str(src)], out)
    assert CALLS == [] and [f.earlier for f in second.failures] == [True]
    retried = batch([str(src)], out, retry_failed=True)
    assert [f.earlier for f in retried.failures] == [False]

    bad.rename(src / "fixed.txt")  # the cause fixed: not in the folder any more
    fixed = batch([str(src)], out)
    assert fixed.ok and fixed.done == 1


def test_missing_file_in_a_list_is_recorded_and_the_rest_runs(tmp_path: Path) -> None:
    touch(tmp_path / "here.txt")
    listing = touch(tmp_path / "list.lst", "here.txt\ngone.mp4\n")
    result = batch([str(listing)], tmp_path / "out")
    assert result.done == 1
    assert [(Path(f.source).name, f.error) for f in result.failures] == [
        ("gone.mp4", "no such file")]
    assert manifest_rows(tmp_path / "out")["gone.mp4"] == ("failed", "no such file")


def test_interrupted_run_is_finished_and_its_debris_removed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    for n in range(3):
        touch(src / f"{n}.txt")
    batch([str(src)], out)
    # what a killed run leaves: a row still "running", a temp file from write_atomic
    db = sqlite3.connect(out / "zimu-batch.sqlite")
    with db:
        db.execute("UPDATE items SET status='running' WHERE key LIKE '%1.txt'")
    db.close()
    (out / "1.txt").unlink()
    part = touch(out / ".1.txt.k2j3h4.part", "half a file")
    CALLS.clear()
    result = batch([str(src)], out)
    assert [Path(c).name for c in CALLS] == ["1.txt"] and result.ok
    assert not part.exists() and (out / "1.txt").is_file()
    assert {s for s, _ in manifest_rows(out).values()} == {"done"}


def test_manifest_is_sqlite_wal_with_one_row_per_item(tmp_path: Path) -> None:
    touch(tmp_path / "src" / "a.txt")
    batch([str(tmp_path / "src")], tmp_path / "out")
    m = Manifest(tmp_path / "out" / "zimu-batch.sqlite")
    try:
        (row,) = m.rows().values()
        assert row.status == "done" and row.attempts == 1 and row.audio_seconds == 1.5
        assert sorted(row.outputs) == ["a.json", "a.txt"] and row.content_hash
        assert m._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert m._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        m.close()


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCKNAME, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UsageError, match="another zimu batch"):
            batch([str(tmp_path)], out)


def test_outputs_never_replace_inputs(tmp_path: Path) -> None:
    talk = touch(tmp_path / "talk.txt")
    batch([str(tmp_path)], tmp_path)  # output folder = input folder
    assert talk.read_text(encoding="utf-8") == EN
    assert (tmp_path / "talk.zimu.txt").read_text().startswith(str(talk))


def test_options_hash_ignores_execution_settings() -> None:
    base = Options(asr={"model": "small"})
    fast = Options(asr={"model": "small", "device": "cuda", "batch_size": 16,
                        "cpu_threads": 4})
    assert options_digest(base, ["srt"], {}) == options_digest(fast, ["srt"], {})
    assert options_digest(base, ["srt"], {}) != options_digest(base, ["vtt"], {})
    assert options_digest(base, ["srt"], {}) != options_digest(
        Options(asr={"model": "base"}), ["srt"], {})


# ---------------------------------------------------------------- worker processes

def test_worker_pool_isolates_corrupt_hanging_crashing_and_buggy_items(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    for name in ["a.txt", "b.txt", "corrupt.txt", "hang.txt", "crash.txt", "bug.txt", "z.txt"]:
        touch(src / name)
    result = batch([str(src)], out, executor="process", jobs=2, timeout=3)
    errors = {Path(f.source).name: f.error for f in result.failures}
    assert result.done == 3 and set(errors) == {"corrupt.txt", "hang.txt", "crash.txt",
                                                "bug.txt"}
    assert "invalid data" in errors["corrupt.txt"]
    assert errors["hang.txt"].startswith("timed out after 3 s")
    assert "worker process died (exit code 7)" in errors["crash.txt"]
    assert errors["bug.txt"] == "internal error: RuntimeError: boom"
    for name in ["a", "b", "z"]:
        assert (out / f"{name}.txt").is_file()


def test_one_long_lived_worker_converts_every_item(tmp_path: Path) -> None:
    """What lets each worker load its model once: the same process takes item after item."""
    for n in range(3):
        touch(tmp_path / "src" / f"{n}.txt")
    result = batch([str(tmp_path / "src")], tmp_path / "out", executor="process", jobs=1)
    pids = {json.loads((tmp_path / "out" / f"{n}.json").read_text())["pid"] for n in range(3)}
    assert result.done == 3 and len(pids) == 1 and os.getpid() not in pids


# ---------------------------------------------------------------- hardware plan

def test_plan_cpu_workers_fit_cores_and_memory() -> None:
    def none() -> int:
        return 0

    cpu = plan_workers(Options(), cpu_count=16, memory=64 << 30, cuda=none)
    assert (cpu.jobs, cpu.device, cpu.cpu_threads, cpu.batch_size) == (8, "cpu", 2, None)
    tight = plan_workers(Options(asr={"model": "large-v3"}), cpu_count=16, memory=8 << 30,
                         cuda=none)
    assert tight.jobs == 1 and tight.cpu_threads == 16
    small = plan_workers(Options(), cpu_count=2, memory=24 << 30, cuda=none)
    assert (small.jobs, small.cpu_threads) == (1, 2)
    asked = plan_workers(Options(), 3, cpu_count=2, cuda=none)
    assert (asked.jobs, asked.cpu_threads) == (3, 1)
    assert plan_workers(Options(asr={"device": "cpu"}), cpu_count=8,
                        cuda=lambda: 1).device == "cpu"


def test_plan_gpu_is_one_process_with_the_batched_pipeline() -> None:
    gpu = plan_workers(Options(), cpu_count=16, cuda=lambda: 1)
    assert (gpu.jobs, gpu.device, gpu.batch_size) == (1, "cuda", 16)
    applied = gpu.apply(Options(asr={"model": "turbo"}))
    assert applied.asr == {"model": "turbo", "device": "cuda", "batch_size": 16}
    from toolkit.asr import AsrOptions

    AsrOptions(**applied.asr)  # every key is an AsrOptions field
    assert plan_workers(Options(asr={"device": "cuda"}), cuda=lambda: 0).device == "cuda"
    assert plan_workers(Options(asr={"engine": "openai", "device": "cuda"})).batch_size is None


def test_gpu_plan_reaches_the_worker_options(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.batch.plan as plan

    seen: list[dict[str, object]] = []

    def spy(job: Job, progress: object = None) -> ItemResult:
        seen.append(dict(job.options.asr))
        return ItemResult({"txt": "x"})

    touch(tmp_path / "a.txt")
    import toolkit.batch.runner as runner

    monkeypatch.setattr(runner, "plan_workers",
                        lambda options, jobs: plan.plan_workers(options, jobs, cuda=lambda: 1))
    run_batch([str(tmp_path)], tmp_path / "out", settings=BatchSettings(executor="inline"),
              item_fn=spy)
    assert seen == [{"device": "cuda", "batch_size": 16}]


# ---------------------------------------------------------------- the command, for real

def test_cli_batch_end_to_end_on_text_and_subtitles(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    touch(src / "a" / "intro.vtt", VTT)
    touch(src / "b" / "intro.txt", EN)
    (src / "b" / "broken.mp4").write_bytes(b"\x00\x01not a video" * 50)
    code = main(["batch", str(src), "-o", str(out), "--recursive", "--jobs", "1",
                 "--format", "srt,txt,json", "-q"])
    captured = capsys.readouterr()
    assert code == 1, captured
    assert "broken.mp4" in captured.err and "3 items: 2 converted" in captured.out
    srt = (out / "a" / "intro.srt").read_text(encoding="utf-8")
    assert "00:00:00,000 -->" in srt and "welcome to the show" in srt.lower()
    assert "subtitles" in (out / "b" / "intro.txt").read_text(encoding="utf-8")
    data = json.loads((out / "a" / "intro.json").read_text(encoding="utf-8"))
    assert str(src / "a" / "intro.vtt") in json.dumps(data)
    assert not list(out.rglob("*.part"))

    code = main(["batch", str(src), "-o", str(out), "-r", "--jobs", "1", "--format",
                 "srt,txt,json", "-q"])
    captured = capsys.readouterr()
    assert code == 1 and "0 converted, 2 up to date, 1 failed" in captured.out
    assert "--retry-failed" in captured.err


def test_cli_rejects_bad_numbers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["batch", str(tmp_path), "-o", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_progress_line_and_stdin_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    touch(tmp_path / "one.txt")
    touch(tmp_path / "two.vtt", VTT)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("sys.stdin", io.StringIO("one.txt\ntwo.vtt\n"))
    monkeypatch.chdir(tmp_path)
    code = main(["batch", "-", "-o", str(tmp_path / "out"), "--executor", "inline"])
    assert code == 0
    drawn = terminal.getvalue()
    assert "] 0/2  one" in drawn and "] 1/2  " in drawn and "left  two" in drawn
    assert "[" + "#" * 24 + "] 2/2" in drawn
    assert "\r" in drawn and drawn.endswith("\n")
    assert "2 items: 2 converted" in capsys.readouterr().out


def test_workers_that_cannot_start_fail_the_items_instead_of_respawning_forever(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    ghost = types.ModuleType("zimu_ghost_module")  # importable here, not in a worker

    def convert_nothing(job: Job, progress: object = None) -> ItemResult:
        return ItemResult({})

    convert_nothing.__module__ = ghost.__name__
    convert_nothing.__qualname__ = "convert_nothing"
    ghost.convert_nothing = convert_nothing  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, ghost.__name__, ghost)
    touch(tmp_path / "src" / "a.txt")
    touch(tmp_path / "src" / "b.txt")
    result = run_batch([str(tmp_path / "src")], tmp_path / "out",
                       settings=BatchSettings(jobs=1), item_fn=convert_nothing)
    assert result.done == 0 and len(result.failures) == 2
    assert all("worker processes fail to start" in f.error for f in result.failures)
