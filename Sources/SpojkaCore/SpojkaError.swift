/// The one error of the domain: an extensible code, a message safe to show a user, details and a cause.
///
/// HTTP meaning is given only in `SpojkaAPI`. The message never contains a secret value.
public struct SpojkaError: Error, Sendable, CustomStringConvertible {
    /// Who has to act on the error.
    public enum Kind: String, Sendable {
        /// The caller sent something wrong; they can fix it.
        case user
        /// Something outside us failed (database, network); retrying may help.
        case operational
        /// A bug: an invariant broke.
        case unexpected
    }

    /// A machine-readable, snake_case error code; extend it with `static let` in any module.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        /// The snake_case text of the code.
        public let rawValue: String
        /// Wraps a code string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Wraps a code literal.
        public init(stringLiteral value: String) { self.rawValue = value }
    }

    /// The machine-readable code.
    public var code: Code
    /// Who has to act.
    public var kind: Kind
    /// A message safe to show to the caller.
    public var message: String
    /// Structured details, e.g. `fields` for validation failures.
    public var details: [String: JSONValue]
    /// The underlying error, for logs only (never shown to callers).
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, kind: Kind = .user, _ message: String, details: [String: JSONValue] = [:], cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.kind = kind
        self.message = message
        self.details = details
        self.cause = cause
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}

extension SpojkaError.Code {
    /// Malformed input (bad JSON, wrong content type).
    public static let badRequest: Self = "bad_request"
    /// Input failed validation; `details.fields` names each path.
    public static let validationFailed: Self = "validation_failed"
    /// No such thing in the caller's scope.
    public static let notFound: Self = "not_found"
    /// The caller's role does not allow the action.
    public static let forbidden: Self = "forbidden"
    /// Missing or invalid credentials.
    public static let unauthorized: Self = "unauthorized"
    /// The instance already has its first user.
    public static let alreadySetUp: Self = "already_set_up"
    /// The action would leave a workspace without an owner.
    public static let lastOwner: Self = "last_owner"
    /// A unique value is already taken.
    public static let conflict: Self = "conflict"
    /// Too many attempts; try later.
    public static let rateLimited: Self = "rate_limited"
    /// Storage failed.
    public static let storageFailure: Self = "storage_failure"
    /// An invariant broke.
    public static let internalError: Self = "internal_error"
}

extension SpojkaError {
    /// A validation failure naming each failing field path with its reason.
    public static func validation(_ fields: [(path: String, message: String)]) -> SpojkaError {
        let list = fields.map { JSONValue.object(["path": .string($0.path), "message": .string($0.message)]) }
        let summary = fields.map { "\($0.path): \($0.message)" }.joined(separator: "; ")
        return SpojkaError(.validationFailed, "Invalid input: \(summary)", details: ["fields": .array(list)])
    }

    /// A not-found error for a kind of thing, identical whether it is missing or in another workspace.
    public static func notFound(_ what: String) -> SpojkaError {
        SpojkaError(.notFound, "\(what) not found")
    }
}
