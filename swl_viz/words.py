"""Every word swl-viz puts on a figure or a page, in English and Japanese: one table.

Formulas are mathtext (``$...$``), which matplotlib typesets; :func:`plain` turns the few
constructs used here into Unicode for media without a TeX renderer (the web page). This module
needs the standard library only.
"""

from __future__ import annotations

import re

__all__ = [
    "BACK",
    "BACK_T",
    "DESCENT",
    "DESCENT_ANY",
    "DESCENT_T",
    "LOSS",
    "LOSS_BOOK",
    "LOSS_FOCAL",
    "LOSS_MSE",
    "WORDS",
    "loss_axis_label",
    "plain",
    "typeset",
    "words",
]

#: The layer's formulas, as mathtext: the same in every language.
LOSS = r"$L = -\Sigma_k\, t_k \log y_k$"
LOSS_BOOK = r"$L = -\Sigma_k\, t_k \log(y_k + 10^{-7})$"
DESCENT = r"$-\nabla L = t - y$"
DESCENT_T = r"$-\nabla L = (t - y)\,/\,T$"
#: Squared error and the focal loss on the same softmax (``--loss mse`` and ``--loss focal``).
LOSS_MSE = r"$L = \Sigma_k\, (y_k - t_k)^2\,/\,2$"
LOSS_FOCAL = r"$L = -\Sigma_k\, t_k (1 - y_k)^{\gamma} \log y_k$"
#: Their descent direction: not t - y, the point of the comparison.
DESCENT_ANY = r"$-\nabla L$"
#: What backward sends, without calling it -grad L: for the book's loss it is not, on its plateau.
BACK = r"$t - y$"
BACK_T = r"$(t - y)\,/\,T$"

