import Foundation

extension Redactor {
    /// `plan` with every sensitive value hidden: sensitive fields' before and after, sensitive
    /// desired and recorded properties, sensitive outputs.
    public func redact(_ plan: Plan) -> Plan {
        let redactor = including(plan)
        var out = plan
        for i in out.changes.indices {
            let change = out.changes[i]
            out.changes[i].desired = change.desired.map { redactor.redact($0, address: change.address, type: change.type) }
            if var prior = change.prior {
                prior.properties = redactor.redact(prior.properties, address: prior.address, type: prior.type)
                prior.outputs = redactor.redact(prior.outputs, address: prior.address, type: prior.type)
                out.changes[i].prior = prior
            }
            for j in out.changes[i].fields.indices where out.changes[i].fields[j].sensitive {
                if out.changes[i].fields[j].before != nil { out.changes[i].fields[j].before = .string(Self.placeholder) }
                if out.changes[i].fields[j].after != nil { out.changes[i].fields[j].after = .string(Self.placeholder) }
            }
        }
        return out
    }

    /// This redactor extended with what the run's plan (in its `run_started` event) marks
    /// sensitive, and a map from address to type for the run's steps.
    public func forRun(_ events: [JournalEvent]) -> (redactor: Redactor, types: [String: String]) {
        guard let json = events.first(where: { $0.kind == .runStarted })?.detail["plan"]?.stringValue,
            let plan = try? JSONDecoder().decode(Plan.self, from: Data(json.utf8))
        else { return (self, [:]) }
        var types: [String: String] = [:]
        for change in plan.changes {
            types[change.address] = change.type
            if let prior = change.prior { types[prior.address] = prior.type }
        }
        return (including(plan), types)
    }

    /// `event` as it may be shown: sensitive properties in its detail (an intent's resolved
    /// properties, an update's prior ones, the plan of `run_started`) hidden, and secrets
    /// scrubbed from its message. `types` maps addresses to resource types (``forRun(_:)``).
    public func redact(_ event: JournalEvent, types: [String: String]) -> JournalEvent {
        var out = event
        out.message = event.message.map(scrub)
        let address = event.address ?? ""
        let type = types[address] ?? types[address.replacingOccurrences(of: Step.deposedSuffix, with: "")] ?? ""
        for (key, value) in event.detail {
            switch (key, value) {
            case ("properties", .map(let m)), ("prior", .map(let m)):
                out.detail[key] = .map(redact(m, address: address, type: type))
            case ("plan", .string(let json)):
                guard let plan = try? JSONDecoder().decode(Plan.self, from: Data(json.utf8)) else {
                    out.detail[key] = .string(scrub(json))
                    continue
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let redacted = (try? encoder.encode(redact(plan))).map { String(decoding: $0, as: UTF8.self) }
                out.detail[key] = .string(redacted ?? Self.placeholder)
            default:
                out.detail[key] = scrub(value)
            }
        }
        return out
    }
}
