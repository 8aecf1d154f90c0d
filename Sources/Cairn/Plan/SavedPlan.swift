import Foundation

/// A plan written to a file by `cairn plan --out` and applied exactly by `cairn apply FILE`.
///
/// The file is one header line (`{"cairn_plan": 1, "checksum": "<sha256 of the body>"}`)
/// followed by the plan as JSON. A file whose body does not match its checksum is refused, and
/// so is a plan whose state serial has moved on (see ``StalePlan``).
public enum SavedPlan {
    /// The file format version written by this build.
    public static let formatVersion = 1

    /// The bytes of a saved-plan file for `plan`.
    public static func encode(_ plan: Plan) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(plan)
        let header = "{\"cairn_plan\":\(formatVersion),\"checksum\":\"\(Digest.sha256Hex(body))\"}\n"
        return Data(header.utf8) + body
    }

    /// Reads a saved-plan file, checking its format and checksum.
    public static func decode(_ data: Data, file: String) throws -> Plan {
        func refuse(_ why: String) -> Diagnostics {
            Diagnostics([Diagnostic(.error, "\(file) is not a usable plan file: \(why)",
                detail: "Make a new one with `cairn plan --out \(file)`.", at: SourceLocation(file: file))])
        }
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { throw refuse("it has no header line") }
        let headerData = data[data.startIndex..<newline]
        let body = data[data.index(after: newline)...]
        guard let header = try? Value.parseJSON(Data(headerData)).mapValue,
            let version = header["cairn_plan"]?.intValue, let checksum = header["checksum"]?.stringValue
        else { throw refuse("the header line is not a Cairn plan header") }
        guard version == formatVersion else {
            throw refuse("it was written in plan format \(version); this cairn reads format \(formatVersion)")
        }
        guard Digest.sha256Hex(Data(body)) == checksum else {
            throw refuse("its checksum does not match its contents (the file was altered or truncated)")
        }
        do {
            return try JSONDecoder().decode(Plan.self, from: Data(body))
        } catch {
            throw refuse("its body does not decode as a plan (\(error))")
        }
    }
}
