"""Wires the stages together; the only module that writes output files (always atomically).

    source ──load──▶ Transcript ──process──▶ Document ──render──▶ {format: text} ──write──▶ files
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import cues as cue_layout
from . import segment
from .errors import InputError, UsageError
from .punctuate import get_punctuator
from .style import PRESETS, StyleRules, preset, preset_for
from .text import convert_words, has_cjk, normalize_words, split_text, truecase
from .types import Chapter, Document, Sentence, Transcript, Word

MEDIA_SUFFIXES = frozenset(
    [".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v", ".ts", ".flv", ".wmv", ".mpg", ".mpeg",
     ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".wav", ".wma", ".aiff", ".aif",
     ".amr", ".3gp"]
)
SUBTITLE_KINDS = frozenset({"srt", "vtt", "ass"})
ALL_FORMATS = ("srt", "vtt", "txt", "md", "json", "chapters")
ProgressFn = Callable[[float, float], None]


@dataclass(frozen=True)
class Options:
    """Everything a run can be told. `None` means: decide from the input."""

    language: str | None = None
    script: str = "auto"  # zh-Hans | zh-Hant | zh-TW | zh-HK | keep | auto (zh-Hans for Chinese)
    punctuator: str = "auto"
    preset: str | None = None  # zh | en; None picks by language
    style: Mapping[str, Any] = field(default_factory=dict)  # StyleRules overrides
    full_punct: bool = False  # keep ，。 in subtitle lines instead of the Chinese space style
    chapters: bool = True
    chapter_options: Mapping[str, Any] = field(default_factory=dict)  # ChapterOptions fields
    embed_chapters: bool = False  # also write a copy of the media with chapters in it
    input_kind: str = "auto"  # auto | media | text | srt | vtt | ass
    strict: bool = False
    asr: Mapping[str, Any] = field(default_factory=dict)  # AsrOptions fields


# ---------------------------------------------------------------- loading

def load(path: str | Path, options: Options = Options(), progress: ProgressFn | None = None
         ) -> Transcript:
    """Any input → Transcript: media through ASR, subtitles and text through their readers.

    `-` reads text or subtitles from standard input.
    """
    from .formats.detect import detect_kind
    from .formats.encoding import BINARY, read_text

    path = Path(path)
    forced = options.input_kind
    if str(path) == "-":
        text = sys.stdin.read()
    elif not path.exists():
        raise InputError(str(path), "no such file")
    elif forced == "media" or (forced == "auto" and path.suffix.lower() in MEDIA_SUFFIXES):
        return transcribe(path, options, progress)
    else:
        try:
            text = read_text(path)
        except InputError as e:
            if forced != "auto" or e.problem != BINARY:
                raise
            return transcribe(path, options, progress)  # binary with an unusual name: media?
    return parse_text(text, str(path), options, forced if forced != "auto"
                      else detect_kind(str(path), text))


def parse_text(text: str, source: str, options: Options = Options(), kind: str = "text"
               ) -> Transcript:
    """Plain text or subtitle text → Transcript (words; times where the subtitles have them)."""
    language = options.language or guess_language(text)
    if kind == "text":
        return Transcript(split_text(text, language), language, source, "text")
    if kind in SUBTITLE_KINDS:
        from .formats import subtitles

        raw, repairs = subtitles.read(kind, text, source, strict=options.strict)
        transcript = subtitles.cues_to_transcript(raw, language, source)
        return replace(transcript, meta={**transcript.meta, "repairs": list(repairs)})
    raise UsageError(f"unknown input kind {kind!r} (known: auto, media, text, srt, vtt, ass)")


def transcribe(path: str | Path, options: Options = Options(),
               progress: ProgressFn | None = None) -> Transcript:
    """Speech in a media file → Transcript (words with times), streaming progress."""
    from .asr import AsrOptions, recognize
    from .media import decode_audio

    audio = decode_audio(str(path))
    asr_options = AsrOptions(**{**options.asr, "language": options.language})
    transcript = recognize(audio, asr_options, on_progress=progress)
    # Engines hand over tokens; every later stage expects clean (for Chinese: jieba) words.
    words = normalize_words(transcript.words, transcript.language)
    return replace(transcript, words=words, source=str(path))


def guess_language(text: str) -> str:
    """Good enough for text without a --language: Chinese if it has Han characters."""
    sample = text[:4000]
    if any(0x3040 <= ord(c) <= 0x30FF for c in sample):
        return "ja"
    if any(0xAC00 <= ord(c) <= 0xD7AF for c in sample):
        return "ko"
    return "zh" if has_cjk(sample) else "en"


# ---------------------------------------------------------------- processing

def style_rules(language: str, options: Options = Options()) -> StyleRules:
    rules = preset(options.preset or preset_for(language), **options.style)
    return replace(rules, subtitle_punct=False) if options.full_punct else rules


def script_for(language: str, script: str) -> str:
    if script == "auto":
        return "zh-Hans" if language in ("zh", "yue") else "keep"
    return script


def process(transcript: Transcript, options: Options = Options()) -> Document:
    """Transcript → Document: convert script, punctuate, sentences, chapters, paragraphs, cues.
    Times and the words themselves pass through intact, but for punctuation and the capitals
    that caseless captions get at sentence starts.

    The transcript's words must be clean, as `load` makes them: punctuation in `punct`/`lead`,
    Chinese cut into jieba words (`toolkit.text.normalize_words` does that for raw tokens)."""
    language = transcript.language
    words = convert_words(transcript.words, script_for(language, options.script))
    punctuator = get_punctuator(_punctuator_name(options.punctuator, transcript, words),
                                language)
    words = truecase(punctuator.punctuate(words, language), language)  # captions: lower case
    if options.chapters:  # may end a sentence where a chapter starts inside it
        words, sentences, chapters = _chapters(words, language, options.chapter_options,
                                               punctuator.name == "keep")
    else:
        sentences, chapters = segment.sentences(words, language), ()
    transcript = replace(transcript, words=words,
                         meta={**transcript.meta, "punctuator": punctuator.name})
    paragraphs = segment.paragraphs(sentences, language, [c.first for c in chapters])
    rules = style_rules(language, options)
    cues = cue_layout.layout_cues(words, rules, language)
    return Document(transcript, sentences, paragraphs, chapters, cues,
                    options={"preset": rules.name, "script": options.script})


def rechapter(doc: Document, chapter_options: Mapping[str, Any]) -> Document:
    """The same document with chapters (and the paragraphs inside them) found again; a new
    chapter start inside a sentence zimu punctuated ends that sentence (the cues over it keep
    their times and line breaks, their lines show the new full stop)."""
    language = doc.transcript.language
    if doc.sentences and not doc.transcript.words:
        raise InputError(doc.transcript.source, "the JSON has sentences but no words")
    kept = doc.transcript.meta.get("punctuator") == "keep"
    old = doc.transcript.words
    words, sentences, chapters = _chapters(old, language, chapter_options, kept)
    paragraphs = segment.paragraphs(sentences, language, [c.first for c in chapters])
    name = doc.options.get("preset")
    rules = preset(name if name in PRESETS else preset_for(language))
    cues = cue_layout.rerendered(doc.cues, old, words, rules, language)
    return replace(doc, transcript=replace(doc.transcript, words=words), sentences=sentences,
                   chapters=chapters, paragraphs=paragraphs, cues=cues)


def _punctuator_name(name: str, transcript: Transcript, words: Sequence[Any]) -> str:
    """`auto`: the model for Chinese; elsewhere keep the source's punctuation when it has
    some (Whisper punctuates English well), else the rules."""
    if name != "auto" or transcript.language in ("zh", "yue"):
        return name
    marked = sum(1 for w in words if w.punct)
    return "keep" if marked * 30 >= max(len(words), 1) else "rules"


def _chapters(words: Sequence[Word], language: str, chapter_options: Mapping[str, Any],
              keep_sentences: bool) -> tuple[tuple[Word, ...], tuple[Sentence, ...],
                                             tuple[Chapter, ...]]:
    """Chapters, ending a sentence where one starts inside it, unless the punctuation is the
    source's own (`keep_sentences`): then the chapter moves to the nearer sentence start."""
    from .chapters import ChapterOptions
    from .chapters.words import chapters_in_words

    return chapters_in_words(words, language, ChapterOptions(**chapter_options), keep_sentences)


