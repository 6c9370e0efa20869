import Foundation

/// Punycode (RFC 3492), as used by IDNA A-labels.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700

    private static func threshold(_ k: Int, _ bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    private static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "a"..."z": return Int(scalar.value) - 97
        case "A"..."Z": return Int(scalar.value) - 65
        case "0"..."9": return Int(scalar.value) - 22
        default: return nil
        }
    }

    private static func digitScalar(_ digit: Int) -> Character {
        Character(Unicode.Scalar(UInt8(digit < 26 ? digit + 97 : digit + 22)))
    }

    /// The code points encoded by `text` (the part after `xn--`), or `nil` when malformed.
    static func decode(_ text: Substring) -> [Unicode.Scalar]? {
        let scalars = Array(text.unicodeScalars)
        let delimiter = scalars.lastIndex(of: "-")
        var output = delimiter.map { Array(scalars[..<$0]) } ?? []
        guard output.allSatisfy(\.isASCII) else { return nil }
        var rest = delimiter.map { scalars[($0 + 1)...] } ?? scalars[...]
        var (n, i, bias) = (128, 0, 72)
        while !rest.isEmpty {
            let oldI = i
            var weight = 1
            var k = base
            while true {
                guard let scalar = rest.popFirst(), let digit = digitValue(scalar) else { return nil }
                let (product, overflow) = digit.multipliedReportingOverflow(by: weight)
                guard !overflow, i <= Int(UInt32.max) else { return nil }
                i += product
                let t = threshold(k, bias)
                if digit < t { break }
                weight *= base - t
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(UInt32(clamping: n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    /// The Punycode encoding of `input` (without the `xn--` prefix).
    static func encode(_ input: [Unicode.Scalar]) -> String {
        var output = String(String.UnicodeScalarView(input.filter(\.isASCII)))
        let basicCount = output.unicodeScalars.count
        var handled = basicCount
        if basicCount > 0 { output += "-" }
        var (n, delta, bias) = (128, 0, 72)
        let values = input.map { Int($0.value) }
        while handled < values.count {
            let m = values.filter { $0 >= n }.min() ?? n
            delta += (m - n) * (handled + 1)
            n = m
            for value in values {
                if value < n { delta += 1 }
                guard value == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias)
                    if q < t { break }
                    output.append(digitScalar(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digitScalar(q))
                bias = adapt(delta, handled + 1, handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return output
    }
}
