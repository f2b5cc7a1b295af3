"""One rule for finding a convention by name: ``pick(table, value, field, kind)``.

Every convention that a user may name (an arithmetic, a loss and its parts, a sampler, a
random generator, a way of reading floats, an example) lives in a table of values by
name. ``pick`` gives the value for a name, or takes the value itself, and says what went
wrong in the same words everywhere: the field, what it accepts, what it got.

- a name (``str``) must be in the table: else OptionError naming the field and the names;
- a value of the table's ``kind`` is used as it is; with ``registered=True`` it must be
  the table's own value (or equal to it), so that a value the code does not know is
  refused by name, never replaced by a known one of the same name;
- anything else is an OptionTypeError ("one of <names> (or a value of type <kind>)").

>>> table = {"float64": 64, "float32": 32}
>>> pick(table, "float32", "arithmetic", int)
32
>>> pick(table, "float16", "arithmetic", int)
Traceback (most recent call last):
...
analytic_sgd.errors.OptionError: arithmetic must be one of float64, float32, got 'float16'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ..errors import OptionError, OptionTypeError

__all__ = ["pick"]

T = TypeVar("T")


def pick(table: Mapping[str, T], value: Any, field: str, kind: type, *,
         registered: bool = False, hint: str = "") -> T:
    """The value of ``table`` called ``value``, or ``value`` itself when it is a ``kind``
    (with ``registered``: only the table's own value of that name). ``hint`` ends the
    message of an unknown name."""
    accepted = f"one of {', '.join(table)}"
    if isinstance(value, kind):
        if not registered:
            return value
        name = getattr(value, "name", None)
        known = table.get(name) if isinstance(name, str) else None
        if known is value or (known is not None and known == value):
            return known
        raise OptionError.for_field(field, name if isinstance(name, str) else value, accepted,
                                    f"a {kind.__name__} is used by its registered value")
    if not isinstance(value, str):
        raise OptionTypeError.for_field(field, value, f"{accepted} (or a value of type {kind.__name__})")
    if value not in table:
        raise OptionError.for_field(field, value, accepted, hint)
    return table[value]
