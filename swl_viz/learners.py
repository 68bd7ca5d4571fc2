"""The numbers behind the pictures, for learners: the worked example, a gradient check, raw data.

numpy only, like the core: ``swl-viz demo`` and ``swl-viz check`` never import matplotlib.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import stat
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from swl_viz.atomic import atomic_write
from swl_viz.errors import SwlVizError
from swl_viz.grid import LossGrid, check_work, grid_axis, loss_grid
from swl_viz.layer import Layer
from swl_viz.maths import (
    BOOK_DELTA,
    FloatArray,
    Loss,
    Variant,
    _split,
    prepare_labels,
    softmax_with_loss,
)

__all__ = [
    "SEED_A",
    "SEED_T",
    "CheckResult",
    "WorkedExample",
    "column_chunks",
    "data_columns",
    "gradient_check",
    "grid_column",
    "grid_table",
    "load_batch",
    "row_chunks",
    "worked_example",
    "write_data",
]

#: The seed note's batch: 3 samples, 10 classes (5.6.3).
SEED_A = np.array(
    [
        [1.0, 3.0, 5.0, 7.0, 9.0, 1.5, 3.5, 5.5, 7.5, 9.5],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [-10.0, -8.0, -6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0],
    ]
)
SEED_T = np.zeros((3, 10))
SEED_T[0, 7] = SEED_T[1, 4] = SEED_T[2, 9] = 1.0


@dataclass(frozen=True)
class WorkedExample:
    """Forward and backward of the layer on one batch, exact and as the book computes it."""

    a: FloatArray
    t: FloatArray
    y: FloatArray
    loss: float  # mean of -sum t log y
    loss_book: float  # mean of -sum t log(y + 1e-7)
    grad: FloatArray  # (Y - T) / N
    #: loss - loss_book, computed as the mean of sum t log(1 + 1e-7 / y): every term positive,
    #: so no digits cancel (subtracting the two rounded means keeps about 10 of 16)
    difference: float = math.nan

    def as_json(self) -> dict[str, Any]:
        """The example as JSON values: a number that is not finite becomes null, never NaN."""
        return {
            "A": _json_numbers(self.a),
            "T": _json_numbers(self.t),
            "Y": _json_numbers(self.y),
            "loss": _json_number(self.loss),
            "loss_book": _json_number(self.loss_book),
            "difference": _json_number(self.difference),
            "dA": _json_numbers(self.grad),
        }


def _json_number(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _json_numbers(m: FloatArray) -> list[list[float | None]]:
    rows: list[list[float]] = m.tolist()
    if np.isfinite(m).all():
        return rows  # type: ignore[return-value]
    return [[_json_number(v) for v in row] for row in rows]


def worked_example(a: FloatArray | None = None, t: FloatArray | None = None) -> WorkedExample:
    """The seed's 3 x 10 example, or the given batch (N x K logits, one-hot, soft or index t).

    Errors name the logits (``logits``) or the labels (``labels``) at fault.
    """
    a = SEED_A if a is None else a
    t = SEED_T if t is None else t
    if a.shape[0] == 0:
        raise SwlVizError("the batch holds no samples (N = 0)", param="logits")
    if t.shape[0] != a.shape[0] or (t.ndim == 2 and t.shape != a.shape):
        raise SwlVizError(
            f"labels of shape {t.shape} do not match logits of shape {a.shape}", param="labels"
        )
    try:
        probs = prepare_labels(t, a.shape)
    except SwlVizError as exc:  # the core names its t; here the labels come from --labels
        raise SwlVizError(str(exc).replace("t must", "labels must"), param="labels") from None
    with np.errstate(all="ignore"):  # what overflows is reported as null, not as a warning
        per_sample, grad = softmax_with_loss(a, probs)
        book = softmax_with_loss(a, probs, variant="book")[0]
        split = _split(np.asarray(a, dtype=np.float64), 1)
        # log(y + d) - log y = log(1 + d / y) = logaddexp(0, log d - log y), for each t > 0
        gain = np.logaddexp(0.0, math.log(BOOK_DELTA) + split.neg_log_y)
        difference = np.where(probs > 0, probs * gain, 0.0).sum(axis=1)
    n = a.shape[0]
    return WorkedExample(
        a=a,
        t=np.array(probs),
        y=split.y,
        loss=_mean(per_sample),
        loss_book=_mean(book),
        grad=grad / n,
        difference=_mean(difference),
    )


def _mean(values: FloatArray) -> float:
    """The mean, correctly rounded but for the division; never overflowing where the sum
    would (losses near the largest double)."""
    try:
        return math.fsum(values.tolist()) / values.size
    except OverflowError:
        return math.fsum((values / values.size).tolist())


LABELS_AS = ("auto", "index", "onehot")


def load_batch(path: Path, param: str, labels: bool = False, labels_as: str = "auto") -> FloatArray:
    """Read an N x K batch from .npy or .csv; a first CSV line that is not numbers is a header.

    Labels may be N x K probabilities (one-hot or soft) or N class indices: one per line, or one
    row. ``labels_as="auto"`` reads a single column as indices, and a single row as one label
    when it is a probability vector (each in [0, 1], summing to 1), else as indices; "index" and
    "onehot" decide outright.
    """
    if labels_as not in LABELS_AS:
        raise SwlVizError(f"must be one of {', '.join(LABELS_AS)}", param="labels_as")
    suffix = path.suffix.lower()
    if suffix not in (".npy", ".csv"):
        raise SwlVizError(f"use a .npy or .csv file, got {path.name!r}", param=param)
    try:
        with _regular_file(path, param) as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # loadtxt's "no data": said below, in one line
            if suffix == ".npy":
                _check_npy_size(fh, path, param)
                arr = np.load(fh, allow_pickle=False)
            else:
                skip = _header_rows(fh)
                arr = np.loadtxt(fh, delimiter=",", ndmin=2, skiprows=skip)
    except (OSError, ValueError, EOFError) as exc:
        if isinstance(exc, SwlVizError):
            raise
        raise SwlVizError(f"cannot read {path.name!r}: {exc}", param=param) from None
    if arr.dtype.kind not in "biuf":
        raise SwlVizError(f"{path.name!r} must hold numbers", param=param)
    if arr.size > MAX_BATCH_VALUES:
        raise _too_big(path, param)
    if arr.size == 0:
        raise SwlVizError(f"{path.name!r} holds no numbers", param=param)
    if labels and arr.ndim == 2 and suffix == ".csv":
        if arr.shape[1] == 1 and labels_as != "onehot":
            arr = arr[:, 0]  # one index per line
        elif arr.shape[0] == 1 and (
            labels_as == "index" or (labels_as == "auto" and not _is_probability_row(arr[0]))
        ):
            arr = arr[0]  # one row of indices
    if labels and arr.ndim == 1 and labels_as != "onehot":
        if not np.all(np.mod(arr, 1) == 0):
            raise SwlVizError("1-D labels must be class indices (whole numbers)", param=param)
        indices: FloatArray = arr.astype(np.int64)  # class indices, as the book accepts
        return indices
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise SwlVizError(
            f"{path.name!r} must be N x K with K >= 2 classes, got shape {arr.shape}", param=param
        )
    if not np.isfinite(arr).all():
        raise SwlVizError(f"{path.name!r} holds NaN or inf", param=param)
    return arr


#: The most numbers a batch file may hold (N x K), checked before they are read: 10,000
#: samples of 10 classes, a whole MNIST test set. demo is for looking at a batch; its JSON
#: holds four matrices of that size, some 10 MB, printed in about a second.
MAX_BATCH_VALUES = 100_000
#: The largest CSV batch file read: that many numbers at full precision, with room to spare.
MAX_BATCH_CSV_BYTES = 8 << 20


def _too_big(path: Path, param: str) -> SwlVizError:
    return SwlVizError(
        f"{path.name!r} holds more than {MAX_BATCH_VALUES:,} numbers; demo shows a batch of "
        "at most that many (N x K)",
        param=param,
    )


@contextlib.contextmanager
def _regular_file(path: Path, param: str) -> Iterator[IO[bytes]]:
    """``path`` opened for reading if it is a regular file (never waiting on a FIFO); a CSV
    over MAX_BATCH_CSV_BYTES is refused before it is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SwlVizError(f"no such file: {str(path)!r}", param=param) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SwlVizError(f"{str(path)!r} is not a regular file", param=param)
        if path.suffix.lower() == ".csv" and st.st_size > MAX_BATCH_CSV_BYTES:
            raise _too_big(path, param)
        yield fh


