"""The words on the figures, in English and Japanese, and a font that can draw them."""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["JA_FONTS", "font_rc", "japanese_font", "labels_for"]

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "suptitle": "Softmax with Loss Layer",
        "forward": "forward",
        "backward": "backward",
        "loss": "loss",
        "loss_log": "loss (log scale)",
        "label": "t",
        "exact": "exact: -Σ t log y",
        "book": "book: -Σ t log(y + 1e-7)",
    },
    "ja": {
        "suptitle": "Softmax-with-Lossレイヤ",
        "forward": "順伝播",
        "backward": "逆伝播",
        "loss": "損失",
        "loss_log": "損失 (対数目盛)",
        "label": "教師ラベル t",
        "exact": "定義どおり: -Σ t log y",
        "book": "本の実装: -Σ t log(y + 1e-7)",
    },
}

#: Font families that draw Japanese, in the order swl-viz tries them.
JA_FONTS = (
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "TakaoGothic",
    "VL Gothic",
    "Source Han Sans JP",
    "Droid Sans Fallback",
)


def labels_for(lang: str) -> dict[str, str]:
    """The figure words for ``lang``; Japanese falls back to English when no font can draw it."""
    if lang == "ja" and japanese_font() is not None:
        return _WORDS["ja"]
    return _WORDS["en"]


@functools.cache
def japanese_font() -> str | None:
    """The first installed font family that has Japanese glyphs, or None."""
    try:
        import matplotlib_fontja  # noqa: F401
    except ImportError:
        pass
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in JA_FONTS:
        if name in installed:
            return name
    return None


def font_rc(lang: str) -> dict[str, Any]:
    """rcParams that put a Japanese font first for ``lang="ja"`` (nothing otherwise)."""
    font = japanese_font() if lang == "ja" else None
    if font is None:
        return {}
    return {"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"]}
