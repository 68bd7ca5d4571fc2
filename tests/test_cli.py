"""The command line as a user meets it: the documented lines, and every bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED_LOSS, SEED_REL, printed_number, run_cli
from PIL import Image


def _run(*args: str) -> tuple[int, str]:
    return run_cli(*args, columns=240)


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["surface", "--t", "1,0"], "outputs/surface_t1-0.png"),
        (["quiver", "--range", "-20", "20"], "outputs/quiver_t1-0.png"),
        (["contour", "--t", "0,1"], "outputs/contour_t0-1.png"),
        (
            ["surface", "--range", "-5", "-1", "--step", "0.5"],
            "outputs/surface_t1-0_range-5--1_step0.5.png",
        ),
    ],
)
def test_documented_lines_write_a_figure(in_tmp: Path, args: list[str], written: str) -> None:
    code, text = _run(*args)
    assert code == 0, text
    assert text.strip() == written
    expected = (900, 800) if args[0] == "contour" else (900, 900)
    with Image.open(in_tmp / written) as im:
        assert im.format == "PNG"
        assert im.size == expected


#: How each format's file begins: the suffix must pick the format, not only name the file.
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF-"}


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_out_suffix_picks_the_format(in_tmp: Path, suffix: str) -> None:
    code, text = _run("contour", "--out", f"deck/c.{suffix}", "--dpi", "40")
    assert code == 0, text
    assert _files(in_tmp) == [f"deck/c.{suffix}"]
    data = (in_tmp / "deck" / f"c.{suffix}").read_bytes()
    assert data.startswith(MAGIC[suffix]), data[:20]
    if suffix == "svg":
        assert b"<svg" in data[:2000]


BAD = [
    (["surface", "--t", "1,1"], "--t", "sum to 1"),
    (["surface", "--t", "1.5,-0.5"], "--t", "non-negative"),
    (["surface", "--t", "a,b"], "--t", "numbers"),
    (["surface", "--t", "1"], "--t", "2 classes"),
    (["surface", "--t", ""], "--t", "numbers"),
    (["surface", "--t", "1,,0"], "--t", "numbers"),
    (["surface", "--t", "nan,1"], "--t", "finite"),
    (["surface", "--range", "5", "5"], "--range", "LO < HI"),
    (["surface", "--range", "5", "-5"], "--range", "LO < HI"),
    (["surface", "--range", "-inf", "5"], "--range", "finite"),
    (["surface", "--range", "nan", "5"], "--range", "finite"),
    (["surface", "--step", "0"], "--step", "> 0"),
    (["surface", "--step", "-2"], "--step", "> 0"),
    (["surface", "--step", "nan"], "--step", "finite"),
    (["surface", "--step", "1e-6"], "--step", "4001 points"),
    (["quiver", "--range", "-1e6", "1e6"], "--step", "4001 points"),
    (["contour", "--out", "x.bmp"], "--out", ".png"),
    (["contour", "--out", "x"], "--out", ".png"),
    (["contour", "--out", "x.gif"], "--out", ".png, .svg, .pdf"),
    (["surface", "--dpi", "0"], "--dpi", "[10, 1200]"),
    (["surface", "--theme", "blue"], "--theme", "light, dark"),
    (["surface", "--size", "0x3"], "--size", "100..16384"),
    (["surface", "--size", "9 by 9"], "--size", "1920x1080"),
    (["surface", "--size", "200x9in"], "--size", "100..16384"),
    (["surface", "--frames", "721", "--out", "a.gif"], "--frames", "720"),
    (["quiver", "--arrows", "0"], "--arrows", "[1, 200]"),
    (["surface", "--step", "abc"], "--step", "valid"),
]


@pytest.mark.parametrize(("args", "option", "message"), BAD)
def test_bad_input_is_a_usage_error_naming_the_option(
    in_tmp: Path, args: list[str], option: str, message: str
) -> None:
    code, text = _run(*args)
    assert code == 2, text
    assert option in text and message in text
    assert _files(in_tmp) == []


def test_unwritable_folder_is_a_runtime_error(in_tmp: Path) -> None:
    Path("file.txt").write_text("not a folder")
    code, text = _run("surface", "--out", "file.txt/fig.png")
    assert code == 1
    assert "--out" in text and "cannot write" in text
    assert _files(in_tmp) == ["file.txt"]


def test_show_without_a_display_says_so(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, text = _run("surface", "--show")
    assert code == 1
    assert "display" in text and "--out" in text
    assert _files(in_tmp) == []
    # with --out, the file the user asked for is still written
    code, text = _run("surface", "--show", "--out", "f.png", "--dpi", "20")
    assert code == 1 and "display" in text
    assert _files(in_tmp) == ["f.png"]
    with Image.open(in_tmp / "f.png") as im:
        assert im.format == "PNG" and im.size == (900, 900)
        im.verify()  # whole, not cut short by the failed --show


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["surface", "--frames", "12"], "--frames"),
        (["quiver", "--fps", "5", "--out", "q.svg"], "--fps"),
        (["surface", "--t", "1,0", "--t", "0,1"], "--t"),
        (["contour", "--logits", "5,5"], "--logits"),
    ],
)
def test_options_that_would_be_ignored_are_usage_errors(
    in_tmp: Path, args: list[str], flag: str
) -> None:
    code, text = _run(*args)
    assert code == 2, text
    assert flag in text
    assert _files(in_tmp) == []


# The probe calls main(), which returns its status and leaves the caller alive. It prints a
# marker last, so a probe that never got there fails too.
PROBE = (
    "import sys\n"
    "from swl_viz.cli import main\n"
    "assert main({argv!r}) in (0, 1)\n"
    "print('matplotlib' in sys.modules, 'probe-done')\n"
)


@pytest.mark.parametrize(
    "argv", [["--help"], ["demo"], ["demo", "--json"], ["check"], ["data", "--out", "g.npz"]]
)
def test_help_and_the_numbers_commands_skip_matplotlib(tmp_path: Path, argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False probe-done", done.stdout[-300:]


def test_the_probe_sees_matplotlib_when_a_command_draws(tmp_path: Path) -> None:
    argv = ["surface", "--dpi", "20"]
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.stdout.splitlines()[-1] == "True probe-done"


def test_python_m_runs_the_same_cli(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "swl_viz", "surface", "--t", "0,1", "--dpi", "30"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "outputs/surface_t0-1_dpi30.png"
    bad = subprocess.run(
        [sys.executable, "-m", "swl_viz", "surface", "--t", "2,0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2 and "--t" in bad.stderr and "Traceback" not in bad.stderr


HOSTILE_TITLES = [
    ("$" + "{" * 40 + "x" + "}" * 40 + "$", "nests braces"),
    ("a\udcffb", "not UTF-8"),
    ("a\x07b", "control character"),
    ("$\\frac{1}{$", "mathtext"),
]


@pytest.mark.parametrize(("title", "message"), HOSTILE_TITLES)
def test_a_title_is_drawn_or_refused_by_name(in_tmp: Path, title: str, message: str) -> None:
    code, text = _run("surface", "--title", title, "--dpi", "20")
    assert code == 2, text
    assert "--title" in text and message in text
    assert _files(in_tmp) == []


def test_deep_fractions_at_low_dpi_are_refused_before_drawing(in_tmp: Path) -> None:
    title = "$\\frac{\\frac{\\frac{\\frac{\\frac{1}{2}}{3}}{4}}{5}}{6}$"
    code, text = _run("surface", "--title", title, "--dpi", "10", "--size", "900x900")
    assert code == 2 and "--title" in text, text
    assert _files(in_tmp) == []


def _swl(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swl_viz", *args], capture_output=True, text=True, check=False,
        env=env,
    )  # fmt: skip


def test_a_closed_stdout_keeps_the_commands_own_status(tmp_path: Path) -> None:
    for args, status in ((["contour", "--out", "x.png", "--dpi", "20"], 0), (["demo", "--t"], 2)):
        done = subprocess.run(
            f"{sys.executable} -m swl_viz {' '.join(args)} >&-", shell=True, cwd=tmp_path,
            capture_output=False, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr and "AttributeError" not in done.stderr


def test_an_ascii_terminal_and_a_narrow_one_still_show_every_number() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = _swl("demo", env=env)
    assert done.returncode == 0, done.stderr
    loss = printed_number(done.stdout, "loss, exact  -sum t log y / N")  # sum, not a sigma
    assert loss == pytest.approx(SEED_LOSS, rel=SEED_REL)
    done = _swl("demo", env={**os.environ, "COLUMNS": "20"})
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    assert "[2, 9] 0.865" in done.stdout  # y of the third sample's true class, e^8 / sum


def test_shell_completion_installs_and_completes(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    done = _swl("--install-completion", "bash", env=env)
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "swl-viz.sh"
    assert "_swl_viz_completion" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()
    ask = {**env, "_SWL_VIZ_COMPLETE": "complete_bash", "COMP_WORDS": "swl-viz contour --the",
           "COMP_CWORD": "2"}  # fmt: skip
    assert _swl(env=ask).stdout.split() == ["--theme"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_loading_is_quiet(tmp_path: Path, signum: int) -> None:
    """Ctrl-C in the first tenths of a second (imports) used to print a whole traceback."""
    # 'up' once the entry point is imported: the race under test is swl-viz's own loading, and a
    # signal during this harness's import (before run() takes the signals) would be Python's
    start = "from swl_viz.__main__ import run; print('up', flush=True); run()"
    for delay in (0.03, 0.1, 0.2):  # after the interpreter is up, while swl-viz loads
        proc = subprocess.Popen(
            [sys.executable, "-c", start, "export"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline() == "up\n"
        time.sleep(delay)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert proc.returncode in (128 + signum, -signum, 130), (delay, proc.returncode, err)
        assert not list(tmp_path.rglob("*.part"))


# ---- a newcomer's surprises: each was met on a fresh clone, and each fails on the old CLI ----


@pytest.mark.parametrize(
    "command", ["surface", "quiver", "contour", "pair", "slice", "explore", "export", "demo",
                "check", "data"],
)  # fmt: skip
def test_dash_h_is_help_on_every_command(command: str) -> None:
    code, text = _run(command, "-h")
    assert code == 0, text
    assert f"Usage: swl-viz {command}" in " ".join(text.split())


def test_the_difference_step_is_named_as_the_user_wrote_it(in_tmp: Path) -> None:
    code, text = _run("check", "--fd-step", "0")
    assert code == 2 and "'--fd-step'" in text and "'--h'" not in text, text


@pytest.mark.parametrize(
    ("args", "takers"),
    [
        (["contour", "--frames", "10"], ["surface", "quiver", ".gif"]),
        (["slice", "--step", "1"], ["surface", "contour", "data"]),
        (["explore", "--probe", "1,2"], ["surface", "contour", "pair"]),
    ],
)
def test_an_option_of_other_commands_says_which_take_it(
    in_tmp: Path, args: list[str], takers: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from swl_viz.cli import main

    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    line = err.strip()
    assert args[1] in line and all(name in line for name in takers), line
    assert "Possible options" not in line  # no lookalikes that have nothing to do with it
    assert _files(in_tmp) == []


def test_a_wide_slice_names_the_range_and_never_a_step_it_does_not_have(in_tmp: Path) -> None:
    code, text = _run("slice", "--range", "-1e5", "1e5", "--dpi", "20")
    assert code == 0, text  # a slice is a line of fixed resolution: any range draws
    code, text = _run("slice", "--range", "3", "3")
    assert code == 2 and "--range" in text and "--step" not in text, text


def test_help_lines_say_what_the_command_does() -> None:
    code, text = _run("export", "--help")
    line = next(ln for ln in text.splitlines() if "--format" in ln)
    assert "html" in line, line
    code, text = _run("data", "--help")
    descent = next(ln for ln in text.splitlines() if "--descent" in ln and "X0,X1" in ln)
    assert "Draw" not in descent and "path" in descent, descent
    code, text = _run("explore", "--help")
    assert "Folder for s " not in text and "s key" in text


def _complete(line: str) -> list[str]:
    words = line.split(" ")
    env = {**os.environ, "_SWL_VIZ_COMPLETE": "complete_bash", "COMP_WORDS": line,
           "COMP_CWORD": str(len(words) - 1)}  # fmt: skip
    return _swl(env=env).stdout.split()


def test_completion_offers_the_values_of_choices_decks_and_figures() -> None:
    assert _complete("swl-viz contour --theme ") == ["light", "dark"]
    assert _complete("swl-viz surface --variant b") == ["book"]
    assert set(_complete("swl-viz export --deck ")) >= {"lecture", "readme", "slides"}
    assert _complete("swl-viz export --figures surface,co") == ["surface,contour"]
    assert "html" in _complete("swl-viz export --format ")


def test_data_refuses_the_grid_options_a_descent_path_would_ignore(in_tmp: Path) -> None:
    for flag, value in (("--range", ["-3", "3"]), ("--step", ["0.5"])):
        code, text = _run("data", "--descent", "1,2", flag, *value, "--out", "p.csv")
        assert code == 2 and flag in text, text
    assert _files(in_tmp) == []


def test_piped_export_ends_with_its_counts(in_tmp: Path) -> None:
    args = ("export", "--figures", "contour,slice", "--dpi", "20", "--jobs", "1")
    code, text = _run(*args)
    assert code == 0, text
    assert text.splitlines()[-1] == "2 written, 0 unchanged, 0 failed", text
    code, text = _run(*args)  # nothing changed: the paths stay quiet, the counts do not
    assert code == 0 and set(text.split("\n")) - {""} == {"0 written, 2 unchanged, 0 failed"}


def test_the_library_takes_every_option_as_text_and_names_the_keyword() -> None:
    import swl_viz

    fig = swl_viz.plot("contour", range="-10 10", step="0.5", t="0.9,0.1", normalize="true",
                       probe="2,-3", lr="0.5", descent="1,1", dpi="20")  # fmt: skip
    assert fig.get_size_inches().tolist() == [45.0, 40.0]
    for options, name in (
        ({"range": "5 5"}, "range"),
        ({"t": "1,1"}, "t"),
        ({"lr": 2}, "lr"),
        ({"frames": 3}, "frames"),
        ({"colour": "red"}, "colour"),
        ({"normalize": "maybe"}, "normalize"),
    ):
        with pytest.raises(swl_viz.SwlVizError) as info:
            swl_viz.plot("contour", **options)
        assert info.value.param == name
        assert str(info.value).startswith(f"{name}:") or str(info.value).startswith(f"{name} ")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["surface", "--out", "s.html", "--font-scale", "2"], "--font-scale"),
        (["contour", "--out", "c.html", "--dpi", "50"], "--dpi"),
        (["export", "--figures", "surface", "--format", "html", "--dpi", "50"], "--dpi"),
    ],
)
def test_what_a_web_page_would_ignore_is_refused(in_tmp: Path, args: list[str], flag: str) -> None:
    pytest.importorskip("plotly")
    code, text = _run(*args)
    assert code == 2 and flag in text and ".html" in text, text
    assert _files(in_tmp) == []
    code, text = _run("export", "--figures", "contour", "--format", "png,html", "--dpi", "20")
    assert code == 0, text  # the PNG uses it
