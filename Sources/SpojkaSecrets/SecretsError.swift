import SpojkaCore
/// A failure of key handling or encryption; messages never carry key material or plaintext.
public struct SecretsError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The code text.
        public let rawValue: String
        /// Wraps a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The master key is not the one this database was sealed with.
        public static let wrongMasterKey = Code(rawValue: "wrong_master_key")
        /// No master key was supplied for a database that has one.
        public static let missingMasterKey = Code(rawValue: "missing_master_key")
        /// A supplied key is malformed.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// A ciphertext failed authentication (tampered, or bound to another record).
        public static let decryptionFailed = Code(rawValue: "decryption_failed")
        /// A workspace has no data key.
        public static let missingDataKey = Code(rawValue: "missing_data_key")
    }

    /// What failed.
    public var code: Code
    /// A message safe to print.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }

    /// The message.
    public var description: String { message }
}