#: The table: one dictionary per language, with the same keys.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "explore_keys": "click the contour to probe,  s save PNG,  r reset,  q quit",
        "explore_forward": "forward: the loss L",
        "explore_backward": "backward: −∇L from above",
        "suptitle": "Softmax with Loss Layer",
        "title_surface": "Loss {loss}",
        "title_quiver": "Steepest descent {descent}",
        "title_contour": "Loss $L$ and its descent {descent}",
        "title_pair": "Forward: {loss}    Backward: {descent}",
        "title_slice": "The loss along $d = x_1 - x_0$: a softplus",
        "title_slice_soft": "The loss along $d = x_1 - x_0$: a sum of softpluses",
        "title_slice_any": "The loss along $d = x_1 - x_0$",
        "title_quiver_book": "What the book's backward sends: {descent}",
        "title_contour_book": "The book's loss $L$; its backward sends {descent}",
        "forward": "forward",
        "backward": "backward",
        "loss": "$L$ (nats)",
        "loss_log": "$L$ (nats, log scale)",
        # squared error of probabilities has no unit
        "axis_mse": "$L$",
        "axis_mse_log": "$L$ (log scale)",
        "label": "$t$",
        "exact": "exact: $-\\Sigma\\, t \\log y$",
        "book": "book: $-\\Sigma\\, t \\log(y + 10^{-7})$",
        "softmax": "$y = \\mathrm{softmax}(x)$",
        "softmax_T": "$y = \\mathrm{softmax}(x\\,/\\,T)$",
        "arrow_scaled": "arrow length ∝ $|\\nabla L|$",
        "arrow_unit": "arrows: unit directions",
        "longest": "longest: $|\\nabla L|$ = {norm}",
        "thin": "thin: $|\\nabla L|$ < {norm}, not to scale",
        "range": "$L$ from {lo} to {hi}",
        "decision2": "$y$ = ½,  $L$ = {value}",
        "decision": "tie: $y_{i} = y_{j}$",
        "leads": "decision: $y_{i} = y_{j}$",
        "minimum2": "minimum: $L = H({t})$ = {value}",
        "valley": "valley floor: $y_{i} : y_{j} = t_{i} : t_{j}$",
        "lowest": "lowest point: $L$ = {value}",
        "cap": (
            "$y_{k} = 10^{{-7}}$: past it, the book's\n$-\\log(y_{k} + 10^{{-7}})$ stops near 16.12"
        ),
        "plateau": "flat, yet the book's backward\nstill sends {grad} = {value}",
        "descent": "$-\\nabla L$: steepest descent",
        "start": "start",
        "end": "after {n} steps",
        "slice_loss": "$L$ along $d$",
        "softplus1": "$L = \\mathrm{softplus}(d) = \\log(1 + e^d)$",
        "slope": "$dL/dd$",
        "slice_backward": "what backward sends along $d$: $(y - t) \\cdot (-1, 1) / 2$",
        "book_slope": "true slope of the book's loss: flat on the plateau",
        "asymptote": "asymptote, slope {value}",
        "at_zero2": "$d$ = 0: $y$ = ½, $L$ = {value}",
        "at_zero": "$d$ = 0: $L$ = {value}",
        "min_at": "minimum $L$ = {value} at $d$ = {d}",
        "book_cap": "book's cap $-\\log(10^{{-7}})$ ≈ 16.12",
        "book_limit": "book levels off at {value}",
        "why_root2": (
            "$\\nabla L = dL/dd \\cdot (-1, 1)$, so $|\\nabla L| = √2\\, "
            "|dL/dd|$ → √2 × {limit} = {value}"
        ),
        "why_more": (
            "$dL/dd = (\\partial L/\\partial x_{j} - \\partial L/\\partial "
            "x_{i}) / 2$, with $x_{i} = -d/2$ and $x_{j} = d/2$"
        ),
        "d_axis": "$d = x_{j} - x_{i}$",
        "loss_axis": "$L$ (nats)",
        "gif_step": "step {k:>3} of {n}   $L$ = {loss}",
        "probe_arrow": "$-\\nabla L$ (direction), $|\\nabla L|$ = {norm}",
        "slope_axis": "slope $dL/dd$",
        "loss_ce": "cross-entropy",
        "loss_mse": "squared error",
        "loss_focal": "focal loss, $\\gamma$ = {gamma}",
        "short_ce": "CE",
        "short_mse": "MSE",
        "short_focal": "focal",
        "title_ce": "cross-entropy (CE)",
        "title_mse": "squared error (MSE)",
        "title_focal": "focal, $\\gamma$ = {gamma}",
        "minimum_mse": "minimum: $y = {t}$, $L$ = 0",
        "title_losses": "Why softmax goes with cross-entropy",
        "losses_loss": "loss $L$",
        "factor_dy": "$|\\partial L/\\partial y|$",
        "factor_jac": "$\\partial y/\\partial x$'s share",
        "factor_grad": "$|\\nabla L|$ = the product",
        "ratio_head": "$|\\nabla L|$ at a gap of {gap}:",
        "ratio": "{a} / {b} = {ratio}",
        "stall": "$|\\nabla L|$ (log); hatched: < {threshold}",
        "steps_to": "{n} steps to $y_t \\geq$ {level}",
        "steps_never": "after {n} steps $y_t <$ {level}",
        "descent_from": "from ({x0}, {x1}), lr {lr}",
        "title_simplex": "Three classes: {loss} on the simplex and on the logits",
        "simplex_triangle": "outputs $y$: $y_0 + y_1 + y_2 = 1$",
        "simplex_plane": "logits, relative to $x_0$: {softmax}",
        "simplex_corner": "class {k}",
        "simplex_target": "$t'$ = {t}",
        "simplex_least": "least $L = H(t')$ = {value}",
        "simplex_target_short": "$y = t'$",
        "simplex_invisible": "x + c·(1, 1, 1) gives the same y:\nsoftmax cannot see that direction",
        "simplex_key": "arrows: {descent}    {options}",
        "book_short": "book's loss",
    },
    "ja": {
        "explore_keys": "等高線をクリックで調べる,  s PNG保存,  r リセット,  q 終了",
        "explore_forward": "順伝播: 損失 L",
        "explore_backward": "逆伝播: 上から見た −∇L",
        "suptitle": "Softmax-with-Lossレイヤ",
        "title_surface": "損失 {loss}",
        "title_quiver": "最急降下の向き {descent}",
        "title_contour": "損失 $L$ と降下の向き {descent}",
        "title_pair": "順伝播: {loss}    逆伝播: {descent}",
        "title_slice": "$d = x_1 - x_0$ に沿った損失: ソフトプラス",
        "title_slice_soft": "$d = x_1 - x_0$ に沿った損失: ソフトプラスの和",
        "title_slice_any": "$d = x_1 - x_0$ に沿った損失",
        "title_quiver_book": "本の実装の逆伝播が返す値 {descent}",
        "title_contour_book": "本の実装の損失 $L$ と逆伝播が返す値 {descent}",
        "forward": "順伝播",
        "backward": "逆伝播",
        "loss": "損失 $L$ (nats)",
        "loss_log": "損失 $L$ (nats, 対数目盛)",
        "axis_mse": "損失 $L$",
        "axis_mse_log": "損失 $L$ (対数目盛)",
        "label": "教師ラベル $t$",
        "exact": "定義どおり: $-\\Sigma\\, t \\log y$",
        "book": "本の実装: $-\\Sigma\\, t \\log(y + 10^{-7})$",
        "softmax": "$y = \\mathrm{softmax}(x)$",
        "softmax_T": "$y = \\mathrm{softmax}(x\\,/\\,T)$",
        "arrow_scaled": "矢印の長さ ∝ $|\\nabla L|$",
        "arrow_unit": "矢印: 向きのみ",
        "longest": "最長: $|\\nabla L|$ = {norm}",
        "thin": "細い矢印: $|\\nabla L|$ < {norm} (長さは一定)",
        "range": "$L$: {lo} 〜 {hi}",
        "decision2": "$y$ = ½,  $L$ = {value}",
        "decision": "同点: $y_{i} = y_{j}$",
        "leads": "決定境界: $y_{i} = y_{j}$",
        "minimum2": "最小: $L = H({t})$ = {value}",
        "valley": "谷底: $y_{i} : y_{j} = t_{i} : t_{j}$",
        "lowest": "最低点: $L$ = {value}",
        "cap": "$y_{k} = 10^{{-7}}$: この先, 本の\n$-\\log(y_{k} + 10^{{-7}})$ は 16.12 で頭打ち",
        "plateau": "平らでも本の逆伝播は\n{grad} = {value} を返す",
        "descent": "$-\\nabla L$: 最急降下の向き",
        "start": "開始",
        "end": "{n} ステップ後",
        "slice_loss": "$d$ に沿った $L$",
        "softplus1": "$L = \\mathrm{softplus}(d) = \\log(1 + e^d)$",
        "slope": "$dL/dd$",
        "slice_backward": "逆伝播が $d$ 方向に返す値: $(y - t) \\cdot (-1, 1) / 2$",
        "book_slope": "本の損失の本当の傾き: 平らな所では 0",
        "asymptote": "漸近線 傾き {value}",
        "at_zero2": "$d$ = 0: $y$ = ½, $L$ = {value}",
        "at_zero": "$d$ = 0: $L$ = {value}",
        "min_at": "最小 $L$ = {value} ($d$ = {d})",
        "book_cap": "本の上限 $-\\log(10^{{-7}})$ ≈ 16.12",
        "book_limit": "本の実装は {value} で頭打ち",
        "why_root2": (
            "$\\nabla L = dL/dd \\cdot (-1, 1)$ なので $|\\nabla L| = √2\\, "
            "|dL/dd|$ → √2 × {limit} = {value}"
        ),
        "why_more": (
            "$dL/dd = (\\partial L/\\partial x_{j} - \\partial L/\\partial "
            "x_{i}) / 2$  ($x_{i} = -d/2$, $x_{j} = d/2$)"
        ),
        "d_axis": "$d = x_{j} - x_{i}$",
        "loss_axis": "損失 $L$ (nats)",
        "gif_step": "{k:>3} / {n} ステップ   $L$ = {loss}",
        "probe_arrow": "$-\\nabla L$ の向き, $|\\nabla L|$ = {norm}",
        "slope_axis": "傾き $dL/dd$",
        "loss_ce": "交差エントロピー",
        "loss_mse": "2乗和誤差",
        "loss_focal": "focal損失, $\\gamma$ = {gamma}",
        "short_ce": "CE",
        "short_mse": "MSE",
        "short_focal": "focal",
        "title_ce": "交差エントロピー (CE)",
        "title_mse": "2乗和誤差 (MSE)",
        "title_focal": "focal損失, $\\gamma$ = {gamma}",
        "minimum_mse": "最小: $y = {t}$, $L$ = 0",
        "title_losses": "softmax に交差エントロピーを組み合わせる理由",
        "losses_loss": "損失 $L$",
        "factor_dy": "$|\\partial L/\\partial y|$",
        "factor_jac": "$\\partial y/\\partial x$ の寄与",
        "factor_grad": "$|\\nabla L|$ = 両者の積",
        "ratio_head": "差 {gap} での $|\\nabla L|$:",
        "ratio": "{a} / {b} = {ratio}",
        "stall": "$|\\nabla L|$ (対数); 斜線: < {threshold}",
        "steps_to": "{n} ステップで $y_t \\geq$ {level}",
        "steps_never": "{n} ステップ後も $y_t <$ {level}",
        "descent_from": "({x0}, {x1}) から, 学習率 {lr}",
        "title_simplex": "3クラス: 確率の三角形とロジット平面の {loss}",
        "simplex_triangle": "出力 $y$: $y_0 + y_1 + y_2 = 1$",
        "simplex_plane": "$x_0$ から見たロジット: {softmax}",
        "simplex_corner": "クラス {k}",
        "simplex_target": "$t'$ = {t}",
        "simplex_least": "最小 $L = H(t')$ = {value}",
        "simplex_target_short": "$y = t'$",
        "simplex_invisible": "x + c·(1, 1, 1) でも y は同じ:\nsoftmax にはこの向きが見えない",
        "simplex_key": "矢印: {descent}    {options}",
        "book_short": "本の実装の損失",
    },
}


