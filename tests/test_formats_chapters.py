from toolkit.formats.chapters import (
    escape_ffmetadata,
    write_ffmetadata,
    write_youtube,
    youtube_problem,
)
from toolkit.types import Chapter, Document, Transcript, Word


def doc(chapters, duration=None):
    transcript = Transcript((Word("x", 0.0, 1.0),), "en", duration=duration)
    return Document(transcript, chapters=tuple(chapters))


THREE = [
    Chapter("Intro", 0, 2, 1.2, 30.0),
    Chapter("History", 2, 5, 31.5, 95.0),
    Chapter("Outlook", 5, 9, 96.0, 200.0),
]


def test_youtube_lines_start_at_zero():
    assert write_youtube(doc(THREE)) == "00:00 Intro\n00:31 History\n01:36 Outlook\n"
    assert youtube_problem(doc(THREE)) is None


def test_youtube_uses_hours_from_one_hour_on():
    chapters = [*THREE, Chapter("Late", 9, 12, 3725.0, 3800.0)]
    lines = write_youtube(doc(chapters)).splitlines()
    assert lines[0] == "00:00:00 Intro" and lines[-1] == "01:02:05 Late"


def test_youtube_writes_nothing_rather_than_an_invalid_list():
    two = doc(THREE[:2])
    assert write_youtube(two) == ""
    assert "at least 3" in youtube_problem(two)
    untimed = doc([Chapter("A", 0, 1), Chapter("B", 1, 2), Chapter("C", 2, 3)])
    assert write_youtube(untimed) == "" and "times" in youtube_problem(untimed)


def test_youtube_folds_chapters_shorter_than_ten_seconds():
    chapters = [*THREE[:2], Chapter("Blip", 5, 6, 96.0, 100.0),
                Chapter("Outlook", 6, 9, 101.0, 200.0), Chapter("End", 9, 10, 300.0, 330.0)]
    lines = write_youtube(doc(chapters)).splitlines()
    assert [ln.split(" ", 1)[1] for ln in lines] == ["Intro", "History", "Outlook", "End"]
    assert lines[1].startswith("00:31") and lines[2].startswith("01:41")  # Blip joins History


def test_ffmetadata_chapters_are_contiguous_and_escaped():
    chapters = [Chapter("a=b;c", 0, 1, 0.5, 10.0), Chapter("#1 \\ x\ny", 1, 2, 10.25, 20.0)]
    text = write_ffmetadata(doc(chapters, duration=25.0))
    assert text.startswith(";FFMETADATA1\n")
    assert "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=10250\ntitle=a\\=b\\;c\n" in text
    assert "START=10250\nEND=25000\ntitle=\\#1 \\\\ x\\\ny\n" in text
    assert escape_ffmetadata("plain 标题") == "plain 标题"


def test_untimed_documents_have_no_chapter_files():
    assert write_ffmetadata(doc([Chapter("A", 0, 1)])) == ""
    assert write_ffmetadata(doc([])) == ""
