"""The words on the figures, in English and Japanese, and fonts that can draw them."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from swl_viz.grid import LossGrid
from swl_viz.plotspec import format_label

__all__ = [
    "JA_FONTS",
    "font_rc",
    "japanese_font",
    "labels_for",
    "missing_glyphs",
    "needs_cjk",
]

#: The layer's formulas, as mathtext: the same in every language.
LOSS = r"$L = -\Sigma_k\, t_k \log y_k$"
LOSS_BOOK = r"$L = -\Sigma_k\, t_k \log(y_k + 10^{-7})$"
DESCENT = r"$-\nabla L = t - y$"
DESCENT_T = r"$-\nabla L = (t - y)\,/\,T$"

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "suptitle": "Softmax with Loss Layer",
        # titles that say what is shown; {loss} and {descent} are the formulas above
        "title_surface": "Loss {loss}",
        "title_quiver": "Steepest descent {descent}",
        "title_contour": "Loss $L$ and its descent {descent}",
        "title_pair": "Forward: {loss}    Backward: {descent}",
        "title_slice": "The loss along $d = x_1 - x_0$: a softplus",
        "forward": "forward",
        "backward": "backward",
        "loss": "$L$ (nats)",
        "loss_log": "$L$ (nats, log scale)",
        "label": "t",
        "exact": "exact: -Σ t log y",
        "book": "book: -Σ t log(y + 1e-7)",
        "softmax": r"$y = \mathrm{softmax}(x)$",
        "arrow_scaled": "arrow length ∝ |∇L|",
        "arrow_unit": "arrows: unit directions",
        "longest": "longest: |∇L| = {norm}",
        "range": "$L$ from {lo} to {hi}",
    },
    "ja": {
        "suptitle": "Softmax-with-Lossレイヤ",
        "title_surface": "損失 {loss}",
        "title_quiver": "最急降下の向き {descent}",
        "title_contour": "損失 $L$ と降下の向き {descent}",
        "title_pair": "順伝播: {loss}    逆伝播: {descent}",
        "title_slice": "$d = x_1 - x_0$ に沿った損失: ソフトプラス",
        "forward": "順伝播",
        "backward": "逆伝播",
        "loss": "損失 $L$ (nats)",
        "loss_log": "損失 $L$ (nats, 対数目盛)",
        "label": "教師ラベル t",
        "exact": "定義どおり: -Σ t log y",
        "book": "本の実装: -Σ t log(y + 1e-7)",
        "softmax": r"$y = \mathrm{softmax}(x)$",
        "arrow_scaled": "矢印の長さ ∝ |∇L|",
        "arrow_unit": "矢印: 向きのみ",
        "longest": "最長: |∇L| = {norm}",
        "range": "$L$: {lo} 〜 {hi}",
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
    """rcParams that put a Japanese font first for ``lang="ja"`` (nothing otherwise). Plain words
    in a mathtext string ("損失 $L$") are drawn in the text's own font, so they follow it."""
    font = japanese_font() if lang == "ja" else None
    if font is None:
        return {}
    return {"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"]}


# ---- any title renders -------------------------------------------------------------------------

_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")


def _plain(text: str) -> str:
    """The characters of ``text`` a text font draws: mathtext ($...$) and spaces left out."""
    return "".join(c for c in _MATH.sub("", text).replace(r"\$", "$") if not c.isspace())


@functools.cache
def _charmap(family: str) -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    return frozenset(FT2Font(path).get_charmap())


def _drawable(char: str, families: tuple[str, ...]) -> bool:
    return any(ord(char) in _charmap(f) for f in families)


def needs_cjk(text: str) -> bool:
    """True when the default text font (DejaVu Sans) lacks a character of ``text``, so the title
    should fall back to the Japanese font."""
    return any(not _drawable(c, ("DejaVu Sans",)) for c in _plain(text))


def missing_glyphs(text: str) -> bool:
    """True when some character of ``text`` (outside $mathtext$) has no glyph in DejaVu Sans nor
    in an installed Japanese font: the figure would draw it as an empty box. The command line
    prints one warning for it; drawing itself stays quiet."""
    plain = _plain(text)
    if not plain:
        return False
    font = japanese_font()
    families = ("DejaVu Sans",) if font is None else ("DejaVu Sans", font)
    return any(not _drawable(c, families) for c in plain)


def subtitle_parts(grid: LossGrid, words: dict[str, str], logit: Callable[[int], str]) -> list[str]:
    """What a panel's subtitle says about the layer: the label, then ε, T and the fixed logits
    where they differ from the plain case; ``logit`` names a varied logit."""
    parts = [f"{words['label']} = {format_label(grid.t)}"]
    if grid.label_smoothing:
        parts.append(f"ε = {grid.label_smoothing:g}")
    if grid.temperature != 1.0:
        parts.append(f"T = {grid.temperature:g}")
    if grid.k > 2:
        fixed = ", ".join(
            logit(i) if i in grid.axes else f"{v:g}" for i, v in enumerate(grid.logits)
        )
        parts.append(f"a = ({fixed})")
    return parts
