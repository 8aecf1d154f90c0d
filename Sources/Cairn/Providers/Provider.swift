/// The code that knows one family of resource types: how to read, create, update, delete and
/// find them in the world.
///
/// Every mutating call carries the step's ``IdempotencyKey``; a provider must make a repeat
/// with the same key return the first call's result rather than act twice, and must answer
/// ``find(_:)`` by that key, so that a step whose outcome was lost can be resolved.
/// Errors should be ``ProviderError`` values so that they carry their retry class; anything
/// else is treated as transient.
public protocol Provider: Sendable {
    /// The resource types this provider serves, with the schema of each.
    var schemas: [ResourceSchema] { get }

    /// Reads one resource; `nil` when it no longer exists.
    func read(_ request: ReadRequest) async throws -> ResourceSnapshot?
    /// Creates one resource; a repeat with the same key returns the same resource.
    func create(_ request: CreateRequest) async throws -> ResourceSnapshot
    /// Changes the given fields of one resource in place.
    func update(_ request: UpdateRequest) async throws -> ResourceSnapshot
    /// Deletes one resource; deleting what is already gone succeeds.
    func delete(_ request: DeleteRequest) async throws
    /// Finds the resource that a create with this key made, if any.
    func find(_ request: FindRequest) async throws -> ResourceSnapshot?
}

/// Which resource a provider call is about.
public struct ResourceContext: Sendable, Hashable, Codable {
    public var stack: String
    public var address: String
    public var type: String

    public init(stack: String, address: String, type: String) {
        self.stack = stack
        self.address = address
        self.type = type
    }

    /// `stack/address`: the value of the `cairn:address` tag.
    public var qualifiedAddress: String { "\(stack)/\(address)" }
}

/// A token per step, stable across retries and resumes, with a digest of the desired
/// properties so that a key reused for different properties is detected.
public struct IdempotencyKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var token: String
    public var digest: String

    public init(token: String, digest: String) {
        self.token = token
        self.digest = digest
    }

    public var description: String { token }
}

/// What a provider knows of one resource in the world.
public struct ResourceSnapshot: Sendable, Hashable, Codable {
    public var id: String
    /// The properties as the world holds them, in the spec's vocabulary.
    public var properties: [String: Value]
    /// Attributes the world assigned (`id`, `address`, ...), readable by references.
    public var outputs: [String: Value]

    public init(id: String, properties: [String: Value], outputs: [String: Value] = [:]) {
        self.id = id
        self.properties = properties
        self.outputs = outputs
    }
}

public struct ReadRequest: Sendable {
    public var context: ResourceContext
    public var id: String
    /// The properties last recorded, for providers whose read needs them (a file's path).
    public var properties: [String: Value]

    public init(context: ResourceContext, id: String, properties: [String: Value]) {
        self.context = context
        self.id = id
        self.properties = properties
    }
}

public struct CreateRequest: Sendable {
    public var context: ResourceContext
    public var properties: [String: Value]
    public var idempotencyKey: IdempotencyKey

    public init(context: ResourceContext, properties: [String: Value], idempotencyKey: IdempotencyKey) {
        self.context = context
        self.properties = properties
        self.idempotencyKey = idempotencyKey
    }
}

public struct UpdateRequest: Sendable {
    public var context: ResourceContext
    public var id: String
    public var prior: [String: Value]
    public var properties: [String: Value]
    /// The top-level property names whose values differ from `prior`.
    public var changed: [String]
    public var idempotencyKey: IdempotencyKey

    public init(
        context: ResourceContext, id: String, prior: [String: Value], properties: [String: Value],
        changed: [String], idempotencyKey: IdempotencyKey
    ) {
        self.context = context
        self.id = id
        self.prior = prior
        self.properties = properties
        self.changed = changed
        self.idempotencyKey = idempotencyKey
    }
}

public struct DeleteRequest: Sendable {
    public var context: ResourceContext
    public var id: String
    public var properties: [String: Value]
    public var idempotencyKey: IdempotencyKey

    public init(context: ResourceContext, id: String, properties: [String: Value], idempotencyKey: IdempotencyKey) {
        self.context = context
        self.id = id
        self.properties = properties
        self.idempotencyKey = idempotencyKey
    }
}

public struct FindRequest: Sendable {
    public var context: ResourceContext
    public var idempotencyKey: IdempotencyKey
    /// The desired properties of the create being resolved, for providers that find a
    /// resource by what it is (a file's path) rather than by key; empty when not known.
    public var properties: [String: Value]

    public init(context: ResourceContext, idempotencyKey: IdempotencyKey, properties: [String: Value] = [:]) {
        self.context = context
        self.idempotencyKey = idempotencyKey
        self.properties = properties
    }
}
