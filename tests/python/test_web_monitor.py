"""The web monitor (`reverie monitor ENDPOINT --web [HOST:]PORT`) in a real headless
Chromium (Debian's package, installed by scripts/setup-chromium.sh if missing),
driven over the DevTools protocol (tests/python/headless.py): during a live run and
a replay the test reads back the counters the page shows and the pixels it drew,
and compares them with the run's own summary.

Run from the repository root after `swift build`: python3 -m pytest -q tests/python/test_web_monitor.py
(REVERIE_BIN overrides the executable, default .build/debug/reverie).
"""
import base64, contextlib, http.client, json, os, re, shutil, socket, struct, subprocess, sys, time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from headless import Browser, colored_pixels  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("REVERIE_BIN", str(ROOT / ".build" / "debug" / "reverie"))
BENCH4 = str(ROOT / "models" / "brette-benchmark4.yaml")
SMALL4 = ["--set", "populations[0].size=800", "--set", "populations[1].size=200"]


@pytest.fixture(scope="module", autouse=True)
def chromium():
    if not shutil.which("chromium"):
        subprocess.run(["bash", str(ROOT / "scripts" / "setup-chromium.sh")], check=True, stdout=subprocess.DEVNULL)
    assert shutil.which("chromium")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Monitor:
    """`reverie monitor EP --web 0` in the background; .url is the page it serves."""

    def __init__(self, endpoint, duration=300):
        self.process = subprocess.Popen([BIN, "monitor", endpoint, "--web", "0", "--plain", "--interval", "5",
                                         "--duration", str(duration)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"monitor did not announce its page: {line!r}"
        self.url, self.port = match.group(0), int(match.group(1))

    def status(self):
        return json.loads(get(self.port, "/status")[2])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def get(port, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, dict(r.getheaders()), body


def counters(page):
    return page.evaluate("Object.fromEntries([...document.querySelectorAll('[data-value]')]"
                         ".map(e => [e.id, isNaN(Number(e.dataset.value)) ? e.dataset.value : Number(e.dataset.value)]))")


def reverie(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, f"reverie {' '.join(args)} failed:\n{p.stdout}\n{p.stderr}"
    return p


# The page's colours (monitor.js): raster marks, the first two series colours.
MARK, BLUE, ORANGE = (29, 35, 48), (36, 84, 166), (194, 65, 12)


def assert_drawn(page, selector, at_least, rgb=None):
    """A screenshot of the element, decoded, holds at least `at_least` pixels of colour
    `rgb` (or saturated ones): the data was drawn, not only the axes."""
    ink = colored_pixels(page.screenshot(selector), rgb)
    assert ink >= at_least, f"{selector}: only {ink} pixels of {rgb or 'colour'}"
    return ink


@contextlib.contextmanager
def watch(start):
    """Opens the page, then runs `start(endpoint)` (a live run or a replay publishing to the
    monitor) and waits for the page to show the end; returns the counters, the page and the process output."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    monitor = Monitor(endpoint)
    try:
        with Browser() as browser:
            page = browser.open(monitor.url)
            page.wait_for("document.getElementById('status').dataset.value === 'live'", 30)
            done = start(endpoint)
            page.wait_for("document.getElementById('status').dataset.value === 'ended'", 120)
            page.wait_for("document.body.dataset.drawnEnd === 'true'", 30)   # the final state is drawn
            yield counters(page), page, done
    finally:
        monitor.stop()


def test_live_run_page_counts_match_the_run_summary(tmp_path):
    out = tmp_path / "out"
    with watch(lambda ep: reverie("run", BENCH4, *SMALL4, "--set", "protocol[0].duration=1000", "-q", "--publish", ep,
                                  "--wait-subscribers", "1", "--out", str(out))) as (c, page, _):
        summary = json.loads((out / "summary.json").read_text())
        end = json.loads(page.evaluate("document.getElementById('end-summary').textContent"))
        assert summary["spikes"] > 5000
        assert c["spikes-total"] + c["spike-gap-records"] == summary["spikes"]
        assert c["records-total"] + c["gap-records"] == summary["records"]
        assert c["gap-messages"] == end["dropped_messages"] and c["gap-records"] == end["dropped_records"]
        assert c["sim-time"] == pytest.approx(1000, abs=1)
        assert c["frames-received"] >= 2 and c["status"] == "ended"
        # Frames arrive up to 10 a second; the page updates at most every 250 ms (one rendering each).
        assert float(page.evaluate("document.body.dataset.shortestGap ?? '1e9'")) >= 200   # unset: one update
        # Per population, the table says 800 and 200 units and the rates are benchmark 4's ≈ 10 Hz.
        rows = page.evaluate("[...document.querySelectorAll('#populations tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        assert [r[0] for r in rows] == ["exc", "inh"] and [r[2] for r in rows] == ["800", "200"]
        rates = [float(r[6].split()[0]) for r in rows]
        assert all(5 < r < 20 for r in rates), rows
        drawn = int(page.evaluate("document.getElementById('raster').dataset.drawn"))
        assert drawn > 1000
        assert_drawn(page, "#raster", drawn // 8, MARK)   # dots overlap where units share a pixel row
        assert_drawn(page, "#rates", 600)   # the two rate lines (they overlap: ≈ 10 Hz both); the legend is 60 px
        (tmp_path / "live.png").write_bytes(page.screenshot())


def test_replay_at_max_speed_page_counts_match_the_trace(tmp_path):
    trace = tmp_path / "dream.rvt"
    reverie("run", str(ROOT / "models" / "hopfield-unlearning.yaml"), "--set", "populations.memory.size=200",
            "--set", "protocol.dreaming.dreams=600", "--set", "protocol.dreaming.measure_every=50",
            "-q", "--weights-every", "phase", "--record", str(trace))
    replayed = {}

    def replay(ep):
        p = reverie("replay", str(trace), "--publish", ep, "--speed", "max", "--wait-subscribers", "1")
        n, messages, dropped, dropped_records = map(int, re.search(
            r"replayed (\d+) records .*: published (\d+) messages .* (\d+) dropped by the publisher \((\d+) records\)", p.stdout).groups())
        replayed.update(records=n, dropped=dropped, dropped_records=dropped_records)

    with watch(replay) as (c, page, _):
        assert replayed["records"] > 50_000
        assert c["records-total"] + c["gap-records"] == replayed["records"]
        assert c["gap-messages"] == replayed["dropped"] and c["gap-records"] == replayed["dropped_records"]
        assert c["flips-total"] > 10_000 and c["spikes-total"] == 0
        # Dreaming: fraction stable and Δ_min against dreams, 600 / 50 + 1 = 13 measurements each.
        assert page.evaluate("document.getElementById('dream-panel').hidden") is False
        note = page.evaluate("document.getElementById('dream-note').textContent")
        assert note.startswith("(after 600 dreams"), note
        metrics = page.evaluate("[...document.querySelectorAll('#metrics tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        # 60 patterns (load 0.3 of 200 units), each measured before and after dreaming.
        assert {r[0]: r[1] for r in metrics} == {"overlap": "60", "fraction_stable": "13", "min_stability": "13"}
        assert page.evaluate("document.getElementById('overlap-note').textContent").startswith("(120 measurements of 60 patterns")
        assert page.evaluate("document.getElementById('weight-panel').hidden") is False
        assert_drawn(page, "#fraction-stable", 150, BLUE)
        assert_drawn(page, "#min-stability", 150, ORANGE)
        assert_drawn(page, "#weight-histogram", 500, BLUE)
        assert_drawn(page, "#overlaps", 200)
        assert_drawn(page, "#raster", 1000, MARK)


def test_names_from_the_trace_are_shown_as_text(tmp_path):
    name = '<img src=x onerror="document.title=\'pwned\'">&amp;"'
    model = tmp_path / "names.yaml"
    model.write_text(f"""reverie: 1
name: {json.dumps('<b>model</b>')}
populations:
  - {{name: {json.dumps(name)}, model: lif, size: 100, tau_m: 20, e_l: -49, v_th: -50, v_reset: -60, t_ref: 5, v_init: [-60, -50]}}
protocol:
  - {{phase: run, name: {json.dumps('<i onclick=x>phase&amp;')}, duration: 300}}
""")
    with watch(lambda ep: reverie("run", str(model), "-q", "--publish", ep, "--wait-subscribers", "1")) as (c, page, _):
        assert c["spikes-total"] > 100
        assert page.evaluate("document.title") == "reverie monitor"
        assert page.evaluate("document.querySelectorAll('img, b, i').length") == 0
        assert page.evaluate("document.querySelector('#population-labels li').textContent") == name
        assert page.evaluate("document.getElementById('model').textContent") == "<b>model</b> (seed 1)"
        assert "<i onclick=x>phase&amp;" in page.evaluate("document.getElementById('run-info').textContent")


def websocket_handshake(port, origin=None, rcvbuf=None):
    """A raw WebSocket client: returns the socket after the server's 101, or the status line."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n" + (f"Origin: {origin}\r\n" if origin else "") + "\r\n")
    s.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            break
        head += chunk
    return s, head.split(b"\r\n")[0].decode()


def close_code(s):
    """Reads server frames until a close frame; returns its code and reason."""
    s.settimeout(10)
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            raise AssertionError(f"no close frame in {len(data)} bytes")
        data += chunk
        pos = 0
        while pos + 2 <= len(data):
            opcode, n = data[pos] & 15, data[pos + 1] & 127
            head = 2 + (2 if n == 126 else 8 if n == 127 else 0)
            if pos + head > len(data):
                break
            n = struct.unpack(">H", data[pos + 2:pos + 4])[0] if n == 126 else struct.unpack(">Q", data[pos + 2:pos + 10])[0] if n == 127 else n
            if pos + head + n > len(data):
                break
            if opcode == 8:
                body = data[pos + head:pos + head + n]
                return struct.unpack(">H", body[:2])[0], body[2:]
            pos += head + n


def test_a_browser_that_never_reads_only_drops_frames(tmp_path):
    """A stalled client (tiny receive buffer, never reads) beside a real browser during a
    lossless run: the stalled client's frames are dropped, the monitor keeps reading
    ZeroMQ (a stalled monitor would block the lossless run), every record arrives."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    monitor = Monitor(endpoint)
    out = tmp_path / "out"
    try:
        stalled, status = websocket_handshake(monitor.port, rcvbuf=4096)
        assert " 101 " in status
        with Browser() as browser:
            page = browser.open(monitor.url)
            page.wait_for("document.getElementById('status').dataset.value === 'live'", 30)
            reverie("run", BENCH4, "--set", "protocol[0].duration=3000", "-q", "--publish", endpoint,
                    "--wait-subscribers", "1", "--lossless", "--out", str(out))
            page.wait_for("document.getElementById('status').dataset.value === 'ended'", 120)
            c = counters(page)
            summary = json.loads((out / "summary.json").read_text())
            assert c["spikes-total"] == summary["spikes"] and c["gap-messages"] == 0
            before = monitor.status()
            slow, reader = before["clients"]
            assert slow["framesDropped"] > 0, before   # the stall began during the run, which went on regardless
            time.sleep(2)
            after = monitor.status()
            assert after["frames"] - before["frames"] >= 10, (before, after)
            # The stalled client takes no more frames and drops every tick; the browser takes them all.
            assert after["clients"][0]["framesSent"] == slow["framesSent"], (before, after)
            ticks = after["frames"] - before["frames"]
            assert abs(after["clients"][0]["framesDropped"] - slow["framesDropped"] - ticks) <= 1, (before, after)
            assert after["clients"][1]["framesSent"] - reader["framesSent"] >= ticks - 2, (before, after)
            assert c["frames-dropped"] < c["frames-received"], c
        stalled.close()
    finally:
        monitor.stop()


def test_server_limits_and_loopback_checks():
    monitor = Monitor(f"tcp://127.0.0.1:{free_port()}", duration=120)
    try:
        status, headers, body = get(monitor.port, "/")
        assert status == 200 and b"/monitor.js" in body
        assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"
        for path in ("/", "/monitor.js", "/monitor.css"):
            assert not re.search(rb"(src|href)=\"?https?://|url\(https?:|import\(", get(monitor.port, path)[2]), path  # no CDN
        assert get(monitor.port, "/", {"Host": "attacker.example:80"})[0] == 403   # DNS rebinding
        assert get(monitor.port, "/nothing")[0] == 404
        assert get(monitor.port, "/stream")[0] == 400   # not a WebSocket request
        _, line = websocket_handshake(monitor.port, origin="http://attacker.example")
        assert " 400 " in line, line
        # At most 8 WebSocket clients; the 9th is closed at once with code 1013 (try again later).
        clients = [websocket_handshake(monitor.port)[0] for _ in range(8)]
        time.sleep(0.5)
        ninth, line = websocket_handshake(monitor.port)
        assert " 101 " in line, line
        assert close_code(ninth) == (1013, b"at most 8 browsers at once")
        assert len([c for c in monitor.status()["clients"]]) == 8
        for s in clients:
            s.close()
        time.sleep(1)
        # A message from a client larger than 64 KiB closes that connection (close code 1009).
        s, line = websocket_handshake(monitor.port)
        assert " 101 " in line
        payload = b"x" * 100_000
        s.sendall(bytes([0x82, 0x80 | 127]) + struct.pack(">Q", len(payload)) + b"\0\0\0\0" + payload)
        assert close_code(s)[0] == 1009   # message too big
        assert get(monitor.port, "/")[0] == 200
    finally:
        monitor.stop()


def test_web_address_errors():
    p = subprocess.run([BIN, "monitor", "tcp://127.0.0.1:5999", "--web", "host:99999"], capture_output=True, text=True)
    assert p.returncode != 0 and "--web 'host:99999': port '99999' is not a number in 0...65535" in p.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = subprocess.run([BIN, "monitor", "tcp://127.0.0.1:5999", "--web", str(port)], capture_output=True, text=True, timeout=60)
        assert p.returncode != 0 and f"cannot serve the web monitor on 127.0.0.1:{port}" in p.stderr, p.stderr
