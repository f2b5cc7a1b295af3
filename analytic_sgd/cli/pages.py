"""``analytic-sgd pages``: write the textbook pages of ``derivations/``, or list stale ones."""

from __future__ import annotations

from pathlib import Path


def add_parser(sub):
    p = sub.add_parser("pages", help="write the derivation pages (derivations/), or check them",
                       description="Write one Markdown page per model and loss (the unit nodes, "
                       "the chain rule, the closed forms, the worked table) and an index into "
                       "DIR, or with --check list the pages in DIR that differ from a fresh "
                       "generation (exit 1 if any).")
    p.add_argument("directory", nargs="?", default="derivations", metavar="DIR",
                   help="the folder of the pages (default: derivations)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; list the stale pages and exit 1 if there are any")
    return p


def run(args) -> int:
    from ..render.pages import COMMAND, stale_documents, write_documents

    if args.check:
        stale = stale_documents(args.directory)
        for name in stale:
            print(f"stale: {Path(args.directory) / name}; regenerate with {COMMAND}")
        return 1 if stale else 0
    for path in write_documents(args.directory):
        print(f"wrote {path}")
    return 0
