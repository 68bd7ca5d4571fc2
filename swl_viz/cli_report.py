"""What the commands print: the export's progress and file table, the worked example's
matrices, the gradient check's verdict, and warnings about fonts. Rich, and the library's
results; each function prints one result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swl_viz.cli_errors import err, error_line, out, print_path
from swl_viz.errors import RunError

if TYPE_CHECKING:
    from swl_viz.deck import Target
    from swl_viz.learners import CheckResult, WorkedExample
    from swl_viz.plotspec import Plot

__all__ = [
    "no_display",
    "print_gradient_check",
    "print_json",
    "print_worked_example",
    "run_export",
    "warn_font",
]


#: matplotlib's backends that only write files.
FILE_BACKENDS = ("agg", "pdf", "svg", "ps", "cairo", "template")


def no_display() -> bool:
    """Whether no window can open here: on Linux, neither DISPLAY nor WAYLAND_DISPLAY names a
    server that answers (an X server is asked for a connection, as a client would)."""
    import os

    if not sys.platform.startswith("linux"):
        return False
    if os.environ.get("WAYLAND_DISPLAY"):
        return False
    if os.environ.get("MPLBACKEND", "").lower() in FILE_BACKENDS:
        return False  # no window whatever the display: matplotlib says so, naming its backend
    display = os.environ.get("DISPLAY", "")
    return not (display and _x_server_answers(display))


def _x_server_answers(display: str) -> bool:
    """Whether the X server ``display`` ("[host]:N[.screen]") accepts a connection."""
    import socket

    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit() or host.startswith("/"):
        return True  # a form this check does not know: let the toolkit decide
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in (path, "\0" + path):  # the socket file, or Linux's abstract one
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2.0)
                try:
                    sock.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        socket.create_connection((host, 6000 + int(number)), timeout=2.0).close()
    except OSError:
        return False
    return True


def warn_descent(plot: Plot) -> None:
    """Say so when a figure's descent cannot be trusted as drawn: its loss rises (the learning
    rate is too large for the curvature), as ``data --descent`` says for the same path."""
    from rich.markup import escape

    warning = plot.descent_warning()
    if warning is not None:
        err.print(f"[yellow]Warning:[/] {escape(warning)}", markup=True)


def warn_font(lang: str | None, title: str | None = None) -> None:
    """Say so when the labels or the title will not show as written for want of a font."""
    from swl_viz.mpl.theme import japanese_font, missing_glyphs

    if title is not None and missing_glyphs(title):
        err.print(
            "[yellow]Warning:[/] no installed font can draw every character of the title, so "
            "some show as boxes. Install a Japanese font with: pip install matplotlib-fontja",
            markup=True,
        )
    if lang == "ja" and japanese_font() is None:
        err.print(
            "[yellow]Warning:[/] no Japanese font found, so the labels are drawn in English. "
            "Install one with: pip install matplotlib-fontja (or a system CJK font)",
            markup=True,
        )


def run_export(targets: list[Target], out_dir: Path, workers: int) -> None:
    """Render ``targets`` with a progress bar; then a table of the files (a terminal) or each
    written path on a line (piped, for scripts). Any failed file is a RunError, at the end."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table
    from rich.text import Text

    from swl_viz.errors import SwlVizError
    from swl_viz.formats import check_format
    from swl_viz.jobs import Job, JobResult
    from swl_viz.pool import export_jobs

    for target in targets:
        try:
            check_format(target.plot, target.fmt)
        except SwlVizError as exc:
            if target.where:
                raise SwlVizError(f"{target.where}.{exc.param}: {exc}", param="deck") from None
            raise
    jobs = [Job(x.plot, x.fmt, str(x.path)) for x in targets]
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal,
    ) as progress:  # fmt: skip
        task = progress.add_task(f"exporting to {escape(str(out_dir))}/", total=len(jobs))

        def advance(result: JobResult) -> None:
            progress.advance(task)

        results = export_jobs(jobs, out_dir, workers, on_result=advance)
    if out.is_terminal:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("file", "size", "time", "status"):
            table.add_column(column, overflow="fold", justify="left" if column < "t" else "right")
        for r in results:
            size, secs = (
                (f"{r.size / 1024:.1f} KiB", f"{r.seconds:.2f} s") if r.size else ("-",) * 2
            )
            style = {"written": "green", "unchanged": "dim", "failed": "bold red"}[r.status]
            table.add_row(Text(r.path), size, secs, Text(r.status, style=style))
        out.print(table)
    else:  # piped: each written path on a line of its own, for scripts (failures: stderr)
        for r in results:
            if r.status == "written":
                print_path(r.path)
    counts = {s: sum(r.status == s for r in results) for s in ("written", "unchanged", "failed")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    (out if out.is_terminal else err).print(summary, markup=False)  # piped: stdout is paths
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        error_line(f"failed: {r.path}: {r.error}")
    if failed:
        raise RunError(f"{len(failed)} of {len(results)} files failed; the others were kept")


#: Rows and columns of a matrix the worked example shows; the rest are counted (--json has all).
SHOWN_ROWS = 10
SHOWN_COLUMNS = 12


def _matrix(title: str, m: Any, fmt: str = ".3f") -> None:
    from rich import box
    from rich.table import Table

    n_rows, n_cols = m.shape
    shown = m[:SHOWN_ROWS, :SHOWN_COLUMNS]
    hidden = []
    if n_rows > SHOWN_ROWS:
        hidden.append(f"{n_rows - SHOWN_ROWS:,} more rows")
    if n_cols > SHOWN_COLUMNS:
        hidden.append(f"{n_cols - SHOWN_COLUMNS:,} more columns")
    if out.width < 7 * (shown.shape[1] + 1):  # too narrow for a table: one value a line
        out.print(title, markup=False)
        for n, row in enumerate(shown.tolist()):
            for k, v in enumerate(row):
                out.print(f"  [{n}, {k}] {v:{fmt}}", markup=False)
    else:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
        table.add_column("n", justify="right", style="dim")
        for k in range(shown.shape[1]):
            table.add_column(str(k), justify="right", no_wrap=True)
        for n, row in enumerate(shown.tolist()):
            table.add_row(str(n), *(f"{v:{fmt}}" for v in row))
        out.print(table)
    if hidden:
        out.print(f"  … and {' and '.join(hidden)} (all of them with --json)", markup=False)


def print_json(data: dict[str, Any]) -> None:
    """``data`` as strict JSON (no NaN) on stdout: a key a line, and a matrix a row a line.
    Each matrix goes through json's C encoder in one call (``indent`` would take its Python
    one, some 20 times slower), so a batch of a million numbers prints in seconds."""
    import json

    def dumps(value: Any) -> str:
        return json.dumps(value, allow_nan=False)

    write = sys.stdout.write
    write("{")
    for n, (key, value) in enumerate(data.items()):
        write(("," if n else "") + "\n  " + dumps(key) + ": ")
        if isinstance(value, list) and value and isinstance(value[0], list):  # a matrix
            rows = dumps(value)[1:-1].replace("], [", "],\n    [")  # numbers hold no "], ["
            write("[\n    " + rows + "\n  ]")
        else:
            write(dumps(value))
    write("\n}\n")


def _encodes(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def print_worked_example(ex: WorkedExample) -> None:
    """The batch, its softmax and gradient as tables, then the two losses."""
    sigma = "Σ" if _encodes("Σ") else "sum"
    _matrix("A, the logits", ex.a, "g")
    _matrix("T, the labels", ex.t, "g")
    _matrix("Y = softmax(A), rounded", ex.y)
    _matrix("dA = (Y - T) / N, rounded", ex.grad)
    out.print(f"loss, exact  -{sigma} t log y / N          {ex.loss!r}", markup=False)
    out.print(f"loss, book   -{sigma} t log(y + 1e-7) / N  {ex.loss_book!r}", markup=False)
    out.print(f"difference                            {ex.difference:.6g}", markup=False)


def print_gradient_check(res: CheckResult, atol: float, rtol: float = float("inf")) -> bool:
    """The verdict and where the gradients differ most; True if it passed: the largest error
    within ``atol``, and within ``rtol`` times the largest |gradient| on the grid."""
    i, j = res.axes
    relative = res.max_error / res.scale if res.scale > 0 else (0.0 if res.max_error == 0 else 1.0)
    ok = res.max_error <= atol and relative <= rtol
    verdict = "[green]passed[/]" if ok else "[bold red]failed[/]"
    loss = {"ce": "cross-entropy", "mse": "squared error"}.get(
        res.loss, f"focal, γ = {res.gamma:g}"
    )
    out.print(
        f"gradient check {verdict}: {res.points} points, h = {res.h:g}, variant {res.variant}, "
        f"loss {loss}\n"
        f"  max |analytic - numeric| = {res.max_error:.3g}  (atol {atol:g})\n"
        f"  relative to max |gradient| {res.scale:.3g}: {relative:.3g}  (rtol {rtol:g})\n"
        f"  worst at x{i} = {res.where[0]:g}, x{j} = {res.where[1]:g}, loss {res.loss_there:.6g}\n"
        f"  analytic (dL/dx{i}, dL/dx{j}) = ({res.analytic[0]:.10g}, {res.analytic[1]:.10g})\n"
        f"  numeric  (dL/dx{i}, dL/dx{j}) = ({res.numeric[0]:.10g}, {res.numeric[1]:.10g})",
        markup=True,
    )
    if res.variant == "book" and not ok:
        out.print(
            "  The book's log(y + 1e-7) bends the loss where y is small (flat below 1e-7), so"
            " its slope is not y - t: that is why swl-viz drops the 1e-7 for the graphs."
        )
    if res.noise > min(atol, rtol * res.scale):
        out.print(
            f"  Note: rounding alone gives differences of about {res.noise:.2g} here"
            " (eps * |L| / h); a larger --fd-step or a smaller --range lowers it."
        )
    return ok
