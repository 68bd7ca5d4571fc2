"""The ``swl-viz`` command line: thin commands that check options, call the library and print.

matplotlib is imported inside the commands that draw, so ``swl-viz --help`` stays fast.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from swl_viz import __version__
from swl_viz.errors import RunError, SwlVizError
from swl_viz.plotspec import FIGURES, Plot, parse_floats, parse_ints

app = typer.Typer(
    name="swl-viz",
    help="See the Softmax-with-Loss layer: its loss surface and the gradient it sends back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

# ---- options, defined once ---------------------------------------------------------------------

GRID = "Grid"
LAYER = "Layer"
LOOK = "Look"
OUTPUT = "Output"

RangeOpt = Annotated[
    tuple[float, float],
    typer.Option("--range", metavar="LO HI", help="Range of both logits.", rich_help_panel=GRID),
]
StepOpt = Annotated[float, typer.Option(help="Grid step.", rich_help_panel=GRID)]
TOpt = Annotated[
    str,
    typer.Option(
        "--t",
        metavar="T0,T1,...",
        help="Teacher label, like 1,0 or 0.9,0.1.",
        rich_help_panel=LAYER,
    ),
]
LogitsOpt = Annotated[
    str | None,
    typer.Option(
        metavar="A0,A1,...", help="Fixed logits for K > 2 (default zeros).", rich_help_panel=LAYER
    ),
]
AxesOpt = Annotated[
    str,
    typer.Option(
        metavar="I,J", help="The two logits that vary along x and y.", rich_help_panel=LAYER
    ),
]
SmoothOpt = Annotated[
    float,
    typer.Option(
        "--label-smoothing",
        metavar="EPS",
        help="Target (1-EPS)*t + EPS/K, EPS in [0, 1).",
        rich_help_panel=LAYER,
    ),
]
TempOpt = Annotated[
    float,
    typer.Option(metavar="T", help="Softmax temperature: softmax(a/T).", rich_help_panel=LAYER),
]
VariantOpt = Annotated[
    str,
    typer.Option(
        metavar="exact|book",
        help="exact, or the book's -sum t log(y + 1e-7).",
        rich_help_panel=LAYER,
    ),
]
CompareOpt = Annotated[
    bool, typer.Option("--compare", help="Exact and book side by side.", rich_help_panel=LAYER)
]
ZScaleOpt = Annotated[
    str, typer.Option(metavar="linear|log", help="Scale of the loss axis.", rich_help_panel=LOOK)
]
NormalizeOpt = Annotated[
    bool,
    typer.Option(
        "--normalize",
        help="Unit-direction arrows instead of length ~ |grad|.",
        rich_help_panel=LOOK,
    ),
]
ArrowsOpt = Annotated[int, typer.Option(help="Arrows per axis, about.", rich_help_panel=LOOK)]
ElevOpt = Annotated[float, typer.Option(help="3-D view elevation, degrees.", rich_help_panel=LOOK)]
AzimOpt = Annotated[float, typer.Option(help="3-D view azimuth, degrees.", rich_help_panel=LOOK)]
ThemeOpt = Annotated[
    str, typer.Option(metavar="light|dark", help="Colour theme.", rich_help_panel=LOOK)
]
SizeOpt = Annotated[
    tuple[float, float] | None,
    typer.Option(metavar="W H", help="Figure size in inches.", rich_help_panel=LOOK),
]
DpiOpt = Annotated[int, typer.Option(help="Dots per inch.", rich_help_panel=LOOK)]
TransparentOpt = Annotated[
    bool, typer.Option("--transparent", help="Transparent background.", rich_help_panel=LOOK)
]
TitleOpt = Annotated[str | None, typer.Option(help="Replace the suptitle.", rich_help_panel=LOOK)]
NoTitleOpt = Annotated[
    bool, typer.Option("--no-title", help="Drop the suptitle.", rich_help_panel=LOOK)
]
LangOpt = Annotated[
    str, typer.Option(metavar="en|ja", help="Language of labels and titles.", rich_help_panel=LOOK)
]
FramesOpt = Annotated[
    int, typer.Option(help="Frames of a .gif turntable (at most 720).", rich_help_panel=OUTPUT)
]
FpsOpt = Annotated[float, typer.Option(help="Frames per second of a .gif.", rich_help_panel=OUTPUT)]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="PATH",
        help="File to write: .png, .svg, .pdf or .gif. Default: outputs/<name>.png.",
        rich_help_panel=OUTPUT,
    ),
]
ShowOpt = Annotated[
    bool, typer.Option("--show", help="Open an interactive window.", rich_help_panel=OUTPUT)
]

# ---- errors ------------------------------------------------------------------------------------


def _flag(param: str) -> str:
    """The option that carries a library parameter: label_smoothing -> --label-smoothing."""
    return "--figures" if param == "figure" else "--" + param.replace("_", "-")


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}", markup=True)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Bad input -> a usage error naming the option (exit 2); a failed run -> one red line (1)."""
    try:
        yield
    except RunError as exc:
        where = f"{_flag(exc.param)}: " if exc.param else ""
        _fail(f"{where}{exc}")
    except SwlVizError as exc:
        if exc.param is None:
            _fail(str(exc), 2)
        raise typer.BadParameter(str(exc), param_hint=f"'{_flag(exc.param)}'") from None


