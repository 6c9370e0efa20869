import ArgumentParser
import Foundation

/// `spojka tokens …`: API tokens of the caller, including scoped (MCP agent) tokens.
struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your API tokens; `create --scoped` makes an agent token that reaches only /mcp.",
        subcommands: [List.self, Create.self, Revoke.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        func run() async throws {
            try printJSON(try await options.client().call("GET", "/api/v1/tokens"))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; its secret is printed once.")
        @OptionGroup var options: ClientOptions
        @Option var name: String
        @Option(help: "Expiry, ISO 8601 (e.g. 2027-06-30T00:00:00Z)") var expiresAt: String?
        @Flag(help: "Scope the token to the workspace's MCP tools (implied by the options below)") var scoped = false
        @Option(name: .customLong("connection"), help: "A connection ID the token reaches (repeat; default: all)") var connections: [String] = []
        @Option(name: .customLong("tool"), help: "CONNECTION_ID:TOOL allowed for that connection (repeat)") var tools: [String] = []
        @Flag(help: "Only tools whose manifest says readOnlyHint") var readOnly = false
        @Flag(help: "Also offer utility connectors") var utilities = false

        func run() async throws {
            let client = try options.client()
            var body: [String: Any] = ["name": name]
            if let expiresAt { body["expiresAt"] = expiresAt }
            if scoped || !connections.isEmpty || !tools.isEmpty || readOnly || utilities {
                let path = try await client.connectionsPath()
                let workspace = path.split(separator: "/").dropFirst(3).first.map(String.init) ?? ""
                var scope: [String: Any] = ["workspace": workspace, "readOnly": readOnly, "includeUtilities": utilities]
                if !connections.isEmpty { scope["connections"] = connections }
                var perConnection: [String: [String]] = [:]
                for entry in tools {
                    let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--tool takes CONNECTION_ID:TOOL, e.g. conn_…:send_message") }
                    perConnection[parts[0], default: []].append(parts[1])
                }
                if !perConnection.isEmpty { scope["tools"] = perConnection }
                body["scope"] = scope
            }
            try printJSON(try await client.call("POST", "/api/v1/tokens", body: body))
        }
    }

    struct Revoke: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument var id: String
        func run() async throws {
            _ = try await options.client().call("DELETE", "/api/v1/tokens/\(id)")
            say("revoked \(id)")
        }
    }
}
