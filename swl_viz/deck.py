"""Decks: a TOML file that lists the figures of a lecture, checked in full before any rendering.

    [defaults]                 # optional: options shared by every figure
    theme = "dark"
    format = ["png", "svg"]

    [[figures]]                # one table per figure
    figure = "surface"
    t = [1, 0]

Keys are the command-line option names with ``-`` written ``_``. An option given on the command
line overrides it in every entry. Errors name the file, the entry and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swl_viz.errors import SwlVizError
from swl_viz.plotspec import FIGURES, FORMATS, Plot

__all__ = ["OPTION_KINDS", "DeckEntry", "expand", "load_deck", "parse_formats"]

#: Every option a deck entry may set, and the TOML type it takes.
OPTION_KINDS: dict[str, str] = {
    "range": "pair",
    "step": "number",
    "t": "numbers",
    "logits": "numbers",
    "axes": "ints",
    "label_smoothing": "number",
    "temperature": "number",
    "variant": "string",
    "compare": "bool",
    "zscale": "string",
    "normalize": "bool",
    "arrows": "int",
    "elev": "number",
    "azim": "number",
    "theme": "string",
    "size": "pair",
    "dpi": "int",
    "transparent": "bool",
    "title": "string",
    "no_title": "bool",
    "lang": "string",
    "frames": "int",
    "fps": "number",
}
_EXPECTED = {
    "pair": "a list of two numbers",
    "number": "a number",
    "numbers": "a list of numbers",
    "ints": "a list of integers",
    "string": "a string",
    "bool": "true or false",
    "int": "an integer",
}


@dataclass(frozen=True)
class DeckEntry:
    """One figure of a deck, its options typed but not yet combined into a Plot."""

    figure: str
    options: dict[str, Any]
    formats: tuple[str, ...] | None
    where: str


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _typed(key: str, value: object, where: str) -> Any:
    kind = OPTION_KINDS[key]
    ok = {
        "number": _is_number(value),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "string": isinstance(value, str),
        "numbers": isinstance(value, list) and all(_is_number(v) for v in value),
        "ints": isinstance(value, list)
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value),
        "pair": isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value),
    }[kind]
    if not ok:
        raise SwlVizError(
            f"{where}: key {key!r} must be {_EXPECTED[kind]}, got {value!r}", param="config"
        )
    if kind == "number":
        return float(value)  # type: ignore[arg-type]
    if kind in ("numbers", "pair"):
        return tuple(float(v) for v in value)  # type: ignore[attr-defined]
    if kind == "ints":
        return tuple(value)  # type: ignore[arg-type]
    return value


def parse_formats(value: object, where: str, param: str = "config") -> tuple[str, ...]:
    """'png,svg' or ["png", "svg"] -> ("png", "svg"), each a known format."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise SwlVizError(f"{where}format must list formats, like png,svg", param=param)
    out: list[str] = []
    for item in items:
        name = str(item).strip().lower().lstrip(".")
        if name not in FORMATS:
            raise SwlVizError(
                f"{where}format {item!r} is not one of {', '.join(FORMATS)}", param=param
            )
        if name not in out:
            out.append(name)
    return tuple(out)


def _table(raw: Mapping[str, Any], where: str, allow_figure: bool) -> DeckEntry:
    options: dict[str, Any] = {}
    formats = None
    figure = ""
    for key, value in raw.items():
        if key == "figure" and allow_figure:
            if value not in FIGURES:
                raise SwlVizError(
                    f"{where}: key 'figure' must be one of {', '.join(FIGURES)}, got {value!r}",
                    param="config",
                )
            figure = value
        elif key == "format":
            formats = parse_formats(value, f"{where}: key ", "config")
        elif key in OPTION_KINDS:
            options[key] = _typed(key, value, where)
        else:
            known = ", ".join(
                sorted([*OPTION_KINDS, "format", *(["figure"] if allow_figure else [])])
            )
            raise SwlVizError(
                f"{where}: unknown key {key!r}; known keys are {known}", param="config"
            )
    if allow_figure and not figure:
        raise SwlVizError(
            f"{where}: missing key 'figure' (surface, quiver or contour)", param="config"
        )
    return DeckEntry(figure, options, formats, where)


def load_deck(path: Path) -> list[DeckEntry]:
    """Read and type-check a deck; each entry has the deck's defaults merged in."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SwlVizError(f"no such file: {str(path)!r}", param="config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SwlVizError(f"cannot read {str(path)!r}: {exc}", param="config") from None
    except tomllib.TOMLDecodeError as exc:
        raise SwlVizError(f"{path.name}: not valid TOML: {exc}", param="config") from None
    for key in data:
        if key not in ("defaults", "figures"):
            raise SwlVizError(
                f"{path.name}: unknown table {key!r}; a deck has [defaults] and [[figures]]",
                param="config",
            )
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        raise SwlVizError(f"{path.name}: [defaults] must be a table", param="config")
    defaults = _table(raw_defaults, f"{path.name}: [defaults]", allow_figure=False)
    figures = data.get("figures")
    if (
        not isinstance(figures, list)
        or not figures
        or not all(isinstance(f, dict) for f in figures)
    ):
        raise SwlVizError(
            f'{path.name}: needs at least one [[figures]] table with figure = "surface", ...',
            param="config",
        )
    entries = []
    for n, raw in enumerate(figures, start=1):
        entry = _table(raw, f"{path.name}: figures[{n}]", allow_figure=True)
        entries.append(
            DeckEntry(
                entry.figure,
                {**defaults.options, **entry.options},
                entry.formats or defaults.formats,
                entry.where,
            )
        )
    return entries


def expand(
    entries: Iterable[DeckEntry],
    overrides: Mapping[str, Any],
    labels: Sequence[tuple[float, ...]],
    formats: tuple[str, ...] | None,
) -> list[tuple[Plot, tuple[str, ...], str]]:
    """Combine entries with command-line overrides: one Plot per entry and label, with formats.

    Errors name the entry, and the key at fault, so a bad deck is refused before rendering.
    """
    out = []
    for entry in entries:
        choices: list[tuple[float, ...] | None] = [*labels] or [None]
        for label in choices:
            options = {**entry.options, **overrides}
            if label is not None:
                options["t"] = label
            try:
                plot = Plot(figure=entry.figure, **options)  # type: ignore[arg-type]
            except SwlVizError as exc:
                from_cli = exc.param in overrides or (exc.param == "t" and label is not None)
                if entry.where and not from_cli:
                    raise SwlVizError(
                        f"{entry.where}: key {exc.param!r}: {exc}", param="config"
                    ) from None
                raise
            out.append((plot, formats or entry.formats or ("png",), entry.where))
    return out
