"""Open rendered pages in headless Chromium with the network cut off.

The browser is driven through the DevTools protocol over a pipe (no extra
dependency): every request the page makes, every console error and uncaught
exception is recorded, then the page's DOM is inspected (tables present,
every image decoded).
"""

import json
import os
import select
import shutil
import subprocess
import tempfile
import time

import pytest
from render_support import sample_bundle

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is not installed (Debian package `chromium`)",
    ),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
]

INSPECT = """JSON.stringify({
  lang: document.documentElement.lang,
  title: document.title,
  tables: document.querySelectorAll("table").length,
  rows: document.querySelectorAll("table tr").length,
  images: Array.from(document.images).map(
    (img) => [img.complete, img.naturalWidth, img.naturalHeight]),
  scripts: document.scripts.length,
  text: document.body.innerText.length
})"""


class Browser:
    """A headless Chromium spoken to over --remote-debugging-pipe."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="profmon-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes():  # the browser reads fd 3 and writes fd 4 (inheritable)
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes,
            close_fds=False,  # fds 3 and 4 must reach the browser
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=30):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method, timeout=30):
        return self._wait(lambda m: m.get("method") == method, timeout)

    def _wait(self, wanted, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for message in self.events:
                if wanted(message):
                    self.events.remove(message)
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self._from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self._buffer += chunk
                *complete, self._buffer = self._buffer.split(b"\0")
                self.events += [json.loads(part) for part in complete if part]

    def open(self, url):
        """Load `url` in a new tab; return (page facts, requests, errors)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", timeout=60)
        time.sleep(0.5)  # let late console messages arrive
        facts = self.send(
            "Runtime.evaluate",
            {"expression": INSPECT, "returnByValue": True},
            session=session,
        )
        self._drain()
        requests = [
            event["params"]["request"]["url"]
            for event in self.events
            if event.get("method") == "Network.requestWillBeSent"
        ]
        errors = [_error_text(event) for event in self.events if _is_error(event)]
        return json.loads(facts["result"]["value"]), requests, errors

    def _drain(self):
        while select.select([self._from_browser], [], [], 0.2)[0]:
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                break
            self._buffer += chunk
            *complete, self._buffer = self._buffer.split(b"\0")
            self.events += [json.loads(part) for part in complete if part]

    def close(self):
        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


def _is_error(event):
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.exceptionThrown":
        return True
    if method == "Runtime.consoleAPICalled":
        return params.get("type") in ("error", "assert")
    if method == "Log.entryAdded":
        return params.get("entry", {}).get("level") == "error"
    return False


def _error_text(event):
    params = event["params"]
    if event["method"] == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        description = details.get("exception", {}).get("description", "")
        return f"{details.get('text', 'exception')} {description}"
    if event["method"] == "Log.entryAdded":
        return params["entry"].get("text", "")
    return " ".join(str(arg.get("value", "")) for arg in params.get("args", []))


@pytest.fixture(scope="module")
def browser():
    instance = Browser()
    yield instance
    instance.close()


def _local(url):
    return url.startswith(("file:", "data:", "about:"))


def test_the_checker_sees_requests_and_errors(browser, tmp_path):
    # A control page: if the harness missed these, the real checks mean nothing.
    page = tmp_path / "bad.html"
    page.write_text(
        '<html lang="ru"><body><img src="https://example.org/x.png">'
        "<script>undefinedFunction()</script></body></html>",
        encoding="utf-8",
    )
    _, requests, errors = browser.open(page.as_uri())
    assert [url for url in requests if not _local(url)] == ["https://example.org/x.png"]
    assert any("undefinedFunction" in text for text in errors)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["region.html", "index.html", "mo_rybinsk.html"])
def test_page_shows_tables_and_charts_offline_without_errors(
    browser, tmp_path_factory, name
):
    _, folder = sample_bundle(tmp_path_factory)
    facts, requests, errors = browser.open((folder / name).as_uri())

    assert [url for url in requests if not _local(url)] == []
    assert errors == []
    assert facts["lang"] == "ru"
    assert facts["title"]
    assert facts["scripts"] == 0
    assert facts["tables"] >= 1 and facts["rows"] > 5
    if name != "index.html":
        assert facts["images"], "a report shows at least one chart"
        for complete, width, height in facts["images"]:
            assert complete and width > 0 and height > 0  # decoded, not broken