# ---------------------------------------------------------------- output

def render(doc: Document, formats: Sequence[str]) -> dict[str, str]:
    """Format name → file content; formats that need times are skipped for untimed input."""
    from .formats import TIMED_FORMATS, WRITERS

    out = {}
    for name in formats:
        if name not in WRITERS:
            raise UsageError(f"unknown format {name!r} (known: {', '.join(WRITERS)})")
        if name in TIMED_FORMATS and not doc.cues:
            continue
        text = WRITERS[name](doc)
        if text:  # a chapter list with too few chapters for YouTube is no file at all
            out[name] = text
    return out


def output_paths(source: Path, out_dir: Path | None, formats: Sequence[str]) -> dict[str, Path]:
    from .formats import EXTENSIONS

    folder = out_dir if out_dir is not None else source.parent
    stem = source.stem if str(source) != "-" else "stdin"
    paths = {name: folder / (stem + EXTENSIONS[name]) for name in formats}
    # An output never replaces its own input (transcript.txt → transcript.zimu.txt).
    return {name: path.with_name(f"{stem}.zimu{EXTENSIONS[name]}") if _same(path, source)
            else path for name, path in paths.items()}


def _same(a: Path, b: Path) -> bool:
    return a.exists() and b.exists() and os.path.samefile(a, b)


