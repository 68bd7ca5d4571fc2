"""Japanese glyphs a page carries itself: a subset of IPAexGothic as a base64 @font-face.

A ``--lang ja`` page must show its words on a machine with no CJK font (most browsers in a
fresh container, many projector PCs). The ``ja`` extra's matplotlib-fontja ships IPAexGothic
(IPA Font License); the page embeds only the glyphs of the characters it may show (its words,
its controls, its description), subset with fontTools (a dependency of matplotlib), as WOFF.
Without the ``ja`` extra the page names the family and lets the browser find a CJK font.
"""

from __future__ import annotations

import base64
import io
from importlib.util import find_spec
from pathlib import Path

#: The family name the page's CSS and plotly's text use for the embedded font.
FAMILY = "swl-viz-ja"


def font_file() -> Path | None:
    """IPAexGothic as matplotlib-fontja installs it, found without importing matplotlib."""
    spec = find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "fonts" / "ipaexg.ttf"
        if path.is_file():
            return path
    return None


def subset_font(text: str) -> bytes | None:
    """The font's glyphs for the characters of ``text`` as WOFF bytes, the same every time;
    None without the font or fontTools."""
    path = font_file()
    if path is None:
        return None
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the font's names and licence
    options.notdef_outline = True
    font = TTFont(str(path), recalcTimestamp=False, lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in text if c.isprintable() and ord(c) > 0x20})
    subsetter.subset(font)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def font_face(text: str) -> str:
    """A CSS @font-face carrying the glyphs of ``text``, or "" when the font is not installed."""
    data = subset_font(text)
    if data is None:
        return ""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face {{font-family: '{FAMILY}'; font-style: normal; font-weight: 400 700; "
        f"src: url(data:font/woff;base64,{encoded}) format('woff');}}\n"
    )
