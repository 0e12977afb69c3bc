"""`zimu check`: every cue of a subtitle file that breaks the style rules."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .common import common_args, options_of, style_args


def cmd_check(argv: Sequence[str]) -> int:
    from ..check import check_cues
    from ..formats import subtitles
    from ..formats.detect import detect_kind
    from ..formats.encoding import read_text
    from ..pipeline import guess_language, style_rules

    p = argparse.ArgumentParser(prog="zimu check",
                                description="Report every cue that breaks the style rules.")
    p.add_argument("file", type=Path, help="an .srt or .vtt file")
    common_args(p)
    style_args(p)
    a = p.parse_args(argv)
    text = read_text(a.file)
    kind = a.input_kind if a.input_kind != "auto" else detect_kind(str(a.file), text)
    # What reading had to repair (overlaps, inverted times, disorder) are problems too.
    raw, repairs = subtitles.read(kind, text, str(a.file), strict=a.strict)
    language = a.language or guess_language(text)
    rules = style_rules(language, options_of(a))
    cues = subtitles.to_cues(raw)
    found = check_cues(cues, rules, language)
    for repair in repairs:
        print(f"{a.file}: {repair}")
    for v in found:
        note = " (allowed: a single word longer than a line)" if v.allowed else ""
        print(f"{a.file}: cue {v.cue}: {v.rule}: {v.detail}{note}")
    broken = sum(1 for v in found if not v.allowed) + len(repairs)
    bad_cues = len({v.cue for v in found if not v.allowed})
    print(f"{a.file}: {len(cues)} cues, {bad_cues} break the {rules.name} preset "
          f"({broken} problems, {len(found) + len(repairs) - broken} allowed)")
    return 1 if broken else 0
