"""swl-viz data names its columns after the logits that really vary, as the figures do."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from conftest import run_cli

from swl_viz import softmax_with_loss


def test_a_k3_slice_names_its_columns_after_its_axes(in_tmp: Path) -> None:
    code, text = run_cli("data", "--t", "0,0,1", "--logits", "0,1,0", "--axes", "0,2",
                         "--step", "10", "--out", "k3.csv")  # fmt: skip
    assert code == 0, text
    with open(in_tmp / "k3.csv", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header == ["x0", "x2", "loss", "grad0", "grad2", "y0", "y1", "y2"]
    for row in rows:
        x0, x2, loss, g0, g2, *y = (float(v) for v in row)
        a = np.array([x0, 1.0, x2])  # logit 1 is held at 1
        want_loss, want_grad = softmax_with_loss(a, [0.0, 0.0, 1.0])
        np.testing.assert_allclose([loss, g0, g2], [want_loss, want_grad[0], want_grad[2]],
                                   rtol=1e-12, atol=1e-300)  # fmt: skip
        np.testing.assert_allclose(y, np.exp(a - a.max()) / np.exp(a - a.max()).sum(), rtol=1e-12)
