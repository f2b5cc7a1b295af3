"""Standard output in pieces: bytes go straight to the binary buffer when that writes what
their text would, and the pieces come out in order either way."""

from __future__ import annotations

import io

import pytest

from analytic_sgd.cli import output
from analytic_sgd.cli.output import binary_buffer, write_pieces

PIECES = ["batch  loss\n", memoryview(b"    1   0.5\n"), memoryview(b"    2  -1e-05\n"),
          "note: \u03b8 rose\n", memoryview(b"    3   nan\n")]
TEXT = "batch  loss\n    1   0.5\n    2  -1e-05\nnote: \u03b8 rose\n    3   nan\n"


class Counted(io.BytesIO):
    """A binary buffer that counts the writes it is given directly."""

    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, data):
        self.writes += 1
        return super().write(data)


def test_a_stream_without_a_buffer_gets_text():
    out = io.StringIO()
    assert binary_buffer(out) is None
    write_pieces(PIECES, out)
    assert out.getvalue() == TEXT


@pytest.mark.parametrize("write_through", [False, True])
def test_bytes_go_to_the_buffer_in_order_with_the_text(write_through):
    raw = Counted()
    # buffered text (write_through False) is flushed before the bytes that follow it
    stream = io.TextIOWrapper(raw, encoding="utf-8", write_through=write_through)
    assert binary_buffer(stream) is raw
    write_pieces(PIECES, stream)
    stream.flush()
    assert raw.getvalue().decode("utf-8") == TEXT
    assert raw.writes >= 3  # the three byte pieces, not re-encoded text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "cp500"])
def test_an_encoding_that_writes_ascii_otherwise_gets_text(encoding):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    assert binary_buffer(stream) is None
    write_pieces(["a\n", memoryview(b"1.5\n")], stream)
    stream.flush()
    assert raw.getvalue().decode(encoding) == "a\n1.5\n"


def test_a_system_with_other_line_ends_gets_text(monkeypatch):
    monkeypatch.setattr(output.os, "linesep", "\r\n")
    assert binary_buffer(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")) is None


def test_the_default_stream_is_stdout(capsys):
    write_pieces(PIECES)
    assert capsys.readouterr().out == TEXT
