"""One base error whose message is a single line a user can act on; narrow subclasses carry data."""

from __future__ import annotations


class ZimuError(Exception):
    """Anything zimu reports to the user as `zimu: <message>` with a non-zero exit."""

    exit_code = 1


class InputError(ZimuError):
    """An input file that cannot be used as it is."""

    exit_code = 2

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class NoAudioStream(InputError):
    """A media file without any audio stream."""


class DecodeError(InputError):
    """A media file that could not be decoded (corrupt, truncated, unknown format)."""


class SubtitleError(InputError):
    """A subtitle file that could not be parsed; `line` is 1-based where known."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(path, where + problem)
        self.line = line


class EncodingError(InputError):
    """A text file whose character encoding could not be determined."""


class ModelError(ZimuError):
    """A model that cannot be found, assembled or loaded; the message says what to do."""

    exit_code = 3


class EngineUnavailable(ModelError):
    """An optional engine whose package is not installed; the message carries the install hint."""


class UsageError(ZimuError):
    """Options that contradict each other or name something unknown."""

    exit_code = 2
