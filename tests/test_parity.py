"""The web page draws the scene, all of it and nothing else: the parity of swl_viz.web with
swl_viz.scene.

For every figure with a page, with a probe, a descent path, label smoothing, the book's variant,
a log axis and three classes, the figure dict must carry exactly the scene's words (``plain()``
of each), its lines by role at the same coordinates (to float32 precision), its points and
arrows, its grid's z values, its arrow field, its title, and a camera whose eye gives back the
scene's view. The last tests break the scene the page is drawn from and see each check fail.
(What the page draws once the reader moves a control is its own script's: tests/test_web_live.py
checks it against the layer in the browser.)
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from slides_tools import strings as _strings

import swl_viz.web as web
import swl_viz.web.page as web_page
from swl_viz.plotspec import FigureKind, Plot
from swl_viz.scene import build_scene
from swl_viz.shapes import Panel, Scene
from swl_viz.words import plain

FIGURES: tuple[FigureKind, ...] = ("surface", "quiver", "contour", "pair")
CASES: dict[str, dict[str, Any]] = {
    "probe-descent": {"probe": (2.0, -3.0), "descent": (-6.0, 4.0)},
    "smoothing": {"t": (0.3, 0.7), "label_smoothing": 0.1, "probe": (-4.0, 5.0)},
    "book": {"variant": "book", "descent": (3.0, -2.0), "probe": (8.0, -8.0)},
    "slides-key": {"preset": "slides", "probe": (2.0, -3.0), "t": (0.3, 0.7)},
    "log": {"zscale": "log", "t": (0.25, 0.75), "descent": (5.0, -5.0), "steps": 20},
    "three-classes": {
        "t": (0.2, 0.5, 0.3),
        "logits": (0.0, -3.0, 0.0),
        "axes": (2, 0),
        "probe": (1.0, 1.0),
        "descent": (-3.0, 6.0),
    },
}


def _unweb(text: str) -> str:
    """A page's text back as the scene wrote it (after ``plain``)."""
    return html.unescape(text.replace("<br>", "\n")).replace("\xa0", " ")


def _panel_of(trace: dict[str, Any], scene: Scene) -> int:
    """The panel a trace is drawn in: the 3-D scene's, or the plane's."""
    three_d = "scene" in trace
    return next(n for n, p in enumerate(scene.panels) if p.three_d == three_d)


def _close(got: Any, want: Any, scale: float, what: str) -> None:
    """Equal to float32 precision (NaN gaps in the same places)."""
    got = np.asarray(got, dtype=np.float64).ravel()
    want = np.asarray(want, dtype=np.float64).ravel()
    assert got.shape == want.shape, f"{what}: {got.shape} points, the scene has {want.shape}"
    np.testing.assert_allclose(got, want, rtol=2e-7, atol=2e-7 * scale, err_msg=what)


def _joined(parts: list[Any]) -> Any:
    out: list[Any] = []
    for n, part in enumerate(parts):
        if n:
            out.append([np.nan])
        out.append(np.asarray(part, dtype=np.float64).ravel())
    return np.concatenate(out) if out else np.empty(0)


