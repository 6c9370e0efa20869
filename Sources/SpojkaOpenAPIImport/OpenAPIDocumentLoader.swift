import Foundation
import OpenAPIKit
import OpenAPIKit30
import OpenAPIKitCompat
import SpojkaCore
import Yams

/// Reads an OpenAPI 3.0 or 3.1 document (YAML or JSON) with OpenAPIKit and normalises it to 3.1 JSON.
///
/// 3.0 documents are converted to 3.1 (`nullable` becomes a `"null"` member of a type union) before the
/// document is encoded back to JSON, so the converter works on one dialect whatever the input was.
enum OpenAPIDocumentLoader {
    /// The normalised document and the order of its paths as written.
    struct Loaded {
        /// The whole 3.1 document as JSON.
        var json: JSONValue
        /// Path templates in document order.
        var paths: [String]
    }

    private struct VersionProbe: Decodable {
        let openapi: String?
        let swagger: String?
    }

    static func load(_ data: Data) throws -> Loaded {
        guard let text = String(data: data, encoding: .utf8) else { throw OpenAPIImportError("the document is not UTF-8 text") }
        let probe: VersionProbe
        do { probe = try YAMLDecoder().decode(VersionProbe.self, from: text) } catch {
            throw OpenAPIImportError("the document is neither YAML nor JSON: \(error)")
        }
        if probe.swagger != nil { throw OpenAPIImportError("Swagger 2.0 documents are not supported; convert to OpenAPI 3 first") }
        guard let version = probe.openapi else { throw OpenAPIImportError("the document has no `openapi` version field") }
        let document: OpenAPIKit.OpenAPI.Document
        do {
            if version.hasPrefix("3.0") {
                let old = try YAMLDecoder().decode(OpenAPIKit30.OpenAPI.Document.self, from: text)
                document = old.convert(to: .v3_1_1)
            } else if version.hasPrefix("3.1") {
                document = try YAMLDecoder().decode(OpenAPIKit.OpenAPI.Document.self, from: text)
            } else {
                throw OpenAPIImportError("OpenAPI \(version) is not supported (3.0 and 3.1 are)")
            }
        } catch let error as OpenAPIImportError {
            throw error
        } catch {
            throw OpenAPIImportError("the document is not valid OpenAPI \(version): \(Self.describe(error))")
        }
        let encoded = try JSONEncoder().encode(document)
        let json = try JSONDecoder().decode(JSONValue.self, from: encoded)
        return Loaded(json: json, paths: document.paths.keys.map { $0.rawValue })
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DecodingError { return String(describing: error).prefix(400) + "" }
        return String(describing: error)
    }
}

/// Why a document cannot be imported at all.
public struct OpenAPIImportError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
