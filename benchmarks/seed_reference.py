"""The seed note's own procedure, as the baseline swl-viz is measured against.

The book's batch softmax and cross_entropy_error (without the 1e-7, as the note asks for the
graphs), its SoftmaxWithLoss layer called once per grid point in a Python loop, then the note's
three pyplot figures saved to PNG.

    python benchmarks/seed_reference.py STEP OUT_DIR
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def softmax(x):
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t])) / batch_size


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        return (self.y - self.t) / batch_size


def compute(step: float):
    layer = SoftmaxWithLoss()
    x_vals = np.arange(-20.0, 20.0 + step / 2, step)
    X0_vals, X1_vals = np.meshgrid(x_vals, x_vals)
    X_vals = np.array([X0_vals.flatten(), X1_vals.flatten()]).T
    input_shape = X0_vals.shape
    t = np.array([1, 0])
    L_vals, dX_vals = [], []
    for x in X_vals:
        L_vals.append(layer.forward(x, t))
        dX_vals.append(layer.backward())
    L_vals = np.array(L_vals).reshape(input_shape)
    dX_vals = np.array(dX_vals)
    return (
        X0_vals,
        X1_vals,
        L_vals,
        dX_vals[:, 0].reshape(input_shape),
        dX_vals[:, 1].reshape(input_shape),
        t,
    )


def draw(X0_vals, X1_vals, L_vals, dX0_vals, dX1_vals, t, out: Path) -> None:
    fig = plt.figure(figsize=(9, 9))
    ax = fig.add_subplot(projection="3d")
    ax.plot_wireframe(X0_vals, X1_vals, L_vals, label="forward")
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    ax.set_zlabel("loss")
    fig.suptitle("Softmax with Loss Layer", fontsize=20)
    ax.set_title("t=" + str(t), loc="left")
    ax.legend()
    ax.view_init(elev=20, azim=240)
    fig.savefig(out / "surface.png")
    plt.close(fig)

    W_vals = np.sqrt(dX0_vals**2 + dX1_vals**2) + 1e-7
    fig = plt.figure(figsize=(9, 9))
    ax = fig.add_subplot(projection="3d")
    ax.plot_wireframe(X0_vals, X1_vals, L_vals, alpha=0.5, label="forward")
    ax.quiver(
        X0_vals,
        X1_vals,
        L_vals,
        -dX0_vals / W_vals,
        -dX1_vals / W_vals,
        -W_vals,
        color="black",
        pivot="tail",
        arrow_length_ratio=0.1,
        length=0.5,
        label="backward",
    )
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    ax.set_zlabel("loss")
    fig.suptitle("Softmax with Loss Layer", fontsize=20)
    ax.set_title("t=" + str(t), loc="left")
    ax.legend()
    ax.view_init(elev=20, azim=240)
    fig.savefig(out / "quiver.png")
    plt.close(fig)

    plt.figure(figsize=(8, 8))
    plt.contourf(X0_vals, X1_vals, L_vals, alpha=0.5)
    plt.quiver(X0_vals, X1_vals, -dX0_vals, -dX1_vals)
    plt.xlabel("$x_0$")
    plt.ylabel("$x_1$")
    plt.suptitle("Softmax with Loss Layer", fontsize=20)
    plt.title("t=" + str(t), loc="left")
    plt.grid()
    plt.savefig(out / "contour.png")
    plt.close()


if __name__ == "__main__":
    step, out = float(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    draw(*compute(step), out)
