"""`zimu INPUT…`: each input into subtitles, transcripts, chapters and JSON."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..chapters.options import METHODS
from ..errors import ZimuError
from .common import (
    ProgressBar,
    asr_args,
    chosen_formats,
    common_args,
    formats_arg,
    note,
    options_of,
    report,
    style_args,
)


def _run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zimu",
        description="Speech, transcripts or subtitles in; punctuated subtitles (SRT, VTT), "
                    "readable transcripts (TXT, MD), chapters and JSON out.",
        epilog="Other commands: zimu check | punctuate | convert | chapters | batch | align "
               "(zimu COMMAND --help).")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                   help="media (mp4, mkv, m4a, wav…), text, or subtitles (srt, vtt, ass)")
    p.add_argument("-o", "--output-dir", type=Path, help="where outputs go (default: beside input)")
    formats_arg(p)
    asr_args(p)
    g = p.add_argument_group("chapters")
    g.add_argument("--no-chapters", action="store_true", help="no chapter detection")
    g.add_argument("--min-chapter", type=float, help="shortest chapter in seconds (default 60)")
    g.add_argument("--max-chapters", type=int, help="most chapters (default 20)")
    g.add_argument("--chapter-method", choices=METHODS,
                   help="auto = static (TF-IDF beside word vectors distilled from e5: fast); "
                        "lexical (TF-IDF only); embed/combined run sentence embeddings "
                        "(zimu[embed]): better chapters, 15-25 s per hour of speech")
    g.add_argument("--embed-chapters", action="store_true",
                   help="also write NAME.chapters.mp4/.mkv: the media with chapters, "
                        "streams copied")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--version", action="version", version=f"zimu {__version__}")
    common_args(p)
    style_args(p)
    return p


def cmd_run(argv: Sequence[str]) -> int:
    from ..pipeline import run

    a = _run_parser().parse_args(argv)
    formats = chosen_formats(a)
    options = options_of(a)
    failed = 0
    for source in a.inputs:
        bar = ProgressBar(source.name, enabled=False if a.quiet else None)
        try:
            paths = run(source, options, formats, a.output_dir, progress=bar,
                        notes=None if a.quiet else note)
        except ZimuError as e:
            bar.close() if bar.enabled else None
            failed = failed or e.exit_code
            report(e, a.debug)
            continue
        bar.close()
        for path in paths:
            print(path)
    return failed
