/// A spec as written, key by key, with positions: what ``SpecLoader`` reads from the document
/// tree before it resolves variables, flags and `when:` conditions and checks the resources
/// against their providers' schemas.
struct SpecDocument: Sendable {
    /// One entry of `variables:`.
    struct Variable: Sendable {
        var name: String
        var location: SourceLocation
        var defaultValue: Value?
        var description: String?
        var sensitive: Bool
    }

    /// One entry of `flags:`.
    struct Flag: Sendable {
        var name: String
        var location: SourceLocation
        var defaultValue: Bool
        var description: String?
    }

    /// One `depends_on` target.
    struct Dependency: Sendable {
        var address: String
        var location: SourceLocation
    }

    /// One entry of `resources:`.
    struct ResourceDeclaration: Sendable {
        var address: String
        /// Where the resource's key is written.
        var location: SourceLocation
        var type: String?
        var typeLocation: SourceLocation
        var properties: [SpecNode.Entry]
        var dependsOn: [Dependency]
        var when: SpecNode?
        var retry: RetryPolicy?
        var lifecycle: Resource.Lifecycle
        /// `ignore_drift` entries: property paths, each with where it is written.
        var ignoreDrift: [IgnoredField] = []
        /// `count:` (a whole number, or an expression giving one), when the resource is a fleet.
        var count: SpecNode? = nil
        /// `for_each:` (a list of keys or a map of keys to values), when the resource is a fleet.
        var forEach: SpecNode? = nil
        /// `rollout:`, read; only a fleet may have one.
        var rollout: RolloutPolicy? = nil
        var rolloutLocation: SourceLocation? = nil
        /// `lifecycle.on_disable: retain`: when `when:` switches the resource off, forget it
        /// (remove it from state) instead of deleting it.
        var retainWhenDisabled = false
    }

    /// One entry of `rollouts:`: a named group of resources whose changes roll out in waves.
    struct RolloutGroup: Sendable {
        var name: String
        var location: SourceLocation
        /// The resources and fleets it names, in order, each with where it is written.
        var members: [Dependency]
        /// Nil when the policy could not be read (the problems are reported).
        var policy: RolloutPolicy?
    }

    /// One `ignore_drift` entry.
    struct IgnoredField: Sendable {
        var path: String
        var location: SourceLocation
    }

    var stack: String?
    var stackLocation: SourceLocation
    var variables: [Variable] = []
    var variablesLocation: SourceLocation?
    var flags: [Flag] = []
    var flagsLocation: SourceLocation?
    var defaults = Stack.Defaults()
    var resources: [ResourceDeclaration] = []
    var rolloutGroups: [RolloutGroup] = []

    /// The keys a spec may have at its top level.
    static let topLevelKeys = ["stack", "variables", "flags", "defaults", "resources", "rollouts"]
    static let variableKeys = ["default", "description", "sensitive"]
    static let flagKeys = ["default", "description"]
    static let defaultsKeys = ["retry", "on_failure", "step_timeout"]
    static let retryKeys = ["max_attempts", "initial_delay", "multiplier", "max_delay", "max_elapsed", "jitter"]
    static let resourceKeys = [
        "type", "properties", "depends_on", "when", "retry", "lifecycle", "ignore_drift", "count", "for_each", "rollout",
    ]
    static let lifecycleKeys = ["prevent_destroy", "compensate", "on_disable"]

    /// Addresses that would be read as something else in `${...}` and `when:`.
    static let reservedAddresses: Set<String> = ["var", "flag", "count", "each"]

    /// Whether `name` is 1 to 63 characters: a first one from `first`, the rest from `rest`.
    static func isName(_ name: String, first: (Character) -> Bool, rest: (Character) -> Bool) -> Bool {
        guard let head = name.first, name.count <= 63, first(head) else { return false }
        return name.dropFirst().allSatisfy(rest)
    }

    /// `^[a-z][a-z0-9-]{0,62}$`: stack names become paths and tags.
    static func isStackName(_ name: String) -> Bool {
        isName(name, first: isLower, rest: { isLower($0) || isDigit($0) || $0 == "-" })
    }

    /// `^[a-z_][a-z0-9_-]{0,62}$`: resource addresses, variable and flag names.
    static func isAddress(_ name: String) -> Bool {
        isName(
            name, first: { isLower($0) || $0 == "_" }, rest: { isLower($0) || isDigit($0) || $0 == "_" || $0 == "-" })
    }

    private static func isLower(_ c: Character) -> Bool { c.isASCII && c.isLowercase }
    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
}
