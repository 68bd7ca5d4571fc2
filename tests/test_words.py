"""The one table of words: both languages say the same things, and every formula has a Unicode
form for media without TeX."""

from __future__ import annotations

import re

import pytest

from swl_viz.words import DESCENT, DESCENT_T, LOSS, LOSS_BOOK, WORDS, plain


def test_both_languages_have_every_word() -> None:
    assert set(WORDS["en"]) == set(WORDS["ja"])
    for key, text in WORDS["en"].items():  # the same blanks to fill in
        assert re.findall(r"{(\w*)}", text) == re.findall(r"{(\w*)}", WORDS["ja"][key]), key


@pytest.mark.parametrize(
    ("tex", "unicode"),
    [
        (LOSS, "L = −Σₖ tₖ log yₖ"),
        (LOSS_BOOK, "L = −Σₖ tₖ log(yₖ + 10⁻⁷)"),
        (DESCENT, "−∇L = t − y"),
        (DESCENT_T, "−∇L = (t − y) / T"),
        ("$x_0$ and $x_{12}$", "x₀ and x₁₂"),
        (r"$4.25\times 10^{-18}$", "4.25×10⁻¹⁸"),
        (r"costs \$5", "costs $5"),
        ("no maths here", "no maths here"),
    ],
)
def test_plain_writes_the_formulas_in_unicode(tex: str, unicode: str) -> None:
    assert plain(tex) == unicode


def test_no_word_keeps_tex_after_plain() -> None:
    for words in WORDS.values():
        for key, text in words.items():
            out = plain(text)
            assert "$" not in out and "\\" not in out, (key, out)
