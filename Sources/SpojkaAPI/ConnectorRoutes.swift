import Foundation
import Hummingbird
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore

/// One connector in the catalog list.
struct ConnectorSummaryDTO: Encodable {
    let key, name, category, description, version, authType, iconUrl, source: String
    let toolCount: Int

    init(_ m: ConnectorManifest, source: String) {
        key = m.key; name = m.name; category = m.category; description = m.description; version = m.version
        authType = m.auth.type.rawValue; iconUrl = "/api/v1/connectors/\(m.key)/icon"; toolCount = m.tools.count
        self.source = source
    }
}

/// A connector with every tool and schema.
struct ConnectorDetailDTO: Encodable {
    let connector: ConnectorManifest
    let iconUrl: String
    let needsConnection: Bool
    let source: String

    func encode(to encoder: any Encoder) throws {
        try connector.encode(to: encoder)
        var extra = encoder.container(keyedBy: ExtraKeys.self)
        try extra.encode(iconUrl, forKey: .iconUrl)
        try extra.encode(needsConnection, forKey: .needsConnection)
        try extra.encode(source, forKey: .source)
    }

    enum ExtraKeys: String, CodingKey { case iconUrl, needsConnection, source }
}

struct ToolCallAnswer: Encodable {
    let output: JSONValue
    let durationMs: Double
}

struct ToolCallInput: APIInput {
    static let fields: Set<String> = ["connector", "tool", "connection", "arguments"]
    let connector: String
    let tool: String
    let connection: String?
    let arguments: JSONValue?
}

/// The catalog and direct tool calls.
struct ConnectorRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/connectors", "List connectors (filters: category, q)", query: ["category", "q"], handler: list)
        r.add(.get, "/api/v1/connectors/{key}", "Read a connector with every tool and its schemas", handler: read)
        r.add(.get, "/api/v1/connectors/{key}/icon", "The connector's SVG icon", handler: icon)
        r.add(.post, "/api/v1/workspaces/{ws}/tool-calls", "Call one tool now (member and above)", body: ToolCallInput.self, handler: call)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let snapshot = services.catalogs.snapshot
        let items = snapshot.catalog.list(category: request.query("category"), query: request.query("q"))
        return try Reply.json(Page(items: items.map { ConnectorSummaryDTO($0, source: Self.source($0.key, snapshot)) }, nextCursor: nil))
    }

    /// Where a connector of `snapshot` comes from: `folder` (the operator's folder) or `builtin`.
    static func source(_ key: String, _ snapshot: LiveCatalog.Snapshot) -> String { snapshot.folderKeys.contains(key) ? "folder" : "builtin" }

    func connector(_ context: SpojkaRequestContext) throws -> ConnectorManifest {
        guard let key = context.parameters.get("key"), let manifest = services.catalog.connector(key) else {
            throw SpojkaError.notFound("Connector")
        }
        return manifest
    }

    @Sendable func read(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let manifest = try connector(context)
        return try Reply.json(ConnectorDetailDTO(connector: manifest, iconUrl: "/api/v1/connectors/\(manifest.key)/icon",
                                                 needsConnection: !manifest.isUtility && manifest.key != "http",
                                                 source: Self.source(manifest.key, services.catalogs.snapshot)))
    }

    @Sendable func icon(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let manifest = try connector(context)
        guard let svg = services.catalog.icons[manifest.key] else { throw SpojkaError.notFound("Icon") }
        return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "public, max-age=86400",
                                               .init("X-Content-Type-Options")!: "nosniff"],
                        body: .init(byteBuffer: .init(string: svg)))
    }

    @Sendable func call(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let input = try await services.body.decode(ToolCallInput.self, from: request)
        guard let manifest = services.catalog.connector(input.connector) else {
            throw SpojkaError.validation([("connector", "no connector has the key \(input.connector)")])
        }
        // A connector with discovery has per-connection tools: the call through the connection checks them.
        guard manifest.tool(input.tool) != nil || (manifest.discovery != nil && input.connection != nil) else {
            throw SpojkaError.validation([("tool", "connector \(manifest.key) has no tool \(input.tool)")])
        }
        let start = ContinuousClock.now
        if let text = input.connection {
            if manifest.isUtility { throw SpojkaError.validation([("connection", "utility connectors take no connection")]) }
            guard let id = ID<Connection>(validating: text) else {
                throw SpojkaError(.connectionNotFound, "Connection \(text) not found", details: ["connection": .string(text)])
            }
            let output = try await ToolErrors.mapping {
                try await services.connections.callTool(input.tool, arguments: input.arguments ?? .object([:]), connection: id, in: workspace.id,
                                                        connector: manifest.key, by: principal.user.id.rawValue)
            }
            return try Self.answer(output, since: start)
        }
        if !manifest.isUtility && manifest.key != "http" {
            throw SpojkaError.validation([("connection", "connector \(manifest.key) needs a connection")])
        }
        let output = try await ToolErrors.mapping {
            try await services.runtime.call(ToolCall(connector: manifest, tool: input.tool, arguments: input.arguments ?? .object([:])))
        }
        return try Self.answer(output, since: start)
    }

    static func answer(_ output: JSONValue, since start: ContinuousClock.Instant) throws -> Response {
        let elapsed = ContinuousClock.now - start
        let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return try Reply.json(ToolCallAnswer(output: output, durationMs: (millis * 1000).rounded() / 1000))
    }
}

/// Maps tool failures to the API error shape (codes kept, HTTP status chosen in `SpojkaError.status`).
enum ToolErrors {
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ToolError {
            let kind: SpojkaError.Kind = [.serviceUnavailable, .invalidOutput].contains(error.code) ? .operational : .user
            throw SpojkaError(SpojkaError.Code(rawValue: error.code.rawValue), kind: kind, error.message, details: error.details)
        }
    }
}
