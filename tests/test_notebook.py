"""The example notebook runs from top to bottom in a fresh kernel and draws its figures: an
example is only as good as its last execution."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import SEED_LOSS, SEED_LOSS_BOOK, SEED_REL, printed_number

NOTEBOOK = Path(__file__).parents[1] / "examples" / "seed_note.ipynb"

pytestmark = pytest.mark.slow


def test_the_notebook_is_stored_clean() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"]


def test_the_notebook_runs_and_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    client = nbclient.NotebookClient(
        nb,
        kernel_name="swl-viz-test",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 5  # surface, quiver, contour, the comparison, the probe and path
    text = "".join(o.get("text", "") for o in outputs)
    # the note's batch is the seed's: its exact loss and the book's, as the note prints them
    assert printed_number(text, "exact loss") == pytest.approx(SEED_LOSS, rel=SEED_REL)
    assert printed_number(text, "book loss (+1e-7)") == pytest.approx(SEED_LOSS_BOOK, rel=SEED_REL)
    assert "[-0.5  0.5]" in text
