"""Reading text files: encodings (UTF-8/16, GB18030, Big5), binary and empty files, line ends,
large files and streaming; and telling text from subtitle kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import EncodingError, InputError
from toolkit.formats import detect_kind, iter_text, read_text

SIMPLIFIED = (
    "1\n00:00:01,000 --> 00:00:03,000\n大家好，今天我们来聊一聊字幕。\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\n好的字幕需要标点符号，也需要合适的断句。\n"
)
TRADITIONAL = (
    "大家好，今天我們來聊一聊字幕的歷史。\n好的字幕需要標點符號，也需要合適的斷句與節奏。\n"
)


def _write(tmp_path: Path, data: bytes, name: str = "f.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "utf-8"),
        (TRADITIONAL, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),  # with BOM
        (TRADITIONAL, "utf-32"),
        (SIMPLIFIED, "utf-16-le"),  # no BOM: told by the NULs of ASCII characters
        (SIMPLIFIED, "utf-16-be"),
        (TRADITIONAL, "utf-16-le"),
        (SIMPLIFIED, "gb18030"),
        (SIMPLIFIED, "gbk"),
        (TRADITIONAL, "gbk"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "cp950"),
        (
            "Ceci est un résumé de la réunion. Nous avons décidé de préparer les sous-titres"
            " français pour la présentation de l'été.\n",
            "cp1252",
        ),
    ],
)
def test_each_encoding_reads_back(tmp_path: Path, text: str, encoding: str) -> None:
    path = _write(tmp_path, text.encode(encoding))
    assert read_text(path) == text
    assert "".join(iter_text(path)) == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("你好，世界", "gb18030"),
        ("你好，世界", "big5"),
        ("歡迎收看本期節目", "big5"),
        ("欢迎收看", "gbk"),
    ],
)
def test_short_chinese_texts_are_not_misjudged(tmp_path: Path, text: str, encoding: str) -> None:
    # A few characters give the detector nothing to go on; the dictionary tie-break does.
    assert read_text(_write(tmp_path, text.encode(encoding))) == text


def test_line_ends_are_normalised(tmp_path: Path) -> None:
    path = _write(tmp_path, b"a\r\nb\rc\nd\r\n")
    assert read_text(path) == "a\nb\nc\nd\n"
    assert "".join(iter_text(path, chunk_chars=2)) == "a\nb\nc\nd\n"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8,
        b"\x00\x01\x02\x03" * 100,
        bytes(range(1, 32)) * 40,
        b"text with a stray NUL \x00 in the middle and more text around it",
    ],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match="binary file, not text or subtitles"):
        read_text(_write(tmp_path, data))


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \n\r\n\t"])
def test_empty_files_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match="empty file"):
        read_text(_write(tmp_path, data))


def test_undecodable_file(tmp_path: Path) -> None:
    data = "中文".encode() + "中文".encode("gbk") + bytes([0x81, 0xFF, 0xFE, 0x80]) * 20
    with pytest.raises(
        EncodingError, match=r"unknown text encoding \(try converting it to UTF-8\)"
    ):
        read_text(_write(tmp_path, data))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope.srt")
    with pytest.raises(InputError, match="no such file"):
        list(iter_text(tmp_path / "nope.srt"))


def test_ascii_prefix_then_gbk_is_detected_past_the_prefix(tmp_path: Path) -> None:
    # The first 64 KiB are ASCII (valid UTF-8); the Chinese after them is GBK.
    text = "line of plain ascii text\n" * 4000 + TRADITIONAL.replace("與", "和") * 3
    path = _write(tmp_path, text.encode("gbk"))
    assert read_text(path) == text
    chunks = list(iter_text(path, chunk_chars=10_000))
    assert "".join(chunks) == text


def test_streaming_switch_keeps_a_character_cut_by_a_chunk(tmp_path: Path) -> None:
    # "我" is CE D2 in GBK; CE also starts a UTF-8 sequence, so the UTF-8 decoder holds it back
    # at the end of one chunk and fails on the next: the held byte must not be lost.
    text = "a" * 69_999 + "我们聊聊字幕的历史和标点符号。\n" * 20
    data = text.encode("gbk")
    assert data[69_999] == 0xCE
    path = _write(tmp_path, data)
    assert "".join(iter_text(path, chunk_chars=10_000)) == text == read_text(path)


def test_streaming_yields_whole_lines(tmp_path: Path) -> None:
    text = "".join(f"{i} 第{i}行，一些中文字幕。\r\n" for i in range(20_000))
    path = _write(tmp_path, text.encode("utf-16"))
    chunks = list(iter_text(path, chunk_chars=50_000))
    assert len(chunks) > 5
    assert all(c.endswith("\n") for c in chunks)
    assert "".join(chunks) == text.replace("\r\n", "\n") == read_text(path)


def test_streaming_a_file_without_line_ends(tmp_path: Path) -> None:
    path = _write(tmp_path, ("字" * 100_000).encode())
    chunks = list(iter_text(path, chunk_chars=1000))
    assert "".join(chunks) == "字" * 100_000
    assert max(map(len, chunks)) <= 5000


# ------------------------------------------------------------------ kinds


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("a.txt", SIMPLIFIED, "srt"),
        ("a.srt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "vtt"),
        ("a", "\ufeffWEBVTT\n", "vtt"),
        ("a.vtt", "00:00:01.000 --> 00:00:02.000\nhi\n", "vtt"),  # no header: extension
        ("a.srt", "00:00:01.000 --> 00:00:02.000\nhi\n", "srt"),
        ("a.txt", "[Script Info]\nTitle: x\n\n[Events]\n", "ass"),
        ("a.txt", "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,hi\n", "ass"),
        ("a.srt", "大家好，今天我们聊聊字幕。\n", "text"),
        ("a.txt", "Notes\n" * 50 + "the arrow 00:00:01,000 --> 00:00:02,000 means a cue\n", "text"),
    ],
)
def test_detect_kind(name: str, text: str, kind: str) -> None:
    assert detect_kind(name, text) == kind