def _check_marks(scene: Scene, styles: list[dict[str, Any]], data: list[dict[str, Any]]) -> None:
    """Lines, points and arrows of each panel, role by role, against the traces' data."""
    span = scene.zrange[1] - scene.zrange[0]
    for n, panel in enumerate(scene.panels):
        keys = ("x", "y", "z") if panel.three_d else ("x", "y")
        scale = max(abs(float(panel.grid.x0[0, 0])), abs(float(panel.grid.x0[0, -1])), span)
        mine = [(s, d) for s, d in zip(styles, data, strict=True) if _panel_of(s, scene) == n]
        marks = {s["meta"]: d for s, d in mine if "meta" in s}
        line_roles = {line.role for line in panel.lines}
        point_roles = {p.role for p in panel.points}
        arrow_roles = {a.role for a in panel.arrows}
        for role, trace in marks.items():
            if role.endswith(("-outline", "-head")):
                continue
            assert role in line_roles | point_roles | arrow_roles or len(trace["x"]) == 0, role
        for role in line_roles:
            assert role in marks, f"no trace draws the {role} lines"
            lines = [line for line in panel.lines if line.role == role]
            for key in keys:
                want = _joined([getattr(line, key) for line in lines])
                if key == "z":  # drawn a little above the surface, so WebGL does not hide it
                    want = want + web.LINE_LIFT * span
                _close(marks[role][key], want, scale, f"{role} line {key}")
            if role in web.OUTLINED:
                _close(marks[f"{role}-outline"]["x"], _joined([x.x for x in lines]), scale, role)
        for role in point_roles:
            assert role in marks, f"no trace draws the {role} points"
            points = [p for p in panel.points if p.role == role]
            for i, key in enumerate(keys):
                _close(marks[role][key], [p.at[i] for p in points], scale, f"{role} {key}")
        for role in arrow_roles:
            assert role in marks, f"no trace draws the {role} arrows"
            arrows = [a for a in panel.arrows if a.role == role]
            for i, key in enumerate(keys):
                tails = np.array([a.tail[i] for a in arrows])
                tips = tails + np.array([a.vector[i] for a in arrows])
                want = np.column_stack([tails, tips, np.full_like(tails, np.nan)]).ravel()
                _close(marks[role][key], want, scale, f"{role} {key}")
            if panel.three_d:
                head = marks[f"{role}-head"]
                for i, key in enumerate(keys):
                    tips = np.array([a.tail[i] + a.vector[i] for a in arrows])
                    _close(head[key], tips, scale, f"{role} head {key}")
                    vec = np.array([a.vector[i] for a in arrows]) * web.HEAD_SHARE
                    _close(head["uvw"[i]], vec, scale, f"{role} head {'uvw'[i]}")
            else:  # a head at each tip
                sizes = np.asarray(marks[role]["marker"]["size"]).reshape(-1, 3)
                assert (sizes[:, 1] > 0).all() and (sizes[:, [0, 2]] == 0).all()


def _check_grids(scene: Scene, styles: list[dict[str, Any]], data: list[dict[str, Any]]) -> None:
    """Each panel's z values at the shown points are the scene's, and its arrows the scene's."""
    for style, trace in zip(styles, data, strict=True):
        panel = scene.panels[_panel_of(style, scene)]
        if style["type"] in ("surface", "contour"):
            cols = np.nonzero(np.isin(panel.grid.x0[0, :], style["x"]))[0]
            rows = np.nonzero(np.isin(panel.grid.x1[:, 0], style["y"]))[0]
            assert cols.size == len(style["x"]) and rows.size == len(style["y"])
            want = panel.z[np.ix_(rows, cols)]
            np.testing.assert_allclose(np.asarray(trace["z"], dtype=np.float64), want, rtol=2e-7)
        elif style.get("legendgroup") == "backward" and style["type"] != "cone":
            _check_field(panel, trace)


def _check_field(panel: Panel, trace: dict[str, Any]) -> None:
    field = panel.field
    assert field is not None
    keys = ("x", "y", "z") if panel.three_d else ("x", "y")
    comps = ("u", "v", "w")
    drawn = {k: np.asarray(trace[k], dtype=np.float64).reshape(-1, 3) for k in keys}
    assert len(drawn["x"]) > 0
    tails = {
        (np.float32(x), np.float32(y)): i
        for i, (x, y) in enumerate(zip(field.x.ravel(), field.y.ravel(), strict=True))
    }
    for row in range(len(drawn["x"])):
        at = tails[(np.float32(drawn["x"][row, 0]), np.float32(drawn["y"][row, 0]))]
        for key, comp in zip(keys, comps, strict=False):
            base = getattr(field, key).ravel()[at]
            step = getattr(field, comp).ravel()[at]
            want = [base, base + step]
            np.testing.assert_allclose(drawn[key][row, :2], want, rtol=1e-6, atol=1e-6)


def _check_words(scene: Scene, notes: list[dict[str, Any]], in_scene: list[dict[str, Any]]) -> None:
    """The visible annotations are exactly the scene's subtitles, labels and key, in Unicode."""
    want = [plain(p.subtitle) for p in scene.panels]
    want += [plain(label.text) for p in scene.panels for label in p.labels]
    if scene.key:
        want.append("\n".join(plain(line) for line in scene.key))
    got = [_unweb(a["text"]) for a in [*notes, *in_scene] if a.get("visible", True)]
    assert sorted(got) == sorted(want)


