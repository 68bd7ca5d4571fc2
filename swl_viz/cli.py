"""The ``swl-viz`` command line: plain commands that read options, call the library and print.

Every figure option comes from the table in :mod:`swl_viz.options`; the aliases below are made
from its rows, so help texts and defaults cannot drift from what Plot and decks accept.
matplotlib is imported inside the commands that draw, so ``swl-viz --help`` stays fast.
"""

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from swl_viz import __version__
from swl_viz.errors import RunError, SwlVizError
from swl_viz.options import CLASSIC, FIGURES, LAYER_OPTIONS, OPTIONS, figure_formats

app = typer.Typer(
    name="swl-viz",
    help="See the Softmax-with-Loss layer: its loss surface and the gradient it sends back.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
DEBUG = "SWL_VIZ_DEBUG"


def _shown(default: str) -> str:
    """Help text's default, in Typer's own style (a string show_default gets parentheses)."""
    return f" [dim]\\[default: {default}][/]"


def _opt(name: str) -> Any:
    """A typer.Option made from the table's row ``name``."""
    row = OPTIONS[name]
    flag = f"{row.flag}/--no-{row.flag[2:]}" if row.default is True else row.flag
    return typer.Option(
        flag,
        help=row.help + _shown(row.shown_default),
        metavar=row.metavar,
        show_default=False,
        rich_help_panel=row.panel,
    )


# ---- options, one alias per row of the table ------------------------------------------------

Range = Annotated[tuple[float, float] | None, _opt("range")]
Step = Annotated[float | None, _opt("step")]
T = Annotated[list[str] | None, _opt("t")]
Logits = Annotated[str | None, _opt("logits")]
Axes = Annotated[str | None, _opt("axes")]
Smoothing = Annotated[float | None, _opt("label_smoothing")]
Temperature = Annotated[float | None, _opt("temperature")]
Variant = Annotated[str | None, _opt("variant")]
Compare = Annotated[bool | None, _opt("compare")]
Annotate = Annotated[bool | None, _opt("annotate")]
Probe = Annotated[str | None, _opt("probe")]
Descent = Annotated[str | None, _opt("descent")]
Lr = Annotated[float | None, _opt("lr")]
Steps = Annotated[int | None, _opt("steps")]
ZScale = Annotated[str | None, _opt("zscale")]
Normalize = Annotated[bool | None, _opt("normalize")]
Arrows = Annotated[int | None, _opt("arrows")]
Elev = Annotated[float | None, _opt("elev")]
Azim = Annotated[float | None, _opt("azim")]
Theme = Annotated[str | None, _opt("theme")]
Size = Annotated[str | None, _opt("size")]
Dpi = Annotated[int | None, _opt("dpi")]
Transparent = Annotated[bool | None, _opt("transparent")]
Title = Annotated[str | None, _opt("title")]
NoTitle = Annotated[bool | None, _opt("no_title")]
Lang = Annotated[str | None, _opt("lang")]
Frames = Annotated[int | None, _opt("frames")]
Fps = Annotated[float | None, _opt("fps")]
Preset = Annotated[str | None, _opt("preset")]
FontScale = Annotated[float | None, _opt("font_scale")]
Zlim = Annotated[tuple[float, float] | None, _opt("zlim")]


def _out(figure: str) -> Any:
    suffixes = ", ".join("." + f for f in figure_formats(figure))
    return typer.Option(
        "--out", "-o", metavar="PATH", rich_help_panel="Output",
        help=f"File to write: {suffixes}." + _shown("outputs/<name>.png"),
    )  # fmt: skip


Out3D = Annotated[Path | None, _out("surface")]
Out2D = Annotated[Path | None, _out("contour")]
OutPair = Annotated[Path | None, _out("pair")]
OutSlice = Annotated[Path | None, _out("slice")]
Show = Annotated[
    bool, typer.Option("--show", help="Open an interactive window.", rich_help_panel="Output")
]

# ---- errors ---------------------------------------------------------------------------------


def _flag(param: str) -> str:
    """The option that carries a library parameter: label_smoothing -> --label-smoothing."""
    return OPTIONS[param].flag if param in OPTIONS else "--" + param.replace("_", "-")


def _error_line(message: str) -> None:
    from rich.markup import escape

    err.print(f"[bold red]Error:[/] {escape(message)}", markup=True)


def _fail(message: str, code: int) -> NoReturn:
    _error_line(message)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Bad input -> a usage error naming the option (exit 2); a failed run -> one red line (1)."""
    from swl_viz.atomic import Interrupted
    from swl_viz.deck import DeckError

    try:
        yield
    except Interrupted as exc:  # SIGINT, SIGTERM or SIGHUP while files were being written
        done, total = getattr(exc, "done", None), getattr(exc, "total", None)  # an export's
        counted = f": {done} of {total} files written" if total is not None else ""
        err.print(f"interrupted{counted}", markup=False)
        raise typer.Exit(exc.exit_code) from None
    except RunError as exc:
        _fail(f"{_flag(exc.param)}: {exc}" if exc.param else str(exc), 1)
    except DeckError as exc:
        *lines, last = str(exc).splitlines()
        for line in lines:
            _error_line(line)
        _fail(last, 2)
    except SwlVizError as exc:
        if exc.param is None:
            _fail(str(exc), 2)
        raise typer.BadParameter(str(exc), param_hint=f"'{_flag(exc.param)}'") from None


def _given(params: Mapping[str, Any]) -> dict[str, Any]:
    """A command's table options as the table names them, None (not given) left out."""
    named = {k.rstrip("_"): v for k, v in params.items()}
    return {k: v for k, v in named.items() if k in OPTIONS and v is not None}


def _one_label(options: dict[str, Any]) -> dict[str, Any]:
    labels = options.pop("t", None) or ()
    if len(labels) > 1:
        raise SwlVizError("takes one label here; export draws one set per label", param="t")
    if labels:
        options["t"] = labels[0]
    return options


def _layer(params: Mapping[str, Any]) -> dict[str, Any]:
    """The layer's options for check and data: the table's defaults, then what was given."""
    from swl_viz.options import read_options

    given = read_options(_one_label(_given(params)))
    return {name: given.get(name, OPTIONS[name].default) for name in LAYER_OPTIONS}


def _warn_font(lang: str | None, title: str | None = None) -> None:
    from swl_viz.mpl.theme import japanese_font, missing_glyphs

    if title is not None and missing_glyphs(title):
        err.print(
            "[yellow]Warning:[/] no installed font can draw every character of the title, so "
            "some show as boxes. Install a Japanese font with: pip install -e '.\\[ja]'",
            markup=True,
        )
    if lang == "ja" and japanese_font() is None:
        err.print(
            "[yellow]Warning:[/] no Japanese font found, so the labels are drawn in English. "
            "Install one with: pip install -e '.\\[ja]' (or a system CJK font)",
            markup=True,
        )


# ---- figure commands ------------------------------------------------------------------------

EXAMPLES = "Examples:\n\nswl-viz {0} --t 1,0\n\nswl-viz {0} --t 0.9,0.1 --theme dark --out {0}.svg"


def _figure(figure: str, params: Mapping[str, Any]) -> None:
    from swl_viz.plotspec import make_plot

    with _errors():
        given = _one_label(_given(params))
        plot = make_plot(figure, given)
        _warn_font(plot.lang, plot.title)
        path = Path(params["out"]) if params["out"] is not None else None
        if path is None and not params["show"]:
            path = Path("outputs") / f"{plot.stem()}.png"
        if path is not None:
            from swl_viz.formats import render_to_file

            for name in given:
                if OPTIONS[name].gif_only and path.suffix.lower() != ".gif":
                    raise SwlVizError("only shapes a .gif turntable", param=name)
            render_to_file(plot, path)
            out.print(str(path))
        if params["show"]:
            if sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            ):
                hint = "" if path is not None else "; write a file with --out"
                raise RunError(f"no display to open a window on{hint}", param="show")
            from swl_viz.formats import show_window

            show_window(plot)