def _parse_lists(options: dict[str, Any]) -> dict[str, Any]:
    """Turn the comma-separated options (t, logits, axes) into tuples, in place."""
    for name in ("t", "logits"):
        if isinstance(options.get(name), str):
            options[name] = parse_floats(options[name], name)
    if isinstance(options.get("axes"), str):
        options["axes"] = parse_ints(options["axes"], "axes")
    return options


def _plot_options(given: dict[str, Any], drop_none: bool = False) -> dict[str, Any]:
    """A command's parameters, as Plot's fields name them (``range_`` is ``range``)."""
    names = {f.name for f in fields(Plot)} - {"figure"}
    options = {("range" if k == "range_" else k): v for k, v in given.items()}
    return {k: v for k, v in options.items() if k in names and not (drop_none and v is None)}


def _plot(figure: str, **options: Any) -> Plot:
    """Check and build a Plot from the command-line options' raw values."""
    return Plot(figure=figure, **_parse_lists(options))  # type: ignore[arg-type]


# ---- figure commands ---------------------------------------------------------------------------


def _render(plot: Plot, out_path: Path | None, show: bool) -> None:
    from swl_viz.export import render_to_file

    if show:
        _check_display()
    if out_path is None and not show:
        out_path = Path("outputs") / f"{plot.stem()}.png"
    if out_path is not None:
        render_to_file(plot, out_path)  # checks the suffix and the options before drawing
        out.print(str(out_path))
    if show:
        _show(plot)


def _check_display() -> None:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise RunError(
            "no display to open a window on; write a file with --out instead", param="show"
        )


def _show(plot: Plot) -> None:
    import matplotlib

    from swl_viz.figures import build_figure, theme_context
    from swl_viz.plotspec import format_label

    with theme_context(plot.theme, plot.lang):
        import matplotlib.pyplot as plt  # only --show needs pyplot

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


