"""The numbers behind the pictures, for learners: the worked example, a gradient check, raw data.

numpy only, like the core: ``swl-viz demo`` and ``swl-viz check`` never import matplotlib.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from swl_viz.atomic import atomic_write
from swl_viz.errors import SwlVizError
from swl_viz.grid import LossGrid, check_work, grid_axis, loss_grid
from swl_viz.layer import Layer
from swl_viz.maths import (
    FloatArray,
    Variant,
    _split,
    prepare_labels,
    softmax,
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

    @property
    def difference(self) -> float:
        return self.loss - self.loss_book

    def as_json(self) -> dict[str, Any]:
        return {
            "A": self.a.tolist(),
            "T": self.t.tolist(),
            "Y": self.y.tolist(),
            "loss": self.loss,
            "loss_book": self.loss_book,
            "difference": self.difference,
            "dA": self.grad.tolist(),
        }


def worked_example(a: FloatArray | None = None, t: FloatArray | None = None) -> WorkedExample:
    """The seed's 3 x 10 example, or the given batch (N x K logits, one-hot, soft or index t)."""
    a = SEED_A if a is None else a
    t = SEED_T if t is None else t
    if t.shape[0] != a.shape[0] or (t.ndim == 2 and t.shape != a.shape):
        raise SwlVizError(
            f"labels of shape {t.shape} do not match logits of shape {a.shape}", param="labels"
        )
    probs = prepare_labels(t, a.shape)
    per_sample, grad = softmax_with_loss(a, probs)
    book = softmax_with_loss(a, probs, variant="book")[0]
    y = softmax(a)
    n = a.shape[0]
    return WorkedExample(
        a=a,
        t=np.array(probs),
        y=y,
        loss=float(np.mean(per_sample)),
        loss_book=float(np.mean(book)),
        grad=grad / n,
    )


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
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".csv":
            arr = np.loadtxt(path, delimiter=",", ndmin=2, skiprows=_header_rows(path))
        else:
            raise SwlVizError(f"use a .npy or .csv file, got {path.name!r}", param=param)
    except FileNotFoundError:
        raise SwlVizError(f"no such file: {str(path)!r}", param=param) from None
    except (OSError, ValueError) as exc:
        raise SwlVizError(f"cannot read {path.name!r}: {exc}", param=param) from None
    if arr.dtype.kind not in "biuf":
        raise SwlVizError(f"{path.name!r} must hold numbers", param=param)
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


def _header_rows(path: Path) -> int:
    """1 when the CSV's first line is a header (not all numbers), else 0."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = fh.readline()
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
) -> CheckResult:
    """Compare dL/dx0 and dL/dx1 with (L(x + h) - L(x - h)) / 2h at every grid point."""
    if not (math.isfinite(h) and 0.0 < h <= 1.0):
        raise SwlVizError(f"must be a number in (0, 1], got {h:g}", param="h")
    check_work(grid_axis(lo, hi, step).size, len(np.atleast_1d(t)), passes=5)
    grid = loss_grid(
        lo, hi, step, t, logits=logits, axes=axes, label_smoothing=label_smoothing,
        temperature=temperature, variant=variant,
    )  # fmt: skip
    labels = np.asarray(t, dtype=np.float64)

    def loss_at(a: FloatArray) -> FloatArray:
        return softmax_with_loss(
            a, labels, label_smoothing=label_smoothing, temperature=temperature, variant=variant
        )[0]

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
    """What ``np.savez`` writes, one column in memory at a time."""
    with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name in [*names, "meta"]:
            value = np.array(json.dumps(meta)) if name == "meta" else grid_column(grid, name)
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, value, allow_pickle=False)
            del value