@app.command("surface", help="The forward pass: the loss as a 3-D wireframe.",
             epilog=EXAMPLES.format("surface"))  # fmt: skip
def surface(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, compare: Compare = None,
    annotate: Annotate = None, probe: Probe = None, descent: Descent = None, lr: Lr = None,
    steps: Steps = None, zscale: ZScale = None, elev: Elev = None, azim: Azim = None,
    theme: Theme = None, size: Size = None, dpi: Dpi = None, transparent: Transparent = None,
    title: Title = None, no_title: NoTitle = None, lang: Lang = None, frames: Frames = None,
    fps: Fps = None, preset: Preset = None, font_scale: FontScale = None, zlim: Zlim = None,
    out: Out3D = None, show: Show = False,
) -> None:  # fmt: skip
    _figure("surface", ctx.params)


@app.command("quiver", help="The backward pass: 3-D arrows of steepest descent on the loss.",
             epilog=EXAMPLES.format("quiver"))  # fmt: skip
def quiver(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, annotate: Annotate = None,
    probe: Probe = None, descent: Descent = None, lr: Lr = None, steps: Steps = None,
    zscale: ZScale = None, normalize: Normalize = None, arrows: Arrows = None, elev: Elev = None,
    azim: Azim = None, theme: Theme = None, size: Size = None, dpi: Dpi = None,
    transparent: Transparent = None, title: Title = None, no_title: NoTitle = None,
    lang: Lang = None, frames: Frames = None, fps: Fps = None, preset: Preset = None,
    font_scale: FontScale = None, zlim: Zlim = None, out: Out3D = None,
    show: Show = False,
) -> None:  # fmt: skip
    _figure("quiver", ctx.params)


