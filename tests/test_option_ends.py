"""Every documented range renders at both its ends, for every figure kind that takes the
option: no internal error, every text on the canvas (issue 23's "every documented value
works"). The slow tier; --font-scale's ends are in the layout sweep."""

from __future__ import annotations

import io
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from slides_tools import drawn_shapes

from swl_viz.formats import save_figure
from swl_viz.mpl import build_figure, theme_context
from swl_viz.options import OPTIONS
from swl_viz.plotspec import Plot

#: What each figure needs beside the option to draw at all.
NEEDS: dict[str, dict[str, Any]] = {
    "simplex": {"t": (0.2, 0.5, 0.3)},
    "losses": {},
}
#: The scalar options a picture takes, with what each end needs beside it.
SCALARS: dict[str, dict[str, Any]] = {
    "arrows": {},
    "arrow_scale": {},
    "elev": {},
    "azim": {},
    "dpi": {},
    "gamma": {"loss": "focal"},
}


def _cases() -> list[Any]:
    cases = []
    for name, extra in SCALARS.items():
        row = OPTIONS[name]
        assert row.bounds is not None
        for figure in sorted(row.figures):
            needs = {"with_focal": True} if name == "gamma" and figure == "losses" else extra
            for end in row.bounds:
                value = int(end) if row.kind == "int" else float(end)
                given = {**NEEDS.get(figure, {}), **needs, name: value}
                cases.append(pytest.param(figure, given, id=f"{figure}-{name}-{end:g}"))
    return cases


def _outside(fig: Any) -> list[str]:
    width, height = fig.bbox.width, fig.bbox.height
    out = []
    for text, poly in drawn_shapes(fig):
        beyond = max(-poly[:, 0].min(), -poly[:, 1].min(), poly[:, 0].max() - width,
                     poly[:, 1].max() - height)  # fmt: skip
        if beyond > 0.5:
            out.append(f"{text.get_text()!r} leaves the canvas by {beyond:.0f} px")
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("figure", "given"), _cases())
def test_each_end_of_each_range_renders(figure: Any, given: dict[str, Any]) -> None:
    plot = Plot(figure, **given)
    with theme_context(plot):
        fig = build_figure(plot)
        FigureCanvasAgg(fig)
        save_figure(fig, io.BytesIO(), "png", plot)
        assert _outside(fig) == []


@pytest.mark.slow
@pytest.mark.parametrize("figure", sorted(OPTIONS["frames"].figures))
@pytest.mark.parametrize(("frames", "fps"), [(1, 0.1), (720, 100.0)], ids=["fewest", "most"])
def test_gif_ends_render(figure: Any, frames: int, fps: float) -> None:
    given: dict[str, Any] = {**NEEDS.get(figure, {}), "frames": frames, "fps": fps}
    given["size"] = (200, 200) if figure != "simplex" else (400, 200)
    if figure == "simplex":
        given["descent"] = (3.0, -2.0, 0.0)
    plot = Plot(figure, **given)
    buf = io.BytesIO()
    with theme_context(plot):
        save_figure(build_figure(plot), buf, "gif", plot)
    assert buf.getvalue()[:6] == b"GIF89a"
