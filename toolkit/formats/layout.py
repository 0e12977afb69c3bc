"""What TXT and Markdown share: paragraphs and chapter headings in reading order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..text import UNSPACED_LANGUAGES, base_language
from ..types import Chapter, Document


def sentence_separator(language: str) -> str:
    return "" if base_language(language) in UNSPACED_LANGUAGES else " "


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
