"""The simplex in words: the PNG carries what --alt-text prints, and its numbers are the
layer's (checked against a 50-digit reference), in English and Japanese."""

from __future__ import annotations

import re
from pathlib import Path

import mpmath
import oracle
import pytest
from conftest import run_cli
from mpmath import mpf
from PIL import Image

from swl_viz.plotspec import Plot
from swl_viz.simplex import describe_simplex


def _numbers(text: str) -> list[float]:
    return [float(v.replace("−", "-")) for v in re.findall(r"−?\d+(?:\.\d+)?(?:e−?\d+)?", text)]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_png_carries_what_alt_text_prints(lang: str, in_tmp: Path) -> None:
    args = ["--t", "0.2,0.5,0.3", "--probe", "1,0,-1", "--descent", "3,-2,0", "--lang", lang]
    code, text = run_cli("simplex", *args, "--alt-text", "--out", "s.png", "--dpi", "40")
    assert code == 0, text
    with Image.open(in_tmp / "s.png") as im:
        said = str(im.info["Description"])
    assert said in " ".join(text.split()) or said.replace(" ", "") in text.replace("\n", "")
    assert "(1, 1, 1)" in said
    if lang == "ja":
        assert "三角形" in said and "Two panels" not in said
    else:
        assert "triangle" in said and "Probe at x = (1, 0, −1)" in said


def test_its_numbers_are_the_layers() -> None:
    t, temp = [0.2, 0.5, 0.3], 1.5
    said = describe_simplex(
        Plot("simplex", t=tuple(t), temperature=temp, probe=(1.0, 0.0, -1.0))  # type: ignore[arg-type]
    )
    entropy = -mpmath.fsum(mpf(v) * mpmath.log(mpf(v)) for v in oracle.target(t))
    least = re.search(r"L is least, (\S+) nats", said)
    assert least is not None and float(least[1]) == pytest.approx(float(entropy), rel=5e-4)
    probe = re.search(r"Probe at .*?L = (\S+);", said)
    loss, _ = oracle.reference([1.0, 0.0, -1.0], t, temperature=temp)
    assert probe is not None and float(probe[1]) == pytest.approx(float(loss), rel=5e-4)
    where = re.search(r"the point \((\S+), (\S+)\)", said)  # T log(t' / t'0) on the plane
    assert where is not None
    want = [temp * float(mpmath.log(mpf(t[k]) / mpf(t[0]))) for k in (1, 2)]
    got = [float(where[k].replace("−", "-")) for k in (1, 2)]
    assert got == pytest.approx(want, rel=5e-4)
    assert "temperature T = 1.5" in said


@pytest.mark.parametrize(
    ("kind", "says", "never"),
    [
        ("mse", "L is least, 0, at y = t′", "nats (the entropy"),
        ("focal", "is not least at t′", "L is least"),
    ],
)
def test_it_says_where_each_loss_is_least_and_what_the_arrows_are(
    kind: str, says: str, never: str
) -> None:
    said = describe_simplex(Plot("simplex", t=(0.2, 0.5, 0.3), loss=kind))  # type: ignore[arg-type]
    assert says in said and never not in said
    assert "Jacobian" in said and "(t′ − y)/T" not in said
    one_hot = describe_simplex(Plot("simplex", t=(1.0, 0.0, 0.0), loss=kind))  # type: ignore[arg-type]
    assert "is a corner of the triangle" in one_hot
