import Foundation

/// Checkers for `ipv4`, `ipv6`, `hostname` and `email` (and their IDN variants, approximately).
enum NetworkFormats {
    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || !part.hasPrefix("0"), let value = Int(part) else { return false }
            return value <= 255
        }
    }

    static func isIPv6(_ text: Substring) -> Bool {
        var body = text
        var extraGroups = 0
        if let lastColon = body.lastIndex(of: ":"), body[lastColon...].contains(".") {
            guard isIPv4(body[body.index(after: lastColon)...]) else { return false }
            body = body[...lastColon]
            if !body.hasSuffix("::") { body = body.dropLast() }
            extraGroups = 2
        }
        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for half in halves where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for part in parts {
                guard (1...4).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                    return false
                }
            }
            groups += parts.count
        }
        groups += extraGroups
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    static func isEmail(_ text: String, international: Bool) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        return isLocalPart(local, international: international) && isDomain(domain, international: international)
    }

    private static func isLocalPart(_ local: Substring, international: Bool) -> Bool {
        guard !local.isEmpty else { return false }
        if local.count >= 2, local.hasPrefix("\""), local.hasSuffix("\"") {
            var escaped = false
            for scalar in local.dropFirst().dropLast().unicodeScalars {
                if escaped { escaped = false; continue }
                if scalar == "\\" { escaped = true; continue }
                if scalar == "\"" || (scalar.value < 32 && scalar != "\t") { return false }
            }
            return !escaped
        }
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.unicodeScalars.allSatisfy { isAtomText($0, international: international) }
        }
    }

    private static func isAtomText(_ scalar: Unicode.Scalar, international: Bool) -> Bool {
        if !scalar.isASCII { return international }
        if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
    }

    private static func isDomain(_ domain: Substring, international: Bool) -> Bool {
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(literal.dropFirst(5)) }
            return isIPv4(literal)
        }
        return IDNA.isHostname(String(domain), international: international)
    }
}
