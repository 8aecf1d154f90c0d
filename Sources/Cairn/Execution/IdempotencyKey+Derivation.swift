import Foundation

extension IdempotencyKey {
    /// The key of one step: derived from the run, stack, address and action, so it is the same
    /// across retries and across a resumed run, and new for a later run. The digest covers the
    /// desired properties, so a key reused with other properties can be detected.
    public static func derive(
        runID: String, stack: String, address: String, action: String, properties: [String: Value]
    ) -> IdempotencyKey {
        let token = Digest.sha256Hex(Data("\(runID)\u{1f}\(stack)\u{1f}\(address)\u{1f}\(action)".utf8))
        let digest = Digest.sha256Hex(Data(Value.map(properties).canonicalJSON.utf8))
        return IdempotencyKey(token: "ck-" + token.prefix(32), digest: String(digest.prefix(32)))
    }
}
