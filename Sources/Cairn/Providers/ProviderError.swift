/// An error from a provider call, carrying how the retry loop must treat it.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The retry class of an error, decided before any retry.
    public enum Class: String, Sendable, Codable, CaseIterable {
        /// Retry with backoff (HTTP 5xx, connection reset).
        case transient
        /// Retry no sooner than `retryAfter` (HTTP 429, 503 with Retry-After).
        case throttled
        /// The call did not answer in time; retried, and costs more of the retry budget.
        case timeout
        /// The world changed under us: re-read, then decide. Not retried blindly.
        case conflict
        /// The resource is not there.
        case notFound = "not_found"
        /// Never retried (HTTP 400, 403).
        case permanent
        /// The request or the answer is malformed; never retried.
        case invalid

        /// Whether the retry loop may try again.
        public var isRetryable: Bool {
            switch self {
            case .transient, .throttled, .timeout: true
            case .conflict, .notFound, .permanent, .invalid: false
            }
        }
    }

    public var errorClass: Class
    public var message: String
    /// How long the server asked us to wait before the next call.
    public var retryAfter: Duration?

    public init(_ errorClass: Class, _ message: String, retryAfter: Duration? = nil) {
        self.errorClass = errorClass
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(errorClass.rawValue): \(message)" }

    /// Classifies an HTTP status code (and its Retry-After, if any).
    public static func http(status: Int, message: String, retryAfter: Duration? = nil) -> ProviderError {
        switch status {
        case 429: ProviderError(.throttled, message, retryAfter: retryAfter)
        case 503 where retryAfter != nil: ProviderError(.throttled, message, retryAfter: retryAfter)
        case 408, 504: ProviderError(.timeout, message)
        case 404, 410: ProviderError(.notFound, message)
        case 409, 412: ProviderError(.conflict, message)
        case 500...599: ProviderError(.transient, message)
        case 400, 422: ProviderError(.invalid, message)
        default: ProviderError(.permanent, message)
        }
    }

    /// Classifies a POSIX errno value.
    public static func posix(_ code: Int32, message: String) -> ProviderError {
        switch code {
        case 4, 11, 35, 54, 60, 61, 103, 104, 110, 111, 113:  // EINTR EAGAIN ... ECONNRESET ETIMEDOUT ECONNREFUSED
            ProviderError(.transient, message)
        case 2: ProviderError(.notFound, message)  // ENOENT
        case 17: ProviderError(.conflict, message)  // EEXIST
        case 22: ProviderError(.invalid, message)  // EINVAL
        default: ProviderError(.permanent, message)
        }
    }

    /// The class of any error: a ``ProviderError``'s own, timeouts as `.timeout`, cancellation
    /// as permanent, anything else transient.
    public static func classify(_ error: any Error) -> ProviderError {
        if let e = error as? ProviderError { return e }
        if error is CancellationError { return ProviderError(.permanent, "cancelled") }
        if error is StepTimeoutError { return ProviderError(.timeout, "\(error)") }
        return ProviderError(.transient, "\(error)")
    }
}

/// Thrown when a call exceeds its step timeout.
public struct StepTimeoutError: Error, Sendable, CustomStringConvertible {
    public var after: Duration
    public init(after: Duration) { self.after = after }
    public var description: String { "no answer within \(after)" }
}
