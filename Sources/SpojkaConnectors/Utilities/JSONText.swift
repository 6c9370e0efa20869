import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// Serializes and parses JSON text for the utility connectors (sorted keys, optional indentation).
enum JSONText {
    /// The JSON text of `value`; object keys sorted, non-finite numbers written as `null`.
    static func serialize(_ value: JSONValue, pretty: Bool = false) -> String {
        var out = ""
        write(value, pretty: pretty, indent: 0, to: &out)
        return out
    }

    /// Parses JSON text (any top-level value); throws a message naming `argument` on failure.
    static func parse(_ text: String, argument: String) throws -> JSONValue {
        do {
            return try JSONValue(parsingText: text)
        } catch {
            throw utilityError("Argument '\(argument)' is not valid JSON: \(error.description)")
        }
    }

    /// A number as JSON text (integral doubles without `.0`).
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15, let i = Int(exactly: d) { return String(i) }
        return "\(d)"
    }

    private static func write(_ value: JSONValue, pretty: Bool, indent: Int, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            writeContainer(items.map { (nil as String?, $0) }, open: "[", close: "]", pretty: pretty, indent: indent, to: &out)
        case .object(let members):
            let sorted = members.keys.sorted().map { (Optional($0), members[$0] ?? .null) }
            writeContainer(sorted, open: "{", close: "}", pretty: pretty, indent: indent, to: &out)
        }
    }

    private static func writeContainer(_ entries: [(String?, JSONValue)], open: String, close: String,
                                       pretty: Bool, indent: Int, to out: inout String) {
        out += open
        guard !entries.isEmpty else { out += close; return }
        let inner = String(repeating: "  ", count: indent + 1)
        for (offset, (key, value)) in entries.enumerated() {
            if offset > 0 { out += "," }
            if pretty { out += "\n" + inner }
            if let key { writeString(key, to: &out); out += pretty ? ": " : ":" }
            write(value, pretty: pretty, indent: indent + 1, to: &out)
        }
        if pretty { out += "\n" + String(repeating: "  ", count: indent) }
        out += close
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += CompactJSON.quoted(s)
    }
}