@app.command("contour", help="A filled contour of the loss with the -gradient as arrows.",
             epilog=EXAMPLES.format("contour"))  # fmt: skip
def contour(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, compare: Compare = None,
    annotate: Annotate = None, probe: Probe = None, descent: Descent = None, lr: Lr = None,
    steps: Steps = None, zscale: ZScale = None, normalize: Normalize = None, arrows: Arrows = None,
    theme: Theme = None, size: Size = None, dpi: Dpi = None, transparent: Transparent = None,
    title: Title = None, no_title: NoTitle = None, lang: Lang = None, preset: Preset = None,
    font_scale: FontScale = None, zlim: Zlim = None, out: Out2D = None, show: Show = False,
) -> None:  # fmt: skip
    _figure("contour", ctx.params)


@app.command("pair", help="Forward beside backward: the surface and its contour, 16:9.",
             epilog=EXAMPLES.format("pair"))  # fmt: skip
def pair(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, annotate: Annotate = None,
    probe: Probe = None, descent: Descent = None, lr: Lr = None, steps: Steps = None,
    zscale: ZScale = None, normalize: Normalize = None, arrows: Arrows = None, elev: Elev = None,
    azim: Azim = None, theme: Theme = None, size: Size = None, dpi: Dpi = None,
    transparent: Transparent = None, title: Title = None, no_title: NoTitle = None,
    lang: Lang = None, preset: Preset = None, font_scale: FontScale = None, zlim: Zlim = None,
    out: OutPair = None, show: Show = False,
) -> None:  # fmt: skip
    _figure("pair", ctx.params)


@app.command("slice", help="One dimension: the loss and its slope along d = x1 - x0.",
             epilog=EXAMPLES.format("slice"))  # fmt: skip
