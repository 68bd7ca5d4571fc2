"""swl-viz under hostile input: names that look like markup or hold control characters and
undecodable bytes, inputs of any size, and the messages they get. Each case is one exact
command and what the user must see: the file named exactly, or one short line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

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
