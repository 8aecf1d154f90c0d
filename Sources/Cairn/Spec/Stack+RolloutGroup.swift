extension Stack {
    /// A named group of resources (`rollouts:` in the spec) rolled out in waves, as a fleet with
    /// `rollout:` is: its members in the order the spec lists them (a fleet's members in their
    /// order where the fleet is named).
    public struct RolloutGroup: Sendable, Hashable {
        public var name: String
        /// The members' addresses, in order.
        public var members: [String]
        public var policy: RolloutPolicy

        public init(name: String, members: [String], policy: RolloutPolicy) {
            self.name = name
            self.members = members
            self.policy = policy
        }
    }
}