def write_atomic(files: Mapping[Path, str | bytes]) -> None:
    """Write every file under a temporary name first, then rename them all: a crash leaves the
    old outputs or the new ones, never a half-written file."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            fd, tmp = _temp_beside(path)
            temps.append((tmp, path))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for tmp, path in temps:
            _publish(tmp, path)
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def run(source: str | Path, options: Options = Options(), formats: Sequence[str] = ALL_FORMATS,
        out_dir: str | Path | None = None, progress: ProgressFn | None = None,
        notes: Callable[[str], None] | None = None) -> list[Path]:
    """One input → its output files. Never writes over the input itself. `notes` hears what
    was repaired on reading (broken subtitle timing and the like)."""
    source = Path(source)
    if _streams(source, options):
        return _run_streamed(source, options, formats, out_dir, notes)
    doc = process(load(source, options, progress), options)
    for repair in doc.transcript.meta.get("repairs", ()):
        if notes is not None:
            notes(f"{source}: repaired {repair}")
    rendered = render(doc, formats)
    if "chapters" in formats and "chapters" not in rendered and doc.cues and notes is not None:
        from .formats.chapters import youtube_problem

        notes(f"{source}: no chapter list: {youtube_problem(doc)}")
    paths = output_paths(source, Path(out_dir) if out_dir is not None else None, list(rendered))
    write_atomic({paths[name]: content for name, content in rendered.items()})
    outputs = list(paths.values())
    if options.embed_chapters:
        outputs.extend(_embed(source, doc, out_dir, notes))
    return outputs


# Containers that hold chapters; other inputs get a Matroska copy (.mka for sound alone).
AUDIO_ONLY = frozenset({".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".aac", ".wma", ".aiff",
                        ".aif", ".amr"})
CHAPTER_CONTAINERS = frozenset({".mp4", ".m4v", ".m4a", ".mov", ".mkv", ".mka", ".webm"})


def _embed(source: Path, doc: Document, out_dir: str | Path | None,
           notes: Callable[[str], None] | None) -> list[Path]:
    from .embed import embed_chapters

    if doc.transcript.kind != "media" or len(doc.chapters) < 2:
        if notes is not None:
            notes(f"{source}: no chapters embedded (needs media input and at least 2 chapters)")
        return []
    suffix = source.suffix.lower()
    if suffix not in CHAPTER_CONTAINERS:
        suffix = ".mka" if suffix in AUDIO_ONLY else ".mkv"
    folder = Path(out_dir) if out_dir is not None else source.parent
    target = folder / f"{source.stem}.chapters{suffix}"
    embed_chapters(source, doc.chapters, target)
    return [target]


def _streams(source: Path, options: Options) -> bool:
    from .stream import is_large

    if options.input_kind not in ("auto", "text") or source.suffix.lower() in MEDIA_SUFFIXES:
        return False
    if not source.is_file() or not is_large(source):
        return False
    from .formats.detect import detect_kind
    from .stream import text_pieces

    first = next(text_pieces(source, 1 << 16), "")
    return options.input_kind == "text" or detect_kind(str(source), first) == "text"


STREAMED_FORMATS = ("txt", "md")


def _run_streamed(source: Path, options: Options, formats: Sequence[str],
                  out_dir: str | Path | None, notes: Callable[[str], None] | None) -> list[Path]:
    """A large text file piece by piece: TXT and Markdown appended to temporary files that are
    renamed when complete; chapters and JSON need the whole document and are left out."""
    from .formats import WRITERS
    from .stream import text_pieces

    wanted = [f for f in formats if f in STREAMED_FORMATS]
    skipped = [f for f in formats if f not in STREAMED_FORMATS]
    if notes is not None and skipped:
        notes(f"{source}: too large to hold at once; streamed {', '.join(wanted) or 'nothing'}"
              f" without chapters, skipped {', '.join(skipped)}")
    options = replace(options, chapters=False)
    paths = output_paths(source, Path(out_dir) if out_dir is not None else None, wanted)
    temps = {name: _temp_beside(path) for name, path in paths.items()}
    try:
        for n, piece in enumerate(text_pieces(source)):
            doc = process(parse_text(piece, str(source), options), options)
            for name, (fd, _) in temps.items():
                text = WRITERS[name](doc)
                if n and name == "md":  # the title line belongs to the first piece only
                    text = text.split("\n\n", 1)[-1]
                os.write(fd, ((("\n" if n else "") + text).encode("utf-8")))
        for name, (fd, tmp) in temps.items():
            os.fsync(fd)
            os.close(fd)
            _publish(tmp, paths[name])
    finally:
        for fd, tmp in temps.values():
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return list(paths.values())


def _publish(tmp: str, path: Path) -> None:
    """A finished temporary file takes its final name, with the usual permissions (mkstemp
    makes files 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def _temp_beside(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
