import Foundation
import SpojkaCore

/// Removes the values of the secrets a step used from anything it returns (outputs, error messages) — in every form
/// they were sent or could be echoed in: raw, as injected (`Bearer …`, `Basic base64(user:pass)` and its base64 part,
/// the decoded `user:pass`), percent-encoded, and base64 or base64url (also inside a larger encoded value).
public struct Scrubber: Sendable {
    /// Every form to remove, longest first (so a longer form is replaced before a shorter one inside it).
    let forms: [String]
    /// The first four UTF-8 bytes of every form: a text none of whose 4-byte windows is here needs no replacing.
    let starts: Set<UInt32>
    /// The first and the second byte of every form: a cheap test before a window is looked up in `starts`.
    let firstBytes: ByteSet, secondBytes: ByteSet

    /// Scrubs the values of `secrets` and the `injected` values the runtime rendered from them (see
    /// `ToolRuntime.injectedValues`). Forms shorter than 4 characters are ignored: too common to match safely.
    public init(_ secrets: [Secret], injected: [String] = []) {
        var forms = Set<String>()
        for secret in secrets { forms.formUnion(Self.encodings(of: secret.reveal())) }
        for value in injected { forms.formUnion(Self.injectedForms(of: value)) }
        self.forms = forms.filter { $0.count >= 4 }.sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
        self.starts = Set(self.forms.map { Self.window(Array($0.utf8.prefix(4))) })
        self.firstBytes = ByteSet(self.forms.compactMap { $0.utf8.first })
        self.secondBytes = ByteSet(self.forms.compactMap { $0.utf8.dropFirst().first })
    }

    /// The text with every form replaced by `[redacted]`, and masked fragments a service may echo
    /// (`sk_live_****9876`) removed too, since even a partial credential must not leave.
    public func text(_ text: String) -> String {
        guard !forms.isEmpty else { return text }
        let scrubbed = mayContain(text) ? forms.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") } : text
        guard Self.hasRunOfStars(scrubbed) else { return scrubbed }
        return scrubbed.replacingOccurrences(of: #"[A-Za-z0-9_\-]*\*{2,}[A-Za-z0-9_\-]*"#, with: "[redacted]", options: .regularExpression)
    }

    /// The value with every form replaced inside strings and object keys.
    public func value(_ value: JSONValue) -> JSONValue {
        guard !forms.isEmpty else { return value }
        switch value {
        case .string(let s): return .string(text(s))
        case .array(let items): return .array(items.map(self.value))
        case .object(let members):
            return .object(Dictionary(members.map { (text($0.key), self.value($0.value)) }, uniquingKeysWith: { first, _ in first }))
        default: return value
        }
    }

    /// Whether some 4-byte window of `text` starts a form (one linear pass; most strings have none).
    func mayContain(_ text: String) -> Bool {
        var window: UInt32 = 0
        var count = 0
        for byte in text.utf8 {
            window = window << 8 | UInt32(byte)
            count += 1
            if count >= 4, firstBytes.contains(UInt8(window >> 24)), secondBytes.contains(UInt8(truncatingIfNeeded: window >> 16)),
               starts.contains(window) { return true }
        }
        return false
    }

    /// Whether the text holds `**` (a byte scan: Foundation's substring search costs more than the whole check).
    static func hasRunOfStars(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "*") && previous == byte { return true }
            previous = byte
        }
        return false
    }

    static func window(_ bytes: [UInt8]) -> UInt32 { bytes.reduce(0) { $0 << 8 | UInt32($1) } }

    /// An injected value, the credential part of `Scheme credential` (`Bearer x`, `Basic x`), and what a base64
    /// credential part decodes to (`user:pass`), each with its encodings.
    static func injectedForms(of value: String) -> [String] {
        var values = [value]
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].allSatisfy({ $0.isLetter || $0 == "-" }) {
            let credential = String(parts[1]).trimmingCharacters(in: .whitespaces)
            values.append(credential)
            if let data = Data(base64Encoded: credential), let decoded = String(data: data, encoding: .utf8) { values.append(decoded) }
        }
        return values.flatMap(encodings(of:))
    }

    /// A value raw, percent-encoded (form and query style), and in base64 and base64url at each of the three
    /// alignments it can take inside a larger encoded value (only the characters that depend on the value alone).
    static func encodings(of value: String) -> [String] {
        var out = [value]
        for allowed in [unreserved, queryValue] {
            if let escaped = value.addingPercentEncoding(withAllowedCharacters: allowed) { out.append(escaped) }
        }
        let bytes = Array(value.utf8)
        for offset in 0..<3 {
            let encoded = Data(Array(repeating: 0, count: offset) + bytes).base64EncodedString()
            // Characters from the first one not touching the prefix to the last one filled by the value's own bits.
            let first = (offset * 8 + 5) / 6, last = (offset + bytes.count) * 8 / 6
            guard last - first >= (offset == 0 ? 4 : 8) else { continue }
            let chars = Array(encoded)
            let standard = String(chars[first..<last])
            out += [standard, standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")]
        }
        return out
    }

    /// What a URL library leaves unescaped in a query value.
    static let queryValue = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))

    static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()
}

/// A set of bytes as a 256-bit mask.
struct ByteSet: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ bytes: [UInt8]) {
        for byte in bytes {
            let bit = UInt64(1) << (byte & 63)
            switch byte >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << (byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
