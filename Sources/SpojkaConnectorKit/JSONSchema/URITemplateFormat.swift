import Foundation

/// Syntax check for `uri-template` (RFC 6570, level 4).
enum URITemplateFormat {
    private static let forbiddenLiterals = Set("\"%<>\\^`{|} ".unicodeScalars)

    static func isValid(_ text: String) -> Bool {
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if scalar == "{" {
                guard let close = scalars.firstIndex(of: "}"), isExpression(scalars[..<close]) else { return false }
                scalars = scalars[(close + 1)...]
            } else if scalar == "%" {
                guard scalars.count >= 2, scalars.prefix(2).allSatisfy(isHex) else { return false }
                scalars = scalars.dropFirst(2)
            } else if scalar.value < 0x21 || scalar.value == 0x7F || forbiddenLiterals.contains(scalar) {
                return false
            }
        }
        return true
    }

    private static func isHex(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && Character(scalar).isHexDigit
    }

    private static func isExpression(_ body: ArraySlice<Unicode.Scalar>) -> Bool {
        var specs = body
        if let first = specs.first, "+#./;?&".unicodeScalars.contains(first) { specs = specs.dropFirst() }
        let list = specs.split(separator: ",", omittingEmptySubsequences: false)
        return !list.isEmpty && list.allSatisfy(isVarSpec)
    }

    private static func isVarSpec(_ spec: ArraySlice<Unicode.Scalar>) -> Bool {
        var name = spec
        if spec.last == "*" {
            name = spec.dropLast()
        } else if let colon = spec.firstIndex(of: ":") {
            let digits = spec[(colon + 1)...]
            guard (1...4).contains(digits.count), digits.first != "0",
                  digits.allSatisfy({ $0.isASCII && ("0"..."9").contains($0) }) else { return false }
            name = spec[..<colon]
        }
        return isVarName(name)
    }

    private static func isVarName(_ name: ArraySlice<Unicode.Scalar>) -> Bool {
        guard !name.isEmpty, name.first != ".", name.last != "." else { return false }
        var previousDot = false
        var rest = name
        while let scalar = rest.first {
            rest = rest.dropFirst()
            if scalar == "." {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            if scalar == "%" {
                guard rest.count >= 2, rest.prefix(2).allSatisfy(isHex) else { return false }
                rest = rest.dropFirst(2)
            } else if !(scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")) {
                return false
            }
        }
        return true
    }
}
