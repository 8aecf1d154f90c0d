/// Runs one read per item with at most `parallelism` in flight, and at most a type's own limit
/// (``ResourceSchema/concurrencyLimit``) per resource type: how drift and verify stay within
/// a provider's rate limits while reading a whole stack.
enum BoundedReads {
    /// The results of `body` for every item, in the order of `items`. Items are started in
    /// order within each type; a throw cancels the rest and is rethrown.
    static func run<Item: Sendable, Output: Sendable>(
        _ items: [Item], parallelism: Int, typeLimits: [String: Int], type: (Item) -> String,
        _ body: @escaping @Sendable (Item) async throws -> Output
    ) async throws -> [Output] {
        var queues: [String: [Int]] = [:]
        var order: [String] = []
        for (index, item) in items.enumerated() {
            let t = type(item)
            if queues[t] == nil { order.append(t) }
            queues[t, default: []].append(index)
        }
        var heads: [String: Int] = [:]
        var running: [String: Int] = [:]
        var results = [Output?](repeating: nil, count: items.count)
        let width = max(1, parallelism)
        return try await withThrowingTaskGroup(of: (Int, String, Output).self) { group in
            var inFlight = 0
            /// The next item whose type is under its limit (types in order of first appearance).
            func next() -> (Int, String)? {
                for t in order {
                    let head = heads[t, default: 0]
                    guard let queue = queues[t], head < queue.count else { continue }
                    if let limit = typeLimits[t], running[t, default: 0] >= limit { continue }
                    heads[t] = head + 1
                    return (queue[head], t)
                }
                return nil
            }
            func fill() {
                while inFlight < width, let (index, t) = next() {
                    running[t, default: 0] += 1
                    inFlight += 1
                    let item = items[index]
                    group.addTask { (index, t, try await body(item)) }
                }
            }
            fill()
            while let (index, t, output) = try await group.next() {
                results[index] = output
                running[t, default: 1] -= 1
                inFlight -= 1
                fill()
            }
            return results.map { $0! }
        }
    }
}