def _figure_command(figure: str) -> Callable[..., None]:
    three_d = figure in ("surface", "quiver")

    def command(
        range_: RangeOpt = (-20.0, 20.0),
        step: StepOpt = 2.0,
        t: TOpt = "1,0",
        logits: LogitsOpt = None,
        axes: AxesOpt = "0,1",
        label_smoothing: SmoothOpt = 0.0,
        temperature: TempOpt = 1.0,
        variant: VariantOpt = "exact",
        compare: CompareOpt = False,
        zscale: ZScaleOpt = "linear",
        normalize: NormalizeOpt = False,
        arrows: ArrowsOpt = 25,
        elev: ElevOpt = 20.0,
        azim: AzimOpt = 240.0,
        theme: ThemeOpt = "light",
        size: SizeOpt = None,
        dpi: DpiOpt = 100,
        transparent: TransparentOpt = False,
        title: TitleOpt = None,
        no_title: NoTitleOpt = False,
        lang: LangOpt = "en",
        frames: FramesOpt = 36,
        fps: FpsOpt = 12.0,
        out_path: OutOpt = None,
        show: ShowOpt = False,
    ) -> None:
        options = _plot_options(locals())
        with _errors():
            plot = _plot(figure, **options)
            _warn_font(plot.lang)
            _render(plot, out_path, show)

    _drop = {"normalize"} if figure == "surface" else set()
    if not three_d:
        _drop |= {"elev", "azim", "frames", "fps"}
    if figure == "surface":
        _drop.add("arrows")
    _hide_options(command, _drop)
    return command


def _hide_options(fn: Callable[..., Any], names: set[str]) -> None:
    """Remove options that mean nothing for one figure from its signature (and so its --help)."""
    import inspect

    sig = inspect.signature(fn)
    fn.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[p for p in sig.parameters.values() if p.name not in names]
    )


def _warn_font(lang: str) -> None:
    if lang != "ja":
        return
    from swl_viz.text import japanese_font

    if japanese_font() is None:
        err.print(
            "[yellow]Warning:[/] no Japanese font found, so the labels are drawn in English. "
            "Install one with: pip install 'swl-viz\\[ja]'",
            markup=True,
        )


app.command("surface", help="The forward pass: the loss as a 3-D wireframe.")(
    _figure_command("surface")
)
app.command("quiver", help="The backward pass: 3-D arrows of steepest descent on the loss.")(
    _figure_command("quiver")
)
app.command("contour", help="A filled contour of the loss with the -gradient as arrows.")(
    _figure_command("contour")
)


ExportFiguresOpt = Annotated[
    str | None,
    typer.Option(
        "--figures",
        metavar="NAMES",
        help="Which figures: surface,quiver,contour.",
        rich_help_panel=OUTPUT,
    ),
]
ExportTOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--t",
        metavar="T0,T1,...",
        help="Teacher label; repeat for one set per label.",
        rich_help_panel=LAYER,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="png,svg,pdf,gif",
        help="Formats to write (default png).",
        rich_help_panel=OUTPUT,
    ),
]
OutDirOpt = Annotated[
    Path,
    typer.Option("--out-dir", metavar="DIR", help="Folder for the files.", rich_help_panel=OUTPUT),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE.toml",
        help="A deck: [defaults] and [[figures]].",
        rich_help_panel=OUTPUT,
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        help="Worker processes (default: CPU count).",
        rich_help_panel=OUTPUT,
    ),
]
MAX_JOBS = 64


