import Cairn
import Foundation

extension CommandProvider {
    /// One request to the program.
    struct Call: Sendable {
        var operation: String
        var idempotencyKey: IdempotencyKey?
        var id: String?
        /// The resource's properties (`program`, `args`, `env`, `input`).
        var properties: [String: Value]
        var prior: Value = .null

        /// The JSON object the program reads on stdin, followed by a newline.
        var requestJSON: Data {
            let request: Value = .map([
                "operation": .string(operation),
                "idempotency_key": idempotencyKey.map { .string($0.token) } ?? .null,
                "id": id.map { .string($0) } ?? .null,
                "input": properties["input"] ?? .null,
                "prior": prior,
            ])
            return Data((request.canonicalJSON + "\n").utf8)
        }
    }

    /// What the program answered, once errors are thrown.
    enum Answer: Sendable, Equatable {
        /// The resource, with the id the program returned (if it returned one).
        case resource(id: String?, outputs: [String: Value])
        /// `{"absent": true}`.
        case absent

        static let expected =
            "expected one JSON object on stdout: {\"id\": \"...\", \"outputs\": {...}}, {\"absent\": true} "
            + "or {\"error\": {\"class\": \"transient\", \"message\": \"...\"}}"

        /// Decodes a run's output, throwing the error it reports or describes.
        ///
        /// A JSON error object wins whatever the exit status; otherwise a non-zero exit (or
        /// a signal) is `transient`, quoting the last line of stderr; otherwise stdout must
        /// be one JSON object with `id`, `absent` or `error`.
        static func decode(_ output: Subprocess.Output, program: String, operation: String) throws(ProviderError)
            -> Answer
        {
            let text = String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let parsed = text.isEmpty ? nil : try? Value.parseJSON(Data(text.utf8))
            if let object = parsed?.mapValue, let error = object["error"] {
                throw try reportedError(error, program: program)
            }
            let end = output.termination
            if end.signalled || end.status != 0 {
                let how = end.signalled ? "was killed by signal \(end.status)" : "exited with status \(end.status)"
                throw ProviderError(
                    .transient,
                    "\(program) \(how) during \(operation): \(lastLine(of: output.stderr) ?? "(nothing on stderr)")")
            }
            guard !text.isEmpty else {
                throw ProviderError(.invalid, "\(program) printed nothing on stdout for \(operation); \(expected)")
            }
            guard let parsed else {
                throw ProviderError(
                    .invalid,
                    "\(program) printed output that is not JSON for \(operation) (\(excerpt(text))); \(expected)")
            }
            guard let object = parsed.mapValue else {
                throw ProviderError(
                    .invalid,
                    "\(program) answered a JSON \(parsed.kindName), not an object, for \(operation); \(expected)")
            }
            if object["absent"] == .bool(true) { return .absent }
            guard let idValue = object["id"] else {
                throw ProviderError(
                    .invalid,
                    "\(program) answered an object with none of id, absent or error for \(operation); \(expected)")
            }
            let id: String?
            switch idValue {
            case .string(let s) where !s.isEmpty: id = s
            case .int(let i): id = String(i)
            case .null: id = nil
            default:
                throw ProviderError(
                    .invalid,
                    "\(program) answered an id that is not a non-empty string (\(idValue.canonicalJSON)); \(expected)")
            }
            let outputs: [String: Value]
            switch object["outputs"] {
            case nil, .null?: outputs = [:]
            case .map(let map)?: outputs = map
            case let other?:
                throw ProviderError(
                    .invalid, "\(program) answered outputs that are a \(other.kindName), not an object; \(expected)")
            }
            return .resource(id: id, outputs: outputs)
        }

        private static func reportedError(_ error: Value, program: String) throws(ProviderError) -> ProviderError {
            let shape =
                "expected {\"error\": {\"class\": \"transient\", \"message\": \"...\", \"retry_after_ms\": 200}}"
            guard let fields = error.mapValue, let name = fields["class"]?.stringValue else {
                throw ProviderError(.invalid, "\(program) answered an error without a class; \(shape)")
            }
            guard let errorClass = ProviderError.Class(rawValue: name) else {
                let known = ProviderError.Class.allCases.map(\.rawValue).joined(separator: ", ")
                throw ProviderError(
                    .invalid, "\(program) answered an error of unknown class \"\(name)\"; expected one of \(known)")
            }
            let message = fields["message"]?.stringValue ?? "(no message)"
            var retryAfter: Duration?
            switch fields["retry_after_ms"] {
            case nil, .null?: break
            case .int(let ms)? where ms >= 0: retryAfter = .milliseconds(ms)
            case .double(let ms)? where ms >= 0 && ms.isFinite: retryAfter = .microseconds(Int64(ms * 1000))
            case let other?:
                throw ProviderError(
                    .invalid,
                    "\(program) answered retry_after_ms \(other.canonicalJSON); expected milliseconds as a number")
            }
            return ProviderError(errorClass, "\(program): \(message)", retryAfter: retryAfter)
        }

        /// The last non-empty line a program wrote on stderr, cut to a readable length.
        static func lastLine(of stderr: Data) -> String? {
            let lines = String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline)
            guard let line = lines.last(where: { !$0.allSatisfy(\.isWhitespace) }) else { return nil }
            return excerpt(line.trimmingCharacters(in: .whitespaces))
        }

        private static func excerpt(_ text: String) -> String {
            text.count <= 200 ? text : String(text.prefix(200)) + "…"
        }
    }
}
