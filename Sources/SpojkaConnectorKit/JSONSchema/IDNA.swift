import Foundation

/// Host name checks (RFC 1123, and IDNA2008 for `xn--` A-labels and internationalized names).
/// IDNA tables are approximated from Unicode general categories and script ranges.
enum IDNA {
    private static let separators: Set<Unicode.Scalar> = ["\u{3002}", "\u{FF0E}", "\u{FF61}"]

    /// Whether `text` is a valid host name; `international` admits U-labels and IDN label separators.
    static func isHostname(_ text: String, international: Bool) -> Bool {
        var normalized = text
        if international {
            normalized = String(String.UnicodeScalarView(text.unicodeScalars.map { separators.contains($0) ? "." : $0 }))
        }
        guard !normalized.isEmpty else { return false }
        var labels: [[Unicode.Scalar]] = []
        var length = 0
        for raw in normalized.split(separator: ".", omittingEmptySubsequences: false) {
            guard let (label, asciiLength) = checkLabel(raw, international: international) else { return false }
            labels.append(label)
            length += asciiLength + 1
        }
        return length - 1 <= 253 && Bidi.isValidDomain(labels)
    }

    /// The label's code points and A-label length, or `nil` when invalid.
    private static func checkLabel(_ raw: Substring, international: Bool) -> ([Unicode.Scalar], Int)? {
        let scalars = Array(raw.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        if scalars.allSatisfy(\.isASCII) {
            guard scalars.count <= 63, scalars.allSatisfy(isLDH), scalars.first != "-", scalars.last != "-" else {
                return nil
            }
            let lower = raw.lowercased()
            guard lower.hasPrefix("xn--") else {
                return hasHyphens34(scalars) ? nil : (scalars, scalars.count)
            }
            guard let decoded = Punycode.decode(lower.dropFirst(4)), !decoded.allSatisfy(\.isASCII),
                  Punycode.encode(decoded) == String(lower.dropFirst(4)), isULabel(decoded) else { return nil }
            return (decoded, scalars.count)
        }
        guard international, isULabel(scalars) else { return nil }
        let asciiLength = 4 + Punycode.encode(scalars).utf8.count
        return asciiLength <= 63 ? (scalars, asciiLength) : nil
    }

    private static func isLDH(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    private static func hasHyphens34(_ label: [Unicode.Scalar]) -> Bool {
        label.count >= 4 && label[2] == "-" && label[3] == "-"
    }

    /// IDNA2008 U-label rules: permitted code points, hyphens, leading marks, contextual rules.
    static func isULabel(_ label: [Unicode.Scalar]) -> Bool {
        guard let first = label.first, first != "-", label.last != "-", !hasHyphens34(label) else { return false }
        guard !isMark(first), label.allSatisfy(isPermitted) else { return false }
        return label.indices.allSatisfy { contextAllows(label, at: $0) } && !mixesArabicDigits(label)
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        [.nonspacingMark, .spacingMark, .enclosingMark].contains(scalar.properties.generalCategory)
    }

    private static let disallowed: Set<UInt32> = [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034,
                                                  0x3035, 0x303B]
    private static let exceptionallyValid: Set<UInt32> = [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007, 0x00B7,
                                                          0x0375, 0x05F3, 0x05F4, 0x30FB, 0x200C, 0x200D]

    private static func isPermitted(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isLDH(scalar) }
        if disallowed.contains(scalar.value) { return false }
        if exceptionallyValid.contains(scalar.value) { return true }
        if scalar.properties.changesWhenNFKCCaseFolded { return false }
        let letterDigits: [Unicode.GeneralCategory] = [
            .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber,
        ]
        return letterDigits.contains(scalar.properties.generalCategory)
    }

    /// RFC 5892 appendix A contextual rules for the code point at `index`.
    private static func contextAllows(_ label: [Unicode.Scalar], at index: Int) -> Bool {
        let previous = index > 0 ? label[index - 1] : nil
        let next = index + 1 < label.count ? label[index + 1] : nil
        switch label[index].value {
        case 0x00B7: return previous == "l" && next == "l"
        case 0x0375: return next.map { Scripts.isGreek($0) } ?? false
        case 0x05F3, 0x05F4: return previous.map { Scripts.isHebrew($0) } ?? false
        case 0x30FB: return label.contains { $0.value != 0x30FB && Scripts.isJapaneseOrHan($0) }
        case 0x200D: return previous?.properties.canonicalCombiningClass == .virama
        case 0x200C:
            if previous?.properties.canonicalCombiningClass == .virama { return true }
            return previous.map { Scripts.isJoining($0) } == true && next.map { Scripts.isJoining($0) } == true
        default: return true
        }
    }

    private static func mixesArabicDigits(_ label: [Unicode.Scalar]) -> Bool {
        label.contains { (0x0660...0x0669).contains($0.value) } && label.contains { (0x06F0...0x06F9).contains($0.value) }
    }
}

/// Script membership by code point range (enough for the IDNA contextual and Bidi rules).
enum Scripts {
    static func isGreek(_ s: Unicode.Scalar) -> Bool { (0x0370...0x03FF).contains(s.value) || (0x1F00...0x1FFF).contains(s.value) }
    static func isHebrew(_ s: Unicode.Scalar) -> Bool { (0x0590...0x05FF).contains(s.value) || (0xFB1D...0xFB4F).contains(s.value) }
    static func isJapaneseOrHan(_ s: Unicode.Scalar) -> Bool {
        [0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F]
            .contains { $0.contains(s.value) }
    }
    static func isArabic(_ s: Unicode.Scalar) -> Bool {
        [0x0600...0x06FF, 0x0700...0x074F, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF]
            .contains { $0.contains(s.value) }
    }
    /// Letters of cursive-joining scripts (Arabic, Syriac, N'Ko): the ZWNJ joining context, approximately.
    static func isJoining(_ s: Unicode.Scalar) -> Bool {
        (isArabic(s) || (0x07C0...0x07FF).contains(s.value)) && s.properties.isAlphabetic
    }
}

/// The RFC 5893 Bidi rule, with bidirectional classes approximated by script ranges.
enum Bidi {
    private enum Direction { case left, right, arabicNumber, europeanNumber, mark, other }

