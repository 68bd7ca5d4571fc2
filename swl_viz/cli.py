"""The ``swl-viz`` command line: thin commands that check options, call the library and print.

matplotlib is imported inside the commands that draw, so ``swl-viz --help`` stays fast.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from swl_viz import __version__
from swl_viz.maths import RunError, SwlVizError
from swl_viz.spec import Plot, parse_floats, parse_ints

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

T = TypeVar("T")

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
    return {"range": "--range", "out": "--out", "figure": "--figures"}.get(
        param, "--" + param.replace("_", "-")
    )


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


def _plot(figure: str, **options: Any) -> Plot:
    """Check and build a Plot from the command-line options' raw values."""
    for name, param in (("t", "t"), ("logits", "logits")):
        if isinstance(options.get(name), str):
            options[name] = parse_floats(options[name], param)
    if isinstance(options.get("axes"), str):
        options["axes"] = parse_ints(options["axes"], "axes")
    return Plot(figure=figure, **options)  # type: ignore[arg-type]


# ---- figure commands ---------------------------------------------------------------------------


def _render(plot: Plot, out_path: Path | None, show: bool) -> None:
    from swl_viz.export import check_format, output_format, render_to_file  # noqa: PLC0415

    if show:
        _check_display()
    if out_path is None and not show:
        out_path = Path("outputs") / f"{plot.stem()}.png"
    if out_path is not None:
        fmt = output_format(out_path)
        check_format(plot, fmt)
        render_to_file(plot, out_path, fmt)
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
    import matplotlib  # noqa: PLC0415

    from swl_viz.figures import build_figure, theme_context  # noqa: PLC0415
    from swl_viz.spec import format_label  # noqa: PLC0415

    with theme_context(plot.theme, plot.lang):
        import matplotlib.pyplot as plt  # noqa: PLC0415  (only --show needs pyplot)

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
        with _errors():
            plot = _plot(
                figure,
                range=range_,
                step=step,
                t=t,
                logits=logits,
                axes=axes,
                label_smoothing=label_smoothing,
                temperature=temperature,
                variant=variant,
                compare=compare,
                zscale=zscale,
                normalize=normalize,
                arrows=arrows,
                elev=elev,
                azim=azim,
                theme=theme,
                size=size,
                dpi=dpi,
                transparent=transparent,
                title=title,
                no_title=no_title,
                lang=lang,
                frames=frames,
                fps=fps,
            )
            _warn_font(plot.lang)
            _render(plot, out_path, show)

    _drop = {"normalize"} if figure != "quiver" else set()
    if not three_d:
        _drop |= {"elev", "azim", "frames", "fps"}
    if figure == "surface":
        _drop.add("arrows")
    _hide_options(command, _drop)
    return command


def _hide_options(fn: Callable[..., Any], names: set[str]) -> None:
    """Remove options that mean nothing for one figure from its signature (and so its --help)."""
    import inspect  # noqa: PLC0415

    sig = inspect.signature(fn)
    fn.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[p for p in sig.parameters.values() if p.name not in names]
    )


def _warn_font(lang: str) -> None:
    if lang != "ja":
        return
    from swl_viz.text import japanese_font  # noqa: PLC0415

    if japanese_font() is None:
        err.print(
            "[yellow]Warning:[/] no Japanese font found, so the labels are drawn in English. "
            "Install one with: pip install 'swl-viz[ja]'",
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
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None
    except Exception as exc:  # the last guard: a bug still gets one readable line
        err.print(f"swl-viz: internal error: {type(exc).__name__}: {exc}")
        raise SystemExit(1) from None
