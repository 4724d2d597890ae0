"""Save-to-picture round trip of `sdiagram watch` on a 30-component blueprint.

Starts the real command (`sdiagram watch FILE --port 0`) as its own process,
subscribes to its server-sent events like the page does, then saves the
blueprint N times with a new label each time and measures, per save, the wall
time from the write until the page's content (/content) holds the new picture:
file event -> compile -> lint -> layout -> SVG -> event -> fetch.

    python bench/watch_roundtrip.py [--size 30] [--saves 20]

Target (issue 10): under 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from common import BenchError, machine, run_main, sdiagram_command, table, write_json
from scale import generate

TARGET_MS = 300.0


def _fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sdiagram-watch-bench-") as work:
        path = os.path.join(work, "design.yaml")
        original = generate(args.size)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(original)
        first_label = re.search(r"label: ([^,}\n]+)", original)
        if first_label is None:
            raise BenchError("the generated blueprint has no label to edit")
        process = subprocess.Popen(
            [*sdiagram_command(), "watch", path, "--port", "0", "--exit-after", str(60 + args.saves * 5)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=work,
        )
        try:
            port = None
            started = time.monotonic()
            while port is None and time.monotonic() - started < 60:
                line = process.stdout.readline()
                if not line:
                    raise BenchError("sdiagram watch exited before serving")
                found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                port = int(found.group(1)) if found else None
            if port is None:
                raise BenchError("sdiagram watch did not start within 60 s")
            events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            events.request("GET", "/events")
            stream = events.getresponse()
            stream.readline(), stream.readline(), stream.readline()  # retry:, the first data:, blank

            times = []
            for save in range(args.saves + 1):  # the first save is a warm-up
                token = f"Edited {save} {time.time_ns() % 10**6}"
                text = original.replace(first_label.group(0), f"label: {token}", 1)
                before = time.perf_counter()
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
                while True:
                    line = stream.readline().decode()
                    if line.startswith("data:") and token.replace(" ", "&#160;") in _fetch(port, "/content").replace(" ", "&#160;"):
                        break
                    if not line:
                        raise BenchError("the event stream closed")
                elapsed = (time.perf_counter() - before) * 1000
                if save:
                    times.append(elapsed)
                time.sleep(0.2)
            events.close()
        finally:
            process.terminate()
            process.wait(timeout=10)

    result = {
        "size": args.size, "saves": args.saves, "median_ms": statistics.median(times),
        "p90_ms": sorted(times)[int(0.9 * (len(times) - 1))], "max_ms": max(times), "min_ms": min(times),
        "target_ms": TARGET_MS, "machine": machine(),
    }
    print(table(["components", "saves", "min ms", "median ms", "p90 ms", "max ms", "target"],
                [[str(args.size), str(args.saves), f"{result['min_ms']:.0f}", f"{result['median_ms']:.0f}",
                  f"{result['p90_ms']:.0f}", f"{result['max_ms']:.0f}", f"< {TARGET_MS:.0f} ms"]]))
    print(f"results: {write_json('watch_roundtrip', result)}")
    return 0 if result["median_ms"] < TARGET_MS else 1


if __name__ == "__main__":
    run_main(main, "watch_roundtrip")
