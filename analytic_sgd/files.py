"""One atomic file writer, for everything the project writes: golden files, pictures, pages.

``write_atomic(path, data)`` (bytes or text) or ``write_atomic(path, writer=fn)`` (``fn``
writes the file at the path it is given, as matplotlib's ``savefig`` does) puts the
content in a temporary file in the same folder (``.<name>.<random>.tmp<suffix>``: the
file's own suffix last, so that a writer picking the format by suffix sees it), flushes and
fsyncs it, gives it the permissions ``open()`` would (or the old file's), and renames it
over ``path``: ``path`` holds the old file or the new one, never a part. On any error,
Ctrl-C included, the temporary file is removed; a temporary file left by a killed
process is removed by the next write into that folder once it is an hour old.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", "hello\\n").read_text()
'hello\\n'
>>> sorted(p.name for p in folder.iterdir())
['a.txt']
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import OptionError

__all__ = ["write_atomic", "TEMPORARY_SUFFIX", "STALE_SECONDS"]

TEMPORARY_SUFFIX = ".tmp"
STALE_SECONDS = 3600  # a temporary file older than this is left over from a killed write


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary_suffix(path: Path) -> str:
    return TEMPORARY_SUFFIX + path.suffix


def _remove_stale(path: Path) -> None:
    """Remove the temporary files of ``path`` older than STALE_SECONDS (left by a killed write)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for old in path.parent.glob(f".{glob.escape(path.name)}.*{_temporary_suffix(path)}"):
            with contextlib.suppress(OSError):
                if now - old.stat().st_mtime > STALE_SECONDS:
                    old.unlink()


def write_atomic(path: str | os.PathLike, data: bytes | str | None = None, *,
                 writer: Callable[[str], None] | None = None, encoding: str = "utf-8") -> Path:
    """Write ``data`` (or let ``writer(temporary_path)`` write) to ``path`` atomically.

    Returns the path. Raises OptionError naming the path when its folder does not exist or
    is not a folder; other OSErrors (no space, no permission) propagate after the temporary
    file is removed.
    """
    if (data is None) == (writer is None):
        raise TypeError("write_atomic needs exactly one of data and writer")
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise OptionError(f"cannot write {path}: the folder {folder} {what}")
    if path.is_dir():
        raise OptionError(f"cannot write {path}: it is a folder; give a file name")
    _remove_stale(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_temporary_suffix(path), dir=folder)
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
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable where directories sync
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path
