import SpojkaCore
import Synchronization

/// Parsed templates and JMESPath expressions by source text: manifests repeat the same few hundred, so each
/// is parsed once per runtime instead of on every call. Bounded: past `limit` entries it starts over.
public final class ParseCache: Sendable {
    private let templates = Mutex<[String: Template]>([:])
    private let expressions = Mutex<[String: JMESPathExpression]>([:])
    let limit: Int

    /// Creates an empty cache.
    public init(limit: Int = 10_000) { self.limit = limit }

    /// The parsed template of `text`.
    public func template(_ text: String) throws -> Template {
        if let hit = templates.withLock({ $0[text] }) { return hit }
        let parsed = try Template(text)
        templates.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[text] = parsed
        }
        return parsed
    }

    /// The parsed JMESPath expression of `text`.
    public func expression(_ text: String) throws -> JMESPathExpression {
        if let hit = expressions.withLock({ $0[text] }) { return hit }
        let parsed = try JMESPathExpression(text)
        expressions.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[text] = parsed
        }
        return parsed
    }

    /// `Template.renderDeep` with cached parses.
    public func renderDeep(_ value: JSONValue, _ scope: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let s) where Template.isTemplate(s): return try template(s).render(scope)
        case .array(let items): return .array(try items.map { try renderDeep($0, scope) })
        case .object(let members): return .object(try members.mapValues { try renderDeep($0, scope) })
        default: return value
        }
    }
}