def words(lang: str) -> dict[str, str]:
    """The words for ``lang`` ("en" or "ja")."""
    return WORDS["ja" if lang == "ja" else "en"]


_SYMBOLS = (
    ("\\Sigma", "Σ"),
    ("\\gamma", "γ"),
    ("\\geq", "≥"),
    ("\\nabla ", "∇"),
    ("\\nabla", "∇"),
    ("\\partial ", "∂"),
    ("\\partial", "∂"),
    ("\\times ", "×"),
    ("\\times", "×"),
    ("\\cdot ", "·"),
    ("\\cdot", "·"),
    ("\\approx", "≈"),
    ("\\to", "→"),
    ("\\sqrt", "√"),
    ("\\,", " "),
    ("\\ ", " "),
    ("'", "′"),
)
_SUB = str.maketrans("0123456789kijto", "₀₁₂₃₄₅₆₇₈₉ₖᵢⱼₜₒ")
_SUP = str.maketrans("0123456789-+dγ", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵈᵞ")
_MATH = re.compile(r"(?<!\\)\$(.*?)(?<!\\)\$")
#: Words set upright inside a formula, as TeX sets them: function names.
_UPRIGHT = re.compile(r"\\mathrm\{([^{}]*)\}|\\(log|exp)\b")


def _script(text: str, table: dict[int, int]) -> str:
    out = text.translate(table)
    return out if all(ord(c) in table.values() for c in out) else text


def _italic(letter: str) -> str:
    """The mathematical italic form of an ASCII letter (U+1D434 on; h is Planck's ℎ)."""
    if letter == "h":
        return "ℎ"
    if letter.isupper():
        return chr(0x1D434 + ord(letter) - ord("A"))
    return chr(0x1D44E + ord(letter) - ord("a"))


def _unicode(match: re.Match[str], italic: bool) -> str:
    body = match.group(1)
    words: list[str] = []  # upright words, kept out of the italics below

    def keep(m: re.Match[str]) -> str:
        words.append(m[1] or m[2])
        return f"\x00{len(words) - 1}\x00"

    body = _UPRIGHT.sub(keep, body)
    for tex, uni in _SYMBOLS:
        body = body.replace(tex, uni)
    body = re.sub(r"_\{([^{}]*)\}|_(\w)", lambda m: _script(m[1] or m[2], _SUB), body)
    body = re.sub(r"\^\{([^{}]*)\}|\^(\w)", lambda m: _script(m[1] or m[2], _SUP), body)
    body = body.replace("{", "").replace("}", "").replace("-", "−")
    if italic:
        body = re.sub(r"[A-Za-z]", lambda m: _italic(m[0]), body)
    body = re.sub(r"\x00(\d+)\x00", lambda m: words[int(m[1])], body)
    return re.sub(r" {2,}", " ", body)


def plain(text: str, *, italic: bool = False) -> str:
    """``text`` with its mathtext written in Unicode: ``$-\nabla L = t - y$`` becomes
    ``−∇L = t − y``, ``$x_0$`` becomes ``x₀`` and ``$10^{-7}$`` becomes ``10⁻⁷``: the
    constructs this table uses, for media without a TeX renderer. With ``italic``, the
    variables are set in mathematical italic (``𝐿``, ``𝑥₀``) and function names upright, as TeX
    sets them."""
    return _MATH.sub(lambda m: _unicode(m, italic), text).replace("\\$", "$")


def typeset(text: str) -> str:
    """``text`` as a figure shows it: :func:`plain` with italic variables."""
    return plain(text, italic=True)


def loss_axis_label(w: dict[str, str], loss: str, zscale: str) -> str:
    """The loss axis's name: L in nats (the cross-entropy and the focal loss are logs), plain L
    for squared error of probabilities; on a log scale, said so."""
    key = "axis_mse" if loss == "mse" else "loss"
    return w[key] if zscale == "linear" else w[f"{key}_log"]
