import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaSecrets
import SpojkaServer

/// `spojka-bench`: the benchmarks behind BENCHMARKS.md (run with `./scripts/bench`, release build).
@main
struct Bench {
    static func main() async throws {
        let binary = CommandLine.arguments.dropFirst().first
        let only = ProcessInfo.processInfo.environment["SPOJKA_BENCH_ONLY"]
        var rows: [(String, String)] = []
        if only == nil || only == "core" {
            rows += try sealOpen()
            rows += try schemaValidation()
            rows += try await toolCallOverhead()
            rows += try await connections()
            if let binary { rows += try await coldStart(binary: binary) }
            rows += try await authenticatedLoad()
        }
        if only == nil || only == "oauth" { rows += try await oauthStorm() }
        if only == nil || only == "mcp" { rows += try await mcp() }
        if only == nil || only == "workflows" || only == "w1" {
            var figures: [String: JSONValue] = [:]
            let modes = ProcessInfo.processInfo.environment["SPOJKA_BENCH_MODES"] ?? "in-memory durable"
            for durable in [false, true] where modes.contains(durable ? "durable" : "in-memory") {
                rows += try await workflows(durable: durable, onlyW1: only == "w1", json: &figures)
            }
            if let path = ProcessInfo.processInfo.environment["SPOJKA_BENCH_JSON"] {
                try JSONEncoder().encode(JSONValue.object(figures)).write(to: URL(fileURLWithPath: path))
            }
        }
        if only == nil || only == "processes" {
            if let binary { rows += try await processes(binary: binary) } else {
                FileHandle.standardError.write(Data("the W1 process benchmarks need the spojka binary as the first argument\n".utf8))
            }
        }
        print("| benchmark | result |")
        print("|---|---|")
        for (name, value) in rows { print("| \(name) | \(value) |") }
    }

    static func sealOpen() throws -> [(String, String)] {
        let key = SymmetricKey(size: .bits256)
        let context = SealContext(workspace: ID(rawValue: "ws_bench"), record: "conn_bench", field: "token")
        let plaintext = [UInt8](repeating: 0x61, count: 1024)
        var sealed: [UInt8] = []
        let seal = try measure(count: 20_000) { sealed = try Envelope.seal(plaintext, key: key, keyID: "dek_bench", context: context) }
        let open = try measure(count: 20_000) { _ = try Envelope.open(sealed, key: key, context: context) }
        return [("seal 1 KiB credential (AES-256-GCM, AAD) p50 / p99", "\(micros(seal.p50)) / \(micros(seal.p99))"),
                ("open 1 KiB credential p50 / p99", "\(micros(open.p50)) / \(micros(open.p99))")]
    }

    static func schemaValidation() throws -> [(String, String)] {
        let catalog = try loadCatalog()
        guard let tool = catalog.connector("http")?.tool("http_request") else { return [] }
        let schema = try JSONSchema(tool.inputSchema)
        let input: JSONValue = ["url": "https://api.example.com/v1/items", "method": "POST",
                                "query": ["limit": 10, "q": "shoes"], "headers": ["X-Trace": "abc"], "body": ["name": "Widget", "tags": ["a", "b"]]]
        let stats = measure(count: 50_000) { precondition(schema.isValid(input)) }
        return [("JSON Schema validation of a typical tool input (http_request) p50 / p99", "\(micros(stats.p50)) / \(micros(stats.p99))")]
    }
}
