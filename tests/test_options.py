"""The option table is the one source: Plot, decks and every command's --help agree with it."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
import typer.core
import typer.main
from conftest import run_cli

from swl_viz.cli import app
from swl_viz.errors import SwlVizError
from swl_viz.options import (
    FIGURE_DEFAULTS,
    FIGURES,
    LAYER_OPTIONS,
    OPTIONS,
    figure_formats,
    options_for,
)
from swl_viz.plotspec import Plot, make_plot

_COMMAND = typer.main.get_command(app)
assert isinstance(_COMMAND, typer.core.TyperGroup)
COMMAND: typer.core.TyperGroup = _COMMAND

#: What each command takes from the table; the rest of its options are its own.
FROM_TABLE = {
    **{figure: options_for(figure) for figure in FIGURES},
    "export": tuple(OPTIONS),
    "check": LAYER_OPTIONS,
    "data": (*LAYER_OPTIONS, "descent", "lr", "steps"),
    "explore": (
        "range",
        "step",
        "t",
        "label_smoothing",
        "temperature",
        "variant",
        "theme",
        "lang",
        "loss",
        "gamma",
    ),  # fmt: skip
}
OWN = {
    **{figure: {"out", "show", "alt_text"} for figure in FIGURES},  # --alt-text: it in words
    "export": {"figures", "fmt", "out_dir", "jobs", "memory_budget", "deck", "list_decks"},
    "check": {"fd_step", "atol", "rtol", "tol"},
    "data": {"out_path", "simplex"},
    "explore": {"out_dir"},
}


def test_plot_fields_are_the_table_rows_in_order_with_its_defaults() -> None:
    plot_fields = [f for f in fields(Plot) if f.name != "figure"]
    assert [f.name for f in plot_fields] == list(OPTIONS)
    for f in plot_fields:
        assert f.default is not MISSING
        assert f.default == OPTIONS[f.name].default, f.name


@pytest.mark.parametrize("name", sorted(FROM_TABLE))
def test_each_command_offers_exactly_its_table_options(name: str) -> None:
    command = COMMAND.commands[name]
    params = {
        str(p.name).rstrip("_") for p in command.params if isinstance(p, typer.core.TyperOption)
    }
    params.discard("help")
    assert params == set(FROM_TABLE[name]) | OWN[name]


def _race_defaults() -> dict[str, str]:
    """What the losses' race takes when not given: its start (a gap x_t - x_o) and its steps,
    as make_plot fills them in; a given --descent keeps the table's steps."""
    from swl_viz.compare import compare_losses

    race = compare_losses(make_plot("losses", {}))
    given = make_plot("losses", {"descent": "1,2"}).steps
    return {
        "descent": f"a gap x_t - x_o of {race.start[0] - race.start[1]:g}",
        "steps": f"{race.steps}; {given} with --descent",
    }


@pytest.mark.parametrize("name", sorted(FROM_TABLE))
def test_help_shows_each_table_option_with_the_tables_default(name: str) -> None:
    code, text = run_cli(name, "--help", columns=250)
    assert code == 0, text
    race = _race_defaults() if name == "losses" else {}
    for option in FROM_TABLE[name]:
        row = OPTIONS[option]
        line = next((ln for ln in text.splitlines() if re.search(rf"{row.flag}\b", ln)), "")
        assert line, f"{row.flag} missing from {name} --help"
        shown = row.shown_default
        if option in FIGURE_DEFAULTS.get(name, {}):  # the simplex's label of three classes
            shown = ",".join(f"{v:g}" for v in FIGURE_DEFAULTS[name][option])
        if option in race:  # without --descent, the losses' race
            shown = race[option]
        assert f"[default: {shown}]" in line, line
    for row in OPTIONS.values():
        if row.name not in FROM_TABLE[name]:
            assert not re.search(rf"{row.flag}(?![\w-])", text), f"{name} offers {row.flag}"


@pytest.mark.parametrize("figure", FIGURES)
def test_out_help_offers_exactly_the_formats_the_figure_takes(figure: str, in_tmp: Path) -> None:
    code, text = run_cli(figure, "--help", columns=250)
    line = next(ln for ln in text.splitlines() if "--out" in ln)
    offered = re.findall(r"\.(png|svg|pdf|gif|html)\b", line.split("[default")[0])
    assert offered == list(figure_formats(figure))
    for fmt in offered:
        gif = ["--frames", "1"] if fmt == "gif" else []
        dpi = [] if fmt == "html" else ["--dpi", "20"]  # a page has no dpi: it is refused
        if figure == "simplex":  # three classes only; its .gif moves a descent
            gif += ["--t", "0.2,0.5,0.3", *(["--descent", "1,0,-1"] if fmt == "gif" else [])]
        code, text = run_cli(figure, "--out", f"probe.{fmt}", *dpi, *gif)
        assert code == 0, text
        assert (in_tmp / f"probe.{fmt}").stat().st_size > 1000


