import Foundation

/// Searches text and bytes for canary secrets in every form a careless system shows them in: plaintext,
/// JSON-escaped, percent-encoded (query and form style), and base64 or base64url at any alignment — which covers
/// `Basic base64(user:pass)` and a secret inside a larger encoded value.
public struct CanaryScan: Sendable {
    /// The canary values searched for.
    public let canaries: [String]

    /// Scans for `canaries` (each at least 6 characters, so a hit is never a coincidence).
    public init(_ canaries: [String]) {
        precondition(canaries.allSatisfy { $0.utf8.count >= 6 }, "canaries must be long enough to be unique")
        self.canaries = canaries
    }

    /// One place a canary was found.
    public struct Finding: Sendable, CustomStringConvertible {
        /// The surface searched (e.g. `GET /runs`, `database`).
        public let surface: String
        /// How the canary was encoded there (`plaintext`, `percent-decoded`, `base64 at offset 2`, …).
        public let form: String
        /// The canary found.
        public let canary: String
        /// What it looks like.
        public var description: String { "\(surface): \(canary) in \(form) form" }
    }

    /// Every finding in `text`.
    public func findings(in text: String, surface: String) -> [Finding] { findings(in: Array(text.utf8), surface: surface) }

    /// Every finding in `bytes` (e.g. a database file).
    public func findings(in bytes: [UInt8], surface: String) -> [Finding] {
        var out: [Finding] = []
        var found = Set<String>()
        let views: [(String, [UInt8])] = [("plaintext", bytes), ("JSON-unescaped", Self.jsonUnescaped(bytes)),
                                          ("percent-decoded", Self.percentDecoded(bytes, plus: false)),
                                          ("form-decoded", Self.percentDecoded(bytes, plus: true))]
        for (name, view) in views {
            // One finding per canary and surface: the first form it shows in.
            for canary in canaries where !found.contains(canary) && Self.contains(view, Array(canary.utf8)) {
                out.append(Finding(surface: surface, form: name, canary: canary))
                found.insert(canary)
            }
            for (offset, decoded) in Self.base64Decodings(view) {
                for canary in canaries where !found.contains(canary) && Self.contains(decoded, Array(canary.utf8)) {
                    out.append(Finding(surface: surface, form: "base64 of \(name) (alignment \(offset))", canary: canary))
                    found.insert(canary)
                }
            }
        }
        return out
    }

    /// The bytes of a SQLite database with its write-ahead log (where recent writes live until a checkpoint).
    public static func databaseBytes(_ path: String) throws -> [UInt8] {
        let main = try Data(contentsOf: URL(fileURLWithPath: path))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
        return Array(main) + [0] + Array(wal)
    }

    /// Whether `needle` occurs in `haystack`.
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count, let first = needle.first else { return false }
        var i = 0
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { h in
            while i <= last {
                if h[i] == first {
                    var j = 1
                    while j < needle.count, h[i + j] == needle[j] { j += 1 }
                    if j == needle.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// `\/` → `/` and `\uXXXX` (ASCII) → the character: how JSON encoders may write a secret.
    static func jsonUnescaped(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                if bytes[i + 1] == UInt8(ascii: "/") { out.append(UInt8(ascii: "/")); i += 2; continue }
                if bytes[i + 1] == UInt8(ascii: "u"), i + 5 < bytes.count,
                   let code = UInt32(String(decoding: bytes[(i + 2)...(i + 5)], as: UTF8.self), radix: 16), code < 0x80 {
                    out.append(UInt8(code)); i += 6; continue
                }
            }
            out.append(bytes[i]); i += 1
        }
        return out
    }

    /// `%XX` → the byte (and `+` → space when `plus`).
    static func percentDecoded(_ bytes: [UInt8], plus: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(value); i += 3; continue
            }
            out.append(plus && bytes[i] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[i]); i += 1
        }
        return out
    }

    /// Each run of base64 or base64url characters (8 or more), decoded at every alignment.
    static func base64Decodings(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        func isAlphabet(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2B || c == 0x2F || c == 0x2D || c == 0x5F
        }
        var out: [(Int, [UInt8])] = []
        var start = 0
        var i = 0
        while i <= bytes.count {
            if i < bytes.count, isAlphabet(bytes[i]) { i += 1; continue }
            if i - start >= 8 {
                let run = Array(bytes[start..<i])
                for offset in 0..<4 where run.count - offset >= 8 { out.append((offset, decode(run[offset...]))) }
            }
            i += 1
            start = i
        }
        return out
    }

    /// Base64 or base64url without padding: every complete byte the characters carry (trailing bits are ignored).
    static func decode(_ chars: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0
        for c in chars {
            let value: UInt32
            switch c {
            case 0x41...0x5A: value = UInt32(c - 0x41)
            case 0x61...0x7A: value = UInt32(c - 0x61 + 26)
            case 0x30...0x39: value = UInt32(c - 0x30 + 52)
            case 0x2B, 0x2D: value = 62
            default: value = 63
            }
            buffer = (buffer << 6 | value) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
