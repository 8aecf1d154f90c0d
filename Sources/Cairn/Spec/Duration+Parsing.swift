/// Durations as people write them in specs, fault profiles and command lines.
extension Duration {
    /// Parses a duration such as `200ms`, `2s`, `1.5s`, `1m`, `1h`, `1m30s` or `0`.
    ///
    /// Units: `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, `d`. Parts may be chained
    /// (`1h30m`) and may have a decimal fraction (`0.5s`); a bare `0` is zero. Returns nil for
    /// anything else: a number without a unit, an unknown unit, a negative value or a value
    /// too large to represent.
    public init?(parsing text: String) {
        let scalars = Array(text.trimmingWhitespace.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        if scalars == ["0"] {
            self = .zero
            return
        }
        var nanoseconds: Double = 0
        var index = 0
        while index < scalars.count {
            let numberStart = index
            while index < scalars.count, Self.isNumberScalar(scalars[index]) { index += 1 }
            let unitStart = index
            while index < scalars.count, !Self.isNumberScalar(scalars[index]) { index += 1 }
            guard numberStart < unitStart, unitStart < index else { return nil }
            var number = ""
            number.unicodeScalars.append(contentsOf: scalars[numberStart..<unitStart])
            var unit = ""
            unit.unicodeScalars.append(contentsOf: scalars[unitStart..<index])
            guard let value = Double(number), value.isFinite, let scale = Self.nanosecondsPerUnit[unit] else {
                return nil
            }
            nanoseconds += value * scale
        }
        guard nanoseconds.isFinite, nanoseconds < 9.2e18 else { return nil }
        self = .nanoseconds(Int64(nanoseconds.rounded()))
    }

    /// Parses a duration such as `200ms`, `2s`, `1m` or `1h`; see ``init(parsing:)``.
    public static func parse(_ text: String) -> Duration? {
        Duration(parsing: text)
    }

    private static let nanosecondsPerUnit: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9,
    ]

    private static func isNumberScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || scalar == "."
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
