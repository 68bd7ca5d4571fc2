"""A real JupyterLab for the notebook tests and benchmarks/jupyter.py: a server on 127.0.0.1 with
a kernel on this interpreter, a notebook opened in Debian's chromium (playwright, never a
download), and a second client on the notebook's kernel to ask the explorer what it holds.

Everything runs in a folder of its own (settings, runtime files, the notebook and its outputs),
each wait is bounded, and the server, its kernels and the browser are always shut down.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT: Any = {"width": 1280, "height": 800}
KERNEL = "swl-viz-test"
#: Seconds the server has to answer, and a notebook to open with its kernel idle.
START_S = 90.0

#: Every paint of a visible canvas, with its time: ipympl draws each picture it receives onto
#: the figure's canvas with drawImage.
PAINTS = """
window.__paints = [];
window.__downs = [];
const drawImage = CanvasRenderingContext2D.prototype.drawImage;
CanvasRenderingContext2D.prototype.drawImage = function (...args) {
  if (this.canvas && this.canvas.isConnected) window.__paints.push(performance.now());
  return drawImage.apply(this, args);
};
window.addEventListener('mousedown', () => window.__downs.push(performance.now()), true);
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def notebook_json(cells: list[str]) -> str:
    """A notebook of code cells, stored clean, on the test kernel."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],  # fmt: skip
        "metadata": {
            "kernelspec": {"name": KERNEL, "display_name": "swl-viz test", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1)


class Lab:
    """A running JupyterLab: its address, its token and its folders."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = home / "server.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPL"))}
        env.update(
            JUPYTER_PATH=str(self.home / "data"),
            JUPYTER_DATA_DIR=str(self.home / "data"),
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(self.home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
            IPYTHONDIR=str(self.home / "ipython"),
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self) -> None:
        spec = self.home / "data" / "kernels" / KERNEL
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        kernel = {"argv": argv, "display_name": "swl-viz test", "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        # no news, no update checks: the page makes no request off this machine
        notes = self.home / "settings" / "@jupyterlab" / "apputils-extension"
        notes.mkdir(parents=True)
        (notes / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
        )
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}", "--LabApp.expose_app_in_browser=True",
            f"--MappingKernelManager.default_kernel_name={KERNEL}",
            "--ServerApp.shutdown_no_activity_timeout=600", "--ServerApp.allow_root=True",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=self.root, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {self.log.read_text()[-2000:]}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"JupyterLab did not answer in {START_S:.0f} s")

    def api(self, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}/api/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return json.loads(answer.read())

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        # the server's own process group: the server and the kernels it started, nothing else
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # a kernel that outlived its server
            os.killpg(proc.pid, signal.SIGKILL)

    def kernel_process(self) -> Any:
        """The notebook's kernel, as a psutil process."""
        import psutil

        assert self.proc is not None
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                return child
        raise LookupError("no kernel is running")

    def kernel_client(self) -> Any:
        """A second client on the notebook's kernel (its connection file is in our runtime
        folder): it runs code beside the page, in the same namespace."""
        from jupyter_client.blocking.client import BlockingKernelClient

        files = sorted((self.home / "runtime").glob("kernel-*.json"))
        assert len(files) == 1, files
        client = BlockingKernelClient(connection_file=str(files[0]))
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        return client


def ask(client: Any, code: str, timeout: float = 60.0) -> Any:
    """Run ``code`` in the kernel; it must print one JSON value, which is returned."""
    printed: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["header"]["msg_type"] == "stream":
            printed.append(msg["content"]["text"])
        elif msg["header"]["msg_type"] == "error":
            printed.append("\n".join(msg["content"]["traceback"]))

    reply = client.execute_interactive(code, timeout=timeout, output_hook=hook)
    assert reply["content"]["status"] == "ok", "".join(printed)
    return json.loads("".join(printed))


@contextlib.contextmanager
def jupyterlab(root: Path, home: Path) -> Iterator[Lab]:
    lab = Lab(root, home)
    try:
        lab.start()
        yield lab
    finally:
        lab.stop()


@contextlib.contextmanager
def browser_page(lab: Lab, notebook: str) -> Iterator[Any]:
    """``notebook`` (a path under the lab's root) open in chromium at 1280 x 800, its kernel
    idle; the page counts its canvas paints (window.__paints) and mouse presses."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            context = chromium.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.add_init_script(PAINTS)
            # nothing leaves the machine: only the lab's own address is reached
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(lab.url) else route.abort()
                ),
            )
            page.goto(f"{lab.url}/lab/tree/{notebook}?token={lab.token}")
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " const k = w && w.sessionContext && w.sessionContext.session"
                " && w.sessionContext.session.kernel;"
                " return k && k.status === 'idle'; }",
                timeout=START_S * 1000,
            )
            yield page
        finally:
            chromium.close()


def run_all(page: Any) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def kernel_idle(page: Any, timeout_s: float = 120.0) -> None:
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
        " === 'idle'",
        timeout=timeout_s * 1000,
    )
