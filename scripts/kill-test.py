#!/usr/bin/env python3
"""Kill `cairn apply` with SIGKILL at random moments, recover, and check the world.

Each trial copies the quickstart stack into a fresh folder, starts `cairn apply` under a fault
profile with latency (so the run takes a while), kills it with SIGKILL after a random delay,
then recovers with `cairn resume` or `cairn rollback` (chosen at random) and checks, through
`cairn sim inventory --json` and `cairn status --json`:

- no duplicate: at most one simulated resource per stack address;
- no orphan: every simulated resource of the stack is recorded in state with the same id,
  and every recorded resource exists;
- after resume: `cairn plan --detailed-exitcode` reports no changes;
- after rollback: nothing of the stack is left in the simulated world.

One trial in five sends SIGINT instead: the run must stop gracefully (exit 4, interrupted).

Usage: kill-test.py CAIRN_BINARY [TRIALS] [SEED]
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "quickstart", "cairn.yaml")
FAULTS = """seed: %d
latency: { min: 20ms, max: 120ms }
rules:
  - match: { operation: create }
    transient: 0.2
    lost_response: 0.1
"""


def run(binary, folder, *args, check=True):
    proc = subprocess.run([binary, *args], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    if check and proc.returncode not in (0, 5):
        raise RuntimeError("cairn %s exited %d: %s%s" % (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
    return proc


def check_world(binary, folder, expect_empty):
    inventory = json.loads(run(binary, folder, "sim", "inventory", "--json").stdout)
    status = json.loads(run(binary, folder, "status", "--json").stdout)
    problems = []
    by_address = {}
    for item in inventory:
        address = item["tags"].get("cairn:address", "?")
        by_address.setdefault(address, []).append(item["id"])
    for address, ids in by_address.items():
        if len(ids) > 1:
            problems.append("duplicate: %s exists %d times %s" % (address, len(ids), ids))
    recorded = {r["id"]: r["address"] for r in status["resources"]}
    world_ids = {item["id"] for item in inventory}
    for item in inventory:
        if item["id"] not in recorded:
            problems.append("orphan: %s (%s) is not recorded" % (item["id"], item["tags"].get("cairn:address")))
    for rid, address in recorded.items():
        if rid not in world_ids:
            problems.append("lost: %s is recorded as %s, which does not exist" % (address, rid))
    if expect_empty and inventory:
        problems.append("rollback left %d resources" % len(inventory))
    return problems


def trial(binary, rng, number):
    folder = tempfile.mkdtemp(prefix="cairn-kill-")
    try:
        shutil.copy(SPEC, os.path.join(folder, "cairn.yaml"))
        with open(os.path.join(folder, "faults.yaml"), "w") as f:
            f.write(FAULTS % rng.randrange(1 << 30))
        proc = subprocess.Popen([binary, "apply", "--faults", "faults.yaml", "--quiet"], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
        delay = rng.uniform(0.05, 1.5)
        graceful = rng.random() < 0.2
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGINT if graceful else signal.SIGKILL)
        code = proc.wait(timeout=60)
        if killed and graceful and code not in (0, 1, 4):
            return ["after one SIGINT, apply exited %d (expected 4: interrupted, resumable)" % code]
        recovery = rng.choice(["resume", "rollback"])
        status = json.loads(run(binary, folder, "status", "--json").stdout)
        unfinished = bool(status["runs"]) and status["runs"][0]["status"] in ("running", "interrupted")
        expect_empty = False
        if unfinished:
            blocked = run(binary, folder, "apply", check=False)
            if blocked.returncode != 4:
                return ["apply after a kill exited %d, not 4: %s" % (blocked.returncode, blocked.stderr.strip())]
            result = run(binary, folder, recovery, "--json", check=False)
            if result.returncode != 0:
                return ["%s exited %d: %s %s" % (recovery, result.returncode, result.stdout, result.stderr)]
            expect_empty = recovery == "rollback"
        elif not status["runs"]:
            recovery = "resume"
            run(binary, folder, "apply")
        if recovery == "resume" or not unfinished:
            plan = run(binary, folder, "plan", "--detailed-exitcode", check=False)
            if plan.returncode != 0:
                return ["not converged after %s: plan exited %d" % (recovery, plan.returncode)]
        problems = check_world(binary, folder, expect_empty)
        print("trial %3d: %s after %.2fs, recovered by %s: %s" % (
            number, ("SIGINT" if graceful else "SIGKILL") if killed else "finished", delay, recovery if unfinished else "(run had finished)", "ok" if not problems else problems))
        return problems
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    binary = os.path.abspath(sys.argv[1])
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261129
    rng = random.Random(seed)
    failed = 0
    for number in range(1, trials + 1):
        try:
            problems = trial(binary, rng, number)
        except Exception as error:  # a crash of the harness counts as a failed trial
            problems = [repr(error)]
        if problems:
            failed += 1
            print("trial %d FAILED: %s" % (number, problems))
    print("kill test: %d passed, %d failed" % (trials - failed, failed))
    sys.exit(1 if failed else 0)


main()
