"""`zimu convert`: Chinese script conversion of any text or subtitle file, nothing else."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ..errors import ZimuError


def cmd_convert(argv: Sequence[str]) -> int:
    from ..formats.encoding import read_text
    from ..pipeline import write_atomic
    from ..text import convert_text

    p = argparse.ArgumentParser(prog="zimu convert",
                                description="Script conversion only: timing and layout untouched.")
    p.add_argument("file", type=Path)
    p.add_argument("--script", required=True, help="zh-Hans, zh-Hant, zh-TW, zh-HK")
    p.add_argument("-o", "--output", type=Path, help="output file (default: NAME.SCRIPT.EXT)")
    p.add_argument("--debug", action="store_true")
    a = p.parse_args(argv)
    out = a.output or a.file.with_name(f"{a.file.stem}.{a.script}{a.file.suffix}")
    if out.resolve() == a.file.resolve():
        raise ZimuError(f"{a.file}: refusing to overwrite the input; pick another -o")
    write_atomic({out: convert_text(read_text(a.file), a.script)})
    print(out)
    return 0
