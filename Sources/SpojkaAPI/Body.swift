import Foundation
import Hummingbird
import NIOCore
import SpojkaConnectorKit
import SpojkaCore

/// A request body type: its allowed fields and its own validation.
protocol APIInput: Decodable, Sendable {
    /// Every accepted top-level field; any other is rejected.
    static var fields: Set<String> { get }
    /// The body's JSON Schema with its limits (`BodySchemas.swift`): checked on every request and published in OpenAPI.
    static var schema: JSONValue { get }
    /// Field-level problems beyond types (empty when valid).
    func problems() -> [(path: String, message: String)]
}

extension APIInput {
    func problems() -> [(path: String, message: String)] { [] }
}

/// Reads and checks JSON bodies: content type, size limit, syntax, unknown fields, types, rules.
struct BodyReader: Sendable {
    /// The largest accepted body in bytes.
    let limit: Int

    func decode<T: APIInput>(_ type: T.Type, from request: Request) async throws -> T {
        try await decodeKeepingJSON(type, from: request).0
    }

    /// Decodes and checks the body, and also returns it as JSON (for bodies stored whole, like workflow definitions).
    func decodeKeepingJSON<T: APIInput>(_ type: T.Type, from request: Request) async throws -> (T, JSONValue) {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw SpojkaError(.unsupportedMediaType, "Send the body as application/json")
        }
        let buffer = try await Self.collect(request, limit: limit)
        let json = try Self.parse(buffer.readableBytesView, what: "The request body")
        guard let object = json.objectValue else {
            throw SpojkaError.validation([("", "the body must be a JSON object")])
        }
        let unknown = object.keys.filter { !T.fields.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SpojkaError.validation(unknown.map { ($0, "unknown field") })
        }
        let value: T
        do {
            value = try Self.decoder.decode(T.self, from: json)
        } catch let error as DecodingError {
            throw SpojkaError.validation([Self.describe(error)])
        }
        let problems = value.problems()
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        let violations = try Self.schemas.schema(for: T.schema).validate(json)
        if !violations.isEmpty { throw SpojkaError.validation(violations.map { (Self.path($0.instancePath), $0.message) }) }
        return (value, json)
    }

    /// Decodes bodies from their parsed JSON (linear in size, unlike decoding nested JSON values with Foundation's).
    static let decoder = JSONValueDecoder(date: { APIJSON.parse($0) })

    /// The compiled body schemas.
    static let schemas = JSONSchemaCache()

    /// `/nodes/3/id` → `nodes[3].id`.
    static func path(_ pointer: String) -> String {
        pointer.split(separator: "/", omittingEmptySubsequences: true).map { part in
            let token = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            return Int(token) != nil ? "[\(token)]" : "." + token
        }.joined().trimmingPrefix(".").description
    }

    /// The whole body, or 413 without reading further when it is (or declares to be) larger than `limit`.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        let tooLarge = SpojkaError(.payloadTooLarge, "The request body exceeds \(limit) bytes", details: ["limitBytes": .int(limit)])
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw tooLarge }
        do { return try await request.body.collect(upTo: limit) } catch { throw tooLarge }
    }

    /// Parses JSON text with the input nesting limit: 400 when it is not JSON, 422 when it nests too deeply.
    static func parse(_ bytes: some Collection<UInt8>, what: String) throws -> JSONValue {
        do { return try JSONValue(parsing: bytes) } catch {
            if error.kind == .tooDeep { throw tooDeep(what) }
            throw SpojkaError(.malformedJSON, "\(what) is not valid JSON: \(error.description)")
        }
    }

    /// 422 `nesting_too_deep` for `what` (e.g. "The request body").
    static func tooDeep(_ what: String) -> SpojkaError {
        SpojkaError(.nestingTooDeep, "\(what) nests arrays and objects deeper than \(JSONValue.maxInputDepth) levels",
                    details: ["maxDepth": .int(JSONValue.maxInputDepth)])
    }

    static func describe(_ error: DecodingError) -> (path: String, message: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "must be \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "must be \(Self.typeName(type)), not null")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", "is invalid")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is Date.Type: "an ISO 8601 date-time string"
        default: "of the right type"
        }
    }
}

/// Common field rules.
enum Rules {
    static func text(_ value: String, _ path: String, max: Int = 200) -> [(path: String, message: String)] {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [(path, "must not be empty")] }
        if value.count > max { return [(path, "must be at most \(max) characters")] }
        return []
    }

    static func email(_ value: String, _ path: String = "email") -> [(path: String, message: String)] {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && value.count <= 254 && !value.contains(where: \.isWhitespace)
        return ok ? [] : [(path, "must be an email address")]
    }

    static func password(_ value: String?, _ path: String = "password") -> [(path: String, message: String)] {
        guard let value else { return [] }
        if value.count < 10 { return [(path, "must be at least 10 characters")] }
        if value.utf8.count > 1024 { return [(path, "must be at most 1024 bytes")] }
        return []
    }
}

extension Request {
    /// A query parameter, or nil.
    func query(_ name: String) -> String? { uri.queryParameters.get(name) }
}
