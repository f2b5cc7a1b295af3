r"""A LaTeX fragment wrapped in a complete document: an article, or beamer slides.

``--standalone article`` gives one page flow with a section per part; ``--standalone
beamer`` one frame per part (``allowframebreaks``: a part taller than a slide continues
on the next one). Only amsmath, amssymb and booktabs are needed.

>>> doc = standalone([("Model", r"\begin{align*} \hat y &= w x \end{align*}")], "beamer", "Demo")
>>> doc.splitlines()[0], "\\begin{frame}[allowframebreaks]{Model}" in doc
('\\documentclass{beamer}', True)
"""

from __future__ import annotations

from ..errors import OptionError

__all__ = ["DOCUMENT_KINDS", "standalone", "tex_text"]

DOCUMENT_KINDS = ("article", "beamer")
PACKAGES = "\\usepackage{amsmath}\n\\usepackage{amssymb}\n\\usepackage{booktabs}\n"


def tex_text(s: str) -> str:
    """Plain text for a LaTeX paragraph (the few special characters titles and notes use)."""
    return (s.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("%", r"\%")
            .replace("&", r"\&").replace("#", r"\#").replace("ŷ", r"$\hat y$")
            .replace("Σ", r"$\Sigma$").replace("θ", r"$\theta$").replace("∂", r"$\partial$")
            .replace("·", r"$\cdot$").replace("…", r"\dots{}"))


def breaks(body: str) -> str:
    """``[allowframebreaks]`` for a frame of displayed equations (they may continue on the next
    frame); a table is cut to fit a frame beforehand and gets none."""
    return "" if "tabular" in body else "[allowframebreaks]"


def standalone(sections: list[tuple[str, str]], kind: str, title: str, note: str = "") -> str:
    """A complete document of ``kind`` (article or beamer) holding ``sections`` (title, LaTeX
    body) and a closing ``note`` (plain text)."""
    if kind not in DOCUMENT_KINDS:
        raise OptionError.for_field("standalone", kind, f"one of {', '.join(DOCUMENT_KINDS)}")
    if kind == "article":
        head = f"\\documentclass{{article}}\n{PACKAGES}\\allowdisplaybreaks\n"
        body = [f"\\section*{{{tex_text(t)}}}\n{b}" for t, b in sections]
        start = f"\\begin{{document}}\n\\noindent\\textbf{{\\large {tex_text(title)}}}\n"
    else:
        head = (f"\\documentclass{{beamer}}\n{PACKAGES}\\allowdisplaybreaks\n"
                "\\setbeamertemplate{navigation symbols}{}\n")
        body = [f"\\begin{{frame}}{breaks(b)}{{{tex_text(t)}}}\n{b}\n\\end{{frame}}"
                for t, b in sections]
        start = f"\\title{{{tex_text(title)}}}\n\\date{{}}\n\\begin{{document}}\n\\frame{{\\titlepage}}\n"
    if note:
        body.append(tex_text(note) if kind == "article"
                    else f"\\begin{{frame}}\n{tex_text(note)}\n\\end{{frame}}")
    return head + start + "\n\n".join(body) + "\n\\end{document}\n"
