/// "Did you mean ...?" for names a user mistyped: keys, types, properties, addresses.
enum SpecSuggestions {
    /// The candidate closest to `name` by edit distance, when it is close enough to be a
    /// plausible typo (at most a third of the name's length, and at least 1, edits apart).
    static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, name.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(name.lowercased(), candidate.lowercased())
            if distance <= limit, best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// " Did you mean `x`?" or the empty string.
    static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String {
        guard let match = closest(to: name, in: candidates) else { return "" }
        return "Did you mean `\(match)`? "
    }

    /// `a, b, c` — or "none" for an empty list.
    static func list(_ names: some Sequence<String>) -> String {
        let all = Array(names)
        return all.isEmpty ? "none" : all.joined(separator: ", ")
    }

    /// "a list", "an integer": a kind name with its article.
    static func withArticle(_ kind: String) -> String {
        guard let first = kind.first else { return kind }
        return ("aeiou".contains(first) ? "an " : "a ") + kind
    }

    /// A duration as a spec writes it: `200ms`, `20s`, `2m`, `1h30m`.
    static func text(of duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0, seconds % 60 == 0, seconds > 0 {
            return seconds % 3600 == 0
                ? "\(seconds / 3600)h"
                : (seconds >= 3600 ? "\(seconds / 3600)h\(seconds % 3600 / 60)m" : "\(seconds / 60)m")
        }
        if attoseconds == 0 { return "\(seconds)s" }
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return milliseconds.rounded() == milliseconds ? "\(Int64(milliseconds))ms" : "\(milliseconds)ms"
    }

    /// Levenshtein distance, counting a swap of two neighbouring characters as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
