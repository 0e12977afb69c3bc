"""`zimu punctuate`: punctuated text on stdout, streamed piece by piece."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import common_args


def cmd_punctuate(argv: Sequence[str]) -> int:
    from ..pipeline import guess_language
    from ..punctuate import get_punctuator
    from ..stream import PIECE_CHARS, pieces, text_pieces
    from ..text import UNSPACED_LANGUAGES, join_words, split_text, truecase

    p = argparse.ArgumentParser(prog="zimu punctuate",
                                description="Punctuated text on stdout, nothing else.")
    p.add_argument("file", help="a text file, or - for standard input")
    p.add_argument("--keep-breaks", action="store_true", help="keep the input's line structure")
    common_args(p)
    a = p.parse_args(argv)
    # Piece by piece (cut at whitespace), so a file of any size streams in bounded memory.
    chunks = pieces(iter(lambda: sys.stdin.read(PIECE_CHARS), "")) if a.file == "-" \
        else text_pieces(Path(a.file))
    language = a.language
    for n, piece in enumerate(chunks):
        language = language or guess_language(piece)
        punctuator = get_punctuator(a.punctuator, language)
        words = truecase(punctuator.punctuate(split_text(piece, language), language), language)
        if a.keep_breaks:
            sys.stdout.write(_rebreak(words, piece.split("\n"), language))
            continue
        gap = "" if not n or language in UNSPACED_LANGUAGES else " "
        sys.stdout.write(gap + join_words(words, language))
    sys.stdout.write("\n")
    return 0


def _rebreak(words: Sequence[Any], lines: Sequence[str], language: str) -> str:
    """Punctuated words laid back onto the input's lines (each line's words in order)."""
    from ..text import join_words, split_text

    out: list[str] = []
    pos = 0
    for line in lines:
        n = len(split_text(line, language))
        out.append(join_words(words[pos : pos + n], language))
        pos += n
    return "\n".join(out)
