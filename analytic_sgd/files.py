"""One atomic file writer, for everything the project writes: golden files, pictures, pages,
tables streamed as a run makes them.

``write_atomic(path, data)`` (bytes or text) or ``write_atomic(path, writer=fn)`` (``fn``
writes the file at the path it is given, as matplotlib's ``savefig`` does) puts the
content in a temporary file in the same folder (``.<name>.<pid>.<random>.tmp<suffix>``:
the writing process's id, and the file's own suffix last, so that a writer picking the
format by suffix sees it), flushes and fsyncs it, gives it the permissions ``open()``
would (or the old file's), and renames it over ``path``: ``path`` holds the old file or
the new one, never a part. ``AtomicFile(path)`` does the same for a file written line by
line (``.file``), renamed into place by ``commit()``.

On any error, Ctrl-C included, the temporary file is removed. A temporary file left by a
killed process (``kill -9``, a power cut) is removed by the next write into that folder:
its process is no longer running, or (a temporary without a process id) it is older than
STALE_SECONDS. A file-system error (no such folder, not a folder, no space, no
permission) is a ``FileSystemError`` naming the path.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", "hello\\n").read_text()
'hello\\n'
>>> with AtomicFile(folder / "b.csv") as out:
...     _ = out.file.write("x,y\\n")
>>> sorted(p.name for p in folder.iterdir())
['a.txt', 'b.csv']
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import FileSystemError

__all__ = ["write_atomic", "AtomicFile", "TEMPORARY_SUFFIX", "STALE_SECONDS", "remove_stale",
           "file_system_error"]

TEMPORARY_SUFFIX = ".tmp"
STALE_SECONDS = 3600  # a temporary file without a process id older than this is left over
_TEMPORARY = re.compile(r"\..+\.tmp(\.[^.]*)?")
_PID = re.compile(r"\..+\.([0-9]+)\.[^.]+\.tmp(\.[^.]*)?")
_WHY = {errno.ENOSPC: "no space is left on the device", errno.EACCES: "permission denied",
        errno.EPERM: "permission denied", errno.EROFS: "the file system is read-only",
        errno.EDQUOT: "the disk quota is exceeded", errno.ENAMETOOLONG: "the name is too long",
        errno.EISDIR: "it is a folder", errno.ENOTDIR: "a part of the path is not a folder",
        errno.ENOENT: "no such file or folder"}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary_suffix(path: Path) -> str:
    return TEMPORARY_SUFFIX + path.suffix


def file_system_error(path, exc: OSError, doing: str = "write") -> FileSystemError:
    """A FileSystemError naming ``path`` and the reason of ``exc`` in words."""
    why = _WHY.get(exc.errno or 0, exc.strerror or str(exc))
    return FileSystemError(f"cannot {doing} {path}: {why}", path)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # a process of another user: alive
    return True


def remove_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary files in ``folder`` left by killed writes (module docstring);
    returns the paths removed."""
    removed, now = [], time.time()
    with contextlib.suppress(OSError):
        for old in Path(folder).iterdir():
            if not _TEMPORARY.fullmatch(old.name):
                continue
            marked = _PID.fullmatch(old.name)
            with contextlib.suppress(OSError):
                if marked and not _running(int(marked[1])) or (
                        not marked and now - old.stat().st_mtime > STALE_SECONDS):
                    old.unlink()
                    removed.append(old)
    return removed


def _checked_target(path: str | os.PathLike) -> Path:
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise FileSystemError(f"cannot write {path}: the folder {folder} {what}", path)
    if path.is_dir():
        raise FileSystemError(f"cannot write {path}: it is a folder; give a file name", path)
    return path


def _temporary(path: Path) -> tuple[int, str, int]:
    """A new temporary file beside ``path``: its descriptor, its name and the mode to give it."""
    remove_stale(path.parent)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.",
                                   suffix=_temporary_suffix(path), dir=path.parent)
    except OSError as exc:
        raise file_system_error(path, exc) from None
    return fd, tmp, mode


def _put_in_place(tmp: str, path: Path, mode: int) -> None:
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # make the rename durable where directories sync
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomic(path: str | os.PathLike, data: bytes | str | None = None, *,
                 writer: Callable[[str], None] | None = None, encoding: str = "utf-8") -> Path:
    """Write ``data`` (or let ``writer(temporary_path)`` write) to ``path`` atomically.

    Returns the path. Raises FileSystemError naming the path when its folder does not exist
    or is not a folder, when no space is left or permission is denied; the temporary file
    is removed first.
    """
    if (data is None) == (writer is None):
        raise TypeError("write_atomic needs exactly one of data and writer")
    path = _checked_target(path)
    fd, tmp, mode = _temporary(path)
    try:
        if writer is None:
            raw = data.encode(encoding) if isinstance(data, str) else bytes(data)
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
                f.flush()
                os.fsync(f.fileno())
        else:
            os.close(fd)
            writer(tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        _put_in_place(tmp, path, mode)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, FileSystemError):
            raise file_system_error(path, exc) from exc
        raise
    return path


class AtomicFile:
    """A text file written line by line into a temporary file beside ``path`` (``.file``),
    put in place by ``commit()`` (flushed, fsynced, renamed) or removed by ``discard()``.
    As a context manager it commits when the block ends normally and discards on an error.
    An OSError while writing or committing is a FileSystemError naming ``path``; the
    temporary file is removed."""

    def __init__(self, path: str | os.PathLike, encoding: str = "utf-8") -> None:
        self.path = _checked_target(path)
        fd, self._tmp, self._mode = _temporary(self.path)
        self.file = os.fdopen(fd, "w", encoding=encoding, newline="")
        self.done = False

    def write(self, text: str) -> None:
        try:
            self.file.write(text)
        except OSError as exc:
            self.discard()
            raise file_system_error(self.path, exc) from exc

    def commit(self) -> Path:
        if self.done:
            return self.path
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            _put_in_place(self._tmp, self.path, self._mode)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise file_system_error(self.path, exc) from exc
            raise
        self.done = True
        return self.path

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._tmp)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()
