import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// Turns an OpenAPI 3.0 or 3.1 document into a connector manifest (`spojka connectors import`).
///
/// Every operation becomes a declarative tool; what cannot be mapped (cookie parameters, multipart and
/// XML-only bodies, callbacks, webhooks, unsupported security schemes) is skipped with one line each in
/// ``Result/report``, never silently.
public enum OpenAPIImporter {
    /// What the operator chooses about the connector.
    public struct Options: Sendable {
        /// Kebab-case connector key.
        public var key: String
        /// Display name (default: the document's title).
        public var name: String?
        /// Catalog category (default `Developer`).
        public var category: String?

        /// Creates options.
        public init(key: String, name: String? = nil, category: String? = nil) {
            self.key = key; self.name = name; self.category = category
        }
    }

    /// The outcome of an import.
    public struct Result: Sendable {
        /// The manifest as JSON (what is written to `manifest.json`).
        public var manifest: JSONValue
        /// One line per part of the document that was skipped or changed.
        public var report: [String]
        /// The number of tools.
        public var toolCount: Int

        /// The manifest as pretty-printed JSON text with sorted keys.
        public func manifestData() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(manifest)
        }
    }

    /// Converts the document text `data` (YAML or JSON).
    public static func convert(_ data: Data, options: Options) throws -> Result {
        guard options.key.range(of: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", options: .regularExpression) != nil, options.key.count <= 64 else {
            throw OpenAPIImportError("the key \(options.key) is not kebab-case (e.g. acme-billing)")
        }
        let loaded = try OpenAPIDocumentLoader.load(data)
        let document = loaded.json
        var report: [String] = []
        var authMapper = AuthMapper(document: document)
        let (auth, credentialHeaders) = authMapper.auth(paths: loaded.paths)
        let (serviceUrl, settings) = authMapper.service()
        var operations = OperationMapper(resolver: SchemaResolver(document: document), credentialHeaders: credentialHeaders)
        let tools = operations.tools(paths: loaded.paths)
        report += authMapper.report + operations.report
        for name in (document["webhooks"]?.objectValue ?? [:]).keys.sorted() {
            report.append("skipped webhook \(name): webhooks are inbound requests, not tools")
        }
        guard !tools.isEmpty else {
            throw OpenAPIImportError("the document has no operation that can become a tool" + (report.isEmpty ? "" : " (" + report.joined(separator: "; ") + ")"))
        }
        let info = document["info"] ?? [:]
        let title = info["title"]?.stringValue ?? options.key
        var version = info["version"]?.stringValue ?? ""
        if version.range(of: #"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$"#, options: .regularExpression) == nil {
            report.append("the document's version \(version.isEmpty ? "(none)" : version) is not semantic: the manifest starts at 1.0.0")
            version = "1.0.0"
        }
        var description = (info["description"]?.stringValue ?? title).trimmingCharacters(in: .whitespacesAndNewlines)
        if description.isEmpty { description = title }
        var manifest: [String: JSONValue] = [
            "key": .string(options.key), "name": .string(String((options.name ?? title).prefix(100))),
            "category": .string(options.category ?? "Developer"), "description": .string(description),
            "version": .string(version), "auth": auth, "settings": settings, "tools": .array(tools),
        ]
        if let serviceUrl { manifest["serviceUrl"] = .string(serviceUrl) }
        if let docs = document["externalDocs"]?["url"]?.stringValue, docs.hasPrefix("https://") { manifest["docsUrl"] = .string(docs) }
        return Result(manifest: .object(manifest), report: report, toolCount: tools.count)
    }

    /// Converts the document at `file`, checks the manifest with ``ManifestValidator`` and writes it to
    /// `directory/<key>/manifest.json`; returns the result and the written file.
    public static func importFile(_ file: String, options: Options, into directory: String,
                                  implementations: Set<String>? = nil) throws -> (Result, URL) {
        guard let data = FileManager.default.contents(atPath: file) else { throw OpenAPIImportError("cannot read \(file)") }
        let result = try convert(data, options: options)
        let text = try result.manifestData()
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(options.key)
        let target = folder.appendingPathComponent("manifest.json")
        let issues = ManifestValidator.validate(data: text, file: target.path, implementations: implementations).1
        guard issues.isEmpty else {
            throw OpenAPIImportError("the converted manifest does not validate:\n" + issues.map(\.description).joined(separator: "\n"))
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: target)
        return (result, target)
    }
}
