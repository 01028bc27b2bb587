#!/usr/bin/env python3
"""The studio's latency from a change to the updated plan, in the browser.

Starts `elplan serve` (the binary given, default target/release/elplan) on a
copy of fixtures/cases and ChromeDriver with headless Chromium; types 40
changes into the form of complete-team.ron, as a person does; prints the
median and the slowest of the last 30, as the page itself times them
(from sending the change to the plan being in place).

    cargo build --release && python3 scripts/studio-latency.py [ELPLAN]
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)["value"]


def main():
    elplan = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/elplan")
    folder = tempfile.mkdtemp()
    shutil.copytree(os.path.join(ROOT, "fixtures/cases"), os.path.join(folder, "districts"))
    studio = subprocess.Popen([elplan, "serve", "districts", "--port", "0"], cwd=folder,
                              stdout=subprocess.PIPE, text=True)
    address = studio.stdout.readline().split("http://")[1].split("/")[0]
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                session = call(base, "POST", "/session", {"capabilities": {"alwaysMatch": {
                    "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1440,900"]}}}})
                break
            except OSError:
                time.sleep(0.2)
        s = f"/session/{session['sessionId']}"
        call(base, "POST", s + "/url", {"url": f"http://{address}/district?file=complete-team.ron"})
        script = """
const done = arguments[arguments.length - 1];
const input = document.querySelector(".field[data-path='staffing.instructional_coaches'] input");
(async () => {
  for (let k = 0; k < 40; k++) {
    const before = Number(document.body.dataset.planned || 0);
    input.value = String(k % 7 + 1);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    while (Number(document.body.dataset.planned || 0) <= before) await new Promise((r) => setTimeout(r, 1));
  }
  done(window.elplanLatencies.slice(10));
})();
"""
        call(base, "POST", s + "/timeouts", {"script": 120000})
        latencies = call(base, "POST", s + "/execute/async", {"script": script, "args": []})
        call(base, "DELETE", s)
        print(f"studio latency, change to updated plan (in the browser): median "
              f"{statistics.median(latencies):.1f} ms over {len(latencies)} changes, "
              f"slowest {max(latencies):.1f} ms ({elplan})")
    finally:
        driver.kill()
        studio.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
