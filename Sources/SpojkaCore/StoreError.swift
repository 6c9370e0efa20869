/// The failure of a database operation; its message never carries SQL text or bound values.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The code text.
        public let rawValue: String
        /// Wraps a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A uniqueness constraint was violated.
        public static let uniqueViolation = Code(rawValue: "unique_violation")
        /// The database could not be reached or answered with an error.
        public static let databaseFailure = Code(rawValue: "database_failure")
        /// A stored value had an unexpected shape.
        public static let corruptRow = Code(rawValue: "corrupt_row")
        /// Migrations are missing or unknown ones are applied.
        public static let migration = Code(rawValue: "migration")
        /// The transaction lost to a concurrent one (a deadlock or a serialization failure) and was rolled back whole:
        /// running it again is safe.
        public static let conflict = Code(rawValue: "transaction_conflict")
    }

    /// What failed.
    public var code: Code
    /// A message without SQL or values.
    public var message: String
    /// The driver's error, for logs.
    public var cause: (any Error & Sendable)?

    /// Creates a store error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code; self.message = message; self.cause = cause
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
