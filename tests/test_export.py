"""swl-viz export: the set of files, byte-identical re-runs, decks, GIFs, failures, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli
from PIL import Image
from PIL.GifImagePlugin import GifImageFile

import swl_viz.pool as pool
from swl_viz.atomic import TEMP_SUFFIX
from swl_viz.formats import render_bytes

DECK = Path(__file__).parents[1] / "swl_viz" / "decks" / "lecture.toml"


def _export(*args: str) -> tuple[int, str]:
    return run_cli("export", *args, columns=240)


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_default_export_writes_the_three_figures(in_tmp: Path) -> None:
    code, text = _export("--jobs", "1")
    assert code == 0, text
    assert _listing(in_tmp / "outputs") == [
        "contour_t1-0.png",
        "manifest.json",
        "quiver_t1-0.png",
        "surface_t1-0.png",
    ]
    for name in ("surface", "quiver", "contour"):
        with Image.open(in_tmp / "outputs" / f"{name}_t1-0.png") as im:
            im.verify()
    manifest = json.loads((in_tmp / "outputs" / "manifest.json").read_text())
    entry = manifest["files"]["quiver_t1-0.png"]
    assert entry["figure"] == "quiver" and entry["format"] == "png"
    assert entry["params"]["t"] == [1.0, 0.0]
    import hashlib

    digest = hashlib.sha256((in_tmp / "outputs" / "quiver_t1-0.png").read_bytes()).hexdigest()
    assert entry["sha256"] == digest


def test_labels_formats_and_figures_multiply(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the names are under test, not the drawing: each file holds a stand-in for its figure
    monkeypatch.setattr(pool, "render_bytes", lambda plot, fmt: f"{plot!r} {fmt}".encode())
    code, text = _export(
        "--figures", "surface,contour", "--t", "1,0", "--t", "0.5,0.5",
        "--format", "svg,pdf", "--theme", "dark", "--out-dir", "deck", "--dpi", "40",
    )  # fmt: skip
    assert code == 0, text
    names = _listing(in_tmp / "deck")
    assert names == sorted(
        [
            f"{fig}_t{label}_dark_dpi40.{fmt}"
            for fig in ("surface", "contour")
            for label in ("1-0", "0.5-0.5")
            for fmt in ("svg", "pdf")
        ]
        + ["manifest.json"]
    )


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_rerun_is_byte_identical(in_tmp: Path, fmt: str) -> None:
    # one job at a time, then two worker processes: the same bytes either way
    args = ["--format", fmt, "--dpi", "40"]
    assert _export(*args, "--jobs", "1", "--out-dir", "a")[0] == 0
    assert _export(*args, "--jobs", "2", "--out-dir", "b")[0] == 0
    assert _listing(in_tmp / "a") == _listing(in_tmp / "b")
    for name in _listing(in_tmp / "a"):
        assert (in_tmp / "a" / name).read_bytes() == (in_tmp / "b" / name).read_bytes(), name
    # a re-run in place rewrites nothing
    stamps = {p.name: p.stat().st_mtime_ns for p in (in_tmp / "b").iterdir()}
    code, text = _export(*args, "--jobs", "2", "--out-dir", "b")
    # piped, it lists the files written (none), then counts them on stderr
    assert code == 0 and set(text.split("\n")) - {""} == {"0 written, 3 unchanged, 0 failed"}
    assert stamps == {p.name: p.stat().st_mtime_ns for p in (in_tmp / "b").iterdir()}


def test_a_changed_file_is_rendered_again(in_tmp: Path) -> None:
    assert _export("--figures", "contour", "--dpi", "30")[0] == 0
    target = in_tmp / "outputs" / "contour_t1-0_dpi30.png"
    good = target.read_bytes()
    target.write_bytes(b"edited by hand")
    code, text = _export("--figures", "contour", "--dpi", "30")
    paths = [ln for ln in text.splitlines() if ln and not ln.endswith(" failed")]
    assert code == 0 and paths == [str(Path("outputs") / target.name)]  # written again
    assert "1 written, 0 unchanged, 0 failed" in text
    assert target.read_bytes() == good


def test_example_deck_renders_its_figures(in_tmp: Path) -> None:
    code, text = _export("--config", str(DECK), "--dpi", "30", "--out-dir", "deck")
    assert code == 0, text
    assert _listing(in_tmp / "deck") == sorted(
        [
            "surface_t1-0_dpi30.png",
            "surface_t1-0_dpi30.svg",
            "quiver_t1-0_dpi30.png",
            "quiver_t1-0_dpi30.svg",
            "contour_t1-0_dpi30.png",
            "contour_t1-0_dpi30.svg",
            "contour_t0.7-0.3_range-10-10_step0.5_dpi30.png",
            "contour_t0.7-0.3_range-10-10_step0.5_dpi30.svg",
            "manifest.json",
        ]
    )


def test_command_line_overrides_every_deck_entry(in_tmp: Path) -> None:
    code, text = _export(
        "--config", str(DECK), "--t", "0,1", "--t", "1,0", "--format", "svg",
        "--dpi", "30", "--out-dir", "deck",
    )  # fmt: skip
    assert code == 0, text
    names = [n for n in _listing(in_tmp / "deck") if n != "manifest.json"]
    assert all(n.endswith(".svg") for n in names)
    # four entries, two labels; the two labelled entries that collapse onto one file stay one
    assert "surface_t0-1_dpi30.svg" in names and "surface_t1-0_dpi30.svg" in names
    assert "contour_t0-1_range-10-10_step0.5_dpi30.svg" in names
    assert len(names) == 8


BAD_DECKS = [
    ('[[figures]]\nfigure = "surface"\nstepp = 2\n', "figures[1].stepp", "unknown key"),
    ('[[figures]]\nfigure = "surface"\nstep = "two"\n', "figures[1].step", "must be a number"),
    (
        '[[figures]]\nfigure = "surface"\n[[figures]]\nfigure = "contour"\nstep = -1\n',
        "figures[2].step",
        "> 0",
    ),
    ('[[figures]]\nfigure = "pie"\n', "figures[1].figure", "must be one of"),
    ("[[figures]]\nt = [1, 0]\n", "figures[1]", "missing key 'figure'"),
    ('[[figures]]\nfigure = "surface"\nt = [1, 1]\n', "figures[1].t", "sum to 1"),
    ('[[figures]]\nfigure = "contour"\nformat = ["gif"]\n', "figures[1].format", "not gif"),
    ('[defaults]\ntheme = 3\n[[figures]]\nfigure = "surface"\n', "defaults.theme", "one of"),
    ('[defaults]\ntheme = "blue"\n[[figures]]\nfigure = "surface"\n', "defaults.theme", "dark"),
    ('[[figures]]\nfigure = "surface"\nformat = ["bmp"]\n', "figures[1].format", "'bmp'"),
    ("[deck]\nname = 1\n", "deck.toml", "unknown table 'deck'"),
    ("figures = [\n", "deck.toml", "not valid TOML"),
    ("[defaults]\n", "deck.toml", "at least one [[figures]]"),
]


def test_every_problem_in_a_deck_is_reported_at_once(in_tmp: Path) -> None:
    deck = in_tmp / "deck.toml"
    deck.write_text(
        '[[figures]]\nfigure = "surface"\nstepp = 2\n'
        '[[figures]]\nfigure = "contour"\nt = [1, 1]\n'
        '[[figures]]\nfigure = "quiver"\ntheme = "blue"\n'
    )
    code, out = _export("--deck", str(deck))
    assert code == 2, out
    for field in ("figures[1].stepp", "figures[2].t", "figures[3].theme"):
        assert f"deck.toml: {field}:" in out, out
    assert _listing(in_tmp) == ["deck.toml"]


@pytest.mark.parametrize(("text", "where", "message"), BAD_DECKS)
def test_bad_decks_name_file_entry_and_key(
    in_tmp: Path, text: str, where: str, message: str
) -> None:
    deck = in_tmp / "deck.toml"
    deck.write_text(text)
    code, out = _export("--config", str(deck))
    assert code == 2, out
    assert "deck.toml" in out and where in out and message in out, out
    assert _listing(in_tmp) == ["deck.toml"]  # nothing rendered


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--figures", "surface,pie"], "--figures"),
        (["--format", "png,bmp"], "--format"),
        (["--jobs", "0"], "--jobs"),
        (["--t", "1,0", "--t", "2,0"], "--t"),
        (["--config", "missing.toml"], "--deck"),
        (["--deck", "no-such-deck"], "--deck"),
        (["--figures", "contour", "--format", "gif"], "--format"),
        (["--frames", "721", "--format", "gif", "--figures", "surface"], "--frames"),
    ],
)
def test_bad_export_options_fail_before_any_rendering(
    in_tmp: Path, args: list[str], option: str
) -> None:
    code, text = _export(*args)
    assert code == 2, text
    assert option in text
    assert _listing(in_tmp) == []


def test_an_out_dir_that_cannot_be_made_is_a_runtime_error(in_tmp: Path) -> None:
    Path("file.txt").write_text("not a folder")
    code, text = _export("--out-dir", "file.txt/deck")
    assert code == 1
    assert "--out-dir" in text and "cannot create" in text
    assert _listing(in_tmp) == ["file.txt"]


@pytest.mark.slow
def test_gif_has_the_requested_number_of_frames(in_tmp: Path) -> None:
    code, text = _export(
        "--figures", "surface", "--format", "gif", "--frames", "8", "--fps", "4", "--dpi", "30"
    )
    assert code == 0, text
    with Image.open(in_tmp / "outputs" / "surface_t1-0_dpi30_frames8_fps4.gif") as im:
        assert isinstance(im, GifImageFile)
        assert im.n_frames == 8
        assert im.info["duration"] == 250
        first = im.convert("RGB").tobytes()
        im.seek(4)
        assert im.convert("RGB").tobytes() != first  # the view turns


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failing_job_is_reported_and_the_others_kept(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    real = render_bytes

    def flaky(plot: object, fmt: str) -> bytes:
        if getattr(plot, "figure", "") == "quiver":
            raise RuntimeError("the renderer crashed")
        return real(plot, fmt)  # type: ignore[arg-type]

    monkeypatch.setattr(pool, "render_bytes", flaky)
    code, text = _export("--jobs", jobs, "--dpi", "30")
    assert code == 1
    assert "quiver_t1-0_dpi30.png" in text and "the renderer crashed" in text
    assert "1 of 3 files failed" in text
    assert _listing(in_tmp / "outputs") == [
        "contour_t1-0_dpi30.png",
        "manifest.json",
        "surface_t1-0_dpi30.png",
    ]


@pytest.mark.slow
def test_interrupted_export_leaves_no_partial_files(tmp_path: Path) -> None:
    out = tmp_path / "deck"
    cmd = [
        sys.executable, "-m", "swl_viz", "export", "--figures", "surface,quiver",
        "--t", "1,0", "--t", "0,1", "--format", "gif,png", "--frames", "60",
        "--out-dir", str(out), "--jobs", "2",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )

    def finished() -> set[str]:
        if not out.exists():
            return set()
        return {p.name for p in out.iterdir() if p.suffix in (".png", ".gif")}

    # Ctrl-C once the export has begun: its first file is written (a PNG, in about a second;
    # the 60-frame GIFs take several seconds each, so most of the export is still to come)
    deadline = time.monotonic() + 120
    while not (before := finished()):
        assert proc.poll() is None, "the export ended before writing any file"
        assert time.monotonic() < deadline, "the export wrote no file in 120 s"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    left = list(out.iterdir())
    assert not [p for p in left if p.name.endswith(TEMP_SUFFIX)]
    for p in left:
        if p.suffix in (".png", ".gif"):
            with Image.open(p) as im:
                im.verify()  # every file that is there is whole
    figures = {p.name for p in left if p.name != "manifest.json"}
    assert before <= figures  # what finished before Ctrl-C is kept
    assert len(figures) < 8, err  # and the export stopped before its end
    assert f"interrupted: {len(figures)} of 8 files written" in err
    # its manifest lists exactly the files that finished
    manifest = json.loads((out / "manifest.json").read_text())["files"]
    assert set(manifest) == figures
