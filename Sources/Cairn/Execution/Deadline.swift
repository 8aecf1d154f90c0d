/// Runs `operation`, throwing ``StepTimeoutError`` if it takes longer than `limit` on `clock`.
func withDeadline<C: Clock, T: Sendable>(
    _ limit: Duration?, clock: C, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T where C.Duration == Duration {
    guard let limit else { return try await operation() }
    return try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(for: limit)
            throw StepTimeoutError(after: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
