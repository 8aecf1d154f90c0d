import Synchronization

/// A run-wide token bucket that bounds retries, so that an outage cannot multiply the load on
/// a provider. A retry spends tokens (more for a timeout), a success refunds a few; when the
/// bucket is empty, failures are no longer retried. The defaults follow the AWS SDKs.
public final class RetryBudget: Sendable {
    /// The bucket's size and prices.
    public struct Configuration: Sendable, Hashable {
        public var capacity: Int
        public var retryCost: Int
        public var timeoutCost: Int
        public var successRefund: Int

        public init(capacity: Int = 500, retryCost: Int = 5, timeoutCost: Int = 10, successRefund: Int = 1) {
            self.capacity = capacity
            self.retryCost = retryCost
            self.timeoutCost = timeoutCost
            self.successRefund = successRefund
        }
    }

    public let configuration: Configuration
    private let tokens: Mutex<Int>

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        tokens = Mutex(configuration.capacity)
    }

    /// Tokens left.
    public var available: Int { tokens.withLock { $0 } }

    /// Takes the price of one retry after an error of this class; false when the bucket
    /// cannot pay (then the error is not retried).
    public func spend(for errorClass: ProviderError.Class) -> Bool {
        let cost = errorClass == .timeout ? configuration.timeoutCost : configuration.retryCost
        return tokens.withLock { t in
            guard t >= cost else { return false }
            t -= cost
            return true
        }
    }

    /// Refunds a little after a success, up to the capacity.
    public func recordSuccess() {
        tokens.withLock { t in t = min(configuration.capacity, t + configuration.successRefund) }
    }
}
