import Cairn
import Foundation

/// The report's timeline: one row per step, grouped by dependency level (then the
/// compensations), time running left to right. Tries are bars colored by outcome, backoff
/// waits dashed lines (purple when a provider throttled), gates vertical lines; the steps of
/// the critical path are outlined. Every element has a tooltip (`<title>`) and data attributes.
struct TimelineSVG {
    let timeline: RunTimeline

    private let labelWidth = 230.0
    private let chartWidth = 860.0
    private let rowHeight = 22.0
    private let headerHeight = 22.0
    private let top = 34.0

    private enum Row {
        case header(String)
        case track(Int)
    }

    func render() -> String {
        let t = timeline
        let rows = layoutRows()
        let span = max(t.duration, 0.001)
        let height = top + rows.reduce(0) { total, row in
            if case .header = row { return total + headerHeight }
            return total + rowHeight
        } + 44
        let width = labelWidth + chartWidth + 20
        let critical = Set(t.criticalPath)
        var svg = "<div class=\"chart\"><svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" "
        svg += "height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
        svg += "aria-label=\"Timeline of run \(ReportView.escape(t.runID))\">\n"
        svg += axis(span: span, height: height - 40)
        var y = top
        for row in rows {
            switch row {
            case .header(let title):
                svg += "<g class=\"level\"><text x=\"4\" y=\"\(f(y + 15))\">\(ReportView.escape(title))</text></g>\n"
                y += headerHeight
            case .track(let i):
                svg += track(t.tracks[i], y: y, span: span, critical: critical.contains(i))
                y += rowHeight
            }
        }
        for gate in t.gates {
            let x = xFor(gate.time, span: span)
            let reason = gate.reason.map { ": \($0)" } ?? ""
            svg += "<g class=\"gate \(gate.passed ? "passed" : "halted")\"><title>gate \(gate.passed ? "passed" : "halted the run")"
            svg += "\(ReportView.escape(reason))</title><line x1=\"\(f(x))\" y1=\"\(f(top - 6))\" x2=\"\(f(x))\" y2=\"\(f(y))\"/>"
            svg += "<path d=\"M\(f(x)) \(f(top - 12)) l5 5 l-5 5 l-5 -5 z\" fill=\"\(gate.passed ? "#8b5cf6" : "#dc2626")\"/></g>\n"
        }
        svg += legend(y: height - 18)
        svg += "</svg></div>"
        return svg
    }

    private func layoutRows() -> [Row] {
        let t = timeline
        var rows: [Row] = []
        let forward = t.tracks.indices.filter { !t.tracks[$0].compensation }
        let levels = Dictionary(grouping: forward, by: { t.tracks[$0].level })
        for level in levels.keys.sorted() {
            let members = levels[level]!.sorted { t.tracks[$0].start < t.tracks[$1].start }
            rows.append(.header("Level \(level) · \(members.count) step\(members.count == 1 ? "" : "s")"))
            rows += members.map { Row.track($0) }
        }
        let undo = t.tracks.indices.filter { t.tracks[$0].compensation }
        if !undo.isEmpty {
            rows.append(.header("Compensation · \(undo.count) step\(undo.count == 1 ? "" : "s")"))
            rows += undo.map { Row.track($0) }
        }
        return rows
    }

