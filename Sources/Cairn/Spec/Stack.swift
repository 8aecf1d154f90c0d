/// A validated stack: what a spec declares once variables, flags and `when` conditions are
/// resolved. References to other resources' outputs (`${net.id}`) stay in the properties,
/// to be resolved as the run learns them.
public struct Stack: Sendable {
    public var name: String
    /// Resources in declaration order, keyed by address.
    public var resources: [Resource]
    public var defaults: Defaults
    /// The values of the stack's flags in this run.
    public var flags: [String: Bool]
    /// The values of the stack's variables in this run.
    public var variables: [String: Value]
    /// Variables declared `sensitive: true`: their values must never be shown.
    public var sensitiveVariables: Set<String>
    /// Where the spec was read from (for messages and for `.cairn/` beside it).
    public var source: SourceLocation
    /// Resources the spec declares but `when:` switches off in this run: the planner deletes
    /// (or, with `on_disable: retain`, forgets) what is recorded of them.
    public var disabled: [DisabledResource] = []
    /// Named groups of resources (`rollouts:`) whose changes roll out in waves.
    public var rolloutGroups: [RolloutGroup] = []

    public init(
        name: String, resources: [Resource], defaults: Defaults = Defaults(), flags: [String: Bool] = [:],
        variables: [String: Value] = [:], source: SourceLocation = SourceLocation(file: "<memory>"),
        sensitiveVariables: Set<String> = []
    ) {
        self.name = name
        self.resources = resources
        self.defaults = defaults
        self.flags = flags
        self.variables = variables
        self.source = source
        self.sensitiveVariables = sensitiveVariables
    }

    public func resource(_ address: String) -> Resource? {
        resources.first { $0.address == address }
    }

    /// What a failed run does with the steps it completed.
    public enum FailureMode: String, Sendable, Codable, CaseIterable {
        case rollback, halt, `continue`
    }

    /// Settings that apply to every resource unless the resource says otherwise.
    public struct Defaults: Sendable {
        public var retry: RetryPolicy
        public var onFailure: FailureMode
        /// How long one provider call may take before it counts as a timeout.
        public var stepTimeout: Duration

        public init(retry: RetryPolicy = .default, onFailure: FailureMode = .rollback, stepTimeout: Duration = .seconds(300)) {
            self.retry = retry
            self.onFailure = onFailure
            self.stepTimeout = stepTimeout
        }
    }
}

/// One declared resource.
public struct Resource: Sendable {
    public var address: String
    public var type: String
    /// Desired properties; strings may hold `${other.attribute}` references.
    public var properties: [String: Value]
    /// Explicit dependencies (`depends_on`), in addition to those the references imply.
    public var dependsOn: [String]
    /// The resource's own retry policy, when it overrides the stack's.
    public var retry: RetryPolicy?
    public var lifecycle: Lifecycle
    public var location: SourceLocation
    /// Top-level properties whose value came, wholly or in part, from a sensitive variable:
    /// never shown, like properties the schema marks sensitive.
    public var sensitiveProperties: Set<String>
    /// Property paths (`tags`, `tags.owner`) whose drift is shown but not counted, nor
    /// corrected by `reconcile` (`ignore_drift` in the spec).
    public var ignoreDrift: [String] = []
    /// The fleet this resource is a member of (`web` for `web[3]`), nil for a single resource.
    public var fleet: String?
    /// How the fleet's changes roll out in waves, for a member of a fleet that has `rollout:`.
    public var rollout: RolloutPolicy?
    /// The resource's `when:` condition, when it has one (it is true: the resource is included).
    public var condition: String?
    /// The flags each property reads (through `${flag.x}` or a choice), by property name; `when`
    /// and `count` (or `for_each`) name the flags that include the resource and size its fleet.
    /// The plan names them as the cause of a change.
    public var flagsRead: [String: [String]] = [:]

    public init(
        address: String, type: String, properties: [String: Value], dependsOn: [String] = [],
        retry: RetryPolicy? = nil, lifecycle: Lifecycle = Lifecycle(),
        location: SourceLocation = SourceLocation(file: "<memory>"), sensitiveProperties: Set<String> = []
    ) {
        self.address = address
        self.type = type
        self.properties = properties
        self.dependsOn = dependsOn
        self.retry = retry
        self.lifecycle = lifecycle
        self.location = location
        self.sensitiveProperties = sensitiveProperties
    }

    /// Every address this resource waits for: its references and its `depends_on`.
    public var dependencies: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for address in Template.references(in: .map(properties)).map(\.resource) + dependsOn
        where seen.insert(address).inserted {
            out.append(address)
        }
        return out
    }

    public struct Lifecycle: Sendable, Hashable, Codable {
        /// Refuse any plan that deletes or replaces this resource.
        public var preventDestroy: Bool
        /// Whether a rollback undoes this resource's step.
        public var compensate: Bool

        public init(preventDestroy: Bool = false, compensate: Bool = true) {
            self.preventDestroy = preventDestroy
            self.compensate = compensate
        }
    }
}
