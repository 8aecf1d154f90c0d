import Cairn
import Foundation

/// A run's report: one self-contained HTML page (inline CSS and SVG, no script, no network)
/// with a summary, latency per resource type, the critical path, the timeline and the trail.
struct ReportView {
    let timeline: RunTimeline
    /// The run's journal, already redacted.
    let events: [JournalEvent]

    func render() -> String {
        let t = timeline
        let statusClass = t.status == "succeeded" ? "ok" : (t.status == "running" || t.status == "interrupted" ? "warn" : "bad")
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Cairn run \(Self.escape(t.runID)) · \(Self.escape(t.stack))</title>
            <style>\(Self.css)</style></head>
            <body>
            <header><h1>Run <code>\(Self.escape(t.runID))</code> of <em>\(Self.escape(t.stack))</em></h1>
            <p class="sub">\(Self.escape(t.operation)) · started \(Self.escape(LogView.day(t.started))) UTC ·
            <span id="status" class="badge \(statusClass)">\(Self.escape(t.status.replacingOccurrences(of: "_", with: " ")))</span></p>
            </header>

            """
        html += summary()
        html += "<section><h2>Timeline</h2>\n"
        html += "<p class=\"note\">One row per step, grouped by dependency level; tries are bars, backoff waits dashed lines. "
        html += "A row starts when the step's intent was journaled and ends when its outcome was; tries are placed "
        html += "from the call's own timings (a failed try ends when it failed), early by the intent's commit time.</p>\n"
        html += TimelineSVG(timeline: t).render()
        html += "\n</section>\n"
        html += latency()
        html += trail()
        html += "<footer>Made by <code>cairn report</code> from the run's journal. Sensitive values are hidden.</footer>\n"
        html += "</body></html>\n"
        return html
    }

    private func summary() -> String {
        let t = timeline
        let forward = t.forward
        let ok = forward.filter { $0.outcome == "ok" || $0.outcome == "resolved" }.count
        let failed = forward.filter { $0.outcome == "failed" }.count
        let undone = t.compensations.filter { $0.outcome == "ok" }.count
        let classes = t.retriesByClass.map { "\($0.count) \($0.errorClass)" }.joined(separator: ", ")
        let path = t.criticalPath.map { t.tracks[$0] }
        let pathTime = path.first.flatMap { first in path.last?.end.map { $0.timeIntervalSince(first.start) } } ?? 0
        var out = "<section id=\"summary\" class=\"cards\">\n"
        out += card("Duration", Self.duration(t.duration), nil)
        out += card("Steps", "\(forward.count)", "\(ok) succeeded, \(failed) failed", id: "steps")
        out += card("Success rate", String(format: "%.0f%%", t.successRate * 100), nil, id: "success-rate")
        out += card("Retries", "\(t.retryCount)", classes.isEmpty ? "none" : classes, id: "retries")
        out += card("Throttled waits", "\(t.throttledWaits)", nil, id: "throttled")
        out += card("Compensations", "\(t.compensations.count)", t.compensations.isEmpty ? "none" : "\(undone) undone", id: "compensations")
        out += "</section>\n"
        out += "<section><h2>Critical path</h2><p id=\"critical-path\" class=\"path\">"
        if path.isEmpty {
            out += "No step finished."
        } else {
            out += path.map { "<span class=\"step\">\(Self.escape($0.address)) <small>\(Self.duration($0.duration))</small></span>" }
                .joined(separator: " <span class=\"arrow\">→</span> ")
            out += " <span class=\"total\">= \(Self.duration(pathTime))</span>"
        }
        out += "</p></section>\n"
        return out
    }

    private func card(_ title: String, _ value: String, _ detail: String?, id: String? = nil) -> String {
        let idAttribute = id.map { " id=\"\($0)\"" } ?? ""
        let small = detail.map { "<small>\(Self.escape($0))</small>" } ?? ""
        return "<div class=\"card\"\(idAttribute)><h3>\(Self.escape(title))</h3><p>\(Self.escape(value))</p>\(small)</div>\n"
    }

    private func latency() -> String {
        var out = "<section><h2>Latency by resource type</h2>\n<table id=\"latency\"><thead><tr>"
        out += "<th>type</th><th>steps</th><th>p50</th><th>p95</th><th>retries</th></tr></thead><tbody>\n"
        for row in timeline.latencyByType {
            out += "<tr><td><code>\(Self.escape(row.type))</code></td><td>\(row.steps)</td>"
            out += "<td>\(Self.duration(row.p50))</td><td>\(Self.duration(row.p95))</td><td>\(row.retries)</td></tr>\n"
        }
        out += "</tbody></table></section>\n"
        return out
    }

    private func trail() -> String {
        let lines = LogView(terminal: Terminal(noColor: true, environment: ["NO_COLOR": "1"]), verbose: false)
            .render(events, timeline: timeline)
        return "<section><details><summary>The trail (\(events.count) journal events)</summary><pre id=\"trail\">"
            + lines.map(Self.escape).joined(separator: "\n") + "</pre></details></section>\n"
    }

    /// `text` safe inside HTML and SVG text and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// "340 ms", "2.31 s", "3 min 5 s".
    static func duration(_ t: TimeInterval) -> String {
        if t < 1 { return "\(Int((t * 1000).rounded())) ms" }
        if t < 120 { return String(format: "%.2f s", t) }
        return "\(Int(t) / 60) min \(Int(t) % 60) s"
    }

    static let css = """
        :root{--ok:#16a34a;--bad:#dc2626;--retry:#f59e0b;--wait:#71717a;--throttle:#8b5cf6;--undo:#2563eb;--doubt:#a1a1aa;
        --ink:#18181b;--muted:#71717a;--line:#e4e4e7;--bg:#fafafa}
        *{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;
        color:var(--ink);background:var(--bg)}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px}h3{font-size:12px;font-weight:600;color:var(--muted);
        text-transform:uppercase;letter-spacing:.04em;margin:0 0 6px}
        code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}.sub{color:var(--muted);margin:0}
        .badge{display:inline-block;padding:1px 10px;border-radius:999px;font-weight:600;color:#fff}
        .badge.ok{background:var(--ok)}.badge.bad{background:var(--bad)}.badge.warn{background:var(--retry)}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin-top:20px}
        .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px}
        .card p{font-size:24px;font-weight:650;margin:0}.card small{color:var(--muted)}
        .path{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 14px}
        .path .step{font-weight:600}.path small{color:var(--muted);font-weight:400}.path .arrow{color:var(--muted)}
        .path .total{color:var(--muted)}
        .note{color:var(--muted);margin:0 0 8px}
        .chart{background:#fff;border:1px solid var(--line);border-radius:10px;overflow-x:auto;padding:8px}
        svg text{font:12px system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;fill:var(--ink)}
        svg .axis text{fill:var(--muted);font-size:11px}svg .grid{stroke:var(--line)}
        svg .level text{font-weight:650;fill:var(--muted);font-size:11px;text-transform:uppercase}
        svg .span{stroke:var(--line);stroke-width:2}
        svg .attempt.ok{fill:var(--ok)}svg .attempt.failed{fill:var(--bad)}svg .attempt.retried{fill:var(--retry)}
        svg .compensation .attempt.ok{fill:var(--undo)}
        svg .wait{stroke:var(--wait);stroke-width:2;stroke-dasharray:3 3}svg .wait.throttled{stroke:var(--throttle);stroke-width:3}
        svg .doubt{fill:var(--doubt)}svg .critical text.label{font-weight:700}
        svg .critical .span{stroke:#18181b;stroke-width:2}
        svg .gate line{stroke:var(--throttle);stroke-dasharray:6 4}svg .gate.halted line{stroke:var(--bad)}
        svg .legend text{fill:var(--muted)}
        table{border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden;min-width:480px}
        th,td{padding:7px 14px;text-align:left;border-bottom:1px solid var(--line)}th{font-size:12px;color:var(--muted)}
        td:nth-child(n+2),th:nth-child(n+2){text-align:right}
        details{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 14px}
        pre{font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;margin:10px 0 0}
        footer{margin-top:28px;color:var(--muted);font-size:12px}
        """
}
