"""Animated GIFs of a figure: the 3-D view turning once around, or a point walking down the loss
surface by gradient descent (the backward pass, step after step). Frames are encoded as they are
drawn, so memory holds about two frames however many there are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from swl_viz.plotspec import Plot

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = ["descent_frames", "write_gif", "write_turntable"]


def write_turntable(fig: Figure, fh: IO[bytes], plot: Plot) -> None:
    """A GIF of the 3-D axes turning once around, ``plot.frames`` frames at ``plot.fps``; with a
    descent, the view stays and the point moves down the surface instead (see
    :func:`descent_frames`).

    Each frame goes to the encoder as soon as it is drawn, so memory stays at about two frames
    however many there are.
    """
    from PIL import Image  # Pillow comes with matplotlib

    canvas = FigureCanvasAgg(fig)
    axes = [ax for ax in fig.axes if ax.name == "3d"]
    start = [float(ax.azim) for ax in axes]  # type: ignore[attr-defined]  # the figure's view
    moves = _descent_mover(plot, axes) if plot.descent is not None else None

    def frames() -> Iterator[Image.Image]:
        for n in range(plot.frames) if moves is None else descent_frames(plot):
            if moves is None:
                for ax, azim in zip(axes, start, strict=True):
                    turned = azim + 360.0 * n / plot.frames
                    ax.view_init(elev=plot.elev, azim=turned)  # type: ignore[attr-defined]
            else:
                moves(n)
            canvas.draw()  # type: ignore[no-untyped-call]
            rgb = np.asarray(canvas.buffer_rgba())[..., :3]  # type: ignore[no-untyped-call]
            yield Image.fromarray(rgb).quantize(256, method=Image.Quantize.MEDIANCUT)

    write_gif(frames(), fh, duration=max(1, round(1000 / plot.fps)), loop=0)


def descent_frames(plot: Plot) -> list[int]:
    """The descent steps a GIF shows, one a frame: every step, or ``plot.frames`` of them evenly
    spaced, the start and the end always among them."""
    last = plot.steps
    if last + 1 <= plot.frames:
        return list(range(last + 1))
    return sorted({round(k * last / (plot.frames - 1)) for k in range(plot.frames)})


def _descent_mover(plot: Plot, axes: Sequence[Any]) -> Callable[[int], None]:
    """A point on each 3-D panel, and a function that puts it at step k of the descent."""
    from swl_viz.probe import descent_path

    assert plot.descent is not None
    path = descent_path(
        *plot.descent, plot.t, lr=plot.lr, steps=plot.steps, logits=plot.logits, axes=plot.axes,
        label_smoothing=plot.label_smoothing, temperature=plot.temperature, variant=plot.variant,
    )  # fmt: skip
    z = np.log10(np.maximum(path.loss, 5e-324)) if plot.zscale == "log" else path.loss
    size = 1.6 * float(matplotlib.rcParams["lines.markersize"]) * plot.pixels[1] / 900
    points = [
        ax.plot([path.x0[0]], [path.x1[0]], [z[0]], marker="o", markersize=size, color="#e5007d",
                markeredgecolor="white", linestyle="none", zorder=30)[0]
        for ax in axes
    ]  # fmt: skip

    def move(k: int) -> None:
        for point in points:
            point.set_data_3d([path.x0[k]], [path.x1[k]], [z[k]])

    return move


def write_gif(frames: Iterable[PILImage], fh: IO[bytes], duration: int, loop: int = 0) -> None:
    """Encode an animated GIF one frame at a time, holding only the previous frame.

    The bytes are those of Pillow's ``first.save(fh, "GIF", save_all=True,
    append_images=rest, duration=duration, loop=loop)``, which keeps every frame until the end:
    each frame is written as the part that changed since the previous one, and a frame identical
    to the one before lengthens that one instead. This follows Pillow's own GIF writer step by
    step, through its helpers, for palette frames with no transparency and no disposal.
    """
    from PIL import GifImagePlugin as gif
    from PIL import ImageChops

    base: dict[str, Any] = {"duration": duration, "loop": loop, "optimize": True}
    first: PILImage | None = None
    previous: PILImage | None = None
    pending: tuple[PILImage, tuple[int, int, int, int] | None, dict[str, Any]] | None = None
    written = 0

    def emit(im: PILImage, bbox: tuple[int, int, int, int] | None, info: dict[str, Any]) -> None:
        offset = (0, 0)
        if not bbox:
            for chunk in gif._get_global_header(im, info):
                fh.write(chunk)
        else:
            info["include_color_table"] = True
            if bbox != (0, 0, *im.size):
                im = im.crop(bbox)
            offset = bbox[:2]
        gif._write_frame_data(fh, im, offset, info)

    for n, frame in enumerate(frames):
        if first is None:
            first = frame.copy()
        im = gif._normalize_mode(frame.copy())
        if n == 0:
            for k, v in im.info.items():
                if k != "transparency" and isinstance(k, str):
                    base.setdefault(k, v)
        info = base.copy()
        if "transparency" in im.info:
            info.setdefault("transparency", im.info["transparency"])
        im = gif._normalize_palette(im, None, info)
        diff: PILImage | None = None
        bbox: tuple[int, int, int, int] | None = None
        if pending is not None and previous is not None:
            delta, bbox = gif._getbbox(previous, im)
            if not bbox:  # the same picture again: show the previous frame longer
                pending[2]["duration"] = pending[2].get("duration", 0) + info["duration"]
                continue
            if im.mode != "1":
                if "transparency" not in info and im.palette is not None:
                    with contextlib.suppress(ValueError):
                        info["transparency"] = im.palette._new_color_index(im)
                if "transparency" in info:  # unchanged pixels become transparent
                    if delta.mode == "RGBA":
                        r, g, b, a = delta.split()
                        delta = ImageChops.lighter(
                            ImageChops.lighter(r, g), ImageChops.lighter(b, a)
                        )
                    unchanged = delta.point([255, *(0,) * 255], "1")
                    diff = im.copy()
                    diff.paste(info["transparency"], mask=unchanged)
        previous = im
        if pending is not None:
            emit(*pending)
            written += 1
        pending = (diff or im, bbox, info)
    if pending is None or first is None:
        raise ValueError("a GIF needs at least one frame")
    if written == 0:  # one picture only: Pillow writes it as a still image
        first.save(fh, format="GIF", save_all=True, duration=pending[2]["duration"], loop=loop)
        return
    emit(*pending)
    fh.write(b";")