@app.command("export", help="Render a deck of figures in parallel, reproducibly, for slides.")
def export_command(
    figures: ExportFiguresOpt = None,
    t: ExportTOpt = None,
    fmt: FormatOpt = None,
    out_dir: OutDirOpt = Path("outputs"),
    config: ConfigOpt = None,
    jobs: JobsOpt = None,
    range_: Annotated[
        tuple[float, float] | None,
        typer.Option(
            "--range", metavar="LO HI", help="Range of both logits.", rich_help_panel=GRID
        ),
    ] = None,
    step: Annotated[float | None, typer.Option(help="Grid step.", rich_help_panel=GRID)] = None,
    logits: LogitsOpt = None,
    axes: Annotated[
        str | None,
        typer.Option(metavar="I,J", help="The two varied logits.", rich_help_panel=LAYER),
    ] = None,
    label_smoothing: Annotated[
        float | None,
        typer.Option(
            "--label-smoothing", metavar="EPS", help="Label smoothing.", rich_help_panel=LAYER
        ),
    ] = None,
    temperature: Annotated[
        float | None, typer.Option(metavar="T", help="Temperature.", rich_help_panel=LAYER)
    ] = None,
    variant: Annotated[
        str | None, typer.Option(metavar="exact|book", help="Loss variant.", rich_help_panel=LAYER)
    ] = None,
    compare: CompareOpt = False,
    zscale: Annotated[
        str | None,
        typer.Option(metavar="linear|log", help="Loss axis scale.", rich_help_panel=LOOK),
    ] = None,
    normalize: NormalizeOpt = False,
    arrows: Annotated[
        int | None, typer.Option(help="Arrows per axis.", rich_help_panel=LOOK)
    ] = None,
    elev: Annotated[float | None, typer.Option(help="3-D elevation.", rich_help_panel=LOOK)] = None,
    azim: Annotated[float | None, typer.Option(help="3-D azimuth.", rich_help_panel=LOOK)] = None,
    theme: Annotated[
        str | None, typer.Option(metavar="light|dark", help="Colour theme.", rich_help_panel=LOOK)
    ] = None,
    size: SizeOpt = None,
    dpi: Annotated[int | None, typer.Option(help="Dots per inch.", rich_help_panel=LOOK)] = None,
    transparent: TransparentOpt = False,
    title: TitleOpt = None,
    no_title: NoTitleOpt = False,
    lang: Annotated[
        str | None, typer.Option(metavar="en|ja", help="Language.", rich_help_panel=LOOK)
    ] = None,
    frames: Annotated[
        int | None, typer.Option(help="GIF frames (at most 720).", rich_help_panel=OUTPUT)
    ] = None,
    fps: Annotated[
        float | None, typer.Option(help="GIF frames per second.", rich_help_panel=OUTPUT)
    ] = None,
) -> None:
    given = _plot_options(locals(), drop_none=True)
    given.pop("t", None)  # labels repeat here: one set of figures per --t
    for flag in ("compare", "normalize", "transparent", "no_title"):
        if not given[flag]:
            del given[flag]  # a flag not given leaves the deck's value alone
    with _errors():
        overrides = _parse_lists(given)
        labels = [parse_floats(text, "t") for text in t or []]
        n_jobs = min(_usable_cpus(), MAX_JOBS) if jobs is None else jobs
        if not 1 <= n_jobs <= MAX_JOBS:
            raise SwlVizError(f"must lie in 1..{MAX_JOBS}, got {n_jobs}", param="jobs")
        _export(figures, labels, fmt, out_dir, config, n_jobs, overrides)


def _usable_cpus() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _export(
    figures: str | None,
    labels: list[tuple[float, ...]],
    fmt: str | None,
    out_dir: Path,
    config: Path | None,
    jobs: int,
    overrides: dict[str, Any],
) -> None:
    from swl_viz.deck import DeckEntry, expand, load_deck, parse_formats

    formats = parse_formats(fmt, "", "format") if fmt is not None else None
    if config is not None:
        if figures is not None:
            raise SwlVizError(
                "choose figures in the deck or with --figures, not both", param="figures"
            )
        entries = load_deck(config)
    else:
        names = [n.strip() for n in (figures or ",".join(FIGURES)).split(",")]
        for name in names:
            if name not in FIGURES:
                raise SwlVizError(f"{name!r} is not one of {', '.join(FIGURES)}", param="figure")
        entries = [DeckEntry(name, {}, None, "") for name in dict.fromkeys(names)]
    planned = expand(entries, overrides, labels, formats)
    if any(plot.lang == "ja" for plot, _, _ in planned):
        _warn_font("ja")

    from swl_viz.export import Job, check_format  # imports matplotlib

    jobs_list: list[Job] = []
    seen: set[str] = set()
    for plot, fmts, where in planned:
        for f in fmts:
            try:
                check_format(plot, f, "format")
            except SwlVizError as exc:
                if where:
                    raise SwlVizError(f"{where}: {exc}", param="config") from None
                raise
            path = str(out_dir / f"{plot.stem(f)}.{f}")
            if path not in seen:
                seen.add(path)
                jobs_list.append(Job(plot, f, path))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise RunError(f"cannot create {str(out_dir)!r}: {reason}", param="out_dir") from None
    _run_export(jobs_list, out_dir, jobs)


