import Foundation
import SpojkaCore

/// Removes the values of the secrets a step used from anything it returns (outputs, error messages).
public struct Scrubber: Sendable {
    let secrets: [String]

    /// Scrubs the values of `secrets` (values shorter than 4 characters are ignored: too common to match safely).
    public init(_ secrets: [Secret]) {
        self.secrets = secrets.map { $0.reveal() }.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// The text with every secret value replaced by `[redacted]`, and masked fragments a service may echo
    /// (`sk_live_****9876`) removed too, since even a partial credential must not leave.
    public func text(_ text: String) -> String {
        let scrubbed = secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
        guard !secrets.isEmpty, scrubbed.contains("**") else { return scrubbed }
        return scrubbed.replacingOccurrences(of: #"[A-Za-z0-9_\-]*\*{2,}[A-Za-z0-9_\-]*"#, with: "[redacted]", options: .regularExpression)
    }

    /// The value with every secret value replaced inside strings and object keys.
    public func value(_ value: JSONValue) -> JSONValue {
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let s): return .string(text(s))
        case .array(let items): return .array(items.map(self.value))
        case .object(let members):
            return .object(Dictionary(members.map { (text($0.key), self.value($0.value)) }, uniquingKeysWith: { first, _ in first }))
        default: return value
        }
    }
}
