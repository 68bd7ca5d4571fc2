"""An error that names another option names it as each front end spells it: ``--loss focal``
on the command line, ``loss`` to a library caller; and the line's option is the one at fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_cli

import swl_viz
from swl_viz.cli_errors import spelled
from swl_viz.errors import SwlVizError
from swl_viz.maths import softmax_with_loss

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _flags(command: str) -> set[str]:
    code, text = run_cli(command, "--help", columns=240)
    assert code == 0, text
    return set(FLAG.findall(text))


#: (arguments, the option at fault, the options the line must name besides it)
CASES = [
    (["surface", "--gamma", "1"], "--gamma", {"--loss"}),
    (["slice", "--gamma", "3", "--loss", "mse"], "--gamma", {"--loss"}),
    (["simplex", "--gamma", "0.5"], "--gamma", {"--loss"}),
    (["losses", "--gamma", "1"], "--gamma", {"--with-focal"}),
    (["check", "--gamma", "1"], "--gamma", {"--loss"}),
    (["data", "--gamma", "1", "-o", "d.csv"], "--gamma", {"--loss"}),
    (["data", "--simplex", "--gamma", "1", "-o", "d.csv"], "--gamma", {"--loss"}),
    (["contour", "--title", "x", "--no-title"], "--no-title", {"--title"}),
    (["surface", "--compare", "--loss", "mse"], "--compare", {"--loss"}),
    (["losses", "--t", "0,0,1"], "--axes", {"--t"}),
]


@pytest.mark.parametrize(("args", "option", "others"), CASES)
def test_the_line_names_options_as_the_command_line_spells_them(
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    option: str,
    others: set[str],
) -> None:
    from swl_viz.cli import main

    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    line = err.strip()
    message = line.partition(f"'{option}': ")[2]
    assert message, line  # the option at fault leads the line
    named = set(FLAG.findall(message))
    assert others <= named <= _flags(args[0]) | {option}, (named, line)
    bare = {o[2:].replace("-", "_") for o in others | {option}}
    words = set(re.findall(r"(?<![\w-])[a-z_]+(?![\w-])", FLAG.sub("", message)))
    assert not bare & words, (bare & words, line)  # never the library's name beside the flag
    assert list(in_tmp.iterdir()) == []


def test_gamma_says_which_option_brings_the_focal_loss(capsys: pytest.CaptureFixture[str]) -> None:
    from swl_viz.cli import main

    for figure, needs in [("surface", "--loss focal"), ("losses", "--with-focal")]:
        assert main([figure, "--gamma", "1"]) == 2
        line = capsys.readouterr().err.strip()
        assert f"'--gamma': applies only with {needs}" in line, line


@pytest.mark.parametrize(
    ("figure", "given", "says"),
    [
        ("surface", {"gamma": 2.5}, "gamma: applies only with loss focal"),
        ("contour", {"gamma": 2.5, "loss": "mse"}, "gamma: applies only with loss focal"),
        ("losses", {"gamma": 2.5}, "gamma: applies only with with_focal"),
        ("surface", {"title": "x", "no_title": True}, "no_title: give title or no_title"),
    ],
)
def test_the_library_names_its_keywords(figure: str, given: dict[str, object], says: str) -> None:
    with pytest.raises(SwlVizError) as info:
        swl_viz.plot(figure, **given)
    assert str(info.value).startswith(says), info.value
    assert "--" not in str(info.value)


def test_the_layer_names_gamma_and_loss_to_a_direct_caller() -> None:
    with pytest.raises(SwlVizError) as info:
        softmax_with_loss([1.0, 0.0], [1.0, 0.0], gamma=3.0)
    assert str(info.value) == "gamma: applies only with loss focal"
    assert info.value.param == "gamma" and info.value.mentions == ("loss",)


def test_spelled_writes_whole_words_only() -> None:
    exc = SwlVizError(
        "t: t weighs it, not the losses or t0 or x-t; loss ce, not loss_x",
        param="t",
        mentions=("t", "loss"),
    )
    assert spelled(exc) == "--t weighs it, not the losses or t0 or x-t; --loss ce, not loss_x"
