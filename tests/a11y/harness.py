# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive the real Bulletin Reader through the accessibility tree (AT-SPI).

The tests run inside the test command's Xvfb and private session bus; the
AT-SPI bus is activated on that bus.  Keys are X events sent with xdotool
to the app's window: AT-SPI screen coordinates are not supported on X11
here, so nothing is clicked at a position.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77

try:
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi
except (ImportError, ValueError) as e:  # pragma: no cover
    print(f"SKIP: no AT-SPI bindings ({e})")
    sys.exit(SKIP)

CLASS_NAME = re.compile(r"^(Gtk|Adw)[A-Z]")


def require_display():
    if not os.environ.get("DISPLAY"):
        print("SKIP: no X display (run through build-aux/test.sh)")
        sys.exit(SKIP)
    if shutil.which("xdotool") is None:
        print("SKIP: xdotool is missing")
        sys.exit(SKIP)


def wait_until(predicate, timeout=20.0, what="condition"):
    end = time.time() + timeout
    last_exc = None
    while time.time() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # the tree changes under us
            last_exc = e
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f" ({last_exc})" if last_exc else ""))


def role(node):
    try:
        return node.get_role_name()
    except Exception:
        return ""


def name(node):
    try:
        return node.get_name() or ""
    except Exception:
        return ""


def states(node):
    try:
        return node.get_state_set()
    except Exception:
        return None


def has_state(node, state):
    s = states(node)
    return s is not None and s.contains(state)


def walk(node, depth=0, max_depth=60):
    """Every node below @node, depth first."""
    if node is None or depth > max_depth:
        return
    yield node
    try:
        n = node.get_child_count()
    except Exception:
        return
    for i in range(n):
        try:
            child = node.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(child, depth + 1, max_depth)


def text_of(node):
    """The text a screen reader reads from @node's Text interface."""
    t = node.get_text_iface() if hasattr(node, "get_text_iface") else None
    if t is None:
        return None
    count = Atspi.Text.get_character_count(node)
    return Atspi.Text.get_text(node, 0, count)


class App:
    def __init__(self, binary, args=(), schema_dir=None, env=None, home=None):
        self.binary = binary
        self.args = list(args)
        self.home = home or tempfile.mkdtemp(prefix="bulletin-a11y-")
        self.env = dict(os.environ)
        self.env.update({
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "XDG_DATA_HOME": os.path.join(self.home, "data"),
            "XDG_CACHE_HOME": os.path.join(self.home, "cache"),
            "XDG_STATE_HOME": os.path.join(self.home, "state"),
            "GTK_A11Y": "atspi",
            "NO_AT_BRIDGE": "0",
            "GSK_RENDERER": "cairo",
            "GSETTINGS_BACKEND": "memory",
        })
        if schema_dir:
            self.env["GSETTINGS_SCHEMA_DIR"] = schema_dir
        if env:
            self.env.update(env)
        self.proc = None
        self.root = None
        self.window_id = None

    def start(self):
        self.proc = subprocess.Popen([self.binary] + self.args, env=self.env)
        self.root = wait_until(self._find_app, 30, "the app on the accessibility bus")
        self.window_id = wait_until(self._find_window, 30, "the app's X window")
        return self

    def _find_app(self):
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is None:
                continue
            try:
                if app.get_process_id() == self.proc.pid:
                    # wait for the window to be in the tree
                    if app.get_child_count() > 0:
                        return app
            except Exception:
                continue
        if self.proc.poll() is not None:
            raise RuntimeError(f"the app exited with status {self.proc.returncode}")
        return None

    def _find_window(self):
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout.split()
        return out[-1] if out else None

    def key(self, *keys, delay=0.25):
        for k in keys:
            subprocess.run(["xdotool", "windowfocus", "--sync", self.window_id],
                           capture_output=True)
            subprocess.run(["xdotool", "key", "--clearmodifiers", k], check=True)
            time.sleep(delay)

    def type(self, text):
        subprocess.run(["xdotool", "windowfocus", "--sync", self.window_id], capture_output=True)
        subprocess.run(["xdotool", "type", "--delay", "60", text], check=True)
        time.sleep(0.3)

    def nodes(self):
        return walk(self.root)

    def find(self, predicate, timeout=10.0, what="a node"):
        def look():
            for n in self.nodes():
                if predicate(n):
                    return n
            return None
        return wait_until(look, timeout, what)

    def find_all(self, predicate):
        return [n for n in self.nodes() if predicate(n)]

    def focused(self):
        """The focused node.  Newer GTK also marks a list FOCUSED while the
        focus is on one of its items: the deepest focused node, the last
        in depth-first order, is the one that has the focus."""
        last = None
        for n in self.nodes():
            if has_state(n, Atspi.StateType.FOCUSED):
                last = n
        return last

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.home, ignore_errors=True)


def display_texts(binary, path):
    """Each article's displayed text, from the app's own core (--display-text)."""
    import json
    out = subprocess.run([binary, "--display-text", path], capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


class Checks:
    """Collects failures so that one run reports all of them."""

    def __init__(self):
        self.failures = []
        self.count = 0

    def check(self, ok, message):
        self.count += 1
        if not ok:
            self.failures.append(message)
            print(f"FAIL: {message}")
        return ok

    def finish(self):
        print(f"{self.count - len(self.failures)} checks passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)
