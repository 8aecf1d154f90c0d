/// The difference between a spec and the recorded state: one change per resource, in
/// dependency order, each with its field-level diff. A plan is self-contained: applying it
/// needs nothing but the plan, the providers and the store, so a saved plan applies exactly.
public struct Plan: Sendable, Hashable, Codable {
    /// What a change does to one resource. `forget` removes a resource from state and leaves
    /// it in the world (a resource switched off by `when:` with `lifecycle.on_disable: retain`).
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case create, update, replace, delete, noop, forget
    }

    /// One field that differs. `after == nil` with `knownAfterApply` means the new value comes
    /// from a resource that does not exist yet.
    public struct FieldDiff: Sendable, Hashable, Codable {
        public var path: String
        public var before: Value?
        public var after: Value?
        public var knownAfterApply: Bool
        /// The field forces a replacement.
        public var forcesReplacement: Bool
        public var sensitive: Bool
        /// True when the world's value differs from the recorded one: the change undoes a
        /// change made outside Cairn (nil when the plan was made without refresh).
        public var changedOutside: Bool? = nil

        public init(
            path: String, before: Value?, after: Value?, knownAfterApply: Bool = false,
            forcesReplacement: Bool = false, sensitive: Bool = false
        ) {
            self.path = path
            self.before = before
            self.after = after
            self.knownAfterApply = knownAfterApply
            self.forcesReplacement = forcesReplacement
            self.sensitive = sensitive
        }
    }

    /// The planned action for one resource.
    public struct Change: Sendable, Hashable, Codable {
        public var address: String
        public var type: String
        public var action: Action
        public var fields: [FieldDiff]
        /// Desired properties, with references still to resolve; nil for a delete.
        public var desired: [String: Value]?
        /// What was recorded (and refreshed) before this plan; nil for a create.
        public var prior: RecordedResource?
        /// Addresses this resource depends on (from the spec; for deletes, from the record).
        public var dependencies: [String]
        public var retry: RetryPolicy
        public var lifecycle: Resource.Lifecycle
        /// True when drift drives this change: the world lost the resource, or some of its
        /// fields were changed outside Cairn (nil when the plan was made without refresh).
        public var changedOutside: Bool? = nil
        /// Why the change is planned when a flag decided it ("flag.cdn is false", "size reads
        /// flag.big (true)"); nil otherwise.
        public var cause: String? = nil
        /// The rollout wave (from 1) of a fleet member whose fleet rolls out in waves; nil
        /// otherwise. See ``Plan/rollouts``.
        public var wave: Int? = nil

        public init(
            address: String, type: String, action: Action, fields: [FieldDiff] = [], desired: [String: Value]?,
            prior: RecordedResource?, dependencies: [String], retry: RetryPolicy, lifecycle: Resource.Lifecycle
        ) {
            self.address = address
            self.type = type
            self.action = action
            self.fields = fields
            self.desired = desired
            self.prior = prior
            self.dependencies = dependencies
            self.retry = retry
            self.lifecycle = lifecycle
        }
    }

    /// Counts of each action.
    public struct Summary: Sendable, Hashable, Codable {
        public var create = 0
        public var update = 0
        public var replace = 0
        public var delete = 0
        public var noop = 0
        public var forget = 0

        public init() {}

        public subscript(action: Action) -> Int {
            get {
                switch action {
                case .create: create
                case .update: update
                case .replace: replace
                case .delete: delete
                case .noop: noop
                case .forget: forget
                }
            }
            set {
                switch action {
                case .create: create = newValue
                case .update: update = newValue
                case .replace: replace = newValue
                case .delete: delete = newValue
                case .noop: noop = newValue
                case .forget: forget = newValue
                }
            }
        }
    }

    public var stack: String
    /// The state serial the plan was made from; applying it to any other serial is refused.
    public var serial: Int64
    public var changes: [Change]
    public var stepTimeout: Duration
    public var onFailure: Stack.FailureMode
    /// True for a plan made by `destroy`.
    public var isDestroy: Bool
    /// The fleets whose changes roll out in waves, with the members of each wave; nil or empty
    /// when none does.
    public var rollouts: [Rollout]? = nil

    public init(
        stack: String, serial: Int64, changes: [Change], stepTimeout: Duration = .seconds(300),
        onFailure: Stack.FailureMode = .rollback, isDestroy: Bool = false
    ) {
        self.stack = stack
        self.serial = serial
        self.changes = changes
        self.stepTimeout = stepTimeout
        self.onFailure = onFailure
        self.isDestroy = isDestroy
    }

    public var summary: Summary {
        var s = Summary()
        for c in changes { s[c.action] += 1 }
        return s
    }

    /// True when applying the plan would change nothing.
    public var hasChanges: Bool { changes.contains { $0.action != .noop } }

    /// Deletions and replacements of existing resources: these need confirmation.
    public var destructiveChanges: [Change] { changes.filter { $0.action == .delete || $0.action == .replace } }

    public func change(_ address: String) -> Change? { changes.first { $0.address == address } }
}