def _run_export(jobs_list: list[Any], out_dir: Path, workers: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from swl_viz.export import JobResult, export_jobs

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task(f"exporting to {out_dir}/", total=len(jobs_list))

        def advance(result: JobResult) -> None:
            progress.advance(task)

        results = export_jobs(jobs_list, out_dir, workers, on_result=advance)

    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column("file", overflow="fold")
    table.add_column("size", justify="right")
    table.add_column("time", justify="right")
    table.add_column("status")
    for r in results:
        size = f"{r.size / 1024:.1f} KiB" if r.status != "failed" else "-"
        seconds = f"{r.seconds:.2f} s" if r.status != "failed" else "-"
        style = {"written": "green", "unchanged": "dim", "failed": "bold red"}[r.status]
        table.add_row(r.path, size, seconds, f"[{style}]{r.status}[/]")
    out.print(table)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        for r in failed:
            err.print(f"[bold red]failed:[/] {r.path}: {r.error}", markup=True)
        raise RunError(f"{len(failed)} of {len(results)} files failed; the others were kept")


# ---- numbers for learners ----------------------------------------------------------------------


@app.command("demo", help="The worked example of 5.6.3, a 3 x 10 batch: Y, the loss and dA.")
def demo_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    logits: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Your own N x K logits (.npy or .csv).")
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Your own labels: N x K, or N class indices."),
    ] = None,
) -> None:
    with _errors():
        from swl_viz.learners import load_batch, worked_example

        if (logits is None) != (labels is None):
            raise SwlVizError("give --logits and --labels together", param="labels")
        a = load_batch(logits, "logits") if logits is not None else None
        t = load_batch(labels, "labels", labels=True) if labels is not None else None
        if a is not None and t is not None:
            rows = t.shape[0]
            if rows != a.shape[0] or (t.ndim == 2 and t.shape != a.shape):
                raise SwlVizError(
                    f"labels of shape {t.shape} do not match logits of shape {a.shape}",
                    param="labels",
                )
        ex = worked_example(a, t)
    if as_json:
        out.print_json(data=ex.as_json())
        return
    from rich import box
    from rich.table import Table

    def matrix(title: str, m: Any) -> Table:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
        table.add_column("n", justify="right", style="dim")
        for k in range(m.shape[1]):
            table.add_column(str(k), justify="right", no_wrap=True)
        for n, row in enumerate(m):
            table.add_row(str(n), *(f"{v:.3f}" for v in row))
        return table

    out.print(matrix("Y = softmax(A), rounded", ex.y))
    out.print(matrix("dA = (Y - T) / N, rounded", ex.grad))
    summary = Table(show_header=False, box=None)
    summary.add_row("loss, exact  -Σ t log y / N", f"{ex.loss!r}")
    summary.add_row("loss, book   -Σ t log(y + 1e-7) / N", f"{ex.loss_book!r}")
    summary.add_row("difference", f"{ex.difference:.6g}")
    out.print(summary)


HOpt = Annotated[float, typer.Option(help="Step of the central differences.")]
TolOpt = Annotated[float, typer.Option(help="Largest allowed absolute error.")]


