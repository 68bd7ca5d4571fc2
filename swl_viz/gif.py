"""Animated GIFs of a figure: the 3-D view turning once around, or a point walking down the loss
surface by gradient descent (the backward pass, step after step), or for the losses' comparison
the same descent under each loss side by side.

Frames are encoded as they are drawn, so memory holds about two frames however many there are,
and the bytes are those Pillow's ``first.save(fh, "GIF", save_all=True, append_images=rest)``
writes for the whole sequence: each frame after the first is the part that changed since the one
before, and a frame identical to the one before lengthens that one instead. Only Pillow's public
``Image.save`` encodes; this module cuts its output into blocks as the GIF89a format lays them.
"""

from __future__ import annotations

import io
import struct
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
    last: int | None = None
    moves: Callable[[int], None] | None
    if plot.figure == "losses":  # its descent runs the comparison's steps, given or not
        from swl_viz.mpl.compare import descent_mover

        moves, last = descent_mover(fig, plot, blit=True)  # it draws each frame itself
    elif plot.figure == "simplex":
        moves = _drawn_path_mover(fig)
    else:
        moves = _descent_mover(fig, plot, axes) if plot.descent is not None else None

    def frames() -> Iterator[Image.Image]:
        for n in range(plot.frames) if moves is None else descent_frames(plot, last):
            if moves is None:
                for ax, azim in zip(axes, start, strict=True):
                    turned = azim + 360.0 * n / plot.frames
                    ax.view_init(elev=plot.elev, azim=turned)  # type: ignore[attr-defined]
            else:
                moves(n)
            if last is None:
                canvas.draw()  # type: ignore[no-untyped-call]
            rgb = np.asarray(canvas.buffer_rgba())[..., :3]  # type: ignore[no-untyped-call]
            yield Image.fromarray(rgb).quantize(256, method=Image.Quantize.MEDIANCUT)

    duration = max(1, round(1000 / plot.fps))
    hold = 0 if moves is None else max(HOLD_MS - duration, 0)  # a descent rests at its end
    write_gif(frames(), fh, duration=duration, loop=0, hold=hold)


#: How long a descent's last frame stays, in milliseconds, before the GIF starts again.
HOLD_MS = 2500


def descent_frames(plot: Plot, last: int | None = None) -> list[int]:
    """The descent steps a GIF shows, one a frame: every step, or ``plot.frames`` of them evenly
    spaced, the start and the end always among them. The path has ``plot.steps`` steps unless
    ``last`` says otherwise (the losses' comparison runs its own)."""
    last = plot.steps if last is None else last
    if last + 1 <= plot.frames:
        return list(range(last + 1))
    if plot.frames == 1:  # one frame holds one step: the start
        return [0]
    return sorted({round(k * last / (plot.frames - 1)) for k in range(plot.frames)})


