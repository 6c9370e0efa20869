/// An entity that has a typed, prefixed identifier.
public protocol Identified {
    /// The prefix of every ID of this entity, e.g. `"usr"` for users.
    static var idPrefix: String { get }
}

/// A typed, opaque identifier such as `ID<User>`: `usr_` followed by random characters.
public struct ID<Entity: Identified>: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The textual form, e.g. `usr_01hx…`.
    public let rawValue: String

    /// Wraps a raw string without checking it (used for values read from storage).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Parses user input; `nil` when it lacks this entity's prefix or has unexpected characters.
    public init?(validating text: String) {
        let prefix = Entity.idPrefix + "_"
        guard text.hasPrefix(prefix), text.count > prefix.count, text.count <= 64,
              text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F })
        else { return nil }
        self.rawValue = text
    }

    /// The textual form.
    public var description: String { rawValue }

    /// Orders IDs by their textual form.
    public static func < (lhs: ID, rhs: ID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes from a JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Makes new identifiers and random tokens; injected so tests can be deterministic.
public protocol IDGenerator: Sendable {
    /// `count` random bytes from a cryptographically secure source.
    func randomBytes(_ count: Int) -> [UInt8]
}

extension IDGenerator {
    /// A new ID: the entity prefix, `_`, and 26 lowercase base32 characters (130 random bits).
    public func make<E: Identified>(_ type: E.Type = E.self) -> ID<E> {
        ID(rawValue: E.idPrefix + "_" + Base32.encode(randomBytes(17)).prefix(26))
    }

    /// A random secret token: `prefix` followed by 43 base32 characters (about 215 random bits).
    public func token(prefix: String) -> String {
        prefix + Base32.encode(randomBytes(27)).prefix(43)
    }
}

/// The system's secure random generator.
public struct SystemIDGenerator: IDGenerator {
    /// Creates the generator.
    public init() {}
    /// Random bytes from `SystemRandomNumberGenerator` (getrandom on Linux).
    public func randomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}

/// Lowercase RFC 4648 base32 without padding (Crockford-free, unambiguous in URLs).
public enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// Encodes bytes as lowercase base32 without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }
}
