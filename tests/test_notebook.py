"""The example notebook is stored with its outputs, so a repository preview shows its figures;
the test runs it from top to bottom in a fresh kernel and fails when a stored output has gone
stale. Its figures hold together, and its numbers show their real magnitude.

After a deliberate change, store the new outputs with
``SWL_STORE_NOTEBOOK=1 python -m pytest tests/test_notebook.py -m slow -n 0``."""

from __future__ import annotations

import ast
import base64
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_LOSS, SEED_LOSS_BOOK, SEED_REL, printed_number
from PIL import Image

NOTEBOOK = Path(__file__).parents[1] / "examples" / "seed_note.ipynb"
STORE = "SWL_STORE_NOTEBOOK"


def _code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


_FLOAT = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+e[-+]?\d+")


def _digits(text: str) -> str:
    """Text with every number at 10 significant digits: the last ulp of an exp may differ
    between CPUs, a stale output differs far more."""
    return _FLOAT.sub(lambda m: f"{float(m.group()):.10g}", text)


def _outputs(cell: dict[str, Any]) -> list[tuple[str, Any]]:
    """What a cell shows: its text (numbers at 10 digits), and each image's size in pixels."""
    shown: list[tuple[str, Any]] = []
    for out in cell["outputs"]:
        if out["output_type"] == "stream":
            shown.append(("text", _digits(_text(out["text"]))))
        elif out["output_type"] in ("execute_result", "display_data"):
            data = out["data"]
            if "image/png" in data:
                with Image.open(io.BytesIO(base64.b64decode(_text(data["image/png"])))) as im:
                    shown.append(("image", im.size))
            elif "application/vnd.jupyter.widget-view+json" in data:
                shown.append(("widget", None))  # a live explorer: its text is object addresses
            else:
                shown.append(("text", _digits(_text(data.get("text/plain", "")))))
        else:
            shown.append((out["output_type"], _text(out.get("evalue", ""))))
    return shown


def test_the_notebook_is_stored_with_its_outputs() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = _code_cells(nb)
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "store it run once, top to bottom"
    images = [kind for c in code for kind, _ in _outputs(c) if kind == "image"]
    assert len(images) == 5  # surface, quiver, contour, the comparison, the probe and path
    assert not [c for c in code if any(o["output_type"] == "error" for o in c["outputs"])]


def test_the_notebook_shows_real_magnitudes_and_points_to_the_explorer() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    everything = "\n".join(_source(c) for c in nb["cells"])
    assert "suppress=True" not in everything  # it printed y = [0. 1.] and hid y0 = 3.1e-07
    assert "python -m swl_viz.explore" not in everything
    assert "swl-viz explore" in everything and "notebook(t=" in everything
    shown = "".join(str(v) for c in _code_cells(nb) for _, v in _outputs(c))
    assert "3.059e-07" in shown  # the probe's y0, the book's 1e-7 territory


def _plot_calls(nb: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    calls = []
    for cell in _code_cells(nb):
        code = "\n".join(ln for ln in _source(cell).splitlines() if not ln.startswith("%"))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "swl_viz.plot":
                figure = ast.literal_eval(node.args[0])
                options = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
                calls.append((figure, options))
    return calls


def test_the_notebook_figures_hold_together() -> None:
    from test_layout import _problems

    from swl_viz.plotspec import make_plot

    calls = _plot_calls(json.loads(NOTEBOOK.read_text(encoding="utf-8")))
    assert len(calls) == 5
    for figure, options in calls:
        assert _problems(make_plot(figure, options)) == [], (figure, options)


@pytest.mark.slow
def test_the_notebook_runs_and_its_stored_outputs_are_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # a kernel on this very interpreter, whatever kernels the machine has installed
    spec = tmp_path / "kernels" / "swl-viz-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "swl-viz test", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))

    nb = nbformat.read(NOTEBOOK, as_version=4)
    stored = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    metadata = dict(nb.metadata)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="swl-viz-test",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    nb.metadata = metadata  # the reader's own kernel, not this test's
    ran = json.loads(nbformat.writes(nb))

    text = "".join(
        _text(o.get("text", "")) for c in _code_cells(ran) for o in c["outputs"]
    )  # as printed, every digit
    # the note's batch is the seed's: its exact loss and the book's, as the note prints them
    assert printed_number(text, "exact loss") == pytest.approx(SEED_LOSS, rel=SEED_REL)
    assert printed_number(text, "book loss (+1e-7)") == pytest.approx(SEED_LOSS_BOOK, rel=SEED_REL)
    assert "[-0.5  0.5]" in text

    if os.environ.get(STORE) == "1":
        NOTEBOOK.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        return
    for new, old in zip(_code_cells(ran), _code_cells(stored), strict=True):
        assert _outputs(new) == _outputs(old), (
            f"stale stored output of {_source(new)[:60]!r}; store again with {STORE}=1"
        )
