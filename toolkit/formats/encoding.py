"""Bytes to text: find the encoding (BOM, UTF-16 by its NULs, strict UTF-8, charset-normalizer),
decode, and normalise line ends to "\\n".

Detection looks at a prefix only (64 KiB), so a 200 MB file costs one read and one decode.
`iter_text` decodes incrementally for callers that want to stream.
"""

from __future__ import annotations

import codecs
import logging
import os
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import EncodingError, InputError

PREFIX_BYTES = 64 * 1024
BINARY = "binary file, not text or subtitles"
UNKNOWN = "unknown text encoding (try converting it to UTF-8)"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings that cover more than the name charset-normalizer reports (same bytes, more chars).
_SUPERSETS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs", "cp950"),
}
_CHINESE = frozenset(_SUPERSETS)
# Mainframe code pages: never what a subtitle or transcript file is, yet they "fit" noise.
_EBCDIC = ["cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140"]


def read_text(path: str | os.PathLike[str]) -> str:
    """The whole file as text with "\\n" line ends and no BOM.

    InputError for an empty or binary file, EncodingError when no encoding fits.
    """
    name = str(path)
    data = _read_bytes(name)
    encoding = detect_encoding(data[:PREFIX_BYTES], name)
    text = _decode_all(data, encoding, name)
    del data  # the decoded copy is all we keep
    text = normalise_newlines(text).removeprefix("\ufeff")
    if not text.strip():
        raise InputError(name, "empty file")
    return text


def iter_text(path: str | os.PathLike[str], chunk_chars: int = 1 << 20) -> Iterator[str]:
    """The file's text in pieces of about `chunk_chars`, each ending at a line end (unless a
    line is longer than that), with "\\n" line ends. Memory stays near `chunk_chars`."""
    name = str(path)
    try:
        f = open(name, "rb")  # noqa: SIM115 - closed in the finally below, across yields
    except OSError as err:
        raise InputError(name, _os_problem(err)) from None
    try:
        prefix = f.read(PREFIX_BYTES)
        if not prefix:
            raise InputError(name, "empty file")
        encoding = detect_encoding(prefix, name)
        f.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        pending = ""
        all_ascii = True
        first = True
        while True:
            raw = f.read(chunk_chars)
            held = decoder.getstate()[0]  # bytes of a character cut by the last chunk
            try:
                text = decoder.decode(raw, final=not raw)
            except UnicodeDecodeError:
                # A file that is plain ASCII for its first 64 KiB and then not UTF-8: everything
                # so far reads the same in any ASCII-compatible encoding, so switch encodings.
                if not (encoding == "utf-8" and all_ascii):
                    raise EncodingError(name, UNKNOWN) from None
                raw = held + raw
                encoding = _detect_legacy(raw, name)
                decoder = codecs.getincrementaldecoder(encoding)("strict")
                try:
                    text = decoder.decode(raw, final=not raw)
                except UnicodeDecodeError:
                    raise EncodingError(name, UNKNOWN) from None
            all_ascii = all_ascii and text.isascii()
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            pending += text
            if not raw:
                break
            if len(pending) >= chunk_chars:
                cut = max(pending.rfind("\n"), pending.rfind("\r", 0, len(pending) - 1))
                if cut < 0 and len(pending) >= 4 * chunk_chars:
                    # No line end in sight: cut anyway, but never between "\r" and "\n".
                    cut = len(pending) - 2 if pending.endswith("\r") else len(pending) - 1
                if cut >= 0:
                    yield normalise_newlines(pending[: cut + 1])
                    pending = pending[cut + 1 :]
        if pending:
            yield normalise_newlines(pending)
    finally:
        f.close()


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_encoding(prefix: bytes, path: str = "") -> str:
    """The Python codec name for a file starting with `prefix` (raises for binary/unknown)."""
    if not prefix:
        raise InputError(path, "empty file")
    for bom, encoding in _BOMS:
        if prefix.startswith(bom):
            return encoding
    if b"\0" in prefix:
        if _text_with_stray_nuls(prefix):
            raise InputError(path, BINARY)
        utf16 = _utf16_without_bom(prefix)
        if utf16 is None:
            raise InputError(path, BINARY)
        return utf16
    try:
        # Strict UTF-8 first: by far the most common, and detectors misjudge short texts.
        # Not final: the prefix may end inside a character.
        sample = codecs.getincrementaldecoder("utf-8")("strict").decode(prefix, final=False)
    except UnicodeDecodeError:
        return _detect_legacy(prefix, path)
    if _mostly_control(sample):
        raise InputError(path, BINARY)
    return "utf-8"


