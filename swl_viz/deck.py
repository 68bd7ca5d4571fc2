"""Decks: the figures of a lecture in one TOML file, and the plan of files an export writes.

    [defaults]                 # optional: options shared by every figure
    theme = "dark"
    format = ["png", "svg"]

    [[figures]]                # one table per figure
    figure = "surface"
    t = [1, 0]

Keys are the rows of :data:`swl_viz.options.OPTIONS`, plus ``figure`` and ``format``; a
top-level ``shared_scale = true`` gives every figure one loss range and colour scale. A deck is
checked in full before anything renders, and every problem in it is reported at once, each
named by its field (``figures[2].t``). numpy only, through the grid; never matplotlib.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from swl_viz.errors import RunError, SwlVizError
from swl_viz.grid import grid_axis, thin_stride
from swl_viz.options import CLASSIC, FIGURES, FORMATS, OPTIONS, options_for
from swl_viz.plotspec import Plot, make_plot

__all__ = [
    "DeckEntry",
    "DeckError",
    "Target",
    "bundled_decks",
    "default_budget",
    "export_workers",
    "find_deck",
    "job_count",
    "usable_cpus",
    "job_bytes",
    "workers_within",
    "load_deck",
    "parse_formats",
    "plan_export",
]


class DeckError(SwlVizError):
    """Everything wrong with a deck, one line each, named by deck field."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        super().__init__("\n".join(f"{source}: {p}" for p in problems), param="deck")
        self.problems = list(problems)


@dataclass(frozen=True)
class DeckEntry:
    """One figure of a deck: its raw options (defaults merged in) and formats."""

    figure: str
    options: dict[str, Any]
    formats: tuple[str, ...] | None
    where: str  # the deck field, like "figures[2]"; "" for figures named on the command line
    #: the options that came from [defaults], shared by every figure that uses them
    shared: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Target:
    """One file an export writes: the figure, its format and its path."""

    plot: Plot
    fmt: str
    path: Path
    where: str = ""  # the deck field it comes from, like "figures[2]"


def find_deck(name: str) -> Path:
    """A bundled deck by name (``lecture``), or a deck file (``talk.toml``)."""
    decks = bundled_decks()
    if name in decks:
        return decks[name]
    if Path(name).suffix.lower() != ".toml":
        raise SwlVizError(f"no bundled deck {name!r}; try {', '.join(decks)}", param="deck")
    return Path(name)


def bundled_decks() -> dict[str, Path]:
    """The decks that ship with swl-viz, by name (``lecture`` is ``decks/lecture.toml``)."""
    folder = resources.files("swl_viz") / "decks"
    return {
        Path(p.name).stem: Path(str(p))
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".toml")
    }


def parse_formats(value: object, param: str = "format") -> tuple[str, ...]:
    """'png,svg' or ["png", "svg"] -> ("png", "svg"), each a known format."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise SwlVizError(f"must list formats, like png,svg; got {value!r}", param=param)
    out: list[str] = []
    for item in items:
        name = str(item).strip().lower().lstrip(".")
        if name not in FORMATS:
            raise SwlVizError(f"{item!r} is not one of {', '.join(FORMATS)}", param=param)
        if name not in out:
            out.append(name)
    return tuple(out)


#: Unknown keys of one table named in its problem; the rest are counted.
MAX_UNKNOWN = 5


def _table(
    raw: Mapping[str, Any], where: str, problems: list[str], allow_figure: bool
) -> DeckEntry:
    """Type-check one table, adding what is wrong to ``problems``."""
    options: dict[str, Any] = {}
    formats = None
    figure = ""
    unknown: list[str] = []
    for key, value in raw.items():
        field = f"{where}.{key}"
        try:
            if key == "figure" and allow_figure:
                if value not in FIGURES:
                    raise SwlVizError(f"must be one of {', '.join(FIGURES)}, got {value!r}")
                figure = value
            elif key == "format":
                formats = parse_formats(value, field)
            elif key in OPTIONS:
                OPTIONS[key].read(value)  # its type and its row's own rule
                options[key] = value
            else:
                unknown.append(key)
        except SwlVizError as exc:
            problems.append(f"{field}: {exc}")
    if unknown:  # one line for them all, naming the first few
        known = ", ".join(sorted([*OPTIONS, "format", *(["figure"] if allow_figure else [])]))
        if len(unknown) == 1:
            problems.append(
                f"{where}.{unknown[0]}: unknown key {unknown[0]!r}; known keys are {known}"
            )
        else:
            named = ", ".join(repr(k) for k in unknown[:MAX_UNKNOWN])
            more = (
                f" … and {len(unknown) - MAX_UNKNOWN:,} more" if len(unknown) > MAX_UNKNOWN else ""
            )
            problems.append(f"{where}: unknown keys {named}{more}; known keys are {known}")
    if allow_figure and not figure and "figure" not in raw:
        problems.append(f"{where}: missing key 'figure' ({', '.join(FIGURES)})")
    return DeckEntry(figure, options, formats, where)


def load_deck(path: Path) -> list[DeckEntry]:
    """Read and type-check a deck; each entry has the deck's defaults merged in."""
    entries, problems, _ = _read_deck(path)
    if problems:
        raise DeckError(path.name, problems)
    return entries


