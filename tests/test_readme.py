"""The README is part of the product: its code runs and its pictures exist."""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_python_examples_run_and_print_what_they_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for block in _blocks("python"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        printed = out.getvalue().splitlines()
        promised = [m.strip() for m in re.findall(r"print\(.*?\)\s+# (.*)", block)]
        assert len(printed) == len(promised)
        for got, want in zip(printed, promised, strict=True):
            assert " ".join(got.split()) == " ".join(want.split())
    assert (tmp_path / "my_surface.png").stat().st_size > 10_000


def test_every_picture_is_in_outputs_and_made_by_the_readme_deck() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\((outputs/[^)]+)\)", README)
    assert len(pictures) >= 8
    for pic in pictures:
        assert (ROOT / pic).is_file(), pic
    deck = tomllib.loads((ROOT / "swl_viz" / "decks" / "readme.toml").read_text())
    assert len(deck["figures"]) == len(set(pictures))


def test_readme_opens_with_the_two_setup_commands() -> None:
    first = _blocks("bash")[0].strip().splitlines()
    assert len(first) == 2
    assert "pip install -e ." in first[0] and "swl-viz" in first[0]
    assert "pip install -e '.[test]'" in first[1] and "pytest" in first[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest" in ci
