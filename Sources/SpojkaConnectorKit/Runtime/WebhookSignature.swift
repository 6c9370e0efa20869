import Crypto
import Foundation
import SpojkaCore

/// How inbound webhook requests are signed, from a `webhook` connection's settings.
///
/// Schemes: `spojka` (HMAC-SHA256 over `timestamp.body`, headers `X-Spojka-Timestamp` and `X-Spojka-Signature: v1=<hex>`),
/// `github` (`X-Hub-Signature-256: sha256=<hex>`), `shopify` (`X-Shopify-Hmac-Sha256: <base64>`), `slack`
/// (`X-Slack-Signature: v0=<hex>` over `v0:timestamp:body`, `X-Slack-Request-Timestamp`) and `custom`
/// (header, algorithm sha1/sha256/sha512, encoding hex/base64, optional prefix). Timestamped schemes refuse skews
/// beyond `toleranceSeconds` (default 300).
public struct WebhookSignature: Sendable {
    /// The scheme name.
    public let scheme: String
    let header: String
    let algorithm: String
    let encoding: String
    let prefix: String
    let tolerance: TimeInterval

    /// Reads the scheme from connection settings.
    public init(settings: JSONValue) {
        scheme = settings["scheme"]?.stringValue ?? "spojka"
        switch scheme {
        case "github": (header, algorithm, encoding, prefix) = ("x-hub-signature-256", "sha256", "hex", "sha256=")
        case "shopify": (header, algorithm, encoding, prefix) = ("x-shopify-hmac-sha256", "sha256", "base64", "")
        case "slack": (header, algorithm, encoding, prefix) = ("x-slack-signature", "sha256", "hex", "v0=")
        case "custom":
            (header, algorithm, encoding, prefix) = ((settings["header"]?.stringValue ?? "x-signature").lowercased(),
                                                     settings["algorithm"]?.stringValue ?? "sha256", settings["encoding"]?.stringValue ?? "hex",
                                                     settings["prefix"]?.stringValue ?? "")
        default: (header, algorithm, encoding, prefix) = ("x-spojka-signature", "sha256", "hex", "v1=")
        }
        tolerance = settings["toleranceSeconds"]?.doubleValue ?? 300
    }

    var timestampHeader: String? {
        switch scheme {
        case "spojka": "x-spojka-timestamp"
        case "slack": "x-slack-request-timestamp"
        default: nil
        }
    }

    /// The bytes that are signed.
    func signedBytes(_ body: [UInt8], timestamp: String?) -> [UInt8] {
        switch scheme {
        case "spojka": Array("\(timestamp ?? "").".utf8) + body
        case "slack": Array("v0:\(timestamp ?? ""):".utf8) + body
        default: body
        }
    }

    /// Checks a request; `headers` have lowercased names. Any of `secrets` may match (rotation). Returns why it failed.
    public func verify(body: [UInt8], headers: [String: String], secrets: [Secret], now: Date) -> String? {
        guard let provided = headers[header] else { return "the \(header) header is missing" }
        var timestamp: String?
        if let name = timestampHeader {
            guard let text = headers[name], let seconds = Double(text) else { return "the \(name) header is missing or not a number" }
            guard abs(now.timeIntervalSince1970 - seconds) <= tolerance else { return "the timestamp is more than \(Int(tolerance)) seconds away" }
            timestamp = text
        }
        let candidates = provided.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let message = signedBytes(body, timestamp: timestamp)
        for candidate in candidates where candidate.hasPrefix(prefix) {
            guard let mac = decode(String(candidate.dropFirst(prefix.count))) else { continue }
            for secret in secrets where Self.valid(mac, message, key: secret.revealBytes(), algorithm: algorithm) { return nil }
        }
        return "the signature does not match"
    }

    /// The headers a sender adds for `body` (used by the `sign` tool and by tests).
    public func sign(body: [UInt8], secret: Secret, now: Date) -> [String: String] {
        let timestamp = String(Int(now.timeIntervalSince1970))
        let mac = Self.mac(signedBytes(body, timestamp: timestamp), key: secret.revealBytes(), algorithm: algorithm)
        var headers = [header: prefix + (encoding == "base64" ? Data(mac).base64EncodedString() : mac.map { String(format: "%02x", $0) }.joined())]
        if let name = timestampHeader { headers[name] = timestamp }
        return headers
    }

    func decode(_ text: String) -> [UInt8]? {
        encoding == "base64" ? Data(base64Encoded: text).map(Array.init) : Self.hexBytes(text)
    }

    /// The bytes of a hex string (`nil` when it is not one).
    public static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }

    static func mac(_ message: [UInt8], key: [UInt8], algorithm: String) -> [UInt8] {
        let k = SymmetricKey(data: key)
        switch algorithm {
        case "sha1": return Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: k))
        case "sha512": return Array(HMAC<SHA512>.authenticationCode(for: message, using: k))
        default: return Array(HMAC<SHA256>.authenticationCode(for: message, using: k))
        }
    }

    /// Constant-time comparison through swift-crypto.
    static func valid(_ mac: [UInt8], _ message: [UInt8], key: [UInt8], algorithm: String) -> Bool {
        let k = SymmetricKey(data: key)
        switch algorithm {
        case "sha1": return HMAC<Insecure.SHA1>.isValidAuthenticationCode(mac, authenticating: message, using: k)
        case "sha512": return HMAC<SHA512>.isValidAuthenticationCode(mac, authenticating: message, using: k)
        default: return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: k)
        }
    }
}