    private static func direction(_ s: Unicode.Scalar) -> Direction {
        let category = s.properties.generalCategory
        if category == .nonspacingMark || category == .enclosingMark { return .mark }
        if (0x0660...0x0669).contains(s.value) || s.value == 0x066B || s.value == 0x066C { return .arabicNumber }
        if ("0"..."9").contains(s) || (0x06F0...0x06F9).contains(s.value) { return .europeanNumber }
        if Scripts.isHebrew(s) || Scripts.isArabic(s) || (0x07C0...0x07FF).contains(s.value) { return .right }
        return s.properties.isAlphabetic ? .left : .other
    }

    /// Whether every label satisfies the Bidi rule, when any label is right-to-left.
    static func isValidDomain(_ labels: [[Unicode.Scalar]]) -> Bool {
        let isBidi = labels.contains { $0.contains { [.right, .arabicNumber].contains(direction($0)) } }
        return !isBidi || labels.allSatisfy(isValidLabel)
    }

    private static func isValidLabel(_ label: [Unicode.Scalar]) -> Bool {
        let directions = label.map(direction)
        guard let first = directions.first else { return true }
        let last = directions.last { $0 != .mark } ?? first
        switch first {
        case .right:
            return !directions.contains(.left) && [.right, .europeanNumber, .arabicNumber].contains(last)
                && !(directions.contains(.europeanNumber) && directions.contains(.arabicNumber))
        case .left:
            return !directions.contains(.right) && !directions.contains(.arabicNumber)
                && [.left, .europeanNumber].contains(last)
        default:
            return false
        }
    }
}