def _descent_mover(fig: Figure, plot: Plot, axes: Sequence[Any]) -> Callable[[int], None]:
    """A point on each 3-D panel, and a function that puts it at step k of the descent: the
    path drawn as far as step k, its end and "after n steps" only on the last frame, and a
    counter with the loss at step k in the figure's top right corner."""
    from swl_viz.marks import sig
    from swl_viz.probe import descent_path
    from swl_viz.words import typeset, words

    assert plot.descent is not None
    path = descent_path(*plot.descent, plot.layer(), lr=plot.lr, steps=plot.steps)
    drawn: dict[str, list[Any]] = {
        gid: [a for a in fig.findobj() if a.get_gid() == gid] for gid in _GROWING
    }
    whole = {id(a): a.get_data_3d() for gid in ("path", "path-steps") for a in drawn[gid]}
    w = words(plot.lang)
    em = float(matplotlib.rcParams["xtick.labelsize"]) * fig.dpi / 72.0
    top = fig.bbox.height - 0.5 * em
    title = fig._suptitle  # type: ignore[attr-defined]  # matplotlib keeps the title here
    if title is not None and title.get_text():  # under the title, at the subtitle's right
        renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
        top = title.get_window_extent(renderer).y0 - 0.3 * em
    counter = fig.text(
        1.0 - 0.6 * em / fig.bbox.width,
        top / fig.bbox.height,
        "",
        ha="right",
        va="top",
        fontsize=matplotlib.rcParams["xtick.labelsize"],
        fontfamily=["DejaVu Sans Mono", "DejaVu Serif"],
        gid="descent-counter",
    )
    z = np.log10(np.maximum(path.loss, 5e-324)) if plot.zscale == "log" else path.loss
    size = 1.6 * float(matplotlib.rcParams["lines.markersize"]) * plot.pixels[1] / 900
    points = [
        ax.plot([path.x0[0]], [path.x1[0]], [z[0]], marker="o", markersize=size, color="#e5007d",
                markeredgecolor="white", linestyle="none", zorder=30)[0]
        for ax in axes
    ]  # fmt: skip

    # the loss padded to its widest over the path: the counter is set flush right, and a
    # shorter number ("9" after "0.3251") moved its whole line sideways from frame to frame
    losses = [sig(float(v)) for v in path.loss]
    wide = max(len(v) for v in losses)

    def move(k: int) -> None:
        for point in points:
            point.set_data_3d([path.x0[k]], [path.x1[k]], [z[k]])
        for gid in ("path", "path-steps"):
            for line in drawn[gid]:
                xs, ys, zs = whole[id(line)]
                line.set_data_3d(xs[: k + 1], ys[: k + 1], zs[: k + 1])
        for gid in ("path-end", "path-end-label"):
            for artist in drawn[gid]:
                artist.set_visible(k == plot.steps)
        counter.set_text(
            typeset(w["gif_step"].format(k=k, n=plot.steps, loss=losses[k].ljust(wide)))
        )

    return move


def _drawn_path_mover(fig: Figure) -> Callable[[int], None]:
    """For a flat figure that drew a descent (the simplex: on the triangle and on the plane): a
    function that shows each panel's path up to step k, with a point at step k. The steps are
    the figure's own drawn lines."""
    panels = []
    size = 1.8 * float(matplotlib.rcParams["lines.markersize"])  # already the canvas's
    for ax in fig.axes:
        lines = {line.get_gid(): line for line in ax.get_lines()}
        if "path" not in lines:
            continue
        x, y = (np.asarray(v, dtype=np.float64) for v in lines["path"].get_data())
        point = ax.plot([x[0]], [y[0]], marker="o", markersize=size, color="#e5007d",
                        markeredgecolor="white", linestyle="none", zorder=30,
                        gid="path-now")[0]  # fmt: skip
        panels.append(([lines["path"], lines.get("path-steps")], point, x, y))

    ends = [a for a in fig.findobj() if a.get_gid() in ("path-end", "path-end-label")]

    def move(k: int) -> None:
        for drawn, point, x, y in panels:
            for line in drawn:
                if line is not None:
                    line.set_data(x[: k + 1], y[: k + 1])
            point.set_data([x[k]], [y[k]])
        for artist in ends:  # the end and "after n steps" on the last frame only
            artist.set_visible(k == len(panels[0][2]) - 1)

    return move


#: What a descent GIF draws as it goes, by the scene's names for them.
_GROWING = ("path", "path-steps", "path-end", "path-end-label")