def test_export_help_shows_the_deck_format_intact() -> None:
    code, text = run_cli("export", "--help", columns=250)
    assert "[defaults]" in text and "[[figures]]" in text


def test_a_deck_takes_every_table_row() -> None:
    sample = {
        "float": 2.5, "int": 3, "bool": True, "floats": [1, 0], "ints": [0, 1],
        "range": [-5, 5], "point": [3, -2], "size": "400x300", "text": "x",
    }  # fmt: skip
    typed = {
        "floats": (1.0, 0.0), "ints": (0, 1), "range": (-5.0, 5.0), "point": (3.0, -2.0),
        "size": (400.0, 300.0, "px"),
    }  # fmt: skip
    for row in OPTIONS.values():
        value = row.choices[-1] if row.kind == "choice" else sample[row.kind]
        if row.bounds is not None and row.kind in ("float", "int"):
            value = row.bounds[1]
        # no row is missing a reader, and each reads the TOML value as what it says
        assert row.read(value) == typed.get(row.kind, value), row.name


def test_an_option_a_figure_ignores_is_refused_not_dropped() -> None:
    with pytest.raises(SwlVizError) as caught:
        make_plot("surface", {"normalize": True})
    assert caught.value.param == "normalize"
    with pytest.raises(SwlVizError) as caught:
        Plot("contour", elev=30.0)
    assert caught.value.param == "elev"


def test_errors_name_the_library_parameter_and_the_cli_names_the_flag() -> None:
    with pytest.raises(SwlVizError) as caught:
        make_plot("contour", {"label_smoothing": "2"})
    assert caught.value.param == "label_smoothing"
    code, text = run_cli("contour", "--label-smoothing", "2")
    assert code == 2 and "--label-smoothing" in text


def test_size_reads_pixels_and_inches() -> None:
    assert make_plot("surface", {"size": "1920x1080"}).pixels == (1920, 1080)
    assert make_plot("surface", {"size": "9x9in", "dpi": 50}).pixels == (450, 450)
    assert Plot("contour").pixels == (900, 800)


def test_main_returns_its_status_and_leaves_the_caller_alive() -> None:
    from swl_viz.cli import main

    assert main(["--version"]) == 0
    assert main(["surface", "--t", "2,2"]) == 2
    assert main(["check", "-h"]) == 0  # help, as on every command


def test_an_internal_error_points_at_the_debug_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    import swl_viz.learners

    def boom(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(swl_viz.learners, "worked_example", boom)
    from swl_viz.cli import main

    assert main(["demo"]) == 1
    monkeypatch.setenv("SWL_VIZ_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        main(["demo"])


def test_coverage_records_a_cli_run(tmp_path: Path) -> None:
    pytest.importorskip("coverage")
    done = subprocess.run(
        [sys.executable, "-m", "coverage", "run", "--data-file", str(tmp_path / "cov"),
         "-m", "swl_viz", "demo", "--json"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cov").stat().st_size > 0


def test_plot_returns_a_finished_figure_without_pyplot(tmp_path: Path) -> None:
    code = (
        "import sys, swl_viz\n"
        "fig = swl_viz.plot('contour', t='0.9,0.1', theme='dark', dpi=30)\n"
        f"fig.savefig({str(tmp_path / 'c.png')!r})\n"
        "print(type(fig).__name__, 'matplotlib.pyplot' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SceneFigure", "False"]  # a Figure that keeps its rcParams
    from PIL import Image

    with Image.open(tmp_path / "c.png") as im:
        corner = im.convert("RGB").getpixel((2, 2))
    assert isinstance(corner, tuple) and max(corner) < 60, (
        corner
    )  # the dark theme's background, saved outside any context


def test_plot_refuses_an_unknown_option_by_name() -> None:
    import swl_viz

    with pytest.raises(SwlVizError) as caught:
        swl_viz.plot("surface", colour="red")
    assert caught.value.param == "colour"


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["surface", "--t", "1,1"], "--t"),
        (["surface", "--size", "1920", "1080"], "--size"),
        (["contour", "--probe"], "--probe"),
        (["surfcae"], "surface"),
        (["export", "--deck", "missing.toml"], "--deck"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_option(
    argv: list[str], flag: str, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from swl_viz.cli import main

    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and flag in lines[0], err
    assert out == ""