def _text_with_stray_nuls(prefix: bytes) -> bool:
    """A few NULs in what is otherwise UTF-8 (UTF-16 text without its NULs is not UTF-8)."""
    if prefix.count(0) >= 0.05 * len(prefix):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(prefix.replace(b"\0", b""))
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(prefix: bytes) -> str | None:
    """UTF-16 LE or BE, whichever reads as text; None if neither does (a binary file).

    Wrong byte order turns ASCII into unassigned or rare code points, so the share of
    ordinary characters tells the two apart.
    """
    best, best_share = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            sample = codecs.getincrementaldecoder(encoding)("strict").decode(prefix)
        except UnicodeDecodeError:
            continue
        share = sum(map(_ordinary, sample)) / max(1, len(sample))
        if share > best_share:
            best, best_share = encoding, share
    return best if best_share >= 0.9 else None


def _ordinary(ch: str) -> bool:
    """A character plain text is made of: printable ASCII, whitespace, Latin letters, CJK."""
    code = ord(ch)
    return (
        (32 <= code < 127)
        or ch in "\t\n\r"
        or (0xA0 <= code < 0x250)
        or (0x2000 <= code < 0x2070)  # general punctuation
        or (0x3000 <= code < 0x3100)  # CJK punctuation, kana
        or (0x4E00 <= code < 0xA000)  # CJK unified ideographs
        or (0xAC00 <= code < 0xD7A4)  # Hangul
        or (0xFF00 <= code < 0xFFF0)  # full-width forms
    )


def _mostly_control(sample: str) -> bool:
    if not sample:
        return False
    control = sum(
        1 for ch in sample if ch not in "\t\n\r\f\v\x1b" and unicodedata.category(ch) == "Cc"
    )
    return control > 0.05 * len(sample)


def _detect_legacy(sample: bytes, path: str) -> str:
    """A non-UTF-8 encoding by charset-normalizer, with a tie-break for short Chinese texts."""
    from charset_normalizer import from_bytes

    cut = sample.rfind(b"\n")  # whole lines only: a cut character looks like noise
    if cut > len(sample) // 2:
        sample = sample[: cut + 1]
    matches = list(from_bytes(sample, cp_exclusion=_EBCDIC))
    if not matches:
        raw_control = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\v\x1b")
        raise (
            InputError(path, BINARY)
            if raw_control > 0.05 * len(sample)
            else EncodingError(path, UNKNOWN)
        )
    best = matches[0]
    encoding = str(best.encoding)
    # Short texts give charset-normalizer nothing to go on: GBK and Big5 both decode them with
    # zero "chaos". Among such ties, prefer the reading that makes the most Chinese words.
    tied = [m.encoding for m in matches if m.chaos <= best.chaos + 0.01]
    chinese = [e for e in tied if e in _CHINESE]
    if chinese and (len(chinese) >= 2 or encoding not in _CHINESE):
        scores = {e: _chinese_score(sample, e) for e in chinese}
        top = max(chinese, key=lambda e: scores[e])
        # Another script (Korean, Japanese) stays unless the Chinese reading is convincing.
        if encoding in _CHINESE or scores[top] >= 0.5:
            encoding = top
    if _mostly_control(str(best)):
        raise InputError(path, BINARY)
    return encoding


def _chinese_score(sample: bytes, encoding: str) -> float:
    """Share of Han characters that fall in multi-character dictionary words (jieba, after
    converting traditional to simplified): real text scores high, mis-decoded text low."""
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return -1.0
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return 0.0
    simplified = _t2s().convert("".join(han))
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict..." chatter on stderr
    covered = sum(len(w) for w in jieba.lcut(simplified, HMM=False) if len(w) > 1)
    return covered / len(han)


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _decode_all(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        first_error = err.start
    if encoding == "utf-8" and data[:first_error].isascii():
        # ASCII up to the first non-UTF-8 byte: detect from the bytes around it.
        window = data[max(0, first_error - PREFIX_BYTES // 2) : first_error + PREFIX_BYTES // 2]
        encoding = _detect_legacy(window, path)
    for candidate in _SUPERSETS.get(encoding, (encoding,)):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise EncodingError(path, UNKNOWN)


def _read_bytes(path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(path, _os_problem(err)) from None
    if not data:
        raise InputError(path, "empty file")
    return data


def _os_problem(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "no such file"
    if isinstance(err, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(err, PermissionError):
        return "permission denied"
    return err.strerror or str(err)
