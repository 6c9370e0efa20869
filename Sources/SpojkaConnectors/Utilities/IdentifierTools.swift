import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `identifiers` utility connector: UUID v4, UUID v7 and ULID.
enum IdentifierTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "identifiers.uuid_v4": utilityTool { args in
                try batch(args) { _ in uuidString(randomBytes(16).withVersion(4), args) }
            },
            "identifiers.uuid_v7": utilityTool { args in
                var generator = UUIDv7Generator()
                return try batch(args) { _ in uuidString(generator.next(now: nowMilliseconds()), args) }
            },
            "identifiers.ulid": utilityTool { args in
                var generator = ULIDGenerator()
                return try batch(args) { _ in generator.next(now: nowMilliseconds()) }
            },
        ]
    }

    private static func batch(_ args: ToolArguments, _ make: (Int) -> String) throws -> JSONValue {
        let count = try args.int("count", default: 1)
        guard (1...100).contains(count) else { throw utilityError("Argument 'count' must be between 1 and 100") }
        let ids = (0..<count).map(make)
        return .object(["id": .string(ids[0]), "ids": .array(ids.map(JSONValue.string))])
    }

    /// Milliseconds since the Unix epoch, clamped to 48 bits.
    static func nowMilliseconds() -> UInt64 {
        let ms = (Date().timeIntervalSince1970 * 1000).rounded(.down)
        return ms > 0 ? min(UInt64(ms), 0xFFFF_FFFF_FFFF) : 0
    }

    /// `count` random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The canonical 8-4-4-4-12 text of 16 bytes.
    static func uuidString(_ bytes: [UInt8], _ args: ToolArguments) -> String {
        let hex = ByteCodec.hex(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        let text = parts.joined(separator: "-")
        return args.bool("uppercase", default: false) ? text.uppercased() : text
    }
}

extension Array where Element == UInt8 {
    /// Sets the UUID version nibble and the RFC 9562 variant bits.
    func withVersion(_ version: UInt8) -> [UInt8] {
        var bytes = self
        bytes[6] = (bytes[6] & 0x0F) | (version << 4)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return bytes
    }
}

/// UUID v7 (RFC 9562): 48-bit millisecond time, a 12-bit counter seeded randomly, 62 random bits; increasing within a batch.
struct UUIDv7Generator: Sendable {
    private var lastMillis: UInt64 = 0
    private var counter: UInt16 = 0

    /// The next UUID's bytes for time `now` (milliseconds).
    mutating func next(now: UInt64) -> [UInt8] {
        if now > lastMillis {
            lastMillis = now
            counter = UInt16.random(in: 0...0x7FF)
        } else if counter >= 0xFFF {
            lastMillis &+= 1
            counter = 0
        } else {
            counter += 1
        }
        var bytes = (0..<6).map { UInt8(truncatingIfNeeded: lastMillis >> (40 - 8 * UInt64($0))) }
        bytes += [UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter)]
        bytes += IdentifierTools.randomBytes(8)
        return bytes.withVersion(7)
    }
}

/// ULID: 48-bit millisecond time + 80 random bits in Crockford Base32; monotonic within a batch.
struct ULIDGenerator: Sendable {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    private var lastMillis: UInt64 = 0
    private var high: UInt16 = 0
    private var low: UInt64 = 0

    /// The next ULID for time `now` (milliseconds).
    mutating func next(now: UInt64) -> String {
        if now > lastMillis {
            lastMillis = now
            var generator = SystemRandomNumberGenerator()
            high = UInt16.random(in: 0...0x7FFF, using: &generator)
            low = UInt64.random(in: .min ... .max, using: &generator)
        } else {
            let (sum, overflow) = low.addingReportingOverflow(1)
            low = sum
            if overflow { high &+= 1 }
        }
        return Self.encode(time: lastMillis, high: high, low: low)
    }

    /// 10 time characters + 16 randomness characters.
    static func encode(time: UInt64, high: UInt16, low: UInt64) -> String {
        var chars: [Character] = (0..<10).map { alphabet[Int((time >> UInt64(45 - 5 * $0)) & 0x1F)] }
        for index in 0..<16 {
            let shift = 75 - 5 * index
            let value: UInt64 = shift >= 64
                ? UInt64(high) >> UInt64(shift - 64)
                : (low >> UInt64(shift)) | (shift > 48 ? UInt64(high) << UInt64(64 - shift) : 0)
            chars.append(alphabet[Int(value & 0x1F)])
        }
        return String(chars)
    }
}
