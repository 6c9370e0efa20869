import Foundation
import Hummingbird
import NIOCore
import SpojkaCore

/// A request body type: its allowed fields and its own validation.
protocol APIInput: Decodable, Sendable {
    /// Every accepted top-level field; any other is rejected.
    static var fields: Set<String> { get }
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
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw SpojkaError(.payloadTooLarge, "The request body exceeds \(limit) bytes",
                              details: ["limitBytes": .int(limit)])
        }
        let data = Data(buffer: buffer)
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw SpojkaError(.malformedJSON, "The request body is not valid JSON")
        }
        guard let object = json.objectValue else {
            throw SpojkaError.validation([("", "the body must be a JSON object")])
        }
        let unknown = object.keys.filter { !T.fields.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw SpojkaError.validation(unknown.map { ($0, "unknown field") })
        }
        let value: T
        do {
            value = try APIJSON.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw SpojkaError.validation([Self.describe(error)])
        }
        let problems = value.problems()
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        return (value, json)
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