def slice_(
    ctx: typer.Context, range_: Range = None, t: T = None, logits: Logits = None,
    axes: Axes = None, label_smoothing: Smoothing = None, temperature: Temperature = None,
    variant: Variant = None, theme: Theme = None, size: Size = None, dpi: Dpi = None,
    transparent: Transparent = None, title: Title = None, no_title: NoTitle = None,
    lang: Lang = None, preset: Preset = None, font_scale: FontScale = None, out: OutSlice = None,
    show: Show = False,
) -> None:  # fmt: skip
    _figure("slice", ctx.params)


@app.command(
    "explore",
    help="A live window: the surface beside its contour, with sliders for t0 (t = (t0, 1 - t0)),"
    " the temperature (0.1 to 10) and label smoothing (0 to 0.5), and a switch between the exact"
    " loss and the book's. Click the contour to probe a point and draw the descent from it."
    " Keys: s saves the view as a PNG under --out-dir, r resets, q quits.",
    epilog="Examples:\n\nswl-viz explore\n\nswl-viz explore --t 0.7,0.3 --theme dark",
)
def explore(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    label_smoothing: Smoothing = None, temperature: Temperature = None, variant: Variant = None,
    theme: Theme = None, lang: Lang = None,
    out_dir: Annotated[Path, typer.Option(metavar="DIR", help="Folder for s to save into.",
                                          rich_help_panel="Output")] = Path("outputs"),
) -> None:  # fmt: skip
    from swl_viz.options import read_options

    with _errors():
        names = ("range", "step", "t", "label_smoothing", "temperature", "variant", "theme", "lang")
        given = read_options(_one_label(_given(ctx.params)))
        given = {name: given.get(name, OPTIONS[name].default) for name in names}
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            raise RunError("no display to open a window on; explore needs one (and Tk)")
        from swl_viz.explore import explore as open_window

        open_window(given.pop("t"), out_dir=out_dir, **given)


# ---- export ---------------------------------------------------------------------------------

Figures = Annotated[
    str | None,
    typer.Option(metavar="NAMES", rich_help_panel="Output",
                 help=f"Which figures: {','.join(FIGURES)}." + _shown(",".join(CLASSIC))),
]  # fmt: skip
Format = Annotated[
    str | None,
    typer.Option("--format", metavar="png,svg,pdf,gif", help="Formats to write." + _shown("png"),
                 rich_help_panel="Output"),
]  # fmt: skip
OutDir = Annotated[
    Path, typer.Option(metavar="DIR", help="Folder for the files.", rich_help_panel="Output")
]
DeckOpt = Annotated[
    str | None,
    typer.Option("--deck", "--config", metavar="NAME|FILE.toml", rich_help_panel="Deck",
                 help="A bundled deck by name (see --list-decks), or a deck file."),
]  # fmt: skip
ListDecks = Annotated[
    bool, typer.Option("--list-decks", help="List the bundled decks.", rich_help_panel="Deck")
]
Jobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", metavar="N", help="Worker processes." + _shown("CPUs"),
                 rich_help_panel="Output"),
]  # fmt: skip
MAX_JOBS = 64
Budget = Annotated[
    int | None,
    typer.Option("--memory-budget", metavar="MIB", rich_help_panel="Output",
                 help="Memory the jobs may use together; fewer run at once to keep to it."
                 + _shown("half the machine's")),
]  # fmt: skip


