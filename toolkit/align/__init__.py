"""Align a known transcript (plain text or subtitles) to its audio.

Public:
    align_words(words, recognised, language, speech, duration, options) -> AlignResult   pure
    AlignResult(words, unaligned, matched), Stretch, AlignOptions
    retime_cues(cues, words, rules) -> tuple[Cue, ...]      subtitles keep their text
    align_file(media, text_path, options, progress, relayout, engine) -> Aligned
    read_known, recognise, align_known                       the steps of align_file
    speech_stretches(audio)                                  fine voice-activity stretches
    describe_unaligned(stretches, media, text) -> list[str]  one line per stretch, for the CLI

How: recognise the audio with word times, align the known text to the recognised text globally
over pinyin units (homophone errors still agree), take times from paired units and interpolate
across the rest (toolkit.align.sequence, .timing). Stretches of text the audio lacks, and of
speech the text lacks, are reported in AlignResult.unaligned.
"""

from .core import AlignOptions, AlignResult, Stretch, align_words
from .cues import retime_cues
from .files import (
    Aligned,
    Known,
    align_file,
    align_known,
    describe_unaligned,
    read_known,
    recognise,
    speech_stretches,
)

__all__ = [
    "AlignOptions",
    "AlignResult",
    "Aligned",
    "Known",
    "Stretch",
    "align_file",
    "align_known",
    "align_words",
    "describe_unaligned",
    "read_known",
    "recognise",
    "retime_cues",
    "speech_stretches",
]