@app.command("check", help="Gradient check: the analytic gradient against central differences.")
def check_command(
    range_: RangeOpt = (-20.0, 20.0),
    step: StepOpt = 2.0,
    t: TOpt = "1,0",
    logits: LogitsOpt = None,
    axes: AxesOpt = "0,1",
    label_smoothing: SmoothOpt = 0.0,
    temperature: TempOpt = 1.0,
    variant: VariantOpt = "exact",
    h: HOpt = 1e-5,
    tol: TolOpt = 1e-6,
) -> None:
    layer = _plot_options(locals())
    with _errors():
        from swl_viz.learners import gradient_check

        plot = _plot("contour", **layer)
        if not (tol >= 0 and tol == tol):
            raise SwlVizError(f"must be a number >= 0, got {tol:g}", param="tol")
        res = gradient_check(
            *plot.range,
            plot.step,
            plot.t,
            h=h,
            logits=plot.logits,
            axes=plot.axes,
            label_smoothing=plot.label_smoothing,
            temperature=plot.temperature,
            variant=plot.variant,
        )
    i, j = plot.axes
    ok = res.max_error <= tol
    verdict = "[green]passed[/]" if ok else "[bold red]failed[/]"
    out.print(
        f"gradient check {verdict}: {res.points} points, h = {res.h:g}, variant {plot.variant}\n"
        f"  max |analytic - numeric| = {res.max_error:.3g}  (tolerance {tol:g})\n"
        f"  worst at x{i} = {res.where[0]:g}, x{j} = {res.where[1]:g}, loss {res.loss_there:.6g}\n"
        f"  analytic (dL/dx{i}, dL/dx{j}) = ({res.analytic[0]:.10g}, {res.analytic[1]:.10g})\n"
        f"  numeric  (dL/dx{i}, dL/dx{j}) = ({res.numeric[0]:.10g}, {res.numeric[1]:.10g})",
        markup=True,
    )
    if plot.variant == "book" and not ok:
        out.print(
            "  The book's log(y + 1e-7) flattens the loss where y < 1e-7, so its slope there is"
            " not y - t: that is why the seed note drops the 1e-7 for the graphs."
        )
    if res.noise > tol:
        out.print(
            f"  Note: rounding alone gives differences of about {res.noise:.2g} here"
            " (eps * |L| / h); a larger --h or a smaller --range lowers it."
        )
    if not ok:
        raise typer.Exit(1)


@app.command("data", help="The grid's numbers (x0, x1, loss, gradient, y) as CSV, NPZ or JSON.")
def data_command(
    out_path: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="FILE", help="Where to write: .csv, .npz or .json."),
    ],
    range_: RangeOpt = (-20.0, 20.0),
    step: StepOpt = 2.0,
    t: TOpt = "1,0",
    logits: LogitsOpt = None,
    axes: AxesOpt = "0,1",
    label_smoothing: SmoothOpt = 0.0,
    temperature: TempOpt = 1.0,
    variant: VariantOpt = "exact",
) -> None:
    layer = _plot_options(locals())
    with _errors():
        from swl_viz.atomic import atomic_write
        from swl_viz.learners import DATA_FORMATS, write_data

        fmt = out_path.suffix.lower().lstrip(".")
        if fmt not in DATA_FORMATS:
            raise SwlVizError(
                f"unknown suffix {out_path.suffix or '(none)'!r}; use .csv, .npz or .json",
                param="out",
            )
        plot = _plot("contour", **layer)
        grid = plot.grid()
        with atomic_write(out_path) as fh:
            write_data(grid, fh, fmt)
    out.print(str(out_path))


def _version(value: bool) -> None:
    if value:
        out.print(f"swl-viz {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """See the Softmax-with-Loss layer: its loss surface and the gradient it sends back."""


def main() -> None:
    """Console entry point: never a traceback, whatever happens."""
    code: int = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        err.print("interrupted")
        code = 130
    except Exception as exc:  # the last guard: a bug still gets one readable line
        err.print(f"swl-viz: internal error: {type(exc).__name__}: {exc}")
        code = 1
    # Every file is closed by now. Tearing down matplotlib's module graph costs about 0.1 s,
    # a sixth of a whole export, so flush and leave at once (as pyplot windows are closed too).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError):  # a reader that left early, as `| head` does
            code = code or 1
    os._exit(code)