@app.command(
    "export",
    help="Render a deck of figures in parallel, reproducibly, for slides. A deck is a TOML file"
    " with an optional \\[defaults] table and one \\[\\[figures]] table per figure.",
    epilog="Examples:\n\nswl-viz export --t 1,0 --t 0,1 --format png,svg\n\n"
    "swl-viz export --deck lecture\n\nswl-viz export --list-decks",
)
def export(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, compare: Compare = None,
    annotate: Annotate = None, probe: Probe = None, descent: Descent = None, lr: Lr = None,
    steps: Steps = None, zscale: ZScale = None, normalize: Normalize = None, arrows: Arrows = None,
    elev: Elev = None, azim: Azim = None, theme: Theme = None, size: Size = None, dpi: Dpi = None,
    transparent: Transparent = None, title: Title = None, no_title: NoTitle = None,
    lang: Lang = None, frames: Frames = None, fps: Fps = None, preset: Preset = None,
    font_scale: FontScale = None, zlim: Zlim = None, figures: Figures = None,
    fmt: Format = None, out_dir: OutDir = Path("outputs"), jobs: Jobs = None,
    memory_budget: Budget = None, deck: DeckOpt = None, list_decks: ListDecks = False,
) -> None:  # fmt: skip
    from swl_viz.deck import bundled_decks, plan_export

    decks = bundled_decks()
    if list_decks:
        for name, path in decks.items():
            out.print(f"{name}\t{path}")
        return
    with _errors():
        config = None
        if deck is not None:
            config = decks.get(deck) or Path(deck)
            if deck not in decks and config.suffix.lower() != ".toml":
                raise SwlVizError(f"no bundled deck {deck!r}; try {', '.join(decks)}", param="deck")
        n_jobs = min(_usable_cpus(), MAX_JOBS) if jobs is None else jobs
        if not 1 <= n_jobs <= MAX_JOBS:
            raise SwlVizError(f"must lie in 1..{MAX_JOBS}, got {n_jobs}", param="jobs")
        overrides = _given(ctx.params)
        labels = list(overrides.pop("t", None) or ())
        targets = plan_export(
            out_dir=out_dir, deck=config, labels=labels, formats=fmt, overrides=overrides,
            figures=[n.strip() for n in figures.split(",")] if figures is not None else None,
        )  # fmt: skip
        _warn_font(
            "ja" if any(x.plot.lang == "ja" for x in targets) else None,
            next((x.plot.title for x in targets if x.plot.title is not None), None),
        )
        from swl_viz.deck import default_budget, workers_within

        if memory_budget is not None and memory_budget < 1:
            raise SwlVizError(f"must be a number of MiB >= 1, got {memory_budget}",
                              param="memory_budget")  # fmt: skip
        budget = default_budget() if memory_budget is None else memory_budget << 20
        fit = workers_within(targets, n_jobs, budget)
        if fit < n_jobs and len(targets) > fit:
            err.print(f"{fit} of {n_jobs} jobs run at once, to stay within {budget >> 20} MiB")
        _run_export(targets, out_dir, fit)


