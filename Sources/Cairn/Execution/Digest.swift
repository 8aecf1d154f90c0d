import Crypto
import Foundation

/// Content digests, for modules that cannot depend on swift-crypto themselves.
public enum Digest {
    /// The SHA-256 of `data` as 64 lowercase hexadecimal characters.
    public static func sha256Hex(_ data: Data) -> String {
        let hex: [Character] = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
        }
        return out
    }
}
