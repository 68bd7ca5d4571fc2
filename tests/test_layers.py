"""The architecture, checked: every import inside swl_viz points down the data flow."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "swl_viz"

#: maths, then grid, then the plain-data layers, then figures, then files, then the command line.
RANK = {
    "errors": 0,
    "maths": 1,
    "grid": 2,
    "atomic": 2,
    "options": 3,
    "probe": 3,
    "learners": 4,
    "plotspec": 4,
    "deck": 5,
    "text": 5,
    "web": 6,
    "teach": 6,
    "figures": 7,
    "export": 8,
    "explore": 9,  # the live window: pyplot, above the figures and the marks, below the cli
    "cli_errors": 8,  # how the command line ends; it imports no drawing
    "cli_params": 9,  # the declared options as the commands' parameters
    "cli_report": 9,  # what the commands print
    "cli": 10,
    "__main__": 11,
}
#: Modules that import no matplotlib at all, not even inside a function.
NUMERIC = ("errors", "maths", "grid", "atomic", "options", "probe", "plotspec", "learners", "deck",
           "web")  # fmt: skip
#: Modules that import no matplotlib when they are imported.
NO_MATPLOTLIB = {*NUMERIC, "cli", "cli_errors", "cli_params", "cli_report", "__init__"}


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
    assert modules == set(RANK)


def test_imports_point_one_way() -> None:
    for path in PACKAGE.glob("*.py"):
        if path.stem == "__init__":
            continue
        for name in _imports(path):
            if name.startswith("swl_viz.") and name != "swl_viz":
                target = name.split(".")[1]
                assert RANK[target] < RANK[path.stem], f"{path.stem} imports {target}"


def test_the_lower_layers_never_import_matplotlib() -> None:
    for stem in NO_MATPLOTLIB:
        top_level = {
            node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            for node in ast.parse((PACKAGE / f"{stem}.py").read_text()).body
            if isinstance(node, ast.Import | ast.ImportFrom)
        }
        assert not any(str(m).split(".")[0] in ("matplotlib", "mpl_toolkits") for m in top_level)
    for stem in NUMERIC:
        assert not any(
            n.split(".")[0] in ("matplotlib", "mpl_toolkits")
            for n in _imports(PACKAGE / f"{stem}.py")
        ), stem
