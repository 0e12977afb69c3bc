"""Plain-text transcript: paragraphs separated by blank lines, chapter titles as lines."""

from __future__ import annotations

from ..types import Document
from .layout import paragraphs


def write_txt(doc: Document) -> str:
    blocks: list[str] = []
    for para in paragraphs(doc):
        if para.chapter is not None and para.chapter.title.strip():
            blocks.append(para.chapter.title.strip())
        if para.text:
            blocks.append(para.text)
    return "\n\n".join(blocks) + "\n" if blocks else ""
