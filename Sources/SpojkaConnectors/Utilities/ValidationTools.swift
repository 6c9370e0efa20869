import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `validation` utility connector: email, url, phone_e164, luhn → `{valid, reason?}`.
enum ValidationTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "validation.email": utilityTool { verdict(email(try $0.string("value"))) },
            "validation.url": utilityTool { args in
                let schemes = args.value("schemes")?.arrayValue?.compactMap(\.stringValue) ?? ["http", "https"]
                return verdict(url(try args.string("value"), schemes: schemes))
            },
            "validation.phone_e164": utilityTool { verdict(phone(try $0.string("value"))) },
            "validation.luhn": utilityTool { verdict(luhn(try $0.string("value"))) },
        ]
    }

    /// `{valid: true}` for `nil`, else `{valid: false, reason}`.
    static func verdict(_ reason: String?) -> JSONValue {
        guard let reason else { return .object(["valid": true]) }
        return .object(["valid": false, "reason": .string(reason)])
    }

    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")

    /// Why `value` is not a valid e-mail address, or `nil`.
    static func email(_ value: String) -> String? {
        guard value.count <= 254 else { return "longer than 254 characters" }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.count) else { return "the local part must have 1 to 64 characters" }
        guard local.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.allSatisfy(atext.contains) }) else {
            return "the local part has invalid characters or dots"
        }
        return hostProblem(String(domain), requireTLD: true)
    }

    /// Why `host` is not a valid DNS host name, or `nil`.
    static func hostProblem(_ host: String, requireTLD: Bool) -> String? {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard !host.isEmpty, host.count <= 253 else { return "the domain is empty or too long" }
        for label in labels {
            guard (1...63).contains(label.count), label.first != "-", label.last != "-",
                  label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                return "the domain label '\(label)' is invalid"
            }
        }
        if requireTLD {
            guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter) || tld.hasPrefix("xn--") else {
                return "the domain needs a top-level domain"
            }
        }
        return nil
    }

    /// Why `value` is not an absolute URL with an allowed scheme and a host, or `nil`.
    static func url(_ value: String, schemes: [String]) -> String? {
        guard !value.contains(where: { $0.isWhitespace }) else { return "contains whitespace" }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased() else {
            return "not an absolute URL"
        }
        guard schemes.map({ $0.lowercased() }).contains(scheme) else { return "scheme '\(scheme)' is not allowed" }
        guard let host = components.host, !host.isEmpty else { return "missing host" }
        if host.hasPrefix("[") || host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) { return nil }
        return hostProblem(host, requireTLD: false)
    }

    /// Why `value` is not an E.164 number (`+`, country code 1–9…, at most 15 digits), or `nil`.
    static func phone(_ value: String) -> String? {
        guard value.hasPrefix("+") else { return "must start with +" }
        let digits = value.dropFirst()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "only digits may follow +" }
        guard let first = digits.first, first != "0" else { return "the country code cannot start with 0" }
        guard (2...15).contains(digits.count) else { return "must have 2 to 15 digits" }
        return nil
    }

    /// Why `value` fails the Luhn check (spaces and hyphens ignored), or `nil`.
    static func luhn(_ value: String) -> String? {
        let cleaned = value.filter { $0 != " " && $0 != "-" }
        guard cleaned.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "only digits, spaces and hyphens are allowed" }
        guard cleaned.count >= 2 else { return "needs at least 2 digits" }
        var sum = 0
        for (offset, character) in cleaned.reversed().enumerated() {
            let digit = Int(character.asciiValue ?? 48) - 48
            let doubled = offset % 2 == 1 ? digit * 2 : digit
            sum += doubled > 9 ? doubled - 9 : doubled
        }
        return sum % 10 == 0 ? nil : "checksum does not match"
    }
}
