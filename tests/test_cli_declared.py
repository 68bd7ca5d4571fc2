"""The command line offers each declared option exactly where it applies, and refuses the rest as
a user would meet it: one line naming the option, exit status 2, nothing written."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from swl_viz.cli_params import takes
from swl_viz.options import FIGURES, OPTIONS

PACKAGE = Path(__file__).parents[1] / "swl_viz"


def _one_error_line(capsys: pytest.CaptureFixture[str], flag: str) -> str:
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and flag in lines[0], err
    assert out == "" and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("figure", FIGURES)
def test_each_figure_offers_its_declared_options_and_refuses_the_others(
    figure: str, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from swl_viz.cli import main

    code, text = run_cli(figure, "--help", columns=250)
    assert code == 0, text
    for row in OPTIONS.values():
        offered = re.search(rf"{row.flag}(?![\w-])", text) is not None
        assert offered == (figure in row.figures), (figure, row.flag)
        if figure not in row.figures:
            assert main([figure, row.flag, "1"]) == 2
            _one_error_line(capsys, row.flag)
    assert not any(in_tmp.iterdir())


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["export", "--figures", "surface", "--frames", "12", "--format", "png"], "--frames"),
        (["export", "--fps", "5"], "--fps"),
        (["export", "--figures", "contour", "--elev", "30"], "--elev"),
        (["surface", "--frames", "12", "--show"], "--frames"),
    ],
)
def test_an_option_that_would_be_ignored_is_one_usage_line(
    argv: list[str], flag: str, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from swl_viz.cli import main

    assert main(argv) == 2
    _one_error_line(capsys, flag)
    assert not any(in_tmp.rglob("*.*"))


def test_a_deck_that_sets_frames_for_a_png_is_refused_by_field(in_tmp: Path) -> None:
    Path("talk.toml").write_text('[[figures]]\nfigure = "quiver"\nfps = 5\n')
    code, text = run_cli("export", "--deck", "talk.toml")
    assert code == 2 and "figures[1].fps" in text and ".gif" in text, text
    assert not (in_tmp / "outputs").exists()


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_module_imports_a_private_module_of_another_package() -> None:
    for path in PACKAGE.glob("*.py"):
        for name in _imported(path):
            parts = name.split(".")
            if parts[0] != "swl_viz":
                assert not any(p.startswith("_") for p in parts[1:]), f"{path.name}: {name}"


def test_the_command_functions_are_plain_and_name_only_their_own_parameters() -> None:
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    commands = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("takes(" in ast.unparse(d) for d in node.decorator_list)
    }  # the commands that take declared options (demo's --logits is a file of its own)
    assert set(commands) == {
        "surface", "quiver", "contour", "pair", "slice_", "losses", "simplex", "explore", "export",
        "check",
        "data",
    }  # fmt: skip
    for name, node in commands.items():
        own = {a.arg for a in node.args.args + node.args.kwonlyargs}
        assert not own & set(OPTIONS), f"{name} declares {own & set(OPTIONS)} again"


def test_takes_gives_a_plain_function_the_declared_options_as_keywords() -> None:
    @takes(("step", "theme"))
    def draw(out: str | None = None, **options: Any) -> dict[str, Any]:
        return {"out": out, **options}

    params = inspect.signature(draw).parameters
    assert list(params) == ["step", "theme", "out"]
    assert all(p.kind == inspect.Parameter.KEYWORD_ONLY for p in params.values())
    assert draw(step=None, theme="dark", out="x.png") == {
        "out": "x.png", "step": None, "theme": "dark",
    }  # fmt: skip
    with pytest.raises(TypeError, match="options"):
        takes(("step",))(lambda out=None: out)
