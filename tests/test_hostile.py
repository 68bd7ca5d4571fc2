"""swl-viz under hostile input: names that look like markup or hold control characters and
undecodable bytes, inputs of any size, and the messages they get. Each case is one exact
command and what the user must see: the file named exactly, or one short line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from conftest import printed_number

from swl_viz.cli_errors import run

ROOT = Path(__file__).parents[1]


def _swl(
    *args: str | bytes, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run the real command line (stdout piped, as a script sees it); bytes in and out."""
    return subprocess.run(
        [sys.executable, "-m", "swl_viz", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def _one_error_line(proc: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    """The single line a refused input gets: no traceback, no warning, nothing on stdout."""
    text = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == code, (proc.returncode, text)
    assert text.count("\n") == 1 and text.startswith("Error: "), text
    assert "Traceback" not in text and "internal error" not in text
    assert proc.stdout == b""
    return text


# ---- names printed exactly ---------------------------------------------------------------------

#: Names that Rich would read as markup, or that a terminal or a decoder would alter.
HOSTILE_NAMES = [
    b"[v2]/talk",
    b"out[/]x",
    b"[bold red]x[/]",
    b"esc\x1b[31mred",
    b"bell\x07cr\r",
    b"bad\xff\xfeutf8",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_data_prints_the_path_it_wrote_exactly(tmp_path: Path, name: bytes) -> None:
    target = name + b".csv"
    proc = _swl("data", "--step", "1", "--out", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == target + b"\n"
    assert (tmp_path / os.fsdecode(target)).is_file()


@pytest.mark.parametrize("name", [HOSTILE_NAMES[0], HOSTILE_NAMES[1], HOSTILE_NAMES[5]], ids=repr)
def test_a_figure_prints_the_path_it_wrote_exactly(tmp_path: Path, name: bytes) -> None:
    target = name + b".svg"
    proc = _swl("slice", "--out", target, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == target + b"\n"
    assert (tmp_path / os.fsdecode(target)).stat().st_size > 0


@pytest.mark.parametrize("folder", [b"q[/]", b"[x]\xff"], ids=repr)
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_export_into_a_markup_folder_lists_it_and_ends_well(
    tmp_path: Path, folder: bytes, terminal: bool
) -> None:
    env = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"} if terminal else {"TERM": "dumb"}
    proc = _swl(
        "export", "--figures", "slice", "--format", "svg", "--out-dir", folder, cwd=tmp_path,
        env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    written = folder + b"/slice_t1-0.svg"
    assert (tmp_path / os.fsdecode(written)).is_file()
    if terminal:  # the table shows the name as it is, not as markup
        assert folder.decode("utf-8", "replace").replace("\ufffd", "") in (
            proc.stdout.decode("utf-8", "replace")
        )
    else:
        assert proc.stdout == written + b"\n"


def test_the_last_resort_handler_prints_markup_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    app = typer.Typer()

    @app.command()
    def boom() -> None:
        raise LookupError("closing tag '[/]' of [bold]nothing[/bold]")

    assert run(app, []) == 1
    err = capsys.readouterr().err
    assert "internal error: LookupError: closing tag '[/]' of [bold]nothing[/bold]" in err
    assert err.count("\n") == 1


# ---- demo: batches of any size, and its messages -----------------------------------------------


def _save(folder: Path, **arrays: np.ndarray) -> list[str]:
    for name, arr in arrays.items():
        np.save(folder / f"{name}.npy", arr)
    return ["--logits", "a.npy", "--labels", "t.npy"]


def _strict_json(text: bytes) -> dict[str, Any]:
    def refuse(word: str) -> None:
        raise AssertionError(f"{word} is not JSON")

    data: dict[str, Any] = json.loads(text, parse_constant=refuse)
    return data


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_demo_difference_has_the_oracles_digits(tmp_path: Path, seed: int) -> None:
    from oracle import mean_losses

    rng = np.random.default_rng(seed)
    t = rng.integers(0, 4, size=5)
    a = rng.normal(scale=3.0, size=(5, 4)) + 10.0 * np.eye(4)[t]  # mostly right: y_t near 1
    proc = _swl("demo", "--json", *_save(tmp_path, a=a, t=t), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = _strict_json(proc.stdout)
    exact, book = mean_losses(a.tolist(), np.eye(4)[t].tolist())
    assert data["difference"] == pytest.approx(float(exact - book), rel=2e-15, abs=0)
    # the old way, two rounded means subtracted, loses digits where y is near 1
    assert data["loss"] - data["loss_book"] != pytest.approx(float(exact - book), rel=1e-12, abs=0)


def test_demo_json_is_strict_json_even_near_the_largest_double(tmp_path: Path) -> None:
    a = np.array([[1.7e308, 0.0], [1.7e308, 0.0]])  # each loss 1.7e308: their sum overflows
    proc = _swl("demo", "--json", *_save(tmp_path, a=a, t=np.array([1, 1])), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    data = _strict_json(proc.stdout)
    assert data["loss"] == 1.7e308 and data["difference"] == pytest.approx(1.7e308, rel=1e-15)


@pytest.mark.parametrize("kind", ["npy", "csv-empty", "csv-header-only"])
def test_demo_on_an_empty_batch_is_one_line(tmp_path: Path, kind: str) -> None:
    if kind == "npy":
        args = _save(tmp_path, a=np.zeros((0, 3)), t=np.zeros(0, dtype=np.int64))
    else:
        text = "" if kind == "csv-empty" else "a0,a1,a2\n"
        (tmp_path / "a.csv").write_text(text)
        (tmp_path / "t.csv").write_text(text)
        args = ["--logits", "a.csv", "--labels", "t.csv"]
    for json_flag in ([], ["--json"]):
        line = _one_error_line(_swl("demo", *json_flag, *args, cwd=tmp_path))
        assert "--logits" in line and "no numbers" in line


def test_demo_label_errors_name_its_own_option(tmp_path: Path) -> None:
    t = np.array([[0.5, 0.6, 0.0]] * 2)
    line = _one_error_line(_swl("demo", *_save(tmp_path, a=np.ones((2, 3)), t=t), cwd=tmp_path))
    assert "'--labels'" in line and "'--t'" not in line and "labels must sum to 1" in line
    t = np.array([0, 5])  # an index past the classes
    line = _one_error_line(_swl("demo", *_save(tmp_path, a=np.ones((2, 3)), t=t), cwd=tmp_path))
    assert "'--labels'" in line and "'--t'" not in line


def test_demo_refuses_a_huge_npy_from_its_header(tmp_path: Path) -> None:
    from swl_viz.learners import MAX_BATCH_VALUES

    with (tmp_path / "a.npy").open("wb") as fh:  # a header promising 4 million numbers, no data
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (2_000_000, 2)}
        )
    np.save(tmp_path / "t.npy", np.zeros(2_000_000, dtype=np.int64))
    line = _one_error_line(
        _swl("demo", "--logits", "a.npy", "--labels", "t.npy", cwd=tmp_path, timeout=30)
    )
    assert "--logits" in line and f"more than {MAX_BATCH_VALUES:,} numbers" in line


def test_demo_refuses_a_huge_csv_before_reading_it(tmp_path: Path) -> None:
    from swl_viz.learners import MAX_BATCH_CSV_BYTES

    row = "0.5,0.25\n"
    with (tmp_path / "a.csv").open("w") as fh:
        fh.write(row * (MAX_BATCH_CSV_BYTES // len(row) + 1))
    (tmp_path / "t.csv").write_text("0\n")
    line = _one_error_line(
        _swl("demo", "--logits", "a.csv", "--labels", "t.csv", cwd=tmp_path, timeout=30)
    )
    assert "--logits" in line and "more than" in line


def test_demo_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.csv")
    (tmp_path / "t.csv").write_text("0\n")
    line = _one_error_line(
        _swl("demo", "--logits", "a.csv", "--labels", "t.csv", cwd=tmp_path, timeout=30)
    )
    assert "not a regular file" in line


def test_demo_table_shows_a_few_rows_and_counts_the_rest(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    args = _save(tmp_path, a=rng.normal(size=(20_000, 2)), t=rng.integers(0, 2, 20_000))
    proc = _swl("demo", *args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode()
    assert text.count("… and 19,990 more rows (all of them with --json)") == 4
    assert len(text.splitlines()) < 100
    loss = printed_number(text, "t log y / N")
    a = np.load(tmp_path / "a.npy")
    t = np.load(tmp_path / "t.npy")
    top = a.max(axis=1)
    lse = top + np.log(np.exp(a - top[:, None]).sum(axis=1))
    assert loss == pytest.approx(float(np.mean(lse - a[np.arange(a.shape[0]), t])), rel=1e-12)


# ---- messages: one short line -------------------------------------------------------------------


def test_a_long_bad_value_is_quoted_shortened_with_its_length(tmp_path: Path) -> None:
    theme = "x" * 100_000  # (an argument of the command line holds at most 128 KiB)
    line = _one_error_line(_swl("contour", "--theme", theme, cwd=tmp_path))
    assert "--theme" in line and "(100,000 characters)" in line and len(line) < 400


# ---- sizes: under a 2 GB address space, each case refuses or finishes --------------------------


def _cases() -> list[Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import hostile

    return list(hostile.CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.name)
def test_a_hostile_size_refuses_or_finishes_within_2_gb(tmp_path: Path, case: Any) -> None:
    """The outcome of each case of benchmarks/hostile.py, which also times them (30 s each):
    the status and words it must end with, no MemoryError, and its peak memory where stated."""
    import hostile

    outcome = hostile.isolated(case, tmp_path, timeout=600)
    assert outcome.problems(case, timed=False) == [], outcome.text[-2000:]


# ---- words that say what is wrong --------------------------------------------------------------


def test_a_title_no_font_can_draw_gets_one_warning_line(tmp_path: Path) -> None:
    title = "\U0001f600 \u0f00 \U00013000 face, Tibetan, hieroglyph"
    proc = _swl("contour", "--title", title, "--dpi", "30", "--out", "t.png", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == b"t.png\n", proc.stderr
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Warning: no installed font"), lines


@pytest.mark.parametrize("display", [":4242", "127.0.0.1:4242", "unix:4243.0"])
@pytest.mark.parametrize("command", [["contour", "--show"], ["explore"]], ids=["show", "explore"])
def test_a_display_with_no_server_says_no_display(
    tmp_path: Path, display: str, command: list[str]
) -> None:
    proc = _swl(*command, cwd=tmp_path, env={"DISPLAY": display, "MPLBACKEND": ""})
    line = _one_error_line(proc, code=1)
    assert "no display" in line and "install Tk" not in line


def test_a_display_whose_server_answers_is_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from swl_viz.cli_report import no_display

    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with socket.socket() as server:  # an X server's port, 6000 + N, on this machine
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        if port <= 6000:
            pytest.skip("the free port is below X's 6000 + N")
        monkeypatch.setenv("DISPLAY", f"127.0.0.1:{port - 6000}")
        assert not no_display()
    assert no_display()  # the same display, its server gone
    monkeypatch.delenv("DISPLAY")
    assert no_display()


def test_a_name_too_long_for_a_part_file_is_written(tmp_path: Path) -> None:
    name = "n" * 240 + ".csv"  # 244 characters: legal, and no room for ".NAME.<pid>.<tag>.part"
    proc = _swl("data", "--step", "1", "--out", name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == name.encode() + b"\n" and (tmp_path / name).stat().st_size > 0


def test_shorten_cuts_only_long_quoted_values() -> None:
    from swl_viz.cli_errors import QUOTE_CHARS, shorten

    path = "/tmp/" + "folder/" * 25 + "figure.png"  # a long path, still shown whole
    assert len(path) < QUOTE_CHARS
    assert shorten(f"cannot write {path!r}: denied") == f"cannot write {path!r}: denied"
    value = "ab" * 100_000
    cut = shorten(f"--theme: {value!r} is not one of 'light', 'dark'")
    assert cut.startswith("--theme: 'abab") and "…" in cut and "(200,000 characters)" in cut
    assert cut.endswith(" is not one of 'light', 'dark'") and len(cut) < 2 * QUOTE_CHARS
    # text between two short quoted values is no quoted value, however long
    between = "x " * 200
    message = f"key 'a'; {between}; key 'b'"
    assert shorten(message) == message