    private func track(_ s: RunTimeline.Track, y: Double, span: Double, critical: Bool) -> String {
        let classes = ["track", s.compensation ? "compensation" : "forward", critical ? "critical" : nil].compactMap { $0 }
        var g = "<g class=\"\(classes.joined(separator: " "))\" data-address=\"\(ReportView.escape(s.address))\" "
        g += "data-type=\"\(ReportView.escape(s.type))\" data-action=\"\(ReportView.escape(s.action))\" "
        g += "data-outcome=\"\(s.outcome)\" data-attempts=\"\(s.attempts.count)\" data-level=\"\(s.level)\">\n"
        let marker = s.outcome == "ok" || s.outcome == "resolved" ? "✓" : (s.outcome == "failed" ? "✗" : "?")
        let verb = s.compensation ? "undo \(s.action)" : s.action
        g += "<text class=\"label\" x=\"14\" y=\"\(f(y + 15))\">\(marker) \(ReportView.escape(Self.clip(s.address, 22))) "
        g += "<tspan fill=\"#71717a\">\(ReportView.escape(verb))</tspan></text>\n"
        let x0 = xFor(s.start, span: span)
        let x1 = s.end.map { xFor($0, span: span) } ?? (labelWidth + chartWidth)
        g += "<line class=\"span\" x1=\"\(f(x0))\" y1=\"\(f(y + 11))\" x2=\"\(f(max(x1, x0 + 1)))\" y2=\"\(f(y + 11))\"/>\n"
        if s.attempts.isEmpty {
            let cls = s.outcome == "in_doubt" ? "doubt" : "attempt \(s.outcome == "resolved" ? "ok" : s.outcome)"
            g += "<rect class=\"\(cls)\" x=\"\(f(x0))\" y=\"\(f(y + 5))\" width=\"\(f(max(3, x1 - x0)))\" height=\"12\" rx=\"2\">"
            g += "<title>\(ReportView.escape("\(s.address): \(s.outcome.replacingOccurrences(of: "_", with: " "))"))</title></rect>\n"
        }
        for a in s.attempts {
            let ax0 = xFor(a.start, span: span)
            let ax1 = xFor(a.end, span: span)
            var tip = "\(s.address) \(verb), attempt \(a.number): \(a.outcome) after \(ReportView.duration(a.end.timeIntervalSince(a.start)))"
            if let c = a.errorClass { tip += " — \(c)" }
            if let m = a.message { tip += ": \(m)" }
            g += "<rect class=\"attempt \(a.outcome)\" data-attempt=\"\(a.number)\" x=\"\(f(ax0))\" y=\"\(f(y + 5))\" "
            g += "width=\"\(f(max(3, ax1 - ax0)))\" height=\"12\" rx=\"2\"><title>\(ReportView.escape(tip))</title></rect>\n"
            if a.waitAfter > 0 {
                let wx1 = xFor(a.end.addingTimeInterval(a.waitAfter), span: span)
                let kind = a.throttled ? "throttled" : "backoff"
                g += "<line class=\"wait \(a.throttled ? "throttled" : "")\" data-kind=\"\(kind)\" x1=\"\(f(max(ax1, ax0 + 3)))\" "
                g += "y1=\"\(f(y + 11))\" x2=\"\(f(max(wx1, ax1 + 3)))\" y2=\"\(f(y + 11))\"><title>"
                g += ReportView.escape("\(kind) wait \(ReportView.duration(a.waitAfter)) before attempt \(a.number + 1)")
                g += "</title></line>\n"
            }
        }
        g += "</g>\n"
        return g
    }

    private func axis(span: Double, height: Double) -> String {
        let step = Self.tickStep(span)
        var out = "<g class=\"axis\">"
        var t = 0.0
        while t <= span + step * 0.001 {
            let x = labelWidth + t / span * chartWidth
            out += "<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(top - 8))\" x2=\"\(f(x))\" y2=\"\(f(height))\"/>"
            out += "<text x=\"\(f(x))\" y=\"\(f(top - 14))\" text-anchor=\"middle\">\(ReportView.duration(t))</text>"
            t += step
        }
        return out + "</g>\n"
    }

    private func legend(y: Double) -> String {
        let items: [(String, String)] = [
            ("<rect class=\"attempt ok\" width=\"14\" height=\"10\" rx=\"2\"/>", "succeeded try"),
            ("<rect class=\"attempt retried\" width=\"14\" height=\"10\" rx=\"2\"/>", "failed try, retried"),
            ("<rect class=\"attempt failed\" width=\"14\" height=\"10\" rx=\"2\"/>", "failed try, given up"),
            ("<line class=\"wait\" x1=\"0\" y1=\"5\" x2=\"14\" y2=\"5\"/>", "backoff wait"),
            ("<line class=\"wait throttled\" x1=\"0\" y1=\"5\" x2=\"14\" y2=\"5\"/>", "throttled wait"),
            ("<rect fill=\"#2563eb\" width=\"14\" height=\"10\" rx=\"2\"/>", "compensation"),
            ("<path d=\"M7 0 l5 5 l-5 5 l-5 -5 z\" fill=\"#8b5cf6\"/>", "gate (verify, wave)"),
        ]
        var out = "<g class=\"legend\">"
        var x = 14.0
        for (shape, text) in items {
            out += "<g transform=\"translate(\(f(x)) \(f(y - 9)))\">\(shape)<text x=\"20\" y=\"10\">\(text)</text></g>"
            x += 20 + Double(text.count) * 6.2 + 22
        }
        return out + "</g>\n"
    }

    private func xFor(_ date: Date, span: Double) -> Double {
        labelWidth + min(1, max(0, date.timeIntervalSince(timeline.started) / span)) * chartWidth
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A tick interval giving five to ten ticks over `span` seconds.
    static func tickStep(_ span: Double) -> Double {
        let raw = span / 6
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where raw <= m * magnitude { return m * magnitude }
        return 10 * magnitude
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
