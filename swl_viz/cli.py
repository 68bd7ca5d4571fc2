"""The ``swl-viz`` command line: plain commands that read options, call the library and print.

Each figure option is declared once, in :class:`swl_viz.options.Options`; :func:`takes` gives a
command the options it names, so help texts, defaults and checks cannot drift from what Plot
and decks accept. Errors end in :mod:`swl_viz.cli_errors`, tables in :mod:`swl_viz.cli_report`.
matplotlib is imported inside the commands that draw, so ``swl-viz --help`` stays fast.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from swl_viz import __version__
from swl_viz.cli_errors import err, errors, out, run
from swl_viz.cli_params import given, one_label, read_given, shown, takes
from swl_viz.cli_report import print_gradient_check, print_worked_example, run_export, warn_font
from swl_viz.errors import RunError, SwlVizError
from swl_viz.options import CLASSIC, FIGURES, LAYER_OPTIONS, OPTIONS, figure_formats, options_for

app = typer.Typer(
    name="swl-viz",
    help="See the Softmax-with-Loss layer: its loss surface and the gradient it sends back.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _no_display() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


# ---- figure commands ------------------------------------------------------------------------

EXAMPLES = "Examples:\n\nswl-viz {0} --t 1,0\n\nswl-viz {0} --t 0.9,0.1 --theme dark --out {0}.svg"


def _out(figure: str) -> Any:
    suffixes = ", ".join("." + f for f in figure_formats(figure))
    return typer.Option(
        "--out", "-o", metavar="PATH", rich_help_panel="Output",
        help=f"File to write: {suffixes}." + shown("outputs/<name>.png"),
    )  # fmt: skip


Out3D = Annotated[Path | None, _out("surface")]
Out2D = Annotated[Path | None, _out("contour")]
OutPair = Annotated[Path | None, _out("pair")]
OutSlice = Annotated[Path | None, _out("slice")]
Show = Annotated[
    bool, typer.Option("--show", help="Open an interactive window.", rich_help_panel="Output")
]


AltText = Annotated[
    bool,
    typer.Option(
        "--alt-text",
        help="Print what the figure shows, in words (a PNG and a web page carry it too).",
        rich_help_panel="Output",
    ),
]


def _figure(
    figure: str, options: Mapping[str, Any], path: Path | None, show: bool, alt: bool = False
) -> None:
    from swl_viz.plotspec import make_plot

    with errors():
        plot = make_plot(figure, one_label(given(options)))
        warn_font(plot.lang, plot.title)
        if path is None and not show:
            path = Path("outputs") / f"{plot.stem()}.png"
        if path is not None:
            from swl_viz.formats import output_format, render_to_file

            fmt = output_format(plot, path)
            plot.check_formats([fmt])
            render_to_file(plot, path, fmt)
            out.print(str(path))
        if alt:
            from swl_viz.web.describe import alt_text

            out.print(alt_text(plot), markup=False, highlight=False, soft_wrap=True)
        if show:
            plot.check_formats([])  # a window is no .gif either
            if _no_display():
                hint = "" if path is not None else "; write a file with --out"
                raise RunError(f"no display to open a window on{hint}", param="show")
            from swl_viz.formats import show_window

            show_window(plot)


@app.command("surface", help="The forward pass: the loss as a 3-D wireframe.",
             epilog=EXAMPLES.format("surface"))  # fmt: skip
@takes(options_for("surface"))
def surface(
    out: Out3D = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("surface", options, out, show, alt_text)


@app.command("quiver", help="The backward pass: 3-D arrows of steepest descent on the loss.",
             epilog=EXAMPLES.format("quiver"))  # fmt: skip
@takes(options_for("quiver"))
def quiver(
    out: Out3D = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("quiver", options, out, show, alt_text)


@app.command("contour", help="A filled contour of the loss with the -gradient as arrows.",
             epilog=EXAMPLES.format("contour"))  # fmt: skip
@takes(options_for("contour"))
def contour(
    out: Out2D = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("contour", options, out, show, alt_text)


@app.command("pair", help="Forward beside backward: the surface and its contour, 16:9.",
             epilog=EXAMPLES.format("pair"))  # fmt: skip
@takes(options_for("pair"))
def pair(
    out: OutPair = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("pair", options, out, show, alt_text)


@app.command("slice", help="One dimension: the loss and its slope along d = x1 - x0.",
             epilog=EXAMPLES.format("slice"))  # fmt: skip
@takes(options_for("slice"))
def slice_(
    out: OutSlice = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("slice", options, out, show, alt_text)


#: What the live window takes: the layer, the grid and the look.
EXPLORE = ("range", "step", "t", "label_smoothing", "temperature", "variant", "theme", "lang")


@app.command(
    "explore",
    help="A live window: the surface beside its contour, with sliders for t0 (t = (t0, 1 - t0)),"
    " the temperature (0.1 to 10) and label smoothing (0 to 0.5), and a switch between the exact"
    " loss and the book's. Click the contour to probe a point and draw the descent from it."
    " Keys: s saves the view as a PNG under --out-dir, r resets, q quits.",
    epilog="Examples:\n\nswl-viz explore\n\nswl-viz explore --t 0.7,0.3 --theme dark",
)
@takes(EXPLORE)
def explore(
    out_dir: Annotated[Path, typer.Option(metavar="DIR", help="Folder for s to save into.",
                                          rich_help_panel="Output")] = Path("outputs"),
    **options: Any,
) -> None:  # fmt: skip
    with errors():
        given = read_given(options, EXPLORE)
        if _no_display():
            raise RunError("no display to open a window on; explore needs one (and Tk)")
        from swl_viz.explore import explore as open_window

        open_window(given.pop("t"), out_dir=out_dir, **given)


# ---- export ---------------------------------------------------------------------------------

Figures = Annotated[
    str | None,
    typer.Option(metavar="NAMES", rich_help_panel="Output",
                 help=f"Which figures: {','.join(FIGURES)}." + shown(",".join(CLASSIC))),
]  # fmt: skip
Format = Annotated[
    str | None,
    typer.Option("--format", metavar="png,svg,pdf,gif", help="Formats to write." + shown("png"),
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
    typer.Option("--jobs", "-j", metavar="N", help="Worker processes." + shown("CPUs"),
                 rich_help_panel="Output"),
]  # fmt: skip
Budget = Annotated[
    int | None,
    typer.Option("--memory-budget", metavar="MIB", rich_help_panel="Output",
                 help="Memory the jobs may use together; fewer run at once to keep to it."
                 + shown("half the machine's")),
]  # fmt: skip


@app.command(
    "export",
    help="Render a deck of figures in parallel, reproducibly, for slides. A deck is a TOML file"
    " with an optional \\[defaults] table and one \\[\\[figures]] table per figure.",
    epilog="Examples:\n\nswl-viz export --t 1,0 --t 0,1 --format png,svg\n\n"
    "swl-viz export --deck lecture\n\nswl-viz export --list-decks",
)
@takes(OPTIONS)
def export(
    figures: Figures = None, fmt: Format = None, out_dir: OutDir = Path("outputs"),
    jobs: Jobs = None, memory_budget: Budget = None, deck: DeckOpt = None,
    list_decks: ListDecks = False, **options: Any,
) -> None:  # fmt: skip
    from swl_viz.deck import bundled_decks, export_workers, find_deck, job_count, plan_export

    if list_decks:
        for name, path in bundled_decks().items():
            out.print(f"{name}\t{path}")
        return
    with errors():
        n_jobs = job_count(jobs)
        overrides = given(options)
        labels = list(overrides.pop("t", None) or ())
        targets = plan_export(
            out_dir=out_dir, deck=find_deck(deck) if deck is not None else None, labels=labels,
            formats=fmt, overrides=overrides,
            figures=[n.strip() for n in figures.split(",")] if figures is not None else None,
        )  # fmt: skip
        warn_font(
            "ja" if any(x.plot.lang == "ja" for x in targets) else None,
            next((x.plot.title for x in targets if x.plot.title is not None), None),
        )
        fit, budget = export_workers(targets, n_jobs, memory_budget)
        if fit < n_jobs and len(targets) > fit:
            err.print(f"{fit} of {n_jobs} jobs run at once, to stay within {budget >> 20} MiB")
        run_export(targets, out_dir, fit)


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
    with errors():
        from swl_viz.learners import load_batch, worked_example

        if (logits is None) != (labels is None):
            raise SwlVizError("give --logits and --labels together", param="labels")
        a = load_batch(logits, "logits") if logits is not None else None
        t = load_batch(labels, "labels", True, labels_as) if labels is not None else None
        ex = worked_example(a, t)
    if as_json:
        out.print_json(data=ex.as_json())
        return
    print_worked_example(ex)


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
@takes(LAYER_OPTIONS)
def check(fd_step: FdStep = 1e-5, tol: Tol = 1e-6, trap: HelpTrap = None, **options: Any) -> None:
    from swl_viz.learners import gradient_check

    with errors():
        layer = read_given(options, LAYER_OPTIONS)
        if not (tol >= 0 and tol == tol):
            raise SwlVizError(f"must be a number >= 0, got {tol:g}", param="tol")
        lo, hi = layer.pop("range")
        res = gradient_check(lo, hi, layer.pop("step"), layer.pop("t"), h=fd_step, **layer)
    if not print_gradient_check(res, tol):
        raise typer.Exit(1)


DataOut = Annotated[
    Path, typer.Option("--out", "-o", metavar="FILE", help="Where: .csv, .npz or .json.")
]
DESCENT = ("descent", "lr", "steps")


@app.command("data", help="The grid's numbers (x0, x1, loss, gradient, y), or a descent path,"
             " as CSV, NPZ or JSON.",
             epilog="Examples:\n\nswl-viz data --out grid.csv\n\n"
             "swl-viz data --descent 3,-2 --lr 0.5 --out path.csv")  # fmt: skip
@takes((*LAYER_OPTIONS, *DESCENT))
def data(out_path: DataOut, **options: Any) -> None:
    from swl_viz.learners import write_grid_file, write_path_file
    from swl_viz.options import read_options

    with errors():
        layer = read_given(options, LAYER_OPTIONS)
        path = read_options({k: options[k] for k in DESCENT})
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


def main(argv: list[str] | None = None) -> int:
    """Console entry point: the exit status, never a traceback (unless SWL_VIZ_DEBUG=1)."""
    return run(app, argv)
