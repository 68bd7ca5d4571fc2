"""The figure in words: from its scene, printed by --alt-text, carried by PNGs and pages."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli
from PIL import Image, PngImagePlugin

from swl_viz.plotspec import Plot
from swl_viz.probe import descent_path, minimum_line, probe_point
from swl_viz.scene import build_scene, loss_extremes
from swl_viz.web.describe import alt_text, describe
from swl_viz.words import plain


def _numbers(text: str) -> list[float]:
    return [float(v.replace("−", "-")) for v in re.findall(r"−?\d+(?:\.\d+)?(?:e−?\d+)?", text)]


def test_the_words_are_the_layers_numbers() -> None:
    plot = Plot(figure="contour", t=(0.3, 0.7), label_smoothing=0.1, temperature=2.0,
                probe=(2.0, -3.0), descent=(-6.0, 4.0))  # fmt: skip
    scene = build_scene(plot)
    text = describe(plot, scene)
    layer = plot.layer()
    assert "t = (0.3, 0.7)" in text and "ε = 0.1" in text and "T = 2" in text
    low, high = loss_extremes(scene.panels[0].grid)
    ranges = re.search(r"L ranges from (\S+) to (\S+) nats", text)
    assert ranges and np.allclose(_numbers(ranges[0]), [low, high], rtol=6e-4)
    line = minimum_line(layer)
    assert line is not None and line.loss is not None
    lowest = re.search(r"L is lowest, (\S+) nats .* x0 − x1 = (\S+),", text)
    assert lowest and np.allclose(_numbers(lowest[0])[:1], [line.loss], rtol=6e-4)
    assert math.isclose(_numbers(lowest[2])[0], line.offset, rel_tol=6e-4)
    probe = probe_point(2.0, -3.0, layer)
    said = re.search(r"Probe at .*?: y = (\(.*?\)), t = (\(.*?\)), y − t = (\(.*?\)), L = (\S+)\.",
                     text)  # fmt: skip
    assert said
    np.testing.assert_allclose(_numbers(said[1]), probe.y, rtol=6e-4)
    np.testing.assert_allclose(_numbers(said[2]), probe.target, rtol=6e-4)
    np.testing.assert_allclose(_numbers(said[3]), probe.y - probe.target, rtol=6e-4)
    assert math.isclose(_numbers(said[4])[0], probe.loss, rel_tol=6e-4)
    path = descent_path(-6.0, 4.0, layer, lr=plot.lr, steps=plot.steps)
    reach = re.search(r"it reaches \((\S+), (\S+)\), where L = (\S+) ", text)
    assert reach
    want = [path.x0[-1], path.x1[-1], path.loss[-1]]
    np.testing.assert_allclose(_numbers(reach[0]), want, rtol=6e-4, atol=1e-4)


def test_a_one_hot_label_has_no_minimum_on_the_plane() -> None:
    text = alt_text(Plot(figure="surface"))
    assert "no minimum on the plane" in text and "x0 − x1 grows" in text
    flipped = alt_text(Plot(figure="surface", t=(0.0, 1.0)))
    assert "x1 − x0 grows" in flipped


@pytest.mark.parametrize("figure", ["surface", "contour", "pair", "slice"])
def test_alt_text_is_printed_and_in_the_png(in_tmp: Path, figure: str) -> None:
    code, text = run_cli(figure, "--t", "0.3,0.7", "--out", "x.png", "--alt-text", columns=10_000)
    assert code == 0, text
    lines = text.splitlines()
    want = alt_text(Plot(figure=figure, t=(0.3, 0.7)))  # type: ignore[arg-type]
    assert lines == ["x.png", want]
    image = Image.open(in_tmp / "x.png")
    assert isinstance(image, PngImagePlugin.PngImageFile)
    assert image.text["Description"] == want


@pytest.mark.parametrize("loss", ["mse", "focal"])
def test_the_words_name_the_loss_drawn(loss: str) -> None:
    """Squared error and the focal loss are not described as cross-entropy: the layer names its
    loss, the arrows and the probe give the gradient (there is no y - t), squared error of
    probabilities has no unit, and a soft label under the focal loss gets no one-hot sentence."""
    from swl_viz.scene import build_scene

    plot = Plot("contour", t=(0.7, 0.3), loss=loss, probe=(2.0, -3.0))  # type: ignore[arg-type]
    scene = build_scene(plot)
    text = describe(plot, scene)
    assert "cross-entropy" not in text and "y − t =" not in text and "(t − y)/T" not in text
    assert "∇L = (" in text
    assert ("squared error" in text) == (loss == "mse")
    assert ("focal loss with γ = 2" in text) == (loss == "focal")
    assert ("nats" in text) == (loss == "focal")
    assert "one-hot" not in text
    assert ("nats" in plain(scene.zlabel)) == (loss == "focal")
