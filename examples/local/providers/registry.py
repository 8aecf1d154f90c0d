#!/usr/bin/env python3
"""A tiny service registry that speaks Cairn's command-provider protocol.

Cairn runs this program once per call, writes one JSON request to stdin and reads one JSON
answer from stdout. Entries live as JSON files under --store; the idempotency key of a create
names its entry, so a repeated create returns the same entry instead of making a second one.
"""
import json
import os
import sys


def answer(obj):
    json.dump(obj, sys.stdout)
    sys.stdout.write("\n")
    sys.exit(0)


def main():
    store = "registry"
    if len(sys.argv) == 3 and sys.argv[1] == "--store":
        store = sys.argv[2]
    os.makedirs(store, exist_ok=True)
    request = json.load(sys.stdin)
    op = request.get("operation")
    key = request.get("idempotency_key")
    entry_id = request.get("id")

    def path(i):
        return os.path.join(store, i + ".json")

    def load(i):
        try:
            with open(path(i)) as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def save(i, data):
        tmp = path(i) + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path(i))

    if op in ("create", "find"):
        i = "svc-" + (key or "")[-12:]
        existing = load(i)
        if op == "find":
            answer({"id": i, "outputs": existing} if existing else {"absent": True})
        if existing is None:
            save(i, {"entry": i, **(request.get("input") or {})})
        answer({"id": i, "outputs": load(i)})
    if op == "read":
        data = load(entry_id)
        answer({"id": entry_id, "outputs": data} if data else {"absent": True})
    if op == "update":
        save(entry_id, {"entry": entry_id, **(request.get("input") or {})})
        answer({"id": entry_id, "outputs": load(entry_id)})
    if op == "delete":
        try:
            os.remove(path(entry_id))
        except FileNotFoundError:
            pass
        answer({"id": entry_id, "outputs": {}})
    answer({"error": {"class": "invalid", "message": "unknown operation %r" % op}})


main()
