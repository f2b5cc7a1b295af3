"""``NAME=VALUE,...`` text (``--init``, ``--at``): the one reader of named start values.

Each value must be a finite decimal (read by ``arithmetic.read_decimal``, never evaluated);
it is kept as its text, so that every arithmetic reads it in its own way (``0.1`` is 1/10
in exact arithmetic). Each name may appear once and, given ``names``, must be one of them.

>>> read_assignments("--init", "w=0.5, b=-1", ("w", "b"))
{'w': '0.5', 'b': '-1'}
>>> read_assignments("--at", "w=1,w=2")
Traceback (most recent call last):
...
analytic_sgd.errors.OptionError: --at gives w twice; give each parameter once
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import DataError, OptionError
from .arithmetic import read_decimal

__all__ = ["read_assignments"]


def read_assignments(option: str, text: str, names: Sequence[str] | None = None,
                     owner: str = "") -> dict[str, str]:
    """The values of ``text`` by name, as decimal text; OptionError naming ``option`` for a
    pair that is not NAME=DECIMAL, a name given twice, or (given ``names``, the parameters
    of ``owner``) a name that is not a parameter."""
    values: dict[str, str] = {}
    for item in text.split(","):
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            example = f"{names[0]}=0.5" if names else "w=0.5,b=-1"
            raise OptionError(f"{option} {text!r}: write NAME=VALUE pairs separated by commas, "
                              f"e.g. {option} {example}")
        if name in values:
            raise OptionError(f"{option} gives {name} twice; give each parameter once")
        try:
            read_decimal(value)
        except DataError as exc:
            raise OptionError(f"{option} {name}: {exc}") from None
        values[name] = value.strip()
    unknown = [k for k in values if names is not None and k not in names]
    if unknown:
        of = f" of {owner}" if owner else ""
        raise OptionError(f"{option} names {', '.join(unknown)}, which is not a parameter{of} "
                          f"({', '.join(names)})")
    return values