def _usable_cpus() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _run_export(targets: list[Any], out_dir: Path, workers: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

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
        task = progress.add_task(f"exporting to {out_dir}/", total=len(jobs))

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
            table.add_row(r.path, size, secs, f"[{style}]{r.status}[/]")
        out.print(table)
    else:  # piped: each written path on a line of its own, for scripts (failures: stderr)
        for r in results:
            if r.status == "written":
                out.print(r.path, markup=False, soft_wrap=True)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        _error_line(f"failed: {r.path}: {r.error}")
    if failed:
        raise RunError(f"{len(failed)} of {len(results)} files failed; the others were kept")


# ---- numbers for learners -------------------------------------------------------------------


@app.command("demo", help="The worked example of 5.6.3, a 3 x 10 batch: Y, the loss and dA.",
             epilog="Examples:\n\nswl-viz demo\n\nswl-viz demo --json\n\n"
             "swl-viz demo --logits a.csv --labels t.csv")  # fmt: skip
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    logits: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Your own N x K logits (.npy or .csv).")
    ] = None,
    labels: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Your own labels: N x K, or N indices.")
    ] = None,
    labels_as: Annotated[
        str,
        typer.Option(
            metavar="auto|index|onehot", help="How to read a single row or column of labels."
        ),
    ] = "auto",
) -> None:
    with _errors():
        from swl_viz.learners import load_batch, worked_example

        if (logits is None) != (labels is None):
            raise SwlVizError("give --logits and --labels together", param="labels")
        a = load_batch(logits, "logits") if logits is not None else None
        t = load_batch(labels, "labels", True, labels_as) if labels is not None else None
        ex = worked_example(a, t)
    if as_json:
        out.print_json(data=ex.as_json())
        return
    from rich import box
    from rich.table import Table

    def matrix(title: str, m: Any, fmt: str = ".3f") -> None:
        if out.width < 7 * (m.shape[1] + 1):  # too narrow for a table: one value a line
            out.print(title)
            for (n, k), v in np.ndenumerate(m):
                out.print(f"  [{n}, {k}] {v:{fmt}}", markup=False)
            return
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
        table.add_column("n", justify="right", style="dim")
        for k in range(m.shape[1]):
            table.add_column(str(k), justify="right", no_wrap=True)
        for n, row in enumerate(m):
            table.add_row(str(n), *(f"{v:{fmt}}" for v in row))
        out.print(table)

    import numpy as np

    sigma = "Σ" if _encodes("Σ") else "sum"
    matrix("A, the logits", ex.a, "g")
    matrix("T, the labels", ex.t, "g")
    matrix("Y = softmax(A), rounded", ex.y)
    matrix("dA = (Y - T) / N, rounded", ex.grad)
    out.print(f"loss, exact  -{sigma} t log y / N          {ex.loss!r}", markup=False)
    out.print(f"loss, book   -{sigma} t log(y + 1e-7) / N  {ex.loss_book!r}", markup=False)
    out.print(f"difference                            {ex.difference:.6g}", markup=False)


def _encodes(text: str) -> bool:
    try:
        text.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


FdStep = Annotated[
    float, typer.Option("--fd-step", metavar="H", help="Step of the central differences.")
]
Tol = Annotated[float, typer.Option(metavar="TOL", help="Largest allowed absolute error.")]


def _not_help(value: str | None) -> None:
    if value is not None:
        raise typer.BadParameter("is help elsewhere; the difference step is --fd-step H")


HelpTrap = Annotated[str | None, typer.Option("-h", hidden=True, callback=_not_help)]


@app.command("check", help="Gradient check: the analytic gradient against central differences.",
             epilog="Examples:\n\nswl-viz check\n\nswl-viz check --variant book\n\n"
             "swl-viz check --t 0.3,0.7 --fd-step 1e-4",
             context_settings={"help_option_names": ["--help"]})  # fmt: skip
def check(
    ctx: typer.Context, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, fd_step: FdStep = 1e-5,
    tol: Tol = 1e-6, trap: HelpTrap = None,
) -> None:  # fmt: skip
    from swl_viz.learners import gradient_check

    with _errors():
        layer = _layer(ctx.params)
        if not (tol >= 0 and tol == tol):
            raise SwlVizError(f"must be a number >= 0, got {tol:g}", param="tol")
        lo, hi = layer.pop("range")
        res = gradient_check(lo, hi, layer.pop("step"), layer.pop("t"), h=fd_step, **layer)
    i, j = res.axes
    ok = res.max_error <= tol
    verdict = "[green]passed[/]" if ok else "[bold red]failed[/]"
    out.print(
        f"gradient check {verdict}: {res.points} points, h = {res.h:g}, variant {res.variant}\n"
        f"  max |analytic - numeric| = {res.max_error:.3g}  (tolerance {tol:g})\n"
        f"  worst at x{i} = {res.where[0]:g}, x{j} = {res.where[1]:g}, loss {res.loss_there:.6g}\n"
        f"  analytic (dL/dx{i}, dL/dx{j}) = ({res.analytic[0]:.10g}, {res.analytic[1]:.10g})\n"
        f"  numeric  (dL/dx{i}, dL/dx{j}) = ({res.numeric[0]:.10g}, {res.numeric[1]:.10g})",
        markup=True,
    )
    if res.variant == "book" and not ok:
        out.print(
            "  The book's log(y + 1e-7) flattens the loss where y < 1e-7, so its slope there is"
            " not y - t: that is why swl-viz drops the 1e-7 for the graphs."
        )
    if res.noise > tol:
        out.print(
            f"  Note: rounding alone gives differences of about {res.noise:.2g} here"
            " (eps * |L| / h); a larger --fd-step or a smaller --range lowers it."
        )
    if not ok:
        raise typer.Exit(1)


