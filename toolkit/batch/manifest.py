"""The batch manifest: one SQLite row per item in the output folder (zimu-batch.sqlite).

WAL journal, one transaction per state change, written by the driver process only: a run
killed at any moment leaves a consistent file, and rows it left "running" are simply re-done.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FILENAME = "zimu-batch.sqlite"
STATUSES = ("pending", "running", "done", "failed")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,            -- resolved path or URL
    source TEXT NOT NULL,            -- as discovered
    name TEXT NOT NULL,              -- output stem relative to the output folder
    content_hash TEXT,               -- sha256 of the bytes (URLs: of URL + ETag/size)
    size INTEGER, mtime_ns INTEGER,  -- when these match, content_hash is reused unread
    options_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    outputs TEXT NOT NULL DEFAULT '[]',  -- JSON list of paths relative to the output folder
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    queued_at REAL, started_at REAL, finished_at REAL,
    seconds REAL,                    -- wall time of the last attempt
    audio_seconds REAL               -- media duration, where known
);
"""


@dataclass(frozen=True)
class Row:
    key: str
    source: str
    name: str
    content_hash: str | None
    size: int | None
    mtime_ns: int | None
    options_hash: str
    status: str
    outputs: tuple[str, ...]
    error: str | None
    attempts: int
    seconds: float | None
    audio_seconds: float | None


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable across process crashes
        with self._tx():
            self._db.execute(_SCHEMA)

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def rows(self) -> dict[str, Row]:
        cur = self._db.execute(
            "SELECT key, source, name, content_hash, size, mtime_ns, options_hash, status,"
            " outputs, error, attempts, seconds, audio_seconds FROM items")
        return {r[0]: Row(key=r[0], source=r[1], name=r[2], content_hash=r[3], size=r[4],
                          mtime_ns=r[5], options_hash=r[6], status=r[7],
                          outputs=tuple(json.loads(r[8])), error=r[9], attempts=r[10],
                          seconds=r[11], audio_seconds=r[12]) for r in cur}

    def queue(self, key: str, source: str, name: str, content_hash: str | None,
              size: int | None, mtime_ns: int | None, options_hash: str) -> None:
        """An item that will run in this batch: inputs as seen now, status pending."""
        with self._tx():
            self._db.execute(
                "INSERT INTO items (key, source, name, content_hash, size, mtime_ns,"
                " options_hash, status, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)"
                " ON CONFLICT(key) DO UPDATE SET source=excluded.source, name=excluded.name,"
                " content_hash=excluded.content_hash, size=excluded.size,"
                " mtime_ns=excluded.mtime_ns, options_hash=excluded.options_hash,"
                " status='pending', error=NULL, queued_at=excluded.queued_at",
                (key, source, name, content_hash, size, mtime_ns, options_hash, time.time()))

    def running(self, key: str) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE items SET status='running', attempts=attempts+1, started_at=?,"
                " finished_at=NULL WHERE key=?", (time.time(), key))

    def done(self, key: str, outputs: Sequence[str], seconds: float,
             audio_seconds: float | None) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE items SET status='done', outputs=?, error=NULL, finished_at=?,"
                " seconds=?, audio_seconds=? WHERE key=?",
                (json.dumps(list(outputs), ensure_ascii=False), time.time(), seconds,
                 audio_seconds, key))

    def failed(self, key: str, error: str, seconds: float | None) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE items SET status='failed', error=?, finished_at=?, seconds=?"
                " WHERE key=?", (error, time.time(), seconds, key))

    def requeue_running(self) -> int:
        """Rows an interrupted run left running go back to pending; returns how many."""
        with self._tx():
            return self._db.execute(
                "UPDATE items SET status='pending' WHERE status='running'").rowcount


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error): one state change, all or nothing."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
