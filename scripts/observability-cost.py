#!/usr/bin/env python3
"""What watching a run costs through the real command line: `cairn apply` of N zero-latency
simulated resources (a fleet of sim.network), bare and with everything on (JSON log records to
a file, the Prometheus metrics file, and OTLP trace export through swift-otel), in pairs.

Usage: observability-cost.py CAIRN_BINARY [N] [PAIRS]     (defaults: 10000 resources, 5 pairs)

CAIRN_COST_CPUS=0 (a taskset(1) CPU list) pins the cairn processes to those CPUs, to see what
watching costs where no spare core takes the observers' work.

Build the binary in release first (`swift build -c release --product cairn`). Each run starts
from an empty folder. The trace endpoint is a sink in this process that accepts every OTLP/HTTP
POST and answers 200 without decoding it (what a collector costs is the collector's business).
`cairn apply` prints how long the apply itself took; the script reports that (apply) and the
whole process (wall: spec load, plan, apply, exporter flush), and the process's CPU time, as
medians of the pairs and the median of each pair's overhead.
"""
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SPEC = """stack: observed
variables:
  n: {{ default: {n} }}
resources:
  net:
    type: sim.network
    count: "${{var.n}}"
    properties: {{ cidr: 10.0.0.0/16, name: "net-${{count.index}}" }}
"""


class Sink(BaseHTTPRequestHandler):
    posts = 0
    spans_bytes = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Sink.posts += 1
        Sink.spans_bytes += len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def run(binary, n, observed, port):
    folder = tempfile.mkdtemp(prefix="cairn-obs-cost-")
    try:
        with open(os.path.join(folder, "cairn.yaml"), "w") as f:
            f.write(SPEC.format(n=n))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CAIRN_", "OTEL_"))}
        args = [binary, "apply", "--auto-approve", "--no-verify", "--quiet"]
        if os.environ.get("CAIRN_COST_CPUS"):
            args = ["taskset", "-c", os.environ["CAIRN_COST_CPUS"]] + args
        if observed:
            args += ["--log-file", "run.jsonl", "--metrics-file", "cairn.prom"]
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{port}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        done = subprocess.run(args, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"cairn apply failed ({done.returncode}): {done.stderr[-2000:]}")
        found = re.search(r"Apply succeeded in ([0-9.]+)s", done.stdout)
        if not found:
            sys.exit(f"no apply time in the output: {done.stdout[-500:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        records = 0
        if observed:
            with open(os.path.join(folder, "run.jsonl")) as f:
                records = sum(1 for _ in f)
            if records < n:
                sys.exit(f"expected at least {n} log records, found {records}")
        return float(found.group(1)), wall, cpu, records
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    rows = []
    for i in range(pairs):
        bare = run(binary, n, False, port)
        posts = Sink.posts
        watched = run(binary, n, True, port)
        if Sink.posts == posts:
            sys.exit("no trace export arrived at the sink: is the binary built with the OTLP trait?")
        rows.append((bare, watched))
        print(f"pair {i + 1}: apply {bare[0]:.2f}s -> {watched[0]:.2f}s, process {bare[1]:.2f}s -> {watched[1]:.2f}s, "
              f"cpu {bare[2]:.2f}s -> {watched[2]:.2f}s", flush=True)

    def median(xs):
        return statistics.median(xs)

    def overhead(index):
        return median([(w[index] / b[index] - 1) * 100 for b, w in rows])

    print(f"== observability through the CLI: {n} zero-latency sim resources, {pairs} pairs")
    print(f"  bare apply: {median([b[0] for b, _ in rows]):.3f} s, watched: {median([w[0] for _, w in rows]):.3f} s, "
          f"overhead {overhead(0):.1f} % (median of the pairs)")
    print(f"  bare process: {median([b[1] for b, _ in rows]):.3f} s, watched: {median([w[1] for _, w in rows]):.3f} s, "
          f"overhead {overhead(1):.1f} %")
    print(f"  bare cpu: {median([b[2] for b, _ in rows]):.3f} s, watched: {median([w[2] for _, w in rows]):.3f} s, "
          f"overhead {overhead(2):.1f} %")
    print(f"  log records per watched run: {rows[-1][1][3]}; OTLP posts received: {Sink.posts}, "
          f"{Sink.spans_bytes / max(1, Sink.posts) / 1024:.0f} KiB each on average")


if __name__ == "__main__":
    main()
