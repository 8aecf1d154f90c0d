#!/usr/bin/env python3
"""A tiny OTLP/HTTP trace receiver for tests, built on the official OpenTelemetry protobuf
definitions (PyPI: opentelemetry-proto).

Usage: otlp-receiver.py OUT_FILE [SECONDS]

Listens on 127.0.0.1 on a free port and prints that port on the first line of stdout. Every
POST to /v1/traces (protobuf, optionally gzip) is decoded as an ExportTraceServiceRequest;
each span becomes one JSON line in OUT_FILE: trace_id, span_id, parent_span_id (hex), name,
kind, start/end times (ns), status, attributes, events, and the resource's attributes. It
answers with an empty ExportTraceServiceResponse and exits by itself after SECONDS (60 by
default), so a test that dies cannot leave it running.
"""
import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

OUT = sys.argv[1]
LIFETIME = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
LOCK = threading.Lock()


def value(v):
    d = MessageToDict(v)
    return next(iter(d.values()), None) if d else None


def attributes(items):
    return {kv.key: value(kv.value) for kv in items}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if self.path != "/v1/traces":
            self.send_response(404)
            self.end_headers()
            return
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        lines = []
        for resource_spans in request.resource_spans:
            resource = attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "name": span.name,
                        "kind": span.kind,
                        "start": span.start_time_unix_nano,
                        "end": span.end_time_unix_nano,
                        "status": span.status.code,
                        "status_message": span.status.message,
                        "attributes": attributes(span.attributes),
                        "events": [{"name": e.name, "attributes": attributes(e.attributes)} for e in span.events],
                        "resource": resource,
                    }, sort_keys=True))
        with LOCK, open(OUT, "a") as f:
            for line in lines:
                f.write(line + "\n")
        reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Timer(LIFETIME, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
