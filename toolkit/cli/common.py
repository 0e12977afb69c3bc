"""What every subcommand shares: argument groups, the Options they build, progress and notes."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from typing import Any, TextIO

from ..pipeline import ALL_FORMATS, Options


class ProgressBar:
    """`[#####-----]  48%  00:31 left` on stderr, redrawn in place; silent when not a terminal."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, enabled: bool | None = None):
        self.label = label
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.began = time.monotonic()

    def __call__(self, done: float, total: float) -> None:
        if not self.enabled or total <= 0:
            return
        frac = min(max(done / total, 0.0), 1.0)
        spent = time.monotonic() - self.began
        left = spent / frac - spent if frac > 0.01 else 0.0
        bar = "#" * int(frac * 24)
        self.stream.write(f"\r{self.label} [{bar:<24}] {frac:4.0%}  {clock(left)} left ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def clock(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60:02d}:{s % 60:02d}"


def common_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--language", help="spoken language (ISO code such as zh, en); default: detect")
    p.add_argument("--script", default="auto",
                   help="Chinese characters: zh-Hans (default for Chinese), zh-Hant, zh-TW, "
                        "zh-HK, or keep")
    p.add_argument("--punctuator", default="auto",
                   help="auto (trained model for Chinese), model, rules, keep")
    p.add_argument("--input-kind", default="auto",
                   choices=["auto", "media", "text", "srt", "vtt", "ass"])
    p.add_argument("--strict", action="store_true",
                   help="fail on broken subtitles instead of repairing them")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def asr_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("speech recognition")
    g.add_argument("--model", help="Whisper model name (tiny…large-v3, turbo) or local directory; "
                                   "default: the embedded base model")
    g.add_argument("--engine", default="faster", choices=["faster", "openai"])
    g.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    g.add_argument("--compute-type", default="default",
                   help="int8, float16, … (default: by device)")
    g.add_argument("--beam-size", type=int, default=5)


def style_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("subtitle style (defaults from the preset)")
    g.add_argument("--preset", choices=["zh", "en"], help="style preset; default by language")
    g.add_argument("--max-line", type=float,
                   help="line width (CJK presets count half-width as 0.5)")
    g.add_argument("--max-lines", type=int)
    g.add_argument("--max-cps", type=float, help="reading speed, characters per second")
    g.add_argument("--min-duration", type=float)
    g.add_argument("--max-duration", type=float)
    g.add_argument("--min-gap", type=float, help="seconds between cues")
    g.add_argument("--full-punct", action="store_true",
                   help="keep ，and 。 in Chinese subtitle lines")


def style_overrides(a: argparse.Namespace) -> dict[str, Any]:
    names = ("max_line", "max_lines", "max_cps", "min_duration", "max_duration", "min_gap")
    return {n: getattr(a, n) for n in names if getattr(a, n) is not None}


def formats_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", default=",".join(ALL_FORMATS),
                   help=f"comma-separated output formats (default: {','.join(ALL_FORMATS)})")


def chosen_formats(a: argparse.Namespace) -> list[str]:
    return [f.strip() for f in a.format.split(",") if f.strip()]


def options_of(a: argparse.Namespace) -> Options:
    asr = {}
    for name in ("model", "engine", "device", "compute_type", "beam_size"):
        if getattr(a, name, None) is not None:
            asr[name] = getattr(a, name)
    chapter_options = {name.removeprefix("chapter_"): getattr(a, name)
                       for name in ("min_chapter", "max_chapters", "chapter_method")
                       if getattr(a, name, None) is not None}
    return Options(
        chapter_options=chapter_options, embed_chapters=getattr(a, "embed_chapters", False),
        language=a.language, script=a.script, punctuator=a.punctuator,
        preset=getattr(a, "preset", None), style=style_overrides(a) if hasattr(a, "max_line")
        else {}, full_punct=getattr(a, "full_punct", False),
        chapters=not getattr(a, "no_chapters", False), input_kind=a.input_kind, strict=a.strict,
        asr=asr,
    )


def note(message: str) -> None:
    print(f"zimu: {message}", file=sys.stderr)


def report(e: BaseException, debug: bool) -> None:
    """One line on stderr; the traceback only with --debug."""
    if debug:
        traceback.print_exc()
    print(f"zimu: {e}", file=sys.stderr)
