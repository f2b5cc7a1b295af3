"""The one-file HTML handout, opened in a real browser (headless Chromium through its DevTools
protocol): every formula has a rendered size, no request leaves the file, the published
table's numbers are in it, and a screenshot is taken."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from analytic_sgd.cli import main as cli
from analytic_sgd.handout import handout_html, stability_note
from analytic_sgd.problems.problem import example_problem

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]
# the numbers of the published worked table (write-up 003), as printed there
PUBLISHED = ["-26.67", "-24", "0.267", "0.24", "146.67", "-135.86", "-33.39", "1.63", "0.57",
             "280.67", "-169.19", "-24.10", "3.32", "0.81", "145.28"]


class Browser:
    """Headless Chromium driven over its DevTools protocol (websocket-client)."""

    def __init__(self, profile: Path) -> None:
        websocket = pytest.importorskip("websocket")
        self.process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                                         "--remote-debugging-port=0", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(p for p in pages if p["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id, self.events = 0, []

    def send(self, method: str, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, seconds: float = 30):
        end = time.time() + seconds
        while time.time() < end:
            if any(e.get("method") == method for e in self.events):
                return
            self.events.append(json.loads(self.socket.recv()))
        raise AssertionError(f"no {method} within {seconds} s")

    def evaluate(self, expression: str):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"]["value"]

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("handout") / "h.html"
    assert cli(["handout", "--example", "worked-linear", "--out", str(out)]) == 0
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (.ci/run installs it)")
def test_the_handout_opens_in_chromium_offline_with_every_formula_rendered(handout, tmp_path):
    browser = Browser(tmp_path / "profile")
    try:
        browser.send("Network.enable")
        browser.send("Page.enable")
        browser.send("Page.navigate", url=handout.as_uri())
        browser.wait_for("Page.loadEventFired")
        sizes = browser.evaluate("Array.from(document.querySelectorAll('math')).map(m => {"
                                 "const r = m.getBoundingClientRect(); return [r.width, r.height]})")
        stacked = browser.evaluate("(() => { const f = document.querySelector('mfrac');"
                                   "const n = f.firstElementChild.getBoundingClientRect();"
                                   "const d = f.lastElementChild.getBoundingClientRect();"
                                   "return d.top >= n.bottom - 1; })()")
        images = browser.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        text = browser.evaluate("document.body.innerText")
    finally:
        browser.close()
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"]
    assert requests and all(u == handout.as_uri() or u.startswith("data:") for u in requests), requests
    assert len(sizes) >= 20 and all(w > 0 and h > 0 for w, h in sizes), sizes
    assert stacked  # a fraction is laid out as MathML (numerator above denominator), not as text
    assert len(images) == 2 and all(w > 0 for w in images)
    for number in PUBLISHED:
        assert number in text, number


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (.ci/run installs it)")
def test_chromium_takes_a_screenshot_of_the_handout(handout, tmp_path):
    shot = tmp_path / "handout.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                    "--window-size=1000,1400", f"--screenshot={shot}", handout.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_the_handout_is_self_contained_and_holds_every_part(handout):
    page = handout.read_text(encoding="utf-8")
    assert "<script" not in page and "://" not in page and "<link" not in page
    assert page.count("data:image/png;base64,") == 2
    for part in ("1. Model and loss", "2. The unit nodes", "3. Local derivatives and the chain rule",
                 "4. The first step by hand", "5. The table", "6. Pictures", "7. Errata"):
        assert part in page, part
    assert "with 0.1 the first step would end at w = 8/3" in page
    assert "∂l/∂w = 1/3 · (0 + -24 + -56) = -80/3" in page


def test_a_diverging_example_carries_the_note_on_the_learning_rate():
    problem = example_problem("noisy-quadratic")
    note = stability_note(problem, problem.run())
    assert note.startswith("The Hessian of the loss on all 20 rows has eigenvalues")
    assert "2/λmax = 0.2215" in note and "spectral radius 1.0765" in note
    assert html.escape(note) in handout_html(problem)
    assert "≈" in handout_html(problem)  # long exact values are rounded for the eye


def test_the_handout_command_needs_an_out_file(capsys):
    assert cli(["handout", "--example", "worked-linear"]) == 2
    assert "--out" in capsys.readouterr().err


def test_the_handout_of_a_csv_problem_has_no_errata(tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("x,y\n1,2\n2,4\n3,7\n")
    out = tmp_path / "p.html"
    assert cli(["handout", "--data", str(data), "--batch-size", "3", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Errata" not in page and re.search(r"<math", page)


def test_the_handout_of_an_example_with_a_random_start_and_no_errata():
    page = handout_html(example_problem("geron-batch-gd"))
    assert "Errata" not in page and "geron-batch-gd" in page
