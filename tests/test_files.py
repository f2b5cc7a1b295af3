"""The one atomic file writer: all or nothing, ordinary permissions, no temporary left."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import time

import pytest

from analytic_sgd import files
from analytic_sgd.errors import FileSystemError
from analytic_sgd.files import STALE_SECONDS, AtomicFile, write_atomic


def test_writes_text_bytes_and_through_a_writer(tmp_path):
    assert write_atomic(tmp_path / "a.txt", "héllo\n").read_text(encoding="utf-8") == "héllo\n"
    assert write_atomic(tmp_path / "b.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    seen = []

    def writer(tmp):
        seen.append(tmp)
        with open(tmp, "w") as f:
            f.write("from a writer")

    assert write_atomic(tmp_path / "c.png", writer=writer).read_text() == "from a writer"
    assert seen[0].endswith(".tmp.png")  # the writer sees the file's own suffix last
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.bin", "c.png"]


def test_permissions_are_those_open_would_give_or_the_old_files(tmp_path):
    path = write_atomic(tmp_path / "a.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o600)
    write_atomic(path, "y")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_a_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, fail_at):
    path = write_atomic(tmp_path / "a.json", "old")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, fail_at, crash)
    with pytest.raises(FileSystemError, match=f"cannot write {path}: disk full"):
        write_atomic(path, "new")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["a.json"]


def test_a_full_disk_is_named_and_leaves_nothing_behind(tmp_path, monkeypatch):
    path = write_atomic(tmp_path / "a.json", "old")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(FileSystemError, match="no space is left on the device") as caught:
        write_atomic(path, "new")
    assert isinstance(caught.value, OSError) and caught.value.path == path
    with pytest.raises(FileSystemError, match="no space is left"):
        AtomicFile(tmp_path / "b.csv").commit()
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["a.json"]


def test_a_streamed_file_appears_only_when_committed(tmp_path):
    out = AtomicFile(tmp_path / "rows.csv")
    out.write("a,b\n")
    assert os.listdir(tmp_path) != ["rows.csv"] and not (tmp_path / "rows.csv").exists()
    out.commit()
    assert (tmp_path / "rows.csv").read_text() == "a,b\n" and os.listdir(tmp_path) == ["rows.csv"]
    with pytest.raises(ValueError), AtomicFile(tmp_path / "other.csv") as failed:
        failed.write("half")
        raise ValueError
    assert os.listdir(tmp_path) == ["rows.csv"]


def test_temporaries_of_a_killed_process_are_removed_by_the_next_write_at_once(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    killed = tmp_path / f".g.json.{dead}.x1y2z3.tmp.json"   # a process that is gone
    alive = tmp_path / f".h.json.{os.getppid()}.a1b2c3.tmp.json"  # a live writer's
    for leftover in (killed, alive):
        leftover.write_text("{")
    write_atomic(tmp_path / "a.json", "{}")
    assert not killed.exists() and alive.exists()


def test_ctrl_c_in_a_writer_leaves_no_temporary(tmp_path):
    def interrupted(tmp):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "a.png", writer=interrupted)
    assert os.listdir(tmp_path) == []


def test_stale_temporaries_of_a_killed_write_are_removed_by_the_next_write(tmp_path):
    stale = tmp_path / ".a.json.k1ll3d.tmp.json"
    fresh = tmp_path / ".a.json.running.tmp.json"
    other = tmp_path / ".b.json.k1ll3d.tmp.json"
    for leftover in (stale, fresh, other):
        leftover.write_text("{")
    old = time.time() - STALE_SECONDS - 10
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomic(tmp_path / "a.json", "{}")
    # any file's, in the folder written to: the next write into a folder cleans it
    assert not stale.exists() and fresh.exists() and not other.exists()


def test_a_missing_folder_or_a_folder_as_target_is_named(tmp_path):
    with pytest.raises(FileSystemError, match="the folder .*nope does not exist"):
        write_atomic(tmp_path / "nope" / "a.txt", "x")
    (tmp_path / "file").write_text("")
    with pytest.raises(FileSystemError, match="is not a folder"):
        write_atomic(tmp_path / "file" / "a.txt", "x")
    with pytest.raises(FileSystemError, match="it is a folder"):
        write_atomic(tmp_path, "x")
    with pytest.raises(TypeError, match="exactly one of data and writer"):
        write_atomic(tmp_path / "a.txt")
