extension Stack {
    /// A resource (or a whole fleet) that the spec declares and its `when:` switches off.
    public struct DisabledResource: Sendable, Hashable {
        /// The address as declared (the fleet's name for a fleet: it covers every member).
        public var name: String
        /// The condition that is false, as text (`flag.cdn`).
        public var condition: String
        /// The flags the condition reads, with their values in this run.
        public var flags: [String: Bool]
        /// `lifecycle.on_disable: retain`: forget what is recorded instead of deleting it.
        public var retain: Bool

        /// A switched-off resource `name`, whose `condition` is false.
        public init(name: String, condition: String, flags: [String: Bool] = [:], retain: Bool = false) {
            self.name = name
            self.condition = condition
            self.flags = flags
            self.retain = retain
        }

        /// Why the plan removes it: `flag.cdn is false`, with the flags' values when the
        /// condition is more than one flag.
        public var cause: String {
            let simple =
                flags.count == 1
                && (condition == "flag.\(flags.keys.first!)" || condition == "!flag.\(flags.keys.first!)")
            let values = flags.keys.sorted().map { "flag.\($0) = \(flags[$0]!)" }.joined(separator: ", ")
            return "\(condition) is false" + (simple || flags.isEmpty ? "" : " (\(values))")
        }
    }

    /// The switched-off resource or fleet that `address` (`cdn`, `web[3]`) belongs to.
    public func disabledResource(covering address: String) -> DisabledResource? {
        let name = ResourceAddress.name(of: address)
        return disabled.first { $0.name == name }
    }
}
