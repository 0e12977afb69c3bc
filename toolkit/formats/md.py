"""Markdown transcript: a title, chapter headings, paragraphs led by a [mm:ss] stamp."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..types import Document
from .layout import paragraphs
from .timefmt import format_time

# Text that Markdown would read as a heading, quote, list or rule at the start of a line.
_BLOCK_START = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s|=+$|-+$)")


def title_of(doc: Document) -> str:
    """`options["title"]`, else the source file's name without its suffix."""
    title = str(doc.options.get("title") or "").strip()
    if not title and doc.transcript.source:
        title = PurePath(doc.transcript.source).stem
    return title or "Transcript"


def write_md(doc: Document) -> str:
    paras = list(paragraphs(doc))
    times = [p.start for p in paras if p.start is not None]
    longest = max([*times, doc.transcript.duration or 0.0], default=0.0)
    hours = longest >= 3600
    out = [f"# {_one_line(title_of(doc))}"]
    for para in paras:
        if para.chapter is not None and para.chapter.title.strip():
            out.append(f"## {_one_line(para.chapter.title)}")
        if not para.text:
            continue
        if para.start is not None:
            out.append(f"{format_time(para.start, 'stamp', hours=hours)} {para.text}")
        else:
            out.append("\\" + para.text if _BLOCK_START.match(para.text) else para.text)
    return "\n\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
