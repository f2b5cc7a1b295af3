"""Standard output of the command: text given in pieces, strings and ASCII bytes.

A long table is made as bytes (``render.column_text``): tens of MB of digits. Decoded to
a string, printed, and encoded again by the text stream, it would be copied three times
more; ``write_pieces`` writes such bytes straight to the stream's binary ``buffer`` when
that gives the same bytes as writing their text: the stream has a ``buffer``, its encoding
writes ASCII as ASCII, and lines end in ``\\n`` on this system (a text stream on Windows
writes ``\\r\\n``). Otherwise (``io.StringIO``, ``contextlib.redirect_stdout`` to one, a
UTF-16 stream, Windows) the bytes are decoded and written as text. Text written before
bytes is flushed first, so the pieces come out in order.

>>> import io
>>> out = io.StringIO()
>>> write_pieces(["head\\n", memoryview(b"1  2\\n"), "note\\n"], out)
>>> out.getvalue()
'head\\n1  2\\nnote\\n'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import BinaryIO, TextIO

__all__ = ["write_pieces", "binary_buffer"]

_ASCII = bytes(range(128))


def binary_buffer(stream: TextIO) -> BinaryIO | None:
    """The binary buffer under the text stream ``stream`` when ASCII bytes written to it
    equal their text written to ``stream``; None when they would not, or it has none."""
    buffer = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None)
    if buffer is None or not isinstance(encoding, str) or os.linesep != "\n":
        return None
    try:
        same = _ASCII.decode("ascii").encode(encoding) == _ASCII
    except (LookupError, UnicodeError):
        return None
    return buffer if same else None


def write_pieces(pieces: Iterable[str | memoryview | bytes], stream: TextIO | None = None) -> None:
    """Write ``pieces`` in order on ``stream`` (default: ``sys.stdout``): strings as text,
    bytes (ASCII) on its binary buffer when ``binary_buffer`` gives one, else as text."""
    stream = sys.stdout if stream is None else stream
    buffer = binary_buffer(stream)
    pending = False  # text written since the last bytes, perhaps held by the text layer
    for piece in pieces:
        if isinstance(piece, str):
            stream.write(piece)
            pending = True
        elif buffer is None:
            stream.write(str(piece, "ascii"))
        else:
            if pending:
                stream.flush()
                pending = False
            buffer.write(piece)