def _check_npy_size(fh: IO[bytes], path: Path, param: str) -> None:
    """Refuse a .npy file of more than MAX_BATCH_VALUES numbers from its header alone."""
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape = np.lib.format.read_array_header_1_0(fh)[0]
    else:
        shape = np.lib.format.read_array_header_2_0(fh)[0]
    if math.prod(shape) > MAX_BATCH_VALUES:
        raise _too_big(path, param)
    fh.seek(0)


def _header_rows(fh: IO[bytes]) -> int:
    """1 when the CSV's first line is a header (not all numbers), else 0."""
    first = fh.readline(1 << 16).decode("utf-8", "replace")
    fh.seek(0)
    try:
        [float(cell) for cell in first.split(",") if cell.strip()]
    except ValueError:
        return 1
    return 0


def _is_probability_row(row: FloatArray) -> bool:
    return bool(np.all((row >= 0) & (row <= 1))) and math.isclose(float(row.sum()), 1.0)


# ---- gradient check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """Analytic gradient against central differences of the loss, over a whole grid."""

    max_error: float
    where: tuple[float, float]  # (x0, x1) of the worst point
    analytic: tuple[float, float]
    numeric: tuple[float, float]
    loss_there: float
    noise: float  # rounding noise of the difference quotient, about eps * |L| / h
    points: int
    h: float
    axes: tuple[int, int] = (0, 1)
    variant: str = "exact"
    #: the largest |analytic gradient| component on the grid: what a relative error is of
    scale: float = 0.0
    #: the loss after the softmax: "ce", "mse" or "focal" (with its gamma)
    loss: str = "ce"
    gamma: float = 2.0


