/// An iterative RFC 8259 parser: one pass over the bytes, an explicit stack of open containers, a depth limit.
struct JSONTextParser {
    /// An array or object being filled.
    private struct Frame {
        var isObject: Bool
        var items: [JSONValue] = []
        var members: [String: JSONValue] = [:]
        var key = ""
    }

    let bytes: [UInt8]
    let maxDepth: Int
    private var i = 0
    private var stack: [Frame] = []

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parse() throws(JSONParseError) -> JSONValue {
        // Skip a UTF-8 byte order mark, as lenient readers do.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while true {
            skipSpace()
            var value: JSONValue
            guard i < bytes.count else { throw fail("unexpected end of the text; a value was expected") }
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[i] == UInt8(ascii: "{")
                if stack.count >= maxDepth {
                    throw JSONParseError(kind: .tooDeep, offset: i, message: "arrays and objects nest deeper than \(maxDepth) levels")
                }
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: isObject ? "}" : "]") {
                    i += 1
                    value = isObject ? .object([:]) : .array([])
                } else {
                    var frame = Frame(isObject: isObject)
                    if isObject { frame.key = try memberKey() }
                    stack.append(frame)
                    continue
                }
            case UInt8(ascii: "\""): value = .string(try string())
            case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
            case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
            case UInt8(ascii: "n"): try literal("null"); value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try number()
            default: throw fail("unexpected character; a value was expected")
            }
            // Attach the finished value to its container, closing containers that end here.
            while true {
                guard !stack.isEmpty else {
                    skipSpace()
                    guard i == bytes.count else { throw fail("unexpected text after the value") }
                    return value
                }
                let top = stack.count - 1
                if stack[top].isObject {
                    // The first of duplicate keys wins, as with Foundation's decoder.
                    if stack[top].members[stack[top].key] == nil { stack[top].members[stack[top].key] = value }
                } else {
                    stack[top].items.append(value)
                }
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end of the text inside an \(stack[top].isObject ? "object" : "array")") }
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: ",") {
                    if stack[top].isObject { stack[top].key = try memberKey() }
                    break
                }
                if stack[top].isObject, c == UInt8(ascii: "}") {
                    value = .object(stack.removeLast().members)
                } else if !stack[top].isObject, c == UInt8(ascii: "]") {
                    value = .array(stack.removeLast().items)
                } else {
                    i -= 1
                    throw fail(stack[top].isObject ? "expected , or } in an object" : "expected , or ] in an array")
                }
            }
        }
    }

    private func fail(_ message: String) -> JSONParseError { JSONParseError(kind: .syntax, offset: i, message: message) }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// `"key" :` — the key of the next object member.
    private mutating func memberKey() throws(JSONParseError) -> String {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key in an object") }
        let key = try string()
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected : after an object key") }
        i += 1
        return key
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw fail("unexpected end of the text") }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { throw fail("unexpected character; a value was expected") }
        i += count
    }

    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = i
        var integral = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number needs digits") }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else { while i < bytes.count, isDigit(bytes[i]) { i += 1 } }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a fraction needs digits") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("an exponent needs digits") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integral, let int = Int(text) { return .int(int) }
        guard let double = Double(text), double.isFinite else {
            throw JSONParseError(kind: .syntax, offset: start, message: "the number is out of range")
        }
        return .double(double)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func string() throws(JSONParseError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            i += 1
            return try text(bytes[start..<(i - 1)], at: start)
        }
        var buffer = Array(bytes[start..<i])
        while true {
            guard i < bytes.count else { throw fail("unexpected end of the text inside a string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return try text(buffer[...], at: start) }
            if b < 0x20 { throw fail("control characters must be escaped in strings") }
            guard b == UInt8(ascii: "\\") else { buffer.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unexpected end of the text inside a string") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(e)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("a \\u escape holds an unpaired surrogate")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("a \\u escape holds an unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("a \\u escape holds an unpaired surrogate")
                }
                buffer += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: throw fail("unknown escape in a string")
            }
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    private func text(_ slice: ArraySlice<UInt8>, at offset: Int) throws(JSONParseError) -> String {
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw JSONParseError(kind: .syntax, offset: offset, message: "a string is not valid UTF-8")
        }
        return s
    }
}