def write_gif(
    frames: Iterable[PILImage], fh: IO[bytes], duration: int, loop: int = 0, hold: int = 0
) -> None:
    """Encode an animated GIF one frame at a time, holding only the previous frame; the last
    frame stays ``hold`` milliseconds longer than the rest.

    The bytes are those of ``first.save(fh, "GIF", save_all=True, append_images=rest,
    duration=duration, loop=loop)``, which would keep every frame until the end. Pillow writes a
    frame as the difference from the frame before; that depends on those two frames only, so
    each frame is encoded by saving it after its predecessor as a two-frame GIF, and the second
    frame's blocks are kept. Frames are palette images (``Image.quantize``) that carry no
    ``info`` of their own beyond the first's.
    """
    options: dict[str, Any] = {}
    previous: PILImage | None = None  # the last frame that differed from the one before it
    pending: _Frame | None = None  # its blocks, written once its duration is final
    total = 0  # the first frame's duration, while every frame so far is the same picture
    for frame in frames:
        if previous is None:
            info = {
                k: v for k, v in frame.info.items() if isinstance(k, str) and k != "transparency"
            }
            options = {**info, "duration": duration, "loop": loop}
            previous, total = frame, duration
            continue
        header, blocks = _split(_encode_pair(previous, frame, options))
        if len(blocks) == 1:  # the same picture again: show the frame before longer
            if pending is None:
                total += duration
            else:
                pending.duration += duration
            continue
        if pending is None:  # the second picture: the header and the first frame are known now
            fh.write(header)
            fh.write(_Frame(blocks[0], total).encoded())
        else:
            fh.write(pending.encoded())
        pending = _Frame(blocks[1], duration)
        previous = frame
    if previous is None:
        raise ValueError("a GIF needs at least one frame")
    if pending is None:  # one picture only: Pillow writes it as a still image
        previous.save(fh, format="GIF", save_all=True, duration=total + hold, loop=loop)
        return
    pending.duration += hold
    fh.write(pending.encoded())
    fh.write(b";")


def _encode_pair(first: PILImage, second: PILImage, options: dict[str, Any]) -> bytes:
    """``first`` then ``second`` as a GIF, as Pillow writes them: its public ``save``."""
    buf = io.BytesIO()
    first.save(buf, format="GIF", save_all=True, append_images=[second], **options)
    return buf.getvalue()


class _Frame:
    """One frame's blocks: its graphic control extension, if any, and its image. The delay in
    the extension is set when the frame is written, since identical frames after it add theirs
    to it."""

    def __init__(self, blocks: bytes, duration: int) -> None:
        self.blocks = blocks
        self.duration = duration

    def encoded(self) -> bytes:
        """The blocks with the frame's duration as their delay (the extension counts hundredths
        of a second, rounded down as Pillow does); Pillow writes no extension for a frame with
        no delay, transparency or disposal, so one is added when a delay appears."""
        delay = int(self.duration / 10)
        if self.blocks[:2] == b"!\xf9":
            return self.blocks[:4] + struct.pack("<H", delay) + self.blocks[6:]
        if delay == 0:
            return self.blocks
        return b"!\xf9\x04\x00" + struct.pack("<H", delay) + b"\x00\x00" + self.blocks


def _split(data: bytes) -> tuple[bytes, list[bytes]]:
    """A GIF's global header (signature, screen, colour table, loop and comment extensions) and
    its frames, each from its graphic control extension (or image descriptor) to the end of its
    image data, following the GIF89a layout."""
    pos = 13
    if data[10] & 0x80:  # the global colour table
        pos += 3 << ((data[10] & 7) + 1)
    header_end: int | None = None
    end: int | None = None  # where the last frame's image data ended
    frames: list[bytes] = []
    while data[pos] != 0x3B:  # the trailer
        if data[pos] == 0x21:  # an extension: introducer, label, sub-blocks
            if data[pos + 1] == 0xF9 and header_end is None:  # the first frame's control
                header_end = pos
            pos = _skip_sub_blocks(data, pos + 2)
            continue
        if data[pos] != 0x2C:
            raise ValueError(f"unexpected GIF block 0x{data[pos]:02x} at {pos}")
        if header_end is None:
            header_end = pos
        begin = header_end if end is None else end
        flags = data[pos + 9]
        pos += 10
        if flags & 0x80:  # a local colour table
            pos += 3 << ((flags & 7) + 1)
        end = pos = _skip_sub_blocks(data, pos + 1)  # after the LZW minimum code size
        frames.append(data[begin:end])
    if header_end is None:
        raise ValueError("a GIF with no image")
    return data[:header_end], frames


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """The position after the sub-blocks starting at ``pos`` and their zero terminator."""
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1
