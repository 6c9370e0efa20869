import Foundation
import SpojkaCore

extension ConnectionService {
    /// The fields of an upstream account a connection keeps: who signed in, nothing else. Every reader of the
    /// connection (viewers included) sees its `account`, and a userinfo answer may carry anything — tokens too.
    static let identityFields: Set<String> = ["id", "sub", "login", "username", "preferred_username", "email", "name"]

    /// The identity fields of `account` (strings up to 256 characters and integers), without any field whose value
    /// holds one of the connection's secrets in any form (`scrub` would change it); `nil` when nothing is left.
    /// A plain string (a connector's verification may select one) is kept under the same rule.
    static func identityOnly(_ account: JSONValue?, scrub: Scrubber) -> JSONValue? {
        func clean(_ value: JSONValue) -> JSONValue? {
            switch value {
            case .string(let s) where !s.isEmpty && s.count <= 256 && scrub.text(s) == s: return value
            case .int: return value
            case .double(let d) where d.rounded() == d && abs(d) < 1e15: return .int(Int(d))
            default: return nil
            }
        }
        switch account {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, value) in members where identityFields.contains(key) { kept[key] = clean(value) }
            return kept.isEmpty ? nil : .object(kept)
        case let value?: return clean(value)
        case nil: return nil
        }
    }

    /// How a stored account is shown to readers: an object keeps only its scalar identity fields (an account stored
    /// before the rule above may hold a whole userinfo answer, token included); any other value as it is.
    public static func shownAccount(_ account: JSONValue?) -> JSONValue? {
        guard case .object(let members)? = account else { return account }
        let kept = members.filter { member in
            guard identityFields.contains(member.key) else { return false }
            switch member.value {
            case .string, .int, .double: return true
            default: return false
            }
        }
        return kept.isEmpty ? nil : .object(kept)
    }
}
