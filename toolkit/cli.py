"""The command line: the only module that parses arguments or prints. `main(argv) -> int`."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import ZimuError
from .pipeline import ALL_FORMATS, Options

INTERNAL_ERROR = 70


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
        self.stream.write(f"\r{self.label} [{bar:<24}] {frac:4.0%}  {_clock(left)} left ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def _clock(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60:02d}:{s % 60:02d}"


def _common(p: argparse.ArgumentParser) -> None:
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


def _asr(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("speech recognition")
    g.add_argument("--model", help="Whisper model name (tiny…large-v3, turbo) or local directory; "
                                   "default: the embedded base model")
    g.add_argument("--engine", default="faster", choices=["faster", "openai"])
    g.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    g.add_argument("--compute-type", default="default",
                   help="int8, float16, … (default: by device)")
    g.add_argument("--beam-size", type=int, default=5)


def _style(p: argparse.ArgumentParser) -> None:
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


def _style_overrides(a: argparse.Namespace) -> dict[str, Any]:
    names = ("max_line", "max_lines", "max_cps", "min_duration", "max_duration", "min_gap")
    return {n: getattr(a, n) for n in names if getattr(a, n) is not None}


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
    p.add_argument("--format", default=",".join(ALL_FORMATS),
                   help=f"comma-separated output formats (default: {','.join(ALL_FORMATS)})")
    _asr(p)
    g = p.add_argument_group("chapters")
    g.add_argument("--no-chapters", action="store_true", help="no chapter detection")
    g.add_argument("--min-chapter", type=float, help="shortest chapter in seconds (default 60)")
    g.add_argument("--max-chapters", type=int, help="most chapters (default 20)")
    g.add_argument("--chapter-method", choices=["auto", "lexical", "embed", "combined"],
                   help="auto (lexical: fast); embed/combined use sentence embeddings "
                        "(zimu[embed]): better chapters, about a minute per hour of speech")
    g.add_argument("--embed-chapters", action="store_true",
                   help="also write NAME.chapters.mp4/.mkv: the media with chapters, "
                        "streams copied")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--version", action="version", version=f"zimu {__version__}")
    _common(p)
    _style(p)
    return p


def _options(a: argparse.Namespace) -> Options:
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
        preset=getattr(a, "preset", None), style=_style_overrides(a) if hasattr(a, "max_line")
        else {}, full_punct=getattr(a, "full_punct", False),
        chapters=not getattr(a, "no_chapters", False), input_kind=a.input_kind, strict=a.strict,
        asr=asr,
    )


def cmd_run(argv: Sequence[str]) -> int:
    from .pipeline import run

    a = _run_parser().parse_args(argv)
    formats = [f.strip() for f in a.format.split(",") if f.strip()]
    options = _options(a)
    failed = 0
    for source in a.inputs:
        bar = ProgressBar(source.name, enabled=False if a.quiet else None)
        try:
            paths = run(source, options, formats, a.output_dir, progress=bar,
                        notes=None if a.quiet else _note)
        except ZimuError as e:
            bar.close() if bar.enabled else None
            failed = failed or e.exit_code
            _error(e, a.debug)
            continue
        bar.close()
        for path in paths:
            print(path)
    return failed


def cmd_check(argv: Sequence[str]) -> int:
    from .check import check_cues
    from .formats import subtitles
    from .formats.detect import detect_kind
    from .formats.encoding import read_text
    from .pipeline import guess_language, style_rules

    p = argparse.ArgumentParser(prog="zimu check",
                                description="Report every cue that breaks the style rules.")
    p.add_argument("file", type=Path, help="an .srt or .vtt file")
    _common(p)
    _style(p)
    a = p.parse_args(argv)
    text = read_text(a.file)
    kind = a.input_kind if a.input_kind != "auto" else detect_kind(str(a.file), text)
    # What reading had to repair (overlaps, inverted times, disorder) are problems too.
    raw, repairs = subtitles.read(kind, text, str(a.file), strict=a.strict)
    language = a.language or guess_language(text)
    rules = style_rules(language, _options(a))
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


def cmd_punctuate(argv: Sequence[str]) -> int:
    from .pipeline import guess_language
    from .punctuate import get_punctuator
    from .stream import PIECE_CHARS, pieces, text_pieces
    from .text import CJK_LANGUAGES, join_words, split_text

    p = argparse.ArgumentParser(prog="zimu punctuate",
                                description="Punctuated text on stdout, nothing else.")
    p.add_argument("file", help="a text file, or - for standard input")
    p.add_argument("--keep-breaks", action="store_true", help="keep the input's line structure")
    _common(p)
    a = p.parse_args(argv)
    # Piece by piece (cut at whitespace), so a file of any size streams in bounded memory.
    chunks = iter(lambda: sys.stdin.read(PIECE_CHARS), "") if a.file == "-" \
        else text_pieces(Path(a.file))
    language = a.language
    for n, piece in enumerate(pieces(chunks)):
        language = language or guess_language(piece)
        punctuator = get_punctuator(a.punctuator, language)
        if a.keep_breaks:
            lines = piece.split("\n")
            words = punctuator.punctuate(split_text(" ".join(lines), language), language)
            sys.stdout.write(_rebreak(words, lines, language))
            continue
        words = punctuator.punctuate(split_text(piece, language), language)
        gap = "" if not n or language in CJK_LANGUAGES else " "
        sys.stdout.write(gap + join_words(words, language))
    sys.stdout.write("\n")
    return 0


def _rebreak(words: Sequence[Any], lines: Sequence[str], language: str) -> str:
    """Punctuated words laid back onto the input's lines (each line's words in order)."""
    from .text import join_words, split_text

    out: list[str] = []
    pos = 0
    for line in lines:
        n = len(split_text(line, language))
        out.append(join_words(words[pos : pos + n], language))
        pos += n
    return "\n".join(out)


def cmd_convert(argv: Sequence[str]) -> int:
    from .formats.encoding import read_text
    from .pipeline import write_atomic
    from .text import convert_text

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


def cmd_batch(argv: Sequence[str]) -> int:
    import shutil

    from .batch import CAPTIONS, EXECUTORS, BatchProgress, BatchSettings, run_batch
    from .errors import UsageError

    p = argparse.ArgumentParser(
        prog="zimu batch",
        description="Many inputs into one folder, resumably (manifest: OUT/zimu-batch.sqlite); "
                    "a rerun skips what is done and unchanged.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="a folder, a list file (a path or URL a line), - (a list on stdin), a "
                        "file, or a channel, playlist or podcast feed URL (needs zimu[web])")
    p.add_argument("-o", "--output-dir", type=Path, required=True,
                   help="outputs go here, mirroring the input folders")
    p.add_argument("--format", default=",".join(ALL_FORMATS),
                   help=f"comma-separated output formats (default: {','.join(ALL_FORMATS)})")
    g = p.add_argument_group("batch")
    g.add_argument("-r", "--recursive", action="store_true", help="include sub-folders")
    g.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="only files matching GLOB (path or file name; repeatable)")
    g.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="skip files matching GLOB (repeatable)")
    g.add_argument("-j", "--jobs", type=int,
                   help="parallel workers (default: from CPUs, memory and model; 1 on a GPU)")
    g.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="give up on an item after this long (its worker is stopped)")
    g.add_argument("--force", action="store_true", help="redo every item")
    g.add_argument("--retry-failed", action="store_true",
                   help="redo items that failed before (by default only if they changed)")
    g.add_argument("--executor", default="process", choices=EXECUTORS,
                   help="process: worker processes here (default); ray: a Ray cluster; "
                        "inline: one by one in this process (debugging)")
    g.add_argument("--address", help="Ray cluster to join (auto, ray://HOST:10001); "
                                     "default: start Ray on this machine")
    g.add_argument("--captions", default="ignore", choices=CAPTIONS,
                   help="URLs: prefer captions the site already has over speech recognition")
    _asr(p)
    p.add_argument("--no-chapters", action="store_true", help="no chapter detection")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _common(p)
    _style(p)
    a = p.parse_args(argv)
    if a.jobs is not None and a.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if a.timeout is not None and a.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    settings = BatchSettings(
        recursive=a.recursive, include=tuple(a.include), exclude=tuple(a.exclude), jobs=a.jobs,
        timeout=a.timeout, force=a.force, retry_failed=a.retry_failed, executor=a.executor,
        address=a.address, captions=a.captions)
    formats = [f.strip() for f in a.format.split(",") if f.strip()]
    live = not a.quiet and sys.stderr.isatty()

    def show(s: BatchProgress) -> None:  # one line, redrawn: overall bar, counts, ETA, current
        if not live or not s.total:
            return
        finished = s.done + s.failed
        bar = "#" * int(24 * finished / s.total)
        eta = f"  {_clock(s.eta)} left" if s.eta is not None else ""
        now = "  ".join(f"{name}" + (f" {frac:.0%}" if frac is not None else "")
                        for name, frac in s.running)
        line = (f"[{bar:<24}] {finished}/{s.total}"
                + (f", {s.failed} failed" if s.failed else "") + eta + (f"  {now}" if now else ""))
        width = shutil.get_terminal_size().columns - 1
        sys.stderr.write("\r" + line[:width].ljust(width))
        sys.stderr.flush()

    result = run_batch(a.inputs, a.output_dir, _options(a), formats, settings,
                       on_progress=show, stdin=sys.stdin)
    if live:
        sys.stderr.write("\n")
    for failure in result.failures:
        note = " (failed before; --retry-failed to retry)" if failure.earlier else ""
        print(f"zimu: {failure.source}: {failure.error}{note}", file=sys.stderr)
    audio = (f", {result.audio_seconds / 60:.1f} min of media"
             if result.audio_seconds else "")
    print(f"{result.items} items: {result.done} converted, {result.skipped} up to date, "
          f"{len(result.failures)} failed{audio} in {_clock(result.elapsed)} "
          f"(manifest: {result.manifest})")
    return 1 if result.failures else 0


def cmd_align(argv: Sequence[str]) -> int:
    from .align import align_file, describe_unaligned
    from .pipeline import output_paths, render, write_atomic

    p = argparse.ArgumentParser(
        prog="zimu align",
        description="Time a known transcript or subtitles from the speech in a media file: "
                    "the text's words, the audio's timing. Stretches that did not align (text "
                    "not spoken, speech not in the text) are noted on stderr.")
    p.add_argument("media", type=Path, help="the recording (mp4, mkv, m4a, wav…)")
    p.add_argument("text", type=Path, help="its transcript (plain text) or subtitles to re-time")
    p.add_argument("-o", "--output-dir", type=Path, help="where outputs go (default: beside media)")
    p.add_argument("--format", default=",".join(ALL_FORMATS),
                   help=f"comma-separated output formats (default: {','.join(ALL_FORMATS)})")
    p.add_argument("--relayout", action="store_true",
                   help="subtitles: lay the cues out anew instead of re-timing the input's cues")
    _asr(p)
    p.add_argument("--no-chapters", action="store_true", help="no chapter detection")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or notes")
    _common(p)
    _style(p)
    a = p.parse_args(argv)
    formats = [f.strip() for f in a.format.split(",") if f.strip()]
    bar = ProgressBar(a.media.name, enabled=False if a.quiet else None)
    try:
        done = align_file(a.media, a.text, _options(a), progress=bar, relayout=a.relayout)
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
            _note(f"{a.text}: repaired {repair}")
        for line in describe_unaligned(done.result.unaligned, str(a.media), str(a.text)):
            _note(line)
    for path in paths.values():
        print(path)
    return 0


def cmd_chapters(argv: Sequence[str]) -> int:
    from .formats import read_json
    from .formats.chapters import youtube_problem
    from .formats.encoding import read_text
    from .pipeline import output_paths, rechapter, render, write_atomic

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
    rendered = render(doc, [f.strip() for f in a.format.split(",") if f.strip()])
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


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "align": cmd_align,
    "batch": cmd_batch,
    "chapters": cmd_chapters,
    "check": cmd_check,
    "convert": cmd_convert,
    "punctuate": cmd_punctuate,
}


def _note(message: str) -> None:
    print(f"zimu: {message}", file=sys.stderr)


def _error(e: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"zimu: {e}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0], cmd_run) if args else cmd_run
    rest = args[1:] if args and args[0] in COMMANDS else args
    debug = "--debug" in args
    try:
        return command(rest)
    except ZimuError as e:
        _error(e, debug)
        return e.exit_code
    except KeyboardInterrupt:
        print("zimu: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: one line, the traceback only on request
        if debug:
            traceback.print_exc()
        print(f"zimu: internal error: {type(e).__name__}: {e} (run with --debug for details)",
              file=sys.stderr)
        return INTERNAL_ERROR
