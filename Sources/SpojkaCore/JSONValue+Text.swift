/// Why JSON text was refused by `JSONValue(parsing:maxDepth:)`.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of refusal.
    public enum Kind: String, Sendable {
        /// The text is not JSON (RFC 8259).
        case syntax
        /// Arrays and objects are nested deeper than the limit.
        case tooDeep
    }

    /// The kind of refusal.
    public let kind: Kind
    /// Byte offset where the problem was found.
    public let offset: Int
    /// What is wrong, for people.
    public let message: String

    /// `message (at byte N)`.
    public var description: String { "\(message) (at byte \(offset))" }
}

extension JSONValue {
    /// The deepest nesting of arrays and objects accepted from outside: API bodies, webhook payloads and service
    /// responses (`[[1]]` has depth 2). Deeper input is refused with a clear error instead of being stored.
    public static let maxInputDepth = 64

    /// Parses JSON text in time linear in its size, without recursion. Arrays and objects nested deeper than
    /// `maxDepth` are refused (`JSONParseError.Kind.tooDeep`), so a hostile document cannot exhaust the stack or CPU.
    public init(parsing bytes: some Collection<UInt8>, maxDepth: Int = JSONValue.maxInputDepth) throws(JSONParseError) {
        let array = Array(bytes)
        var parser = JSONTextParser(bytes: array, maxDepth: maxDepth)
        self = try parser.parse()
    }

    /// Parses JSON text given as a string (see `init(parsing:maxDepth:)` for bytes).
    public init(parsingText text: String, maxDepth: Int = JSONValue.maxInputDepth) throws(JSONParseError) {
        try self.init(parsing: text.utf8, maxDepth: maxDepth)
    }

    /// How deeply arrays and objects nest: 0 for a scalar, 1 for `[]` or `{"a": 1}`. Computed without recursion.
    public var depth: Int {
        var deepest = 0
        var pending: [(JSONValue, Int)] = [(self, 0)]
        while let (value, level) = pending.popLast() {
            switch value {
            case .array(let items):
                deepest = max(deepest, level + 1)
                for item in items { if case .array = item { pending.append((item, level + 1)) } else if case .object = item { pending.append((item, level + 1)) } }
            case .object(let members):
                deepest = max(deepest, level + 1)
                for item in members.values { if case .array = item { pending.append((item, level + 1)) } else if case .object = item { pending.append((item, level + 1)) } }
            default: break
            }
        }
        return deepest
    }

    /// Compact JSON text: object keys sorted, `/` not escaped, non-finite numbers as `null`.
    /// Linear in the size of the value and free of recursion, however deeply it nests.
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// `jsonText` as UTF-8 bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        var work: [JSONWriteItem] = [.value(self)]
        while let item = work.popLast() {
            switch item {
            case .byte(let b): out.append(b)
            case .key(let key): JSONTextWriter.string(key, to: &out); out.append(UInt8(ascii: ":"))
            case .value(let value):
                switch value {
                case .null: out += Array("null".utf8)
                case .bool(let b): out += Array((b ? "true" : "false").utf8)
                case .int(let i): out += Array(String(i).utf8)
                case .double(let d): out += Array(JSONTextWriter.number(d).utf8)
                case .string(let s): JSONTextWriter.string(s, to: &out)
                case .array(let items):
                    out.append(UInt8(ascii: "["))
                    work.append(.byte(UInt8(ascii: "]")))
                    for (index, element) in items.enumerated().reversed() {
                        work.append(.value(element))
                        if index > 0 { work.append(.byte(UInt8(ascii: ","))) }
                    }
                case .object(let members):
                    out.append(UInt8(ascii: "{"))
                    work.append(.byte(UInt8(ascii: "}")))
                    let keys = members.keys.sorted()
                    for (index, key) in keys.enumerated().reversed() {
                        work.append(.value(members[key]!))
                        work.append(.key(key))
                        if index > 0 { work.append(.byte(UInt8(ascii: ","))) }
                    }
                }
            }
        }
        return out
    }
}

/// One pending piece of output of the iterative serialiser.
private enum JSONWriteItem {
    case byte(UInt8)
    case key(String)
    case value(JSONValue)
}

/// Escaping and number formatting of the serialiser.
enum JSONTextWriter {
    static let hex = Array("0123456789abcdef".utf8)

    static func string(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15, let i = Int(exactly: d) { return String(i) }
        return "\(d)"
    }
}
