"""`zimu chapters`: chapters again for a zimu JSON, with the files that show them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .common import chosen_formats


def cmd_chapters(argv: Sequence[str]) -> int:
    from ..formats import read_json
    from ..formats.chapters import youtube_problem
    from ..formats.encoding import read_text
    from ..pipeline import output_paths, rechapter, render, write_atomic

    p = argparse.ArgumentParser(
        prog="zimu chapters",
        description="Chapters again for a zimu JSON: prints the YouTube list and writes the "
                    "chapter files and the Markdown transcript beside it.")
    p.add_argument("file", type=Path, help="a .json written by zimu")
    p.add_argument("--min-chapter", type=float, help="shortest chapter in seconds (default 60)")
    p.add_argument("--max-chapters", type=int, help="most chapters (default 20)")
    p.add_argument("-o", "--output-dir", type=Path, help="where outputs go (default: beside input)")
    p.add_argument("--format", default="chapters,ffmeta,md", help="outputs (default: %(default)s)")
    p.add_argument("--debug", action="store_true")
    a = p.parse_args(argv)
    doc = read_json(read_text(a.file), str(a.file))
    bounds = {"min_chapter": a.min_chapter, "max_chapters": a.max_chapters}
    doc = rechapter(doc, {k: v for k, v in bounds.items() if v is not None})
    rendered = render(doc, chosen_formats(a))
    # Outputs are named after the original input, in the JSON's folder.
    named = a.file.with_name(Path(doc.transcript.source).name or a.file.name)
    paths = output_paths(named, a.output_dir, list(rendered))
    write_atomic({paths[name]: text for name, text in rendered.items()})
    problem = youtube_problem(doc)
    if problem:
        print(f"zimu: {a.file}: no YouTube chapter list: {problem}", file=sys.stderr)
        for chapter in doc.chapters:
            print(chapter.title)
    else:
        sys.stdout.write(rendered.get("chapters", ""))
    return 0
