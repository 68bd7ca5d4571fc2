"""The README is part of the product: short enough to read in two minutes, its code runs, its
pictures exist; the guide (docs/guide.md) carries the rest, and its option table is generated."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
#: Where the README sends a newcomer who wants more.
LONGEST_README = 200


def _blocks(lang: str, text: str = README) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_the_readme_is_short_and_sends_the_rest_to_the_guide_and_contributing() -> None:
    assert len(README.splitlines()) <= LONGEST_README
    for link in ("docs/guide.md", "CONTRIBUTING.md", "examples/seed_note.ipynb"):
        assert f"]({link}" in README and (ROOT / link).is_file(), link
    for developer_only in ("benchmarks/run.py", ".ci/run", "SWL_REGEN_BASELINES", "mypy"):
        assert developer_only not in README, developer_only


@pytest.mark.parametrize("text", [README, GUIDE], ids=["README", "guide"])
def test_python_examples_run_and_print_what_they_say(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outputs").mkdir()  # made by the README's first command
    for block in _blocks("python", text):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        printed = out.getvalue().splitlines()
        promised = [m.strip() for m in re.findall(r"print\(.*?\)\s+# (.*)", block)]
        assert len(printed) == len(promised)
        for got, want in zip(printed, promised, strict=True):
            assert " ".join(got.split()) == " ".join(want.split())
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.parent == tmp_path / "outputs" for p in written), written  # outputs/ only
    assert all(p.stat().st_size > 10_000 for p in written)


def test_every_readme_command_is_in_the_blocks_that_tests_paste() -> None:
    """The commands a newcomer may paste are the bash blocks, which tests/test_fresh.py runs in
    order in a fresh clone; a command shown inline must be one of them, or need a display."""
    pasted = " ".join(" ".join(_blocks("bash")).split())
    for command in re.findall(r"`(swl-viz [^`]*)`", README):
        if command.startswith("swl-viz explore") or "--install-completion" in command:
            continue  # a window on a display; a change to the user's shell start-up
        assert command in pasted, command


#: README pictures that are screenshots, not figures: a page in Chromium and the live window.
SCREENSHOTS = {
    "web_surface.png",
    "web_contour.png",
    "explore_t0.8-0.2_T1_eps0.1_exact_probe4--6.png",
}
_PICTURE = r"!\[[^\]]*\]\((?:\.\./)?(outputs/readme/[^)]+)\)"


def test_every_picture_is_in_outputs_and_made_by_the_readme_decks(tmp_path: Path) -> None:
    from swl_viz.deck import bundled_decks, plan_export

    pictures = set(re.findall(_PICTURE, README)) | set(re.findall(_PICTURE, GUIDE))
    for pic in pictures:
        assert (ROOT / pic).is_file(), pic
    planned = {
        target.path.name
        for deck in ("slides", "readme")
        for target in plan_export(out_dir=tmp_path, deck=bundled_decks()[deck])
    }
    assert {Path(p).name for p in pictures} == planned | SCREENSHOTS
    tracked = {p.name for p in (ROOT / "outputs" / "readme").glob("*.png")}
    assert tracked == planned | SCREENSHOTS  # and no stale picture lies beside them


def test_readme_opens_with_the_two_setup_commands() -> None:
    first = _blocks("bash")[0].strip().splitlines()
    assert README.lstrip().startswith("# swl-viz\n\n```bash\n")  # the very top
    assert len(first) == 2
    assert "pip install -e ." in first[0] and "swl-viz" in first[0]
    assert "pip install -e '.[test]'" in first[1] and "pytest" in first[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest" in ci


def option_table() -> str:
    """The guide's option reference, made from the option table itself."""
    from swl_viz.options import FIGURES, OPTIONS

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| option | default | figures | meaning |", "|---|---|---|---|"]
    for row in OPTIONS.values():
        flag = row.flag + (f" {row.metavar}" if row.metavar else "")
        if row.default is True:
            flag = f"{row.flag}/--no-{row.flag[2:]}"
        users = (
            "all"
            if row.figures == frozenset(FIGURES)
            else ", ".join(f for f in FIGURES if f in row.figures)
        )
        lines.append(f"| `{cell(flag)}` | {cell(row.shown_default)} | {users} | {cell(row.help)} |")
    return "\n".join(lines) + "\n"


def test_the_option_reference_is_the_option_table() -> None:
    assert option_table() in GUIDE, "paste option_table()'s output into docs/guide.md"
