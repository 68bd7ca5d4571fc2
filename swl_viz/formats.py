"""A figure's file formats: which one a path asks for, whether a figure can be drawn in it, and
the drawing itself, to bytes, to a file, or to a window.

Files are written to a temporary name in their own folder and renamed into place, so an
interrupted or failing render never leaves a half-written figure. The same inputs give the same
bytes: PNG without the Software tag, SVG with a fixed hash salt and no date, PDF with no dates,
GIF frames encoded in a fixed order (:mod:`swl_viz.gif`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from swl_viz.atomic import write_if_changed
from swl_viz.errors import RunError, SwlVizError
from swl_viz.gif import write_turntable
from swl_viz.mpl import build_figure, theme_context
from swl_viz.options import figure_formats
from swl_viz.plotspec import Plot, format_label

__all__ = [
    "check_format",
    "check_mathtext",
    "describe_figure",
    "output_format",
    "render_bytes",
    "render_to_file",
    "save_figure",
    "show_window",
]

_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


def output_format(plot: Plot, path: Path) -> str:
    """The format a path's suffix asks for, or an error naming ``out``."""
    fmt = path.suffix.lower().lstrip(".")
    allowed = figure_formats(plot.figure)
    if fmt not in allowed:
        raise SwlVizError(
            f"unknown suffix {path.suffix or '(none)'!r} for {plot.figure}; use one of "
            + ", ".join("." + f for f in allowed),
            param="out",
        )
    return fmt


def check_format(plot: Plot, fmt: str) -> None:
    """Refuse a combination that cannot be rendered, before any work starts."""
    plot.check_format(fmt)
    if fmt == "html":
        from swl_viz.web import require_plotly

        require_plotly()
    if plot.title is not None and "$" in plot.title:
        check_mathtext(plot.title, plot.dpi)


def check_mathtext(title: str, dpi: float = 100) -> None:
    """A title may hold mathtext ($\\nabla L$); refuse one that matplotlib cannot draw at
    ``dpi`` (FreeType refuses glyphs under a pixel, as deep fractions at low dpi make)."""
    fig = Figure(figsize=(2, 1), dpi=dpi)
    fig.text(0, 0, title, fontsize=14)
    try:
        FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
    except (ValueError, RuntimeError, RecursionError, OverflowError) as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise SwlVizError(
            f"is not mathtext matplotlib can draw ({lines[-1]}); write \\$ for a dollar sign",
            param="title",
        ) from None


def save_figure(fig: Figure, fh: IO[bytes], fmt: str, plot: Plot) -> None:
    """Write ``fig`` to an open file in ``fmt``, reproducibly."""
    if fmt == "gif":
        write_turntable(fig, fh, plot)
        return
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    metadata = dict(_METADATA[fmt])
    # the figure in words, for a reader who cannot see it (--alt-text prints it)
    if fmt == "png":
        metadata["Description"] = describe_figure(plot)
    fig.savefig(fh, format=fmt, transparent=plot.transparent, metadata=metadata, **extra)


def describe_figure(plot: Plot) -> str:
    """What ``plot`` shows, in words: the simplex's own description (three logits, two
    panels), the loss comparison's, or the one of a figure of the plane."""
    if plot.figure == "simplex":
        from swl_viz.simplex import describe_simplex

        return describe_simplex(plot)
    if plot.figure == "losses":  # the comparison's own words: three losses, not one surface
        from swl_viz.compare import compare_losses
        from swl_viz.web.compare import describe

        return describe(plot, compare_losses(plot))
    from swl_viz.web.describe import alt_text

    return alt_text(plot)


def render_bytes(plot: Plot, fmt: str, *, plotly: str = "inline") -> bytes:
    """Compute, draw and encode one figure, returning the file's bytes. An HTML page inlines
    plotly.js, or with ``plotly="shared"`` loads the plotly.min.js an export writes beside it."""
    if fmt == "html" and plot.figure == "losses":
        from swl_viz.web.compare import losses_html

        return losses_html(plot)
    if fmt == "html" and plot.figure == "simplex":
        from swl_viz.web.simplex import simplex_html

        return simplex_html(plot)
    if fmt == "html":
        from swl_viz.web import render_html

        return render_html(plot, "shared" if plotly == "shared" else "inline")
    with theme_context(plot):
        fig = build_figure(plot)
        buf = io.BytesIO()
        save_figure(fig, buf, fmt, plot)
    return buf.getvalue()


def render_to_file(plot: Plot, path: Path, fmt: str | None = None) -> Path:
    """Render ``plot`` to ``path`` atomically; the format follows the suffix unless given."""
    fmt = fmt or output_format(plot, path)
    check_format(plot, fmt)
    write_if_changed(path, render_bytes(plot, fmt))
    return path


def show_window(plot: Plot) -> None:
    """Open ``plot`` in an interactive window: pyplot, which only this and the explorer use."""
    with theme_context(plot):
        import matplotlib.pyplot as plt

        if matplotlib.get_backend().lower() in ("agg", "pdf", "svg", "ps", "cairo", "template"):
            raise RunError(
                "no interactive matplotlib backend; install Tk (python3-tk) or use --out",
                param="show",
            )
        fig = plt.figure(figsize=plot.figsize, dpi=plot.dpi)
        build_figure(plot, fig=fig)
        manager = fig.canvas.manager
        if manager is not None:
            manager.set_window_title(f"swl-viz {plot.figure} t={format_label(plot.t)}")
        plt.show()
        plt.close(fig)
