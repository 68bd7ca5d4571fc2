"""The ``swl-viz`` command line: plain commands that read options, call the library and print.

Each figure option is declared once, in :class:`swl_viz.options.Options`; :func:`takes` gives a
command the options it names, so help texts, defaults and checks cannot drift from what Plot
and decks accept. Errors end in :mod:`swl_viz.cli_errors`, tables in :mod:`swl_viz.cli_report`.
matplotlib is imported inside the commands that draw, so ``swl-viz --help`` stays fast.
"""

import copy
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from swl_viz import __version__
from swl_viz.cli_errors import err, errors, out, print_path, run
from swl_viz.cli_params import Command, complete_list, given, one_label, read_given, shown, takes
from swl_viz.cli_report import (
    print_gradient_check,
    print_json,
    print_worked_example,
    run_export,
    warn_descent,
    warn_font,
)
from swl_viz.errors import RunError, SwlVizError
from swl_viz.options import (
    CLASSIC,
    FIGURE_DEFAULTS,
    FIGURES,
    FORMATS,
    LAYER_OPTIONS,
    OPTIONS,
    RACE_GAP,
    RACE_STEPS,
    figure_formats,
    options_for,
)

app = typer.Typer(
    name="swl-viz",
    help="See the Softmax-with-Loss layer: its loss surface and the gradient it sends back.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


#: Every command but demo: its "No such option" names the commands that take the option.
command = partial(app.command, cls=Command)


def _complete_deck(incomplete: str) -> list[str]:
    from swl_viz.deck import bundled_decks

    return [name for name in bundled_decks() if name.startswith(incomplete)]


def _no_display() -> bool:
    from swl_viz.cli_report import no_display

    return no_display()


# ---- figure commands ------------------------------------------------------------------------

EXAMPLES = (
    "Examples:\n\nswl-viz {0} --t 1,0\n\nswl-viz {0} --t 0.9,0.1 --theme dark --out outputs/{0}.svg"
)


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
OutLosses = Annotated[Path | None, _out("losses")]
OutSimplex = Annotated[Path | None, _out("simplex")]
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


def _need_font(lang: str | None) -> None:
    """Japanese labels need a Japanese font: without one, stop before writing a file named
    _ja that would hold English labels."""
    if lang == "ja":
        from swl_viz.mpl.theme import japanese_font

        if japanese_font() is None:
            raise RunError(
                "ja needs a Japanese font, and none is installed; install one with "
                "pip install matplotlib-fontja (swl-viz's ja extra) or a system CJK font",
                param="lang",
            )


def _figure(
    figure: str, options: Mapping[str, Any], path: Path | None, show: bool, alt: bool = False
) -> None:
    from swl_viz.plotspec import make_plot

    with errors():
        plot = make_plot(figure, one_label(given(options)))
        _need_font(plot.lang)
        warn_font(None, plot.title)
        warn_descent(plot)
        if path is None and not show:
            path = Path("outputs") / f"{plot.stem()}.png"
        if path is not None:
            from swl_viz.formats import output_format, render_to_file

            fmt = output_format(plot, path)
            plot.check_formats([fmt])
            render_to_file(plot, path, fmt)
            print_path(path)
        if alt:
            from swl_viz.formats import describe_figure

            out.print(describe_figure(plot), markup=False, highlight=False, soft_wrap=True)
        if show:
            plot.check_formats([])  # a window is no .gif either
            if _no_display():
                hint = "" if path is not None else "; write a file with --out"
                raise RunError(f"no display to open a window on{hint}", param="show")
            from swl_viz.formats import show_window

            show_window(plot)


@command("surface", help="The forward pass: the loss as a 3-D wireframe.",
         epilog=EXAMPLES.format("surface"))  # fmt: skip
@takes(options_for("surface"))
def surface(
    out: Out3D = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("surface", options, out, show, alt_text)


@command("quiver", help="The backward pass: 3-D arrows of steepest descent on the loss.",
         epilog=EXAMPLES.format("quiver"))  # fmt: skip
@takes(options_for("quiver"))
def quiver(
    out: Out3D = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("quiver", options, out, show, alt_text)


@command("contour", help="A filled contour of the loss with the -gradient as arrows.",
         epilog=EXAMPLES.format("contour"))  # fmt: skip
@takes(options_for("contour"))
def contour(
    out: Out2D = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("contour", options, out, show, alt_text)


@command("pair", help="Forward beside backward: the surface and its contour, 16:9.",
         epilog=EXAMPLES.format("pair"))  # fmt: skip
@takes(options_for("pair"))
def pair(
    out: OutPair = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("pair", options, out, show, alt_text)


@command("slice", help="One dimension: the loss and its slope along d = x1 - x0.",
         epilog=EXAMPLES.format("slice"))  # fmt: skip
@takes(options_for("slice"))
def slice_(
    out: OutSlice = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("slice", options, out, show, alt_text)


def _race(func: Any) -> Any:
    """Without --descent the losses' comparison races one descent under each loss from a gap
    x_t - x_o of -5, with --lr and --steps: say so, and the race's steps, in its help. Its own
    copies of those parameters are changed: the other commands share theirs."""
    helps = {
        "descent": "Start the race here, the same descent under each loss."
        + shown(f"a gap x_t - x_o of {RACE_GAP:g}"),
        "lr": "Learning rate of the race." + shown(OPTIONS["lr"].shown_default),
        "steps": "Steps of the race."
        + shown(f"{RACE_STEPS}; {OPTIONS['steps'].shown_default} with --descent"),
    }
    params = []
    for param in func.__signature__.parameters.values():
        if param.name in helps:
            info = copy.copy(param.annotation.__metadata__[0])
            info.help = helps[param.name]
            param = param.replace(annotation=Annotated[param.annotation.__origin__, info])
        params.append(param)
    func.__signature__ = func.__signature__.replace(parameters=params)
    return func


@command("losses", help="Why softmax goes with cross-entropy: cross-entropy beside squared"
         " error (and the focal loss, on request), their gradients split by the chain rule,"
         " |grad L| over the plane and the same descent under each.",
         epilog="Examples:\n\nswl-viz losses --t 1,0\n\n"
         "swl-viz losses --with-focal --preset slides --out outputs/losses.pdf")  # fmt: skip
@_race
@takes(options_for("losses"))
def losses(
    out: OutLosses = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("losses", options, out, show, alt_text)


def _three_logits(func: Any) -> Any:
    """The simplex's probe and descent start at three logits, and its label has three classes
    (1,0,0 unless given): say so in its help. Its own copies of those parameters are changed:
    the other commands share theirs."""
    default = ",".join(f"{v:g}" for v in FIGURE_DEFAULTS["simplex"]["t"])
    params = []
    for param in func.__signature__.parameters.values():
        if param.name in ("probe", "descent", "t"):
            info = copy.copy(param.annotation.__metadata__[0])
            if param.name == "t":
                info.metavar = "T0,T1,T2"
                info.help = "Teacher label of three classes, like 0.2,0.5,0.3." + shown(default)
            else:
                info.metavar = "X0,X1,X2"
            param = param.replace(annotation=Annotated[param.annotation.__origin__, info])
        params.append(param)
    func.__signature__ = func.__signature__.replace(parameters=params)
    return func


@command("simplex", help="Three classes: the loss on the probability triangle beside the"
             " logit plane (x1 - x0, x2 - x0), on one colour scale, with -(y - t) as arrows.",
             epilog="Examples:\n\nswl-viz simplex --t 0.2,0.5,0.3\n\n"
             "swl-viz simplex --t 1,0,0 --range -8 8 --descent 2,-1,3")  # fmt: skip
@_three_logits
@takes(options_for("simplex"))
def simplex(
    out: OutSimplex = None, show: Show = False, alt_text: AltText = False, **options: Any
) -> None:
    _figure("simplex", options, out, show, alt_text)


#: What the live window takes: the layer, the grid and the look.
EXPLORE = (
    "range", "step", "t", "label_smoothing", "temperature", "variant", "theme", "lang", "loss",
    "gamma",
)  # fmt: skip


@command(
    "explore",
    help="A live window: the surface beside its contour, with sliders for t0 (t = (t0, 1 - t0)),"
    " the temperature (0.1 to 10) and label smoothing (0 to 0.5), a switch between the exact"
    " loss and the book's, and one between the losses on y (cross-entropy, squared error and"
    " focal with its γ), starting at the loss given. Click the contour to probe a point and draw"
    " the descent from it."
    " Keys: s saves the view as a PNG under --out-dir, r resets, q quits.",
    epilog="Examples:\n\nswl-viz explore\n\nswl-viz explore --t 0.7,0.3 --theme dark\n\n"
    "swl-viz explore --loss mse --gamma 1",
)
@takes(EXPLORE)
def explore(
    out_dir: Annotated[Path, typer.Option(metavar="DIR", help="Folder the s key saves PNGs into.",
                                          rich_help_panel="Output")] = Path("outputs"),
    **options: Any,
) -> None:  # fmt: skip
    with errors():
        given = read_given(options, EXPLORE)
        from swl_viz.maths import check_options

        # the book's variant is a cross-entropy: said before looking for a display
        check_options(given["temperature"], given["variant"], loss=given["loss"])
        _need_font(given["lang"])
        if _no_display():
            raise RunError("no display to open a window on; explore needs one (and Tk)")
        from swl_viz.explore import explore as open_window

        open_window(given.pop("t"), out_dir=out_dir, **given)


# ---- export ---------------------------------------------------------------------------------

Figures = Annotated[
    str | None,
    typer.Option(metavar="NAMES", rich_help_panel="Output",
                 help=f"Which figures: {','.join(FIGURES)}." + shown(",".join(CLASSIC)),
                 autocompletion=complete_list(FIGURES, listed=True)),
]  # fmt: skip
Format = Annotated[
    str | None,
    typer.Option("--format", metavar=",".join(FORMATS), rich_help_panel="Output",
                 help="Formats to write (html: a web page, needs plotly)." + shown("png"),
                 autocompletion=complete_list(FORMATS, listed=True)),
]  # fmt: skip
OutDir = Annotated[
    Path, typer.Option(metavar="DIR", help="Folder for the files.", rich_help_panel="Output")
]
DeckOpt = Annotated[
    str | None,
    typer.Option("--deck", "--config", metavar="NAME|FILE.toml", rich_help_panel="Deck",
                 help="A bundled deck by name (see --list-decks), or a deck file.",
                 autocompletion=_complete_deck),
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


@command(
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
            print_path(f"{name}\t{path}")
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
        _need_font("ja" if any(x.plot.lang == "ja" for x in targets) else None)
        warn_font(None, next((x.plot.title for x in targets if x.plot.title is not None), None))
        said: set[tuple[Any, ...]] = set()
        for x in targets:  # once for each path, not for each figure that draws it
            if x.plot.descent is None:
                continue
            descent = (x.plot.descent, x.plot.lr, x.plot.steps, x.plot.layer())
            if descent not in said:
                said.add(descent)
                warn_descent(x.plot)
        fit, budget = export_workers(targets, n_jobs, memory_budget)
        if jobs is None and fit == n_jobs and len(targets) == n_jobs + 1:
            # one job left over would double one worker's time: it gets a worker of its own,
            # if the memory budget allows (3 figures on 2 cores: 1 + 1 + 1, not 2 + 1)
            fit = max(fit, export_workers(targets, n_jobs + 1, memory_budget)[0])
        if fit < n_jobs and len(targets) > fit:
            err.print(f"{fit} of {n_jobs} jobs run at once, to stay within {budget >> 20} MiB")
        try:
            run_export(targets, out_dir, fit)
        except RunError as exc:  # html needs plotly: export asked for it with --format
            if exc.param != "out":
                raise
            raise RunError(str(exc), param="format") from None


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
        print_json(ex.as_json())
        return
    print_worked_example(ex)


FdStep = Annotated[
    float,
    typer.Option("--fd-step", metavar="H", help="Step of the central differences, in (0, 1]."
                 + shown("1e-5")),
]  # fmt: skip
Atol = Annotated[
    float,
    typer.Option(metavar="TOL", help="Largest allowed error |analytic - numeric|." + shown("1e-6")),
]
Rtol = Annotated[
    float,
    typer.Option(metavar="TOL", help="Largest allowed error relative to the largest |gradient| on"
                 " the grid (normwise), so a temperature of 1000 is held to the same digits."
                 + shown("1e-6")),
]  # fmt: skip


#: --tol, as it was before --rtol: --atol under its old name, kept for scripts
OldTol = Annotated[float | None, typer.Option("--tol", hidden=True, metavar="TOL")]


@command("check", help="Gradient check: the analytic gradient against central differences."
         " Passes when the largest error is within both --atol and --rtol.",
         epilog="Examples:\n\nswl-viz check\n\nswl-viz check --variant book\n\n"
         "swl-viz check --t 0.3,0.7 --fd-step 1e-4\n\n"
         "swl-viz check --temperature 1000 --rtol 1e-7")  # fmt: skip
@takes(LAYER_OPTIONS)
def check(
    fd_step: FdStep = 1e-5, atol: Atol = 1e-6, rtol: Rtol = 1e-6, tol: OldTol = None,
    **options: Any,
) -> None:  # fmt: skip
    from swl_viz.learners import gradient_check

    with errors():
        layer = read_given(options, LAYER_OPTIONS)
        if tol is not None:
            atol = tol
        for name, value in (("atol" if tol is None else "tol", atol), ("rtol", rtol)):
            if not (value >= 0 and value == value):
                raise SwlVizError(f"must be a number >= 0, got {value:g}", param=name)
        lo, hi = layer.pop("range")
        try:
            res = gradient_check(lo, hi, layer.pop("step"), layer.pop("t"), h=fd_step, **layer)
        except SwlVizError as exc:  # the library's h is the command line's --fd-step
            if exc.param != "h":
                raise
            raise SwlVizError(str(exc), param="fd_step") from None
    if not print_gradient_check(res, atol, rtol):
        raise typer.Exit(1)


DataOut = Annotated[
    Path, typer.Option("--out", "-o", metavar="FILE", help="Where: .csv, .npz or .json.")
]
DESCENT = ("descent", "lr", "steps")
OnSimplex = Annotated[
    bool,
    typer.Option("--simplex", help="The triangle of three classes instead: y0, y1, y2, loss and"
                 " the arrows (the layer's -gradient, -(y - t) / T for ce) at y = (i, j, k) / n;"
                 " the step is 1/n, 0.05 unless given; the label 1,0,0 unless given."),
]  # fmt: skip


#: data reads --descent, --lr and --steps as a path to write: it draws nothing.
DATA_HELP = {
    "descent": "Write the gradient-descent path from this point (k, x, loss, gradient at each"
    " step) instead of the grid; --range and --step do not apply to it.",
    "lr": "Learning rate of the path (with --descent).",
    "steps": "Steps of the path (with --descent).",
}


@command("data", help="The numbers, at full precision, as CSV, NPZ or JSON: the grid's (x0,"
         " x1, loss, gradient, y at every point), or a gradient-descent path's from a start point.",
         epilog="Examples:\n\nswl-viz data --out outputs/grid.csv\n\n"
         "swl-viz data --descent 3,-2 --lr 0.5 --out outputs/path.csv")  # fmt: skip
@takes((*LAYER_OPTIONS, *DESCENT), DATA_HELP)
def data(out_path: DataOut, simplex: OnSimplex = False, **options: Any) -> None:
    from swl_viz.learners import write_grid_file, write_path_file
    from swl_viz.options import read_options

    with errors():
        layer = read_given(options, LAYER_OPTIONS)
        path = read_options({k: options[k] for k in DESCENT})
        if simplex:
            _simplex_data(out_path, options, layer)
        elif path.get("descent") is not None and len(path["descent"]) != 2:
            raise SwlVizError("needs two numbers X0,X1 for a path on the plane", param="descent")
        elif "descent" not in path:
            for name in path:
                raise SwlVizError("applies only with --descent X0,X1, the path's start", param=name)
            write_grid_file(out_path, **layer)
        else:
            for name in ("range", "step"):  # a path has no grid: they would be ignored
                if options[name] is not None:
                    raise SwlVizError(
                        "shapes the grid, and a --descent path has none; leave it out", param=name
                    )
            del layer["range"], layer["step"]
            warning = write_path_file(
                out_path, path["descent"], layer.pop("t"), lr=path.get("lr", 1.0),
                steps=path.get("steps", 50), **layer,
            )  # fmt: skip
            if warning is not None:
                err.print(f"[yellow]Warning:[/] {warning}", markup=True)
    print_path(out_path)


def _simplex_data(out_path: Path, options: Mapping[str, Any], layer: dict[str, Any]) -> None:
    """The triangle's grid: a step of 1/n (0.05 unless given); no plane options."""
    from swl_viz.simplex import simplex_layer, write_triangle_file

    for name in ("range", "logits", "axes", *DESCENT):
        if options.get(name) is not None:
            raise SwlVizError("is for the plane's grid or a path, not --simplex", param=name)
    step = layer["step"] if options.get("step") is not None else 0.05
    t = layer["t"] if options.get("t") else FIGURE_DEFAULTS["simplex"]["t"]
    made = simplex_layer(
        t, label_smoothing=layer["label_smoothing"], temperature=layer["temperature"],
        variant=layer["variant"], loss=layer["loss"], gamma=layer["gamma"],
    )  # fmt: skip
    write_triangle_file(out_path, made, step)


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
