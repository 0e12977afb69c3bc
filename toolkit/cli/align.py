"""`zimu align`: a known transcript or subtitles timed from the speech of a recording."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .common import (
    ProgressBar,
    asr_args,
    chosen_formats,
    common_args,
    formats_arg,
    note,
    options_of,
    style_args,
)


def cmd_align(argv: Sequence[str]) -> int:
    from ..align import align_file, describe_unaligned
    from ..pipeline import output_paths, render, write_atomic

    p = argparse.ArgumentParser(
        prog="zimu align",
        description="Time a known transcript or subtitles from the speech in a media file: "
                    "the text's words, the audio's timing. Stretches that did not align (text "
                    "not spoken, speech not in the text) are noted on stderr.")
    p.add_argument("media", type=Path, help="the recording (mp4, mkv, m4a, wav…)")
    p.add_argument("text", type=Path, help="its transcript (plain text) or subtitles to re-time")
    p.add_argument("-o", "--output-dir", type=Path, help="where outputs go (default: beside media)")
    formats_arg(p)
    p.add_argument("--relayout", action="store_true",
                   help="subtitles: lay the cues out anew instead of re-timing the input's cues")
    asr_args(p)
    p.add_argument("--no-chapters", action="store_true", help="no chapter detection")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or notes")
    common_args(p)
    style_args(p)
    a = p.parse_args(argv)
    formats = chosen_formats(a)
    bar = ProgressBar(a.media.name, enabled=False if a.quiet else None)
    try:
        done = align_file(a.media, a.text, options_of(a), progress=bar, relayout=a.relayout)
    finally:
        bar.close()
    rendered = render(done.document, formats)
    paths = output_paths(a.media, a.output_dir, list(rendered))
    # talk.mp4 + talk.srt: the re-timed talk.srt must not replace its own input
    paths = {name: path.with_name(f"{path.stem}.zimu{path.suffix}")
             if path.exists() and path.resolve() == a.text.resolve() else path
             for name, path in paths.items()}
    write_atomic({paths[name]: content for name, content in rendered.items()})
    if not a.quiet:
        for repair in done.known.transcript.meta.get("repairs", ()):
            note(f"{a.text}: repaired {repair}")
        for line in describe_unaligned(done.result.unaligned, str(a.media), str(a.text)):
            note(line)
    for path in paths.values():
        print(path)
    return 0
