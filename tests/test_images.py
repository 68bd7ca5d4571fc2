"""Image regression: each figure kind against a small baseline PNG.

Baselines live in tests/baseline/ at 40 dpi, on canvases 0.4 times the default size (sizes
are relative to the canvas), and were made with the matplotlib version pinned in the test extra.
After a deliberate change to a figure, regenerate them with

    SWL_REGEN_BASELINES=1 .venv/bin/python -m pytest tests/test_images.py

and look at every changed PNG before committing it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

import swl_viz.scene as scene
from swl_viz.formats import render_to_file
from swl_viz.plotspec import Plot
from swl_viz.shapes import Field

BASELINE = Path(__file__).parent / "baseline"
#: RMS difference (0-255 grey levels) allowed; the same pinned matplotlib renders identically,
#: so this only absorbs anti-aliasing noise from another FreeType build.
TOLERANCE = 0.5
REGEN = os.environ.get("SWL_REGEN_BASELINES") == "1"

#: Small canvases: sizes are relative to the canvas, so these are the default figures at 0.4 size.
SQUARE, CONTOUR, WIDE = (360, 360), (360, 320), (640, 360)
CASES = {
    "surface": Plot("surface", size=SQUARE, dpi=40),
    "quiver": Plot("quiver", size=SQUARE, dpi=40),
    "contour": Plot("contour", size=CONTOUR, dpi=40),
    "quiver_dark": Plot("quiver", theme="dark", size=SQUARE, dpi=40),
    "surface_k3": Plot(
        "surface", t=(0.0, 0.0, 1.0), logits=(0.0, 1.0, 0.0), axes=(0, 2), size=SQUARE, dpi=40
    ),
    "contour_compare": Plot("contour", compare=True, size=(640, 320), dpi=40),
    "pair": Plot("pair", size=WIDE, dpi=40),
    "quiver_slides": Plot("quiver", preset="slides", size=(640, 360), dpi=40),
    "contour_taught": Plot(
        "contour",
        label_smoothing=0.2,
        range=(-10.0, 10.0),
        step=0.5,
        probe=(2.0, -3.0),
        descent=(-6.0, 4.0),
        size=CONTOUR,
        dpi=40,
    ),  # fmt: skip
    "slice_book": Plot("slice", variant="book", label_smoothing=0.2, size=CONTOUR, dpi=40),
}


def _render(plot: Plot, folder: Path, name: str) -> Path:
    return render_to_file(plot, folder / f"{name}.png")


@pytest.mark.parametrize("name", list(CASES))
def test_figure_matches_its_baseline(name: str, tmp_path: Path) -> None:
    actual = _render(CASES[name], tmp_path, name)
    expected = BASELINE / f"{name}.png"
    if REGEN:
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"no baseline {expected.name}; see this module's docstring"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result


def _rms(a: Path, b: Path) -> float:
    result = compare_images(str(a), str(b), tol=0, in_decorator=True)
    return 0.0 if result is None else float(result["rms"])


def test_a_moved_arrow_or_a_flipped_axis_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = BASELINE / "quiver.png"
    flipped = _render(Plot("quiver", size=SQUARE, dpi=40, azim=60), tmp_path, "flipped")
    assert _rms(expected, flipped) > TOLERANCE

    real = scene.descent_field

    def one_arrow_moved(*args: object) -> Field:
        field = real(*args)  # type: ignore[arg-type]
        u, v = field.u.copy(), field.v.copy()
        u[2, 1], v[2, 1] = -u[2, 1], -v[2, 1]  # one arrow of 121 turned round
        return replace(field, u=u, v=v)

    monkeypatch.setattr(scene, "descent_field", one_arrow_moved)
    moved = _render(Plot("quiver", size=SQUARE, dpi=40), tmp_path, "moved")
    assert _rms(expected, moved) > TOLERANCE
