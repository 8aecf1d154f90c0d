import Synchronization

/// Where step tasks leave their results for the executor loop. The loop takes everything that
/// has arrived at once, which is what lets it make many outcomes durable in one commit.
final class CompletionInbox<Item: Sendable>: Sendable {
    private struct Contents {
        var items: [Item] = []
        var waiter: CheckedContinuation<[Item], Never>?
    }

    private let contents = Mutex(Contents())

    func push(_ item: Item) {
        let delivery: (CheckedContinuation<[Item], Never>, [Item])? = contents.withLock { c in
            c.items.append(item)
            guard let w = c.waiter else { return nil }
            c.waiter = nil
            defer { c.items = [] }
            return (w, c.items)
        }
        if let (waiter, items) = delivery { waiter.resume(returning: items) }
    }

    /// Everything that has arrived, waiting for at least one item. Only one caller may wait.
    func takeAll() async -> [Item] {
        await withCheckedContinuation { (k: CheckedContinuation<[Item], Never>) in
            let ready: [Item]? = contents.withLock { c in
                if c.items.isEmpty {
                    c.waiter = k
                    return nil
                }
                defer { c.items = [] }
                return c.items
            }
            if let ready { k.resume(returning: ready) }
        }
    }
}
