import Synchronization

/// A seeded, thread-safe source of random numbers: the same seed gives the same sequence.
/// Everything random in Cairn (jitter, run ids in tests, fault injection) draws from one of these.
public final class RandomSource: Sendable {
    private let state: Mutex<SplitMix64>

    public init(seed: UInt64) { state = Mutex(SplitMix64(seed: seed)) }

    /// A source seeded from the system's generator, for production runs.
    public static func system() -> RandomSource {
        var g = SystemRandomNumberGenerator()
        return RandomSource(seed: g.next())
    }

    /// The next 64 random bits.
    public func next() -> UInt64 { state.withLock { $0.next() } }

    /// A number in [0, 1).
    public func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// A hex string of `count` random bytes.
    public func hex(bytes count: Int) -> String {
        var out = ""
        var remaining = count
        while remaining > 0 {
            var word = next()
            for _ in 0..<min(8, remaining) {
                out += String(format: "%02x", UInt8(truncatingIfNeeded: word))
                word >>= 8
                remaining -= 1
            }
        }
        return out
    }
}

/// The SplitMix64 generator: small, fast and good enough for jitter and simulations.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var x: UInt64
    public init(seed: UInt64) { x = seed }
    public mutating func next() -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
