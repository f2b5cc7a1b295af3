"""Hooks: how an engine tells its caller what it is doing, without printing anything.

The engines call ``hook.phase(name)`` when a phase starts (``compile``, ``run``) and
``hook.advance(done, total)`` as steps are done. The base ``Hook`` does nothing; the
command line passes one that prints the phases of ``-v`` and draws a progress bar on a
terminal. The core never prints.

>>> class Steps(Hook):
...     def __init__(self):
...         self.seen = []
...     def advance(self, done, total):
...         self.seen.append((done, total))
>>> h = Steps(); h.phase("run"); h.advance(3, 9); h.seen
[(3, 9)]
"""

from __future__ import annotations

__all__ = ["Hook"]


class Hook:
    """Does nothing; subclass it and override what you want to hear about."""

    def phase(self, name: str) -> None:
        """A phase starts: ``read``, ``derive``, ``compile``, ``run``, ``write``."""

    def advance(self, done: int, total: int) -> None:
        """``done`` of ``total`` steps are recorded."""

    def estimate(self, text: str) -> None:
        """Before a long run: its estimated size and time, in words."""
