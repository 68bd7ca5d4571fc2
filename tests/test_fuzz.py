"""Hostile input, generated: whatever a user types, swl-viz answers with exit 0, 1 or 2, a short
error that names the option, no traceback, and no stray files."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from swl_viz.cli import app

runner = CliRunner(env={"COLUMNS": "120"})

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "1e309",
            "-1e309",
            "1e-400",
            "0",
            "-0",
            "1e6",
            "-1e6",
            "2e-3",
            "0x10",
            "1_000",
            "",
            " ",
            "１",
            "٣",
            "1e",
            "e5",
            "--",
            "-",
            "+1",
            "1.5.2",
            "½",
        ]
    ),  # fmt: skip
    st.text(max_size=6),
)
SMALL_VALID = st.sampled_from(["-20", "20", "0.5", "2", "1", "-3", "10"])
LISTS = st.one_of(
    st.lists(st.one_of(NUMBERS, SMALL_VALID), min_size=0, max_size=5).map(",".join),
    st.sampled_from(
        [
            "1,0",
            "0,1",
            "0.5,0.5",
            "0,0,1",
            "1,,0",
            ",",
            "1;0",
            "[1,0]",
            "1, 0",
            "0.3,0.7",
            "1,0,",
            "１,０",
            "0.9,0.1",
        ]
    ),  # fmt: skip
)
PATHS = st.sampled_from(
    ["f.png", "f.svg", "f.pdf", "f.gif", "f.bmp", "f", "f.PNG", ".png", "deep/er/f.png",
     "/proc/swl-viz/f.png", "blocker/f.png", "ü/図.png", "f.png/", "f.csv", "f.json", "f.npz"]
)  # fmt: skip
FIGURE_COMMANDS = ["surface", "quiver", "contour"]


def _option(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return values.map(lambda v: [name, v])


OPTIONS = st.one_of(
    st.tuples(st.one_of(NUMBERS, SMALL_VALID), st.one_of(NUMBERS, SMALL_VALID)).map(
        lambda p: ["--range", *p]
    ),
    _option("--step", st.one_of(NUMBERS, st.sampled_from(["2", "0.5", "1e-9", "0.01"]))),
    _option("--t", LISTS),
    _option("--logits", LISTS),
    _option("--axes", LISTS),
    _option("--label-smoothing", st.one_of(NUMBERS, st.sampled_from(["0.1", "1", "0.999"]))),
    _option("--temperature", st.one_of(NUMBERS, st.sampled_from(["0.5", "1e-4", "1e4"]))),
    _option("--variant", st.sampled_from(["exact", "book", "torch", "", "EXACT"])),
    _option("--zscale", st.sampled_from(["linear", "log", "symlog", ""])),
    _option("--theme", st.sampled_from(["light", "dark", "blue", ""])),
    _option("--lang", st.sampled_from(["en", "ja", "fr", ""])),
    _option("--dpi", st.sampled_from(["10", "12", "0", "-5", "1201", "abc", "1e3", "9999999999"])),
    st.tuples(
        st.sampled_from(["1", "1.5", "0", "-2", "60", "nan"]),
        st.sampled_from(["1", "2", "0", "inf"]),
    ).map(lambda p: ["--size", *p]),  # fmt: skip
    _option("--frames", st.sampled_from(["1", "2", "0", "721", "-1", "x"])),
    _option("--fps", st.sampled_from(["1", "0", "nan", "1000"])),
    _option("--arrows", st.sampled_from(["1", "3", "0", "201", "-3"])),
    _option("--elev", st.one_of(NUMBERS, SMALL_VALID)),
    _option("--azim", st.one_of(NUMBERS, SMALL_VALID)),
    _option("--title", st.one_of(st.text(max_size=30), st.text(alphabet="$\\^_{}ab", max_size=8))),
    _option("--out", PATHS),
    _option("--h", st.one_of(NUMBERS, st.sampled_from(["1e-5", "0", "2"]))),
    _option("--tol", st.one_of(NUMBERS, st.sampled_from(["1e-6", "-1"]))),
    st.sampled_from([["--compare"], ["--normalize"], ["--no-title"], ["--transparent"]]),
)

#: Inputs that once broke the command line, kept so they never break it again.
ONCE_BROKE = [
    ["surface", "--range", "-5", "-1", "--step", "0.5"],  # negative numbers after --range
    ["surface", "--step", "1e-6"],  # a grid too large to allocate
    ["quiver", "--range", "-1e6", "1e6"],  # ditto, from the range side
    ["surface", "--t", "1,-0"],  # a negative zero in a label
    ["contour", "--out", "x.gif"],  # a turntable of a 2-D figure
    ["export", "--format", "gif", "--figures", "contour"],
    ["surface", "--title", "x", "--no-title"],  # contradictory options
    ["surface", "--dpi", "1200", "--size", "50", "50"],  # 60000 pixels a side
    ["surface", "--temperature", "1e-300"],  # a / T overflowed to inf
    ["surface", "--logits", "1e308,0"],  # wrong length, and an overflowing logit
    ["surface", "--range", "-1e308", "1e308"],  # hi - lo overflowed
    ["surface", "--lang", "ja", "--title", "損失"],
    ["demo", "--logits", "missing.npy", "--labels", "missing.npy"],
    ["check", "--variant", "book", "--range", "-1e6", "1e6", "--step", "5000"],
    ["data", "--out", "f.png"],
    ["export", "--out-dir", "blocker/deck"],  # a folder that cannot be made, named as --out
    ["surface", "--title", "$\\frac$"],  # mathtext that matplotlib cannot parse
    ["export", "--title", "$x^{$", "--figures", "contour"],
]

_BOX = re.compile(r"[│╭╮╰╯─┌┐└┘]")


def _invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, args)
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}") from result.exception
    return result.exit_code, result.output


def _check(args: list[str]) -> int:
    """Run one command line in an empty folder; a successful run may write one file, or a deck
    (and its manifest) for export."""
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "blocker").write_text("a file where a folder is wanted")
        before = set(cwd.rglob("*"))
        code, out = _invoke(args, cwd)
        assert code in (0, 1, 2), (args, code, out)
        assert "Traceback" not in out, (args, out)
        after = {p for p in cwd.rglob("*") if p not in before}
        assert not [p for p in after if p.name.endswith(".part")], (args, after)
        if code == 1 and out.startswith("gradient check failed"):
            return code  # swl-viz check reports a failed check with exit status 1, by design
        if code != 0:
            text = " ".join(_BOX.sub(" ", out).split())
            assert "--" in text or "Error" in text, (args, out)  # it names the option
            assert len(text) < 700, (args, out)  # and stays short
            assert not [p for p in after if p.is_file()], (args, after)
        else:
            written = [p for p in after if p.is_file()]
            if args[0] == "export":
                assert any(p.name == "manifest.json" for p in written), (args, written)
            else:
                assert len(written) <= 1, (args, written)
        return code


@pytest.mark.parametrize("args", ONCE_BROKE, ids=lambda a: " ".join(a)[:40])
def test_inputs_that_once_broke_the_cli(args: list[str]) -> None:
    _check(args)


#: Derandomized, so a run is reproducible; no deadline, since a draw may render a small figure.
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
COMMANDS = st.sampled_from([*FIGURE_COMMANDS, "check", "data", "export"])
OPTION_LISTS = st.lists(OPTIONS, min_size=1, max_size=4)


def _never_crash(command: str, options: list[list[str]]) -> None:
    drawn = [*FIGURE_COMMANDS, "export"]
    args = [command, "--dpi", "10", "--size", "1", "1"] if command in drawn else [command]
    if command == "export":
        args += ["--jobs", "1"]
        options = [o for o in options if o[0] not in ("--out", "--h", "--tol")]
    for opt in options:
        args.extend(opt)
    if command == "data" and "--out" not in args:
        args.extend(["--out", "grid.npz"])
    event(f"exit {_check(args)}")


@settings(FUZZ, max_examples=30)
@given(command=COMMANDS, options=OPTION_LISTS)
def test_generated_arguments_never_crash(command: str, options: list[list[str]]) -> None:
    """The quick tier's share of the fuzzing: a few dozen command lines."""
    _never_crash(command, options)


@pytest.mark.slow
@settings(FUZZ, max_examples=300)
@given(command=COMMANDS, options=OPTION_LISTS)
def test_generated_arguments_never_crash_deep(command: str, options: list[list[str]]) -> None:
    """The deep run, in the second tier: ten times as many."""
    _never_crash(command, options)
