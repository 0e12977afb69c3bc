"""What decides whether an item's outputs are still current: its content and the options."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..pipeline import Options

# How the work runs, not what it produces: changing these never re-does finished items.
EXECUTION_KEYS = frozenset({"device", "cpu_threads", "batch_size"})
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, read in 1 MiB chunks (videos do not fit in memory)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def url_digest(url: str, fingerprint: str) -> str:
    return hashlib.sha256(f"{url}\n{fingerprint}".encode()).hexdigest()


def options_digest(options: Options, formats: Sequence[str], extra: Mapping[str, Any]) -> str:
    data = dataclasses.asdict(options)
    data["asr"] = {k: v for k, v in dict(options.asr).items() if k not in EXECUTION_KEYS}
    data["formats"] = sorted(formats)
    data["extra"] = dict(extra)
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()