def check_page(plot: Plot, spec: dict[str, Any], scene: Scene) -> None:
    """``spec`` (a figure dict of ``plot``) draws ``scene``."""
    layout = spec["layout"]
    styles = spec["data"]
    title = "" if scene.title is None else plain(scene.title)
    assert _unweb(layout["title"]["text"]) == title
    assert not [s for s in _strings(spec) if "$" in s]
    _check_words(scene, layout["annotations"], layout.get("scene", {}).get("annotations", []))
    _check_marks(scene, styles, styles)
    _check_grids(scene, styles, styles)
    if any(p.three_d for p in scene.panels):
        eye = layout["scene"]["camera"]["eye"]
        elev = math.degrees(math.atan2(eye["z"], math.hypot(eye["x"], eye["y"])))
        azim = math.degrees(math.atan2(eye["y"], eye["x"])) % 360.0
        assert elev == pytest.approx(scene.view[0], abs=1e-9)
        assert azim == pytest.approx(scene.view[1] % 360.0, abs=1e-9)
        lo, hi = layout["scene"]["zaxis"]["range"]
        assert lo <= scene.zrange[0] and hi >= scene.zrange[1]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("figure", FIGURES)
def test_the_page_draws_the_scene(figure: FigureKind, case: str) -> None:
    plot = Plot(figure=figure, **CASES[case])
    scene = build_scene(plot)
    assert any(p.labels for p in scene.panels)
    check_page(plot, web.figure_dict(plot), scene)


@pytest.mark.parametrize("options", [{"lang": "ja", "theme": "dark"}, {"title": "Lecture 5"}])
def test_words_and_themes_keep_the_parity(options: dict[str, Any]) -> None:
    plot = Plot(figure="pair", probe=(2.0, -3.0), descent=(-6.0, 4.0), **options)
    check_page(plot, web.figure_dict(plot), build_scene(plot))


@pytest.mark.parametrize("detail", range(1, len(web.DETAILS) - 1))
def test_coarser_samplings_keep_every_mark(detail: int) -> None:
    """A page sampled more coarsely for its size thins the grids and fields, never a mark."""
    plot = Plot(figure="pair", variant="book", probe=(2.0, -3.0), descent=(-6.0, 4.0), step=0.5)
    check_page(plot, web.figure_dict(plot, detail), build_scene(plot))


# ---- the checks can fail ------------------------------------------------------------------------


def _broken(kind: str) -> Callable[..., Scene]:
    """build_scene, with one piece of the first panel changed or taken away."""
    real = build_scene

    def build(plot: Plot, grids: Any = None) -> Scene:
        scene = real(plot, grids)
        p = scene.panels[0]
        if kind == "view":
            return dataclasses.replace(scene, view=(scene.view[0], scene.view[1] + 15.0))
        if kind == "title":
            return dataclasses.replace(scene, title="Softmax with Loss Layer")
        if kind == "label":
            p = dataclasses.replace(p, labels=p.labels[:-1])
        elif kind == "line":
            moved = [
                dataclasses.replace(x, x=x.x + 0.5) if x.role == "path" else x for x in p.lines
            ]
            p = dataclasses.replace(p, lines=tuple(moved))
        elif kind == "point":
            p = dataclasses.replace(p, points=p.points[1:])
        elif kind == "arrow":
            p = dataclasses.replace(p, arrows=())
        elif kind == "z":
            p = dataclasses.replace(p, z=p.z * 1.001)
        return dataclasses.replace(scene, panels=(p, *scene.panels[1:]))

    return build


@pytest.mark.parametrize(
    ("figure", "kind"),
    [("quiver", "view")]
    + [
        (f, k)
        for f in ("quiver", "contour")
        for k in ("label", "line", "point", "arrow", "title", "z")
    ],
)
def test_a_page_that_misses_a_piece_fails_the_check(
    monkeypatch: pytest.MonkeyPatch, figure: FigureKind, kind: str
) -> None:
    plot = Plot(figure=figure, t=(0.3, 0.7), probe=(2.0, -3.0), descent=(-6.0, 4.0))
    monkeypatch.setattr(web_page, "build_scene", _broken(kind))
    spec = web.figure_dict(plot)
    monkeypatch.undo()
    with pytest.raises(AssertionError):
        check_page(plot, spec, build_scene(plot))
