import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// Options for commands that talk to a running server.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL. Env: SPOJKA_URL. Default http://127.0.0.1:8080") var url: String?
    @Option(help: "API token. Env: SPOJKA_TOKEN (preferred: flags are visible to other local users)") var token: String?
    @Option(help: "Workspace ID. Env: SPOJKA_WORKSPACE. Default: your first workspace") var workspace: String?

    func client() throws -> APIClient {
        let env = ProcessInfo.processInfo.environment
        guard let token = token ?? env["SPOJKA_TOKEN"], !token.isEmpty else {
            throw ValidationError("Give an API token with SPOJKA_TOKEN or --token")
        }
        return APIClient(base: url ?? env["SPOJKA_URL"] ?? "http://127.0.0.1:8080", token: token,
                         workspace: workspace ?? env["SPOJKA_WORKSPACE"])
    }
}

/// A minimal JSON client of the Spojka API.
struct APIClient {
    let base: String
    let token: String
    let workspace: String?

    func call(_ method: String, _ path: String, body: Any? = nil) async throws -> Any {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = bytes.readableBytes == 0 ? [:] : try JSONSerialization.jsonObject(with: Data(buffer: bytes))
        guard (200..<300).contains(Int(response.status.code)) else {
            let error = (json as? [String: Any])?["error"] as? [String: Any]
            throw CLIError("\(response.status.code) \(error?["code"] ?? "error"): \(error?["message"] ?? "request failed")")
        }
        return json
    }

    /// `/api/v1/workspaces/{ws}/connections`, resolving the default workspace.
    func connectionsPath() async throws -> String {
        if let workspace { return "/api/v1/workspaces/\(workspace)/connections" }
        let list = try await call("GET", "/api/v1/workspaces") as? [String: Any]
        guard let first = (list?["items"] as? [[String: Any]])?.first?["id"] as? String else { throw CLIError("you belong to no workspace") }
        return "/api/v1/workspaces/\(first)/connections"
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints JSON readably.
func printJSON(_ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    say(String(decoding: data, as: UTF8.self))
}

/// Reads a JSON object of credentials from a file or standard input (never from arguments).
func readCredentials(file: String?) throws -> [String: Any] {
    let data: Data
    if let file {
        guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        data = contents
    } else {
        data = FileHandle.standardInput.readDataToEndOfFile()
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw CLIError("credentials must be a JSON object, e.g. {\"secretKey\":\"sk_live_…\"}, on stdin or in --credentials-file")
    }
    return object
}

struct Connections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage connections on a running server.",
        subcommands: [List.self, Show.self, Create.self, Rotate.self, Verify.self, Delete.self, Usage.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this connector") var connector: String?
        @Option(help: "Only this status") var status: String?
        func run() async throws {
            let client = try options.client()
            var query: [String] = []
            if let connector { query.append("connector=\(connector)") }
            if let status { query.append("status=\(status)") }
            try printJSON(try await client.call("GET", try await client.connectionsPath() + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))))
        }
    }

    struct Show: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client()
            try printJSON(try await client.call("GET", try await client.connectionsPath() + "/\(id)"))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a connection; credentials are read as JSON from stdin or a file.")
        @OptionGroup var options: ClientOptions
        @Option var connector: String
        @Option var name: String
        @Option(help: "Settings as a JSON object") var settings: String?
        @Option var serviceUrl: String?
        @Option var environment: String?
        @Option(help: "File with the credentials JSON (default: stdin)") var credentialsFile: String?
        @Flag(help: "Store without verifying (status error, 'not verified')") var noVerify = false

        func run() async throws {
            let client = try options.client()
            var body: [String: Any] = ["connector": connector, "name": name, "credentials": try readCredentials(file: credentialsFile)]
            if let settings { body["settings"] = try JSONSerialization.jsonObject(with: Data(settings.utf8)) }
            if let serviceUrl { body["serviceUrl"] = serviceUrl }
            if let environment { body["environment"] = environment }
            try printJSON(try await client.call("POST", try await client.connectionsPath() + (noVerify ? "?verify=false" : ""), body: body))
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate credentials in place; new credentials are read as JSON from stdin or a file.")
        @OptionGroup var options: ClientOptions
        @Argument var id: String
        @Option(help: "File with the credentials JSON (default: stdin)") var credentialsFile: String?
        @Flag(help: "Merge the given fields into the stored ones") var partial = false
        func run() async throws {
            let client = try options.client()
            let body: [String: Any] = ["credentials": try readCredentials(file: credentialsFile), "partial": partial]
            try printJSON(try await client.call("PUT", try await client.connectionsPath() + "/\(id)/credentials", body: body))
        }
    }

    struct Verify: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client()
            try printJSON(try await client.call("POST", try await client.connectionsPath() + "/\(id)/verify"))
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument var id: String
        @Flag(help: "Delete even when workflows use it (they break at once)") var force = false
        func run() async throws {
            let client = try options.client()
            _ = try await client.call("DELETE", try await client.connectionsPath() + "/\(id)" + (force ? "?force=true" : ""))
            say("Deleted \(id).")
        }
    }

    struct Usage: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client()
            try printJSON(try await client.call("GET", try await client.connectionsPath() + "/\(id)/usage"))
        }
    }
}
