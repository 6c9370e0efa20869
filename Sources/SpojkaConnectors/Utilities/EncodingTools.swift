import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `encoding` utility connector: Base64, URL, hex, SHA-256 and HMAC.
enum EncodingTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "encoding.base64_encode": utilityTool { args in
                let encoded = ByteCodec.base64(Array(try args.string("text").utf8), urlSafe: args.bool("urlSafe", default: false))
                return .object(["result": .string(encoded)])
            },
            "encoding.base64_decode": utilityTool { args in
                let bytes = try ByteCodec.fromBase64(try args.string("text"), argument: "text")
                return .object(["result": .string(try ByteCodec.utf8(bytes)), "hex": .string(ByteCodec.hex(bytes))])
            },
            "encoding.url_encode": utilityTool { args in
                .object(["result": .string(ByteCodec.percentEncode(try args.string("text"), form: args.bool("form", default: false)))])
            },
            "encoding.url_decode": utilityTool { args in
                .object(["result": .string(try ByteCodec.percentDecode(try args.string("text"), form: args.bool("form", default: false)))])
            },
            "encoding.hex_encode": utilityTool { .object(["result": .string(ByteCodec.hex(Array(try $0.string("text").utf8)))]) },
            "encoding.hex_decode": utilityTool { args in
                .object(["result": .string(try ByteCodec.utf8(try ByteCodec.fromHex(try args.string("text"), argument: "text")))])
            },
            "encoding.sha256": utilityTool { args in
                let digest = SHA256Digest.hash(Array(try args.string("text").utf8))
                return .object(["result": .string(try output(digest, args))])
            },
            "encoding.hmac": utilityTool(hmac),
        ]
    }

    /// HMAC of `message` under `key` with the chosen hash.
    static func hmac(_ args: ToolArguments) throws -> JSONValue {
        let keyText = try args.string("key")
        let key: [UInt8]
        switch args.string("keyEncoding", default: "utf8") {
        case "hex": key = try ByteCodec.fromHex(keyText, argument: "key")
        case "base64": key = try ByteCodec.fromBase64(keyText, argument: "key")
        default: key = Array(keyText.utf8)
        }
        let message = Array(try args.string("message").utf8)
        let mac: [UInt8]
        switch args.string("algorithm", default: "sha256") {
        case "sha1": mac = HMAC.authenticate(SHA1Digest.self, key: key, message: message)
        case "sha512": mac = HMAC.authenticate(SHA512Digest.self, key: key, message: message)
        default: mac = HMAC.authenticate(SHA256Digest.self, key: key, message: message)
        }
        return .object(["result": .string(try output(mac, args))])
    }

    private static func output(_ bytes: [UInt8], _ args: ToolArguments) throws -> String {
        args.string("encoding", default: "hex") == "base64" ? ByteCodec.base64(bytes, urlSafe: false) : ByteCodec.hex(bytes)
    }
}

/// Byte ↔ text codecs.
enum ByteCodec {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of hex text (either case, whitespace ignored).
    static func fromHex(_ text: String, argument: String) throws -> [UInt8] {
        let digits = text.utf8.filter { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 }
        guard digits.count % 2 == 0 else { throw utilityError("Argument '\(argument)' is not valid hex (odd number of digits)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                throw utilityError("Argument '\(argument)' is not valid hex (bad digit at offset \(index))")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Base64 of `bytes`; URL-safe uses `-_` and no padding.
    static func base64(_ bytes: [UInt8], urlSafe: Bool) -> String {
        let standard = Data(bytes).base64EncodedString()
        guard urlSafe else { return standard }
        return String(standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").prefix { $0 != "=" })
    }

    /// Bytes of Base64 text in either alphabet, padding optional, whitespace ignored.
    static func fromBase64(_ text: String, argument: String) throws -> [UInt8] {
        var normalized = String(text.filter { !$0.isWhitespace })
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if normalized.count % 4 != 0 { normalized += String(repeating: "=", count: 4 - normalized.count % 4) }
        guard let data = Data(base64Encoded: normalized) else { throw utilityError("Argument '\(argument)' is not valid Base64") }
        return Array(data)
    }

    /// `bytes` as UTF-8 text, or an error when they are not valid UTF-8.
    static func utf8(_ bytes: [UInt8]) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw utilityError("The decoded bytes are not valid UTF-8 text")
        }
        return text
    }

    /// Percent-encodes all but RFC 3986 unreserved bytes; `form` writes spaces as `+`.
    static func percentEncode(_ text: String, form: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else if form && byte == 0x20 { out += "+" }
            else { out += "%" + hex([byte]).uppercased() }
        }
        return out
    }

    /// Decodes `%XX` escapes (and `+` as space with `form`).
    static func percentDecode(_ text: String, form: Bool) throws -> String {
        var bytes: [UInt8] = [], input = Array(text.utf8), index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < input.count, let high = nibble(input[index + 1]), let low = nibble(input[index + 2]) else {
                    throw utilityError("Argument 'text' has an invalid percent escape at offset \(index)")
                }
                bytes.append(high << 4 | low); index += 3
            } else {
                bytes.append(form && byte == UInt8(ascii: "+") ? 0x20 : byte); index += 1
            }
        }
        return try utf8(bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
