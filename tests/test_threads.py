"""swl_viz.plot from several threads at once: each figure comes out byte for byte as it does
when drawn alone, Japanese words included. Building and drawing take one lock, since matplotlib's
settings (rcParams) are one global table."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest

import swl_viz

#: Figures of every kind, both themes and both languages, small enough to draw quickly.
FIGURES: list[tuple[str, dict[str, Any]]] = [
    ("contour", {"t": (0.7, 0.3), "probe": (2.0, -3.0), "size": "560x480"}),
    ("surface", {"lang": "ja", "theme": "dark", "size": "560x480", "step": 2.0}),
    ("slice", {"t": (0.9, 0.1), "lang": "ja", "size": "560x420"}),
    ("pair", {"theme": "dark", "size": "720x400", "step": 2.0}),
    ("quiver", {"lang": "ja", "size": "480x480", "step": 2.0}),
    ("contour", {"lang": "ja", "theme": "dark", "temperature": 3.0, "size": "480x480"}),
]


def _png(figure: str, options: dict[str, Any]) -> bytes:
    fig = swl_viz.plot(figure, **options)
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


@pytest.mark.slow  # about ten seconds: thirty figures
def test_four_threads_draw_what_one_draws() -> None:
    serial = [_png(name, options) for name, options in FIGURES]
    results: dict[tuple[int, int], bytes] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work(worker: int) -> None:
        try:
            start.wait()
            # each thread in its own order, so different figures are built side by side
            order = list(range(len(FIGURES)))
            order = order[worker:] + order[:worker]
            for i in order:
                results[(worker, i)] = _png(*FIGURES[i])
        except BaseException as exc:  # reported below, with the worker's figure
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    differ = [
        (w, FIGURES[i][0], FIGURES[i][1])
        for (w, i), data in sorted(results.items())
        if data != serial[i]
    ]
    assert len(results) == 4 * len(FIGURES)
    assert differ == []


def test_a_figure_saved_in_one_thread_while_another_builds() -> None:
    """A figure made earlier and saved later keeps its own look while another thread builds a
    figure of another theme and language."""
    alone = _png("contour", {"theme": "dark", "lang": "ja", "size": "480x480"})
    fig = swl_viz.plot("contour", theme="dark", lang="ja", size="480x480")
    stop = threading.Event()

    def build() -> None:
        while not stop.is_set():
            swl_viz.plot("slice", theme="light", size="400x300", font_scale=1.25)

    other = threading.Thread(target=build)
    other.start()
    try:
        saved = []
        for _ in range(3):
            out = io.BytesIO()
            fig.savefig(out, format="png", metadata={"Software": None})
            saved.append(out.getvalue())
    finally:
        stop.set()
        other.join(timeout=120)
    assert saved == [alone] * 3


@pytest.mark.parametrize("figure", ["contour", "slice"])
def test_the_lock_is_free_after_an_error(figure: str) -> None:
    with pytest.raises(swl_viz.SwlVizError):
        swl_viz.plot(figure, t=(0.5, 0.6))
    done = threading.Event()

    def again() -> None:
        swl_viz.plot(figure, size="320x240")
        done.set()

    thread = threading.Thread(target=again)
    thread.start()
    thread.join(timeout=120)
    assert done.is_set()
