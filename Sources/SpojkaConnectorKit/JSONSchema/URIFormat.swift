import Foundation

/// Syntax checks for `uri`, `uri-reference`, `iri`, `iri-reference` and `uri-template` (RFC 3986/3987/6570).
enum URIFormat {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".unicodeScalars)
    private static let subDelims = Set("!$&'()*+,;=".unicodeScalars)

    static func isValid(_ text: String, requireScheme: Bool, international: Bool) -> Bool {
        let reference = URIReference(parsing: text)
        if requireScheme && reference.scheme == nil { return false }
        if reference.scheme == nil, let colon = text.firstIndex(of: ":"),
           !text[..<colon].contains("/"), !text[..<colon].contains("?"), !text[..<colon].contains("#") {
            return false
        }
        let allowed = { (extra: String) in { (s: Unicode.Scalar) in isAllowed(s, extra, international) } }
        if let authority = reference.authority, !isAuthority(authority, international: international) { return false }
        if reference.authority == nil, reference.path.hasPrefix("//") { return false }
        guard isEncoded(reference.path, allowed(":@/")) else { return false }
        if let query = reference.query, !isEncoded(query, allowed(":@/?")) { return false }
        if let fragment = reference.fragment, !isEncoded(fragment, allowed(":@/?")) { return false }
        return true
    }

    private static func isAllowed(_ scalar: Unicode.Scalar, _ extra: String, _ international: Bool) -> Bool {
        if unreserved.contains(scalar) || subDelims.contains(scalar) || extra.unicodeScalars.contains(scalar) {
            return true
        }
        return international && scalar.value >= 0xA0 && !(0xD800...0xDFFF).contains(scalar.value)
            && scalar.properties.generalCategory != .spaceSeparator
    }

    /// Whether `text` consists of allowed characters and well-formed percent-escapes.
    private static func isEncoded(_ text: String, _ allowed: (Unicode.Scalar) -> Bool) -> Bool {
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "%" {
                guard let high = scalars.next(), let low = scalars.next(),
                      isHex(high), isHex(low) else { return false }
            } else if !allowed(scalar) {
                return false
            }
        }
        return true
    }

    private static func isHex(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && Character(scalar).isHexDigit
    }

    private static func isAuthority(_ authority: String, international: Bool) -> Bool {
        var hostPort = Substring(authority)
        if let at = authority.lastIndex(of: "@") {
            let userInfo = String(authority[..<at])
            guard isEncoded(userInfo, { isAllowed($0, ":", international) }) else { return false }
            hostPort = authority[authority.index(after: at)...]
        }
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return false }
            let literal = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            guard NetworkFormats.isIPv6(literal) || literal.lowercased().hasPrefix("v") else { return false }
            return isPort(hostPort[hostPort.index(after: close)...])
        }
        let colon = hostPort.firstIndex(of: ":") ?? hostPort.endIndex
        guard isEncoded(String(hostPort[..<colon]), { isAllowed($0, "", international) }) else { return false }
        return isPort(hostPort[colon...])
    }

    private static func isPort(_ text: Substring) -> Bool {
        guard !text.isEmpty else { return true }
        return text.first == ":" && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
}
