"""JSON: the lossless output, and its reader (`read_json` is the exact inverse of `write_json`).

Schema "zimu/1" (one object; times are float seconds or null; index ranges are [first, last)):

    {
     "schema": "zimu/1",
     "language": "zh",               # transcript language code
     "source": "talk.mp4",           # input path or URL ("" if none)
     "kind": "media",                # "media" | "text" | "subtitles"
     "duration": 61.2,               # seconds, or null
     "meta": {...},                  # how it was made: model, engine, ... (free-form)
     "options": {...},               # the options the document was rendered with (free-form)
     "words": [                      # one object per line
      {"text": "字幕", "start": 0.0, "end": 0.42, "probability": 0.93,
       "punct": "，", "lead": "", "break_before": false}
     ],
     "sentences": [{"text": "...", "first": 0, "last": 7, "start": 0.0, "end": 2.1}],
     "paragraphs": [0, 4, 9],        # index of each paragraph's first sentence
     "chapters": [{"title": "...", "first": 0, "last": 4, "start": 0.0, "end": 9.8}],
     "cues": [{"start": 0.0, "end": 2.1, "lines": ["...", "..."], "first": 0, "last": 7}]
    }

`words[i].text` never holds punctuation: `lead + text + punct` is what is written.
Sentence and cue `first`/`last` index `words`; chapter `first`/`last` and `paragraphs` index
`sentences`. Values in meta/options that JSON cannot hold are written as strings.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import PurePath
from typing import Any

from ..errors import InputError
from ..types import Chapter, Cue, Document, Sentence, Transcript, Word

SCHEMA = "zimu/1"


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_default)


def write_json(doc: Document) -> str:
    """The whole document as JSON: indented, one line per word, sentence, chapter or cue."""
    t = doc.transcript
    head: dict[str, Any] = {
        "schema": SCHEMA,
        "language": t.language,
        "source": t.source,
        "kind": t.kind,
        "duration": t.duration,
        "meta": t.meta,
        "options": doc.options,
    }
    rows: dict[str, list[dict[str, Any]]] = {
        "words": [_flat(w) for w in t.words],
        "sentences": [_flat(s) for s in doc.sentences],
    }
    tail: dict[str, list[dict[str, Any]]] = {
        "chapters": [_flat(c) for c in doc.chapters],
        "cues": [_flat(c) for c in doc.cues],
    }
    parts = [f" {_dumps(k)}: {_dumps(v)}" for k, v in head.items()]
    parts += [f" {_dumps(k)}: {_rows(v)}" for k, v in rows.items()]
    parts.append(f' "paragraphs": {_dumps(list(doc.paragraphs))}')
    parts += [f" {_dumps(k)}: {_rows(v)}" for k, v in tail.items()]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _flat(item: Any) -> dict[str, Any]:
    """A flat dataclass's fields (asdict's deep copy is 10× slower and not needed here)."""
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


def _rows(items: list[dict[str, Any]]) -> str:
    if not items:
        return "[]"
    return "[\n  " + ",\n  ".join(_dumps(item) for item in items) + "\n ]"


def read_json(text: str, path: str = "") -> Document:
    """The Document a `write_json` output describes; InputError if it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(path, f"invalid JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(path, f'not a zimu JSON file (expected "schema": "{SCHEMA}")')
    try:
        transcript = Transcript(
            words=tuple(Word(**w) for w in data.get("words", [])),
            language=data["language"],
            source=data.get("source", ""),
            kind=data.get("kind", "media"),
            duration=data.get("duration"),
            meta=dict(data.get("meta") or {}),
        )
        return Document(
            transcript=transcript,
            sentences=tuple(Sentence(**s) for s in data.get("sentences", [])),
            paragraphs=tuple(int(p) for p in data.get("paragraphs", [])),
            chapters=tuple(Chapter(**c) for c in data.get("chapters", [])),
            cues=tuple(Cue(**{**c, "lines": tuple(c["lines"])}) for c in data.get("cues", [])),
            options=dict(data.get("options") or {}),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(path, f"malformed zimu JSON ({err})") from None
