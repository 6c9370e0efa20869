import Hummingbird
import SpojkaCore

extension Request {
    /// The `limit` (1 to 200, default 50) and decoded `cursor` of a list request; both problems are reported together.
    func page<C>(decode: (String) -> C?) throws -> (limit: Int, after: C?) {
        var limit = 50
        var after: C?
        var problems: [(path: String, message: String)] = []
        if let text = query("limit") {
            if let n = Int(text), (1...200).contains(n) { limit = n } else { problems.append(("limit", "must be 1 to 200")) }
        }
        if let text = query("cursor") {
            if let decoded = decode(text) { after = decoded } else { problems.append(("cursor", "is not a cursor from a previous page")) }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        return (limit, after)
    }
}
