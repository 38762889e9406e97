"""kconv.textfile: atomic writes keep permissions and never leave half a file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kconv import textfile


def test_large_text_is_written_whole_in_slices(tmp_path: Path) -> None:
    text = "".join(f"line {number} é\n" for number in range(200_000))  # > SLICE characters
    assert len(text) > textfile.SLICE
    target = tmp_path / "report.json"
    textfile.write_atomically(str(target), text)
    assert target.read_text(encoding="utf-8") == text
    pieces: list[str] = []
    textfile.write_slices(pieces.append, text)
    assert len(pieces) > 1 and "".join(pieces) == text


def test_a_new_file_gets_the_umask_permissions_and_a_replaced_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "new.txt"
        textfile.write_atomically(str(fresh), "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    finally:
        os.umask(old)
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    textfile.write_atomically(str(kept), "new")
    assert kept.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous", encoding="utf-8")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textfile.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        textfile.write_atomically(str(target), "new text")
    assert target.read_text(encoding="utf-8") == "previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_what_is_not_a_regular_file_is_written_to_not_replaced(tmp_path: Path) -> None:
    # /dev/null, /dev/stdout, a FIFO: renaming a file over one would destroy it
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so the writer's open returns
    try:
        textfile.write_atomically(str(fifo), "report é\n")
        assert os.read(reader, 1000) == "report é\n".encode()
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pipe"]


def test_a_symlink_stays_and_is_written_through(tmp_path: Path) -> None:
    # in place, as `>` would: /dev/stdout is a symlink to whatever stdout is
    target = tmp_path / "reports" / "lint.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    inode = target.stat().st_ino
    link = tmp_path / "lint.json"
    link.symlink_to(target)
    textfile.write_atomically(str(link), "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_ino == inode
    dangling = tmp_path / "later.json"
    dangling.symlink_to(tmp_path / "reports" / "later.json")
    textfile.write_atomically(str(dangling), "made")
    assert dangling.is_symlink() and dangling.read_text(encoding="utf-8") == "made"


def test_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        textfile.write_atomically(str(tmp_path), "x")
    assert list(tmp_path.iterdir()) == []
