"""zimu (字幕): speech, transcripts or subtitles in; punctuated subtitles, readable transcripts,
chapters and JSON out.

    import toolkit
    transcript = toolkit.transcribe("talk.mp4")          # words with times
    doc = toolkit.process(transcript)                    # punctuated, sentences, cues, chapters
    toolkit.run("talk.mp4", out_dir="out/")              # what the `zimu` command does

Importing this package loads no speech engine; engines load on first use.
"""

from .errors import (
    DecodeError,
    EncodingError,
    EngineUnavailable,
    InputError,
    ModelError,
    NoAudioStream,
    SubtitleError,
    UsageError,
    ZimuError,
)
from .pipeline import Options, load, process, render, run, transcribe
from .style import PRESETS, StyleRules
from .types import Chapter, Cue, Document, Sentence, Transcript, Word

__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "Chapter",
    "Cue",
    "DecodeError",
    "Document",
    "EncodingError",
    "EngineUnavailable",
    "InputError",
    "ModelError",
    "NoAudioStream",
    "Options",
    "Sentence",
    "StyleRules",
    "SubtitleError",
    "Transcript",
    "UsageError",
    "Word",
    "ZimuError",
    "__version__",
    "load",
    "process",
    "render",
    "run",
    "transcribe",
]