def gradient_check(
    lo: float,
    hi: float,
    step: float,
    t: Any,
    *,
    h: float = 1e-5,
    logits: Any = None,
    axes: tuple[int, int] = (0, 1),
    label_smoothing: float = 0.0,
    temperature: float = 1.0,
    variant: Variant = "exact",
    loss: Loss = "ce",
    gamma: float = 2.0,
) -> CheckResult:
    """Compare dL/dx0 and dL/dx1 with (L(x + h) - L(x - h)) / 2h at every grid point."""
    if not (math.isfinite(h) and 0.0 < h <= 1.0):
        raise SwlVizError(f"must be a number in (0, 1], got {h:g}", param="h")
    check_work(grid_axis(lo, hi, step).size, len(np.atleast_1d(t)), passes=5)
    grid = loss_grid(
        lo, hi, step, t, logits=logits, axes=axes, label_smoothing=label_smoothing,
        temperature=temperature, variant=variant, loss=loss, gamma=gamma,
    )  # fmt: skip
    labels = np.asarray(t, dtype=np.float64)

    def loss_at(a: FloatArray) -> FloatArray:
        return softmax_with_loss(
            a, labels, label_smoothing=label_smoothing, temperature=temperature, variant=variant,
            loss=loss, gamma=gamma,
        )[0]  # fmt: skip

    worst = -1.0
    scale = float(max(np.abs(grid.grad0).max(), np.abs(grid.grad1).max()))
    found: tuple[Any, ...] = ()
    rows_per_block = max(1, (1 << 20) // (grid.shape[1] * grid.k))
    for r0 in range(0, grid.shape[0], rows_per_block):
        a = _stacked_rows(grid, slice(r0, r0 + rows_per_block))
        numeric = []
        for axis in grid.axes:
            a[..., axis] += h
            up = loss_at(a)
            a[..., axis] -= 2 * h
            down = loss_at(a)
            a[..., axis] += h
            numeric.append((up - down) / (2 * h))
        sl = slice(r0, r0 + rows_per_block)
        err = np.maximum(np.abs(numeric[0] - grid.grad0[sl]), np.abs(numeric[1] - grid.grad1[sl]))
        if not np.isfinite(err).all():
            raise SwlVizError(
                "the loss overflowed on this grid; use a smaller range", param="range"
            )
        idx = np.unravel_index(int(np.argmax(err)), err.shape)
        if err[idx] > worst:
            worst = float(err[idx])
            r, c = r0 + int(idx[0]), int(idx[1])
            found = (r, c, float(numeric[0][idx]), float(numeric[1][idx]))
    r, c, n0, n1 = found
    eps = float(np.finfo(np.float64).eps)
    return CheckResult(
        max_error=worst,
        where=(float(grid.x0[r, c]), float(grid.x1[r, c])),
        analytic=(float(grid.grad0[r, c]), float(grid.grad1[r, c])),
        numeric=(n0, n1),
        loss_there=float(grid.loss[r, c]),
        noise=4 * eps * float(np.abs(grid.loss).max()) / h,
        points=grid.loss.size,
        h=h,
        axes=grid.axes,
        variant=grid.variant,
        scale=scale,
        loss=loss,
        gamma=gamma,
    )


def _stacked_rows(grid: LossGrid, rows: slice) -> FloatArray:
    x0, x1 = grid.x0[rows], grid.x1[rows]
    a = np.empty((*x0.shape, grid.k))
    a[...] = grid.logits
    a[..., grid.axes[0]] = x0
    a[..., grid.axes[1]] = x1
    return a


# ---- raw data ----------------------------------------------------------------------------------

DATA_FORMATS = ("csv", "npz", "json")


#: Grid points per block when the data is streamed: a few MB of numbers and their text at a
#: time, however dense the grid.
DATA_BLOCK_POINTS = 1 << 16


def data_columns(grid: LossGrid) -> list[str]:
    """The column names of the grid's data, after the logits that vary (i, j) as the figures
    label them: xi, xj, loss, gradi, gradj, y0 .. y{K-1}. For the default axes: x0, x1, loss,
    grad0, grad1, y0, y1."""
    return list(_grid_arrays(grid)) + [f"y{k}" for k in range(grid.k)]


def _grid_arrays(grid: LossGrid) -> dict[str, FloatArray]:
    i, j = grid.axes
    return {
        f"x{i}": grid.x0, f"x{j}": grid.x1, "loss": grid.loss,
        f"grad{i}": grid.grad0, f"grad{j}": grid.grad1,
    }  # fmt: skip


def _row_blocks(grid: LossGrid, points: int | None) -> Iterator[slice]:
    rows, cols = grid.shape
    per_block = max(1, (points or DATA_BLOCK_POINTS) // cols)
    for r0 in range(0, rows, per_block):
        yield slice(r0, min(r0 + per_block, rows))


def _probability_rows(grid: LossGrid, rows: slice) -> FloatArray:
    """softmax(a / T) on some rows of the grid, as (points, K): the rows of
    ``grid.probabilities()``, bit for bit, without the whole (rows, cols, K) array."""
    y: FloatArray = _split(_stacked_rows(grid, rows), 2, grid.temperature).y  # as the grid does
    return y.reshape(-1, grid.k)


def column_chunks(grid: LossGrid, name: str, points: int | None = None) -> Iterator[FloatArray]:
    """One column of the grid's data, a block of rows at a time, in meshgrid order."""
    arrays = _grid_arrays(grid)
    for rows in _row_blocks(grid, points):
        if name in arrays:
            yield arrays[name][rows].ravel()
        else:
            yield _probability_rows(grid, rows)[:, int(name[1:])]


def row_chunks(grid: LossGrid, points: int | None = None) -> Iterator[list[FloatArray]]:
    """All columns of the grid's data, a block of rows at a time, in meshgrid order."""
    for rows in _row_blocks(grid, points):
        y = _probability_rows(grid, rows)
        yield [
            *(a[rows].ravel() for a in _grid_arrays(grid).values()),
            *(y[:, k] for k in range(grid.k)),
        ]


def grid_column(grid: LossGrid, name: str) -> FloatArray:
    """One whole column of the grid's data (x0, x1, loss, grad0, grad1 or y{k})."""
    return np.concatenate(list(column_chunks(grid, name)))


def write_grid_file(
    path: Path,
    *,
    range: tuple[float, float],
    step: float,
    t: Any,
    **layer: Any,
) -> Path:
    """Compute the grid and write it to ``path`` atomically; the suffix picks the format."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in DATA_FORMATS:
        raise SwlVizError(
            f"unknown suffix {path.suffix or '(none)'!r}; use .csv, .npz or .json", param="out"
        )
    grid = loss_grid(*range, step, t, **layer)
    with atomic_write(path) as fh:
        write_data(grid, fh, fmt)
    return path


def write_path_file(
    path: Path, start: tuple[float, float], t: Any, *, lr: float, steps: int, **layer: Any
) -> str | None:
    """Run gradient descent from ``start`` and write its path (k, x_i, x_j, loss, grad_i,
    grad_j, named after the logits that vary) to ``path`` atomically, at full precision; the
    suffix picks CSV, NPZ or JSON. Returns the path's warning (the loss rises, so only some
    digits mean anything), which NPZ and JSON also carry in their metadata, or None."""
    from swl_viz.probe import descent_path

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in DATA_FORMATS:
        raise SwlVizError(
            f"unknown suffix {path.suffix or '(none)'!r}; use .csv, .npz or .json", param="out"
        )
    run = descent_path(*start, Layer.make(t, **layer), lr=lr, steps=steps)
    cols = run.columns()
    meta = {"start": list(start), "t": [float(v) for v in np.atleast_1d(t)], "lr": lr,
            "steps": steps, **{k: (list(v) if isinstance(v, tuple) else v)
                               for k, v in layer.items()}}  # fmt: skip
    if run.rises_at is not None:
        meta.update(rises_at=run.rises_at, meaningful_digits=run.digits, warning=run.warning())
    with atomic_write(path) as fh:
        if fmt == "npz":
            np.savez(fh, **cols, meta=np.array(json.dumps(meta)))  # type: ignore[arg-type]
        elif fmt == "json":
            doc = {"meta": meta, "columns": {k: v.tolist() for k, v in cols.items()}}
            fh.write(json.dumps(doc).encode())
        else:  # repr: the shortest text that reads back as the same double
            texts = [map(repr, c.tolist()) for c in cols.values()]
            fh.write((",".join(cols) + "\n").encode())
            fh.write("".join(",".join(row) + "\n" for row in zip(*texts, strict=True)).encode())
    return run.warning()


def grid_table(grid: LossGrid) -> dict[str, FloatArray]:
    """Columns of the grid, one row per point in meshgrid order: x0, x1, loss, grads, y_k."""
    return {name: grid_column(grid, name) for name in data_columns(grid)}


def write_data(grid: LossGrid, fh: io.BufferedWriter | Any, fmt: str) -> None:
    """Write the grid's columns at full precision: every float reads back as the same double.

    CSV and JSON are written a block of rows at a time and NPZ a column at a time, so the memory
    needed beyond the grid itself stays small, even for 4001 x 4001 points.
    """
    if fmt not in DATA_FORMATS:
        raise SwlVizError(f"use .csv, .npz or .json, got .{fmt}", param="out")
    meta = {
        "t": list(grid.t),
        "logits": list(grid.logits),
        "axes": list(grid.axes),
        "label_smoothing": grid.label_smoothing,
        "temperature": grid.temperature,
        "variant": grid.variant,
        "loss": grid.loss_kind,
        "gamma": grid.gamma,
        "shape": list(grid.shape),
    }
    names = data_columns(grid)
    if fmt == "npz":
        _write_npz(grid, fh, names, meta)
    elif fmt == "json":
        # the text json.dumps({"meta": meta, "columns": {...}}) gives, one block at a time;
        # json writes repr(float): the shortest form that reads back as the same double
        fh.write(b'{"meta": ' + json.dumps(meta).encode() + b', "columns": {')
        for n, name in enumerate(names):
            fh.write((", " if n else "").encode() + json.dumps(name).encode() + b": [")
            for m, chunk in enumerate(column_chunks(grid, name)):
                fh.write((", " if m else "").encode() + json.dumps(chunk.tolist())[1:-1].encode())
            fh.write(b"]")
        fh.write(b"}}")
    else:
        fh.write((",".join(names) + "\n").encode())
        for block in row_chunks(grid):
            texts = [map(repr, column.tolist()) for column in block]
            fh.write("".join(",".join(row) + "\n" for row in zip(*texts, strict=True)).encode())


def _write_npz(grid: LossGrid, fh: Any, names: list[str], meta: dict[str, Any]) -> None:
    """What ``np.savez`` writes, a block of one column at a time: each member's .npy header,
    then its numbers as they are computed, so no whole column is ever held beside the grid."""
    with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name in names:
            header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float64)),
                      "fortran_order": False, "shape": (grid.loss.size,)}  # fmt: skip
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array_header_1_0(member, header)
                for chunk in column_chunks(grid, name):
                    member.write(np.ascontiguousarray(chunk, dtype=np.float64).tobytes())
        with zf.open("meta.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, np.array(json.dumps(meta)), allow_pickle=False)