#: The largest deck file read: hundreds of figures fit in far less.
MAX_DECK_BYTES = 1 << 20


def _deck_text(path: Path) -> str:
    """The text of a deck file: a regular file (never a FIFO, a device or a folder, whatever
    links lead there) of at most MAX_DECK_BYTES, of which no more is read; UTF-8, with or
    without a byte-order mark."""
    name = repr(str(path))
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SwlVizError(f"no such file: {name}", param="deck") from None
    except OSError as exc:
        raise SwlVizError(f"cannot read {name}: {exc.strerror or exc}", param="deck") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SwlVizError(f"{name} is not a regular file; a deck is a .toml file", param="deck")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_DECK_BYTES + 1)  # no more: a deck is a page of settings
    except OSError as exc:
        raise SwlVizError(f"cannot read {name}: {exc.strerror or exc}", param="deck") from None
    finally:
        os.close(fd)
    if len(data) > MAX_DECK_BYTES:
        raise SwlVizError(
            f"{name} is over {MAX_DECK_BYTES >> 10} KiB; a deck lists figures and their options",
            param="deck",
        )
    try:
        return data.decode("utf-8-sig")  # an editor's byte-order mark is no statement
    except UnicodeDecodeError as exc:
        raise SwlVizError(f"cannot read {name}: {exc}", param="deck") from None


def _read_deck(path: Path) -> tuple[list[DeckEntry], list[str], bool]:
    """The deck's entries, every problem found in reading them (entries with a problem have an
    empty figure), and whether it asks for a shared scale."""
    text = _deck_text(path)
    try:
        return _parse_deck(text)
    except RecursionError:  # in the TOML reader, or in reading a value
        return [], [f"nested deeper than {MAX_NESTING} levels; a deck's values are flat"], False


#: How deep a deck's arrays and tables may nest: a label is one array, a range one more.
MAX_NESTING = 100


def _parse_deck(text: str) -> tuple[list[DeckEntry], list[str], bool]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"not valid TOML: {exc}"], False
    if _depth(data) > MAX_NESTING:  # before anything reads a value by recursion
        raise RecursionError
    problems = [
        f"unknown table {key!r}; a deck has shared_scale, [defaults] and [[figures]]"
        for key in data
        if key not in ("defaults", "figures", "shared_scale")
    ]
    shared = data.get("shared_scale", False)
    if not isinstance(shared, bool):
        problems.append(f"shared_scale: must be true or false, got {shared!r}")
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        problems.append("[defaults] must be a table")
        raw_defaults = {}
    defaults = _table(raw_defaults, "defaults", problems, allow_figure=False)
    figures = data.get("figures")
    if (
        not isinstance(figures, list)
        or not figures
        or not all(isinstance(f, dict) for f in figures)
    ):
        problems.append('needs at least one [[figures]] table with figure = "surface", ...')
        figures = []
    entries = []
    for n, raw in enumerate(figures, start=1):
        before = len(problems)
        entry = _table(raw, f"figures[{n}]", problems, allow_figure=True)
        if len(problems) > before:
            entry = DeckEntry("", {}, None, entry.where)  # reported; not planned further
        options = {k: v for k, v in defaults.options.items() if entry.figure in OPTIONS[k].figures}
        entries.append(
            DeckEntry(
                entry.figure,
                {**options, **entry.options},
                entry.formats or defaults.formats,
                entry.where,
                frozenset(options) - set(entry.options),
            )
        )
    return entries, problems, shared is True


def _depth(value: object) -> int:
    """How deep a TOML value nests, counted without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _share_scale(targets: list[Target], out_dir: Path) -> list[Target]:
    """One loss range for every figure that has a loss axis, from the union of their grids:
    figures meant to sit side by side then compare like with like. A figure's own zlim stays.

    Only each grid's least and greatest loss is kept, one grid at a time, and a grid two
    figures share (formats, themes) is computed once: a deck of thousands of figures plans in
    the memory of one."""
    scaled = {
        id(x.plot): x.plot
        for x in targets
        if "zlim" in options_for(x.plot.figure) and x.plot.zlim is None
    }
    if not scaled:
        return targets
    extremes: dict[tuple[Any, ...], tuple[float, float]] = {}
    for plot in scaled.values():
        key = (plot.layer(), plot.range, plot.step)
        if key not in extremes:
            extremes[key] = _loss_extremes(plot)
    lo = min(0.0, *(e[0] for e in extremes.values()))
    hi = max(e[1] for e in extremes.values())
    shared = []
    for x in targets:
        if id(x.plot) in scaled:
            plot = replace(x.plot, zlim=(lo, hi))
            x = Target(plot, x.fmt, out_dir / f"{plot.stem(x.fmt)}.{x.fmt}", x.where)
        shared.append(x)
    return shared


def _loss_extremes(plot: Plot) -> tuple[float, float]:
    """The least and greatest loss on the grid ``plot`` draws.

    The exact loss, log-sum-exp of a / T less a weighted sum of a / T, is convex in the logits
    and never below 0: on a grid its greatest value is at one of the four corners, and the
    shared scale starts at 0 anyway. So for the exact loss four points decide, as many as the
    grid would (to rounding); the book's loss, which dips just below 0, takes its grid.
    """
    if plot.variant == "book":
        loss = plot.grid(max_points=MAX_SHARED_POINTS).loss
        return float(loss.min()), float(loss.max())
    values = grid_axis(*plot.range, plot.step)
    values = values[:: thin_stride(values.size, MAX_SHARED_POINTS)]
    ends = np.array([values[0], values[-1]])
    loss = plot.layer().evaluate(ends[:, None], ends[None, :], param="range")[1]
    return float(loss.min()), float(loss.max())


#: Points per axis of the grids that decide a shared scale: what a figure draws at most.
MAX_SHARED_POINTS = 401


#: What one render worker holds before its figure: the interpreter, numpy and matplotlib.
WORKER_BYTES = 200 << 20


def job_bytes(target: Target) -> int:
    """About the most memory one render of ``target`` holds: a worker, the canvas (RGBA), its
    copy for the encoder and the encoded image, and a GIF's two frames in flight."""
    width, height = target.plot.pixels
    canvas = width * height * 4
    frames = 2 * width * height if target.fmt == "gif" else 0
    return WORKER_BYTES + 3 * canvas + frames