DataOut = Annotated[
    Path, typer.Option("--out", "-o", metavar="FILE", help="Where: .csv, .npz or .json.")
]


@app.command("data", help="The grid's numbers (x0, x1, loss, gradient, y), or a descent path,"
             " as CSV, NPZ or JSON.",
             epilog="Examples:\n\nswl-viz data --out grid.csv\n\n"
             "swl-viz data --descent 3,-2 --lr 0.5 --out path.csv")  # fmt: skip
def data(
    ctx: typer.Context, out_path: DataOut, range_: Range = None, step: Step = None, t: T = None,
    logits: Logits = None, axes: Axes = None, label_smoothing: Smoothing = None,
    temperature: Temperature = None, variant: Variant = None, descent: Descent = None,
    lr: Lr = None, steps: Steps = None,
) -> None:  # fmt: skip
    from swl_viz.learners import write_grid_file, write_path_file
    from swl_viz.options import read_options

    with _errors():
        layer = _layer(ctx.params)
        path = read_options({k: ctx.params[k] for k in ("descent", "lr", "steps")})
        if "descent" not in path:
            for name in path:
                raise SwlVizError("only shapes a descent: give --descent too", param=name)
            write_grid_file(out_path, **layer)
        else:
            del layer["range"], layer["step"]
            write_path_file(
                out_path, path["descent"], layer.pop("t"), lr=path.get("lr", 1.0),
                steps=path.get("steps", 50), **layer,
            )  # fmt: skip
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


def _usable_streams() -> None:
    """A closed stdout or stderr becomes /dev/null; an encoding that cannot show a character
    (PYTHONIOENCODING=ascii) replaces it instead of failing."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _usage_hint(exc: Any, argv: list[str]) -> str:
    """Where to look: an option given two values names itself; otherwise, the command's -h."""
    extra = exc.format_message().partition("extra argument(s) (")[2].rstrip(")").split()
    if extra and extra[0] in argv:
        at = argv.index(extra[0])
        if at >= 2 and argv[at - 2].startswith("--"):
            return f"; {argv[at - 2]} takes one value"
    ctx = exc.ctx
    return f" (see swl-viz {ctx.command_path.split(' ', 1)[-1]} -h)" if ctx and ctx.parent else ""


def main(argv: list[str] | None = None) -> int:
    """Console entry point: the exit status, never a traceback (unless SWL_VIZ_DEBUG=1)."""
    from typer._click.exceptions import ClickException, UsageError

    _usable_streams()
    try:
        result = app(args=argv, prog_name="swl-viz", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except UsageError as exc:  # one line, naming the option; the help is one -h away
        message = exc.format_message()
        if message:  # (no arguments at all: the help is shown, and says it all)
            _error_line(message + _usage_hint(exc, sys.argv[1:] if argv is None else argv))
        code = exc.exit_code
    except ClickException as exc:
        _error_line(exc.format_message())
        code = exc.exit_code
    except BrokenPipeError:  # a reader that left early, as `| head` does
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        code = 1
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        err.print("interrupted")
        code = 130
    except Exception as exc:  # the last guard: a bug still gets one readable line
        if os.environ.get(DEBUG) == "1":
            raise
        err.print(
            f"swl-viz: internal error: {type(exc).__name__}: {exc} "
            f"(set {DEBUG}=1 to see the traceback)"
        )
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, OSError, ValueError):  # a reader that left early, as `| head`
            code = code or 1
    return code
