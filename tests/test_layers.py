"""The architecture, checked: every import inside swl_viz points down the data flow."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "swl_viz"

#: The data flow: maths, then the layer and its grid, then plain data (options, a figure's
#: description, the scene), then the two renderers, then files (a figure's formats and GIFs,
#: then an export's jobs, manifest and worker pool), then the command line.
RANK = {
    "errors": 0,
    "words": 1,
    "palette": 1,
    "maths": 1,
    "layer": 2,
    "atomic": 2,
    "grid": 3,
    "options": 3,
    "probe": 4,
    "shapes": 4,
    "learners": 5,
    "plotspec": 5,
    "marks": 5,
    "curves": 6,
    "compare": 6,  # the losses' comparison as data, beside the slice's curves
    "deck": 6,
    "scene": 7,  # what a figure shows, as data: both renderers draw it
    "simplex": 7,  # the simplex figure's data, beside the scene
    "web": 8,  # the plotly renderer
    "mpl": 8,  # the matplotlib renderer, a package
    "gif": 9,
    "jobs": 9,
    "formats": 10,
    "manifest": 10,
    "pool": 11,
    "explore": 11,  # the live window: pyplot, above the renderer, below the cli
    "cli_errors": 12,  # how the command line ends; it imports no drawing
    "cli_params": 12,  # the declared options as the commands' parameters
    "cli_report": 13,  # what the commands print
    "cli": 14,
    "__main__": 15,
}
#: Inside each renderer package: for matplotlib, the theme, then placing labels and drawing the
#: pictures, then the marks and the slice, then the layout; for the web page, its look, then
#: the traces, then what its script needs, then the page (its words and font beside the look).
SUB_RANK = {
    "mpl": {
        "theme": 0,
        "place": 1,
        "plotters": 1,
        "marks": 2,
        "slice": 2,
        "compare": 2,
        "simplex": 3,
        "layout": 4,
    },  # fmt: skip
    "web": {
        "look": 0,
        "describe": 0,
        "fonts": 0,
        "traces": 1,
        "live": 2,
        "page": 3,
        "simplex": 4,
        "compare": 3,
    },
}
#: Modules that import no matplotlib at all, not even inside a function.
NUMERIC = ("errors", "words", "palette", "maths", "layer", "grid", "atomic", "options", "probe",
           "shapes", "plotspec", "learners", "marks", "curves", "compare", "scene", "simplex",
           "deck", "web", "manifest")  # fmt: skip
#: Modules that import no matplotlib when they are imported.
NO_MATPLOTLIB = {*NUMERIC, "jobs", "pool", "cli", "cli_errors", "cli_params", "cli_report",
                 "__init__"}  # fmt: skip


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_every_module_has_a_place_in_the_layers() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert modules | packages == set(RANK)
    for package, ranks in SUB_RANK.items():
        assert {p.stem for p in (PACKAGE / package).glob("*.py")} - {"__init__"} == set(ranks)


def _rank(name: str) -> tuple[int, int]:
    """(layer, place inside the layer) of a module ``swl_viz.NAME...``."""
    parts = name.split(".")
    inner = SUB_RANK[parts[1]].get(parts[2], 9) if parts[1] in SUB_RANK and len(parts) > 2 else 9
    return RANK[parts[1]], inner


def _files(stem: str) -> list[Path]:
    """A module's file, or every file of a package."""
    return sorted((PACKAGE / stem).glob("*.py")) if stem in SUB_RANK else [PACKAGE / f"{stem}.py"]


def test_imports_point_one_way() -> None:
    for path in [*PACKAGE.glob("*.py"), *(p for k in SUB_RANK for p in (PACKAGE / k).glob("*.py"))]:
        if path.stem == "__init__":
            continue
        inside = path.parent.name if path.parent.name in SUB_RANK else None
        here = f"swl_viz.{inside}.{path.stem}" if inside else f"swl_viz.{path.stem}"
        for name in _imports(path):
            if name.startswith("swl_viz.") and name != "swl_viz":
                assert _rank(name) < _rank(here), f"{here} imports {name}"


def test_the_matplotlib_renderer_draws_and_computes_no_scene() -> None:
    """The renderer takes its geometry from the scene: no grid, probe or descent of its own."""
    for path in (PACKAGE / "mpl").glob("*.py"):
        names = _imports(path)
        assert "swl_viz.probe" not in names or path.stem == "slice", path.name
        assert "swl_viz.grid" not in names or path.stem in ("plotters", "layout"), path.name


def test_the_lower_layers_never_import_matplotlib() -> None:
    for stem in NO_MATPLOTLIB:
        for path in _files(stem):
            top_level = {
                node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                for node in ast.parse(path.read_text()).body
                if isinstance(node, ast.Import | ast.ImportFrom)
            }
            assert not any(
                str(m).split(".")[0] in ("matplotlib", "mpl_toolkits") for m in top_level
            )
    for stem in NUMERIC:
        for path in _files(stem):
            assert not any(
                n.split(".")[0] in ("matplotlib", "mpl_toolkits") for n in _imports(path)
            ), path
