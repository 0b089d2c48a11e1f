import os
import stat

import pytest

from profmon.atomic import atomic_path, write_bytes_atomic, write_text_atomic


class Crash(Exception):
    pass


def leftovers(directory):
    return sorted(path.name for path in directory.iterdir() if path.name[0] == ".")


def test_temp_path_is_hidden_in_the_same_directory(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_path(target) as temp:
        assert temp.parent == tmp_path
        assert temp.name.startswith(".out.txt.")
        assert temp.name.endswith(".tmp")
        assert temp.exists()
        assert not target.exists()
        temp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    assert leftovers(tmp_path) == []


def test_crash_keeps_the_old_file_and_removes_the_temp(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(Crash):
        with atomic_path(target) as temp:
            temp.write_text("half of the new conte", encoding="utf-8")
            raise Crash
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_crash_without_old_file_leaves_nothing(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(Crash):
        with atomic_path(target) as temp:
            temp.write_bytes(b"partial")
            raise Crash
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as temp:
            temp.write_text("new", encoding="utf-8")
            raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_writer_that_replaces_the_temp_file_is_fine(tmp_path):
    # Writers such as openpyxl or pyarrow open the path anew and truncate it.
    target = tmp_path / "out.bin"
    with atomic_path(target) as temp:
        temp.unlink()
        temp.write_bytes(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


def test_block_that_deletes_the_temp_fails_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        with atomic_path(target) as temp:
            temp.unlink()
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_parent_directories_are_created(tmp_path):
    target = tmp_path / "processed" / "2022" / "schools.txt"
    write_text_atomic(target, "x")
    assert target.read_text(encoding="utf-8") == "x"


def test_new_file_gets_ordinary_permissions_not_0600(tmp_path):
    mask = os.umask(0o022)
    try:
        target = write_bytes_atomic(tmp_path / "out.bin", b"data")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "new"


def test_write_bytes_returns_the_path_and_overwrites(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    assert write_bytes_atomic(target, b"new") == target
    assert target.read_bytes() == b"new"


def test_write_text_keeps_line_ends_and_encoding(tmp_path):
    target = tmp_path / "out.csv"
    write_text_atomic(target, "код;МО\r\n1;Рыбинск\n", encoding="cp1251")
    assert target.read_bytes() == "код;МО\r\n1;Рыбинск\n".encode("cp1251")


def test_unencodable_text_leaves_old_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "ё ✓", encoding="cp1251")
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []
