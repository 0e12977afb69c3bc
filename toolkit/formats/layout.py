"""What TXT and Markdown share: paragraphs and chapter headings in reading order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..types import Chapter, Document

# Languages written without spaces between words (and sentences).
CJK_LANGUAGES = frozenset({"zh", "ja", "ko", "yue", "wuu", "cmn", "lzh", "nan", "hak"})


def is_cjk(language: str) -> bool:
    return language.replace("_", "-").split("-")[0].lower() in CJK_LANGUAGES


def sentence_separator(language: str) -> str:
    # Korean does use spaces between words, but its sentences end in full-width marks too
    # rarely to matter here; a space is right for it.
    return "" if is_cjk(language) and not language.lower().startswith("ko") else " "


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: float | None  # of its first sentence
    chapter: Chapter | None  # set on the first paragraph of a chapter


def paragraphs(doc: Document) -> Iterator[Paragraph]:
    """The document's paragraphs; a chapter always begins a new paragraph."""
    sentences = doc.sentences
    if not sentences:
        if doc.transcript.words:
            from ..text import join_words  # only needed for a document never segmented

            text = join_words(doc.transcript.words, doc.transcript.language)
            yield Paragraph(text, doc.transcript.words[0].start, None)
        return
    n = len(sentences)
    chapters = {c.first: c for c in doc.chapters if 0 <= c.first < n}
    starts = sorted({0, *(p for p in doc.paragraphs if 0 <= p < n), *chapters})
    sep = sentence_separator(doc.transcript.language)
    for k, first in enumerate(starts):
        last = starts[k + 1] if k + 1 < len(starts) else n
        text = sep.join(s.text.strip() for s in sentences[first:last] if s.text.strip())
        if text:
            yield Paragraph(text, sentences[first].start, chapters.get(first))
        elif first in chapters:
            yield Paragraph("", sentences[first].start, chapters[first])
