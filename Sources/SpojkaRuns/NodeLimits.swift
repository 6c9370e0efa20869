import Foundation
import SpojkaCore

/// Bounds on the numbers and headers of a definition: checked at save, enforced again at run time
/// (templates only have values then), so no input can reach a trap in the HTTP layer or in a conversion.
enum NodeLimits {
    /// Statuses a response node may answer with (1xx are interim and not a run's answer).
    static let statuses = 200...599
    /// The longest time any timeout, backoff or run limit may name: 30 days.
    static let maxSeconds: Double = 30 * 86_400
    /// Headers a response node may not set: they frame the HTTP message, belong to the connection, or are the
    /// server's own (a hook answers on the console's origin, so it may set no cookie and weaken no protection).
    static let reservedHeaders: Set<String> = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
        "host", "date", "server", "proxy-authenticate", "proxy-authorization", "set-cookie", "set-cookie2",
        "content-security-policy", "x-content-type-options", "x-frame-options", "strict-transport-security", "x-spojka-run",
    ]

    /// A duration of `seconds`, clamped to `0…maxSeconds`; `nil` for a missing or non-finite number.
    static func duration(seconds: Double?) -> Duration? {
        guard let seconds, seconds.isFinite else { return nil }
        return .milliseconds(Int64(min(max(seconds, 0), maxSeconds) * 1000))
    }

    /// A number clamped into `range`; `fallback` when missing or not a finite number.
    static func clamp(_ value: JSONValue?, _ range: ClosedRange<Double>, default fallback: Double) -> Double {
        guard let n = value?.doubleValue, n.isFinite else { return fallback }
        return min(max(n, range.lowerBound), range.upperBound)
    }

    /// The status a rendered `status` value names, or why it cannot be one.
    static func status(_ value: JSONValue) -> Result<Int, StatusProblem> {
        guard let number = value.doubleValue, number.isFinite, number.rounded() == number,
              number >= Double(statuses.lowerBound), number <= Double(statuses.upperBound) else {
            return .failure(StatusProblem(message: "must be an integer HTTP status from \(statuses.lowerBound) to \(statuses.upperBound)"))
        }
        return .success(Int(number))
    }

    /// Why a status value is refused.
    struct StatusProblem: Error { let message: String }

    /// Why a response header may not be sent, or `nil` when it may.
    static func headerProblem(name: String, value: String) -> String? {
        if name.isEmpty || name.utf8.count > 256 || !name.utf8.allSatisfy(isTokenByte) { return "is not a valid HTTP header name" }
        if reservedHeaders.contains(name.lowercased()) { return "is set by the server and cannot be set by a response node" }
        if value.utf8.count > 8192 { return "is longer than 8192 bytes" }
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) { return "must not contain line breaks" }
        return nil
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Problems of a number that must lie in `range` (and be an integer when `integer`).
    static func numberProblem(_ value: JSONValue?, _ range: ClosedRange<Double>, integer: Bool = false) -> String? {
        guard let value else { return nil }
        guard let n = value.doubleValue, n.isFinite, range.contains(n), !integer || n.rounded() == n else {
            let kind = integer ? "an integer" : "a number"
            return "must be \(kind) from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
        }
        return nil
    }

    static func format(_ n: Double) -> String { n.rounded() == n && abs(n) < 1e15 ? String(Int(n)) : String(n) }
}