def default_budget() -> int:
    """Half of this machine's memory, the budget an export keeps to unless told otherwise."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return 4 << 30


def usable_cpus() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


#: Most worker processes an export starts.
MAX_JOBS = 64


def job_count(jobs: int | None = None) -> int:
    """The jobs an export may run: ``jobs``, checked, or the usable CPUs (at most MAX_JOBS)."""
    n_jobs = min(usable_cpus(), MAX_JOBS) if jobs is None else jobs
    if not 1 <= n_jobs <= MAX_JOBS:
        raise SwlVizError(f"must lie in 1..{MAX_JOBS}, got {n_jobs}", param="jobs")
    return n_jobs


def export_workers(
    targets: Sequence[Target], jobs: int, memory_mib: int | None = None
) -> tuple[int, int]:
    """How many of ``jobs`` run at once to stay within ``memory_mib`` (default: half the
    machine's): (at once, the budget in bytes)."""
    if memory_mib is not None and memory_mib < 1:
        raise SwlVizError(f"must be a number of MiB >= 1, got {memory_mib}", param="memory_budget")
    budget = default_budget() if memory_mib is None else memory_mib << 20
    return workers_within(targets, jobs, budget), budget


def workers_within(targets: Sequence[Target], workers: int, budget: int) -> int:
    """How many jobs may run at once so that together they stay within ``budget`` bytes;
    a single job over it is refused, naming the budget."""
    if not targets:
        return 1
    largest = max(job_bytes(x) for x in targets)
    if largest > budget:
        raise SwlVizError(
            f"one figure needs about {largest >> 20} MiB, over the budget of {budget >> 20} "
            "MiB; use a smaller size, fewer frames, or a larger budget",
            param="memory_budget",
        )
    return max(1, min(workers, budget // largest))


def _uses(figure: str, formats: Sequence[str], name: str) -> bool:
    row = OPTIONS[name]
    return figure in row.figures and ("gif" in formats or not row.gif_only)


def _unused(name: str) -> str:
    row = OPTIONS[name]
    if row.gif_only:
        return "only shapes a .gif turntable, and no figure here is written as .gif"
    return f"is for {' and '.join(f for f in FIGURES if f in row.figures)}; no figure here is one"


def plan_export(
    *,
    out_dir: Path,
    deck: Path | None = None,
    figures: Sequence[str] | None = None,
    labels: Sequence[Any] = (),
    formats: Any = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[Target]:
    """Every file an export writes, checked in full before anything renders.

    The figures come from ``deck`` or from ``figures`` (default: the classic three). ``labels``
    gives one set of figures per teacher label, and ``overrides`` sets options on every figure
    that uses them (a GIF's options, every figure written as a GIF; one that no figure uses is
    refused); both take command-line text or TOML values. Files that would collide are planned
    once. The output folder is made here, so a folder that cannot be made fails before any work.
    """
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    for name, value in given.items():
        OPTIONS[name].read(value)  # a bad override is the caller's, named as its option
    for label in labels:
        OPTIONS["t"].read(label)
    fmts = parse_formats(formats) if formats is not None else None
    if deck is not None:
        if figures is not None:
            raise SwlVizError("choose figures in the deck or here, not both", param="figures")
        entries, problems, shared = _read_deck(deck)
        source = deck.name
    else:
        names = list(figures or CLASSIC)
        for name in names:
            if name not in FIGURES:
                raise SwlVizError(f"{name!r} is not one of {', '.join(FIGURES)}", param="figures")
        entries = [DeckEntry(name, {}, None, "") for name in dict.fromkeys(names)]
        source, problems, shared = "", [], False
    targets: list[Target] = []
    seen: set[Path] = set()
    used: set[str] = set()
    for entry in entries:
        if not entry.figure:
            continue
        formats = fmts or entry.formats or ("png",)
        # shared options reach the figures that use them; a GIF's, the figures written as GIFs
        uses = {k for k in OPTIONS if _uses(entry.figure, formats, k)}
        mine = {k: v for k, v in given.items() if k in uses}
        used |= set(mine)
        unused = entry.shared - uses
        for label in [*labels] or [None]:
            options = {k: v for k, v in entry.options.items() if k not in unused} | mine
            if label is not None:
                options["t"] = label
            try:
                plot = make_plot(entry.figure, options)
                plot.check_formats(formats)
                for fmt in formats:
                    path = out_dir / f"{plot.stem(fmt)}.{fmt}"
                    if path not in seen:
                        seen.add(path)
                        targets.append(Target(plot, fmt, path, entry.where))
            except SwlVizError as exc:
                from_caller = (
                    exc.param in mine
                    or (exc.param == "t" and label is not None)
                    or (exc.param == "format" and fmts is not None)
                )
                caused = [m for m in exc.mentions if m in mine]
                if entry.where and not from_caller and caused:
                    # an option given for every figure makes this one's own setting wrong: the
                    # caller's option is to blame, and the deck's figure is named
                    raise SwlVizError(
                        f"leaves {source} {entry.where}'s {exc.param} out: {exc}",
                        param=caused[0],
                        mentions=tuple(
                            m for m in (exc.param or "", *exc.mentions) if m and m != caused[0]
                        ),
                    ) from None
                if not entry.where or from_caller:
                    raise
                problems.append(f"{entry.where}.{exc.param}: {exc}")
                break
    if problems:
        raise DeckError(source, problems)
    for name in given:  # given, yet no figure would show it
        if name not in used and name != "t":
            raise SwlVizError(_unused(name), param=name)
    if shared:
        targets = _share_scale(targets, out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise RunError(f"cannot create {str(out_dir)!r}: {reason}", param="out_dir") from None
    return targets
