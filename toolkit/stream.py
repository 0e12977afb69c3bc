"""Large plain-text inputs in bounded memory: the text in pieces cut at whitespace.

A 200 MB caption dump holds tens of millions of words; as one Document it would need gigabytes.
Cut at caption breaks (whitespace), each piece is punctuated and laid out on its own, and its
output appended, so memory stays near one piece whatever the input's size.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .formats.encoding import iter_text

# Inputs larger than this many bytes are streamed; each piece holds about PIECE_CHARS.
STREAM_BYTES = 16 << 20
PIECE_CHARS = 1 << 20


def is_large(path: str | os.PathLike[str]) -> bool:
    return os.path.getsize(path) > STREAM_BYTES


def text_pieces(path: str | os.PathLike[str], piece_chars: int = PIECE_CHARS) -> Iterator[str]:
    """The file's text in pieces of about `piece_chars`, each ending at whitespace, so no word
    is cut in two (a piece without any whitespace is cut where it is)."""
    return pieces(iter_text(path, piece_chars))


def pieces(chunks: Iterable[str]) -> Iterator[str]:
    """Text chunks re-cut so that every piece but the first starts at whitespace. Only text
    that more text follows is cut: the input's last words stay with the piece before them."""
    text = ""
    for chunk in chunks:
        if text:
            cut = max(text.rfind(" "), text.rfind("\n"), text.rfind("\u3000"))
            if cut <= 0:
                cut = len(text)
            piece, text = text[:cut], text[cut:]
            if piece.strip():
                yield piece
        text += chunk
    if text.strip():
        yield text
