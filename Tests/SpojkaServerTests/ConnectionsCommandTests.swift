import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SpojkaTestSupport
import Testing

/// `spojka connections …` against a real `spojka serve`, which calls a Stripe replica on loopback.
@Suite("spojka connections command")
struct ConnectionsCommandTests {
    let serve = ServeCommandTests()
    static let key = "sk_test_51ReplicaKey"

    func cli(_ arguments: [String], env: [String: String], stdin: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServeCommandTests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ServeCommandTests.binary)))
    func lifecycleFromTheCommandLineNeverPrintsTheSecret() async throws {
        try await ReplicaServer.run(StripeReplica.router(log: RequestLog())) { replica in
            let data = try TestDatabase.temporaryDirectory()
            let (server, out, _) = try serve.launch(["serve", "--port", "0", "--data", data], environment: ["SPOJKA_ALLOW_PRIVATE_NETWORK": "true"])
            defer { server.terminate(); server.waitUntilExit() }
            let line = try await serve.waitForLine(out, containing: "listening on")
            let url = try #require(line.split(separator: " ").last.map(String.init))
            var setup = URLRequest(url: URL(string: url + "/api/v1/setup")!)
            setup.httpMethod = "POST"
            setup.setValue("application/json", forHTTPHeaderField: "Content-Type")
            setup.httpBody = Data(#"{"email":"cli@example.com","name":"CLI","workspace":"W"}"#.utf8)
            let (body, _) = try await URLSession.shared.data(for: setup)
            let token = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String)
            let env = ["SPOJKA_URL": url, "SPOJKA_TOKEN": token]
            var transcript = ""
            let (created, createdText) = try cli(["connections", "create", "--connector", "stripe", "--name", "Stripe - Test",
                                                  "--service-url", replica], env: env, stdin: #"{"secretKey":"\#(Self.key)"}"#)
            transcript += createdText
            #expect(created == 0, "\(createdText)")
            let id = try #require(createdText.split(separator: "\"").first { $0.hasPrefix("conn_") }.map(String.init))
            let file = data + "/rotate.json"
            try Data(#"{"secretKey":"sk_test_WrongKey"}"#.utf8).write(to: URL(fileURLWithPath: file))
            let (rotated, rotatedText) = try cli(["connections", "rotate", id, "--credentials-file", file], env: env)
            transcript += rotatedText
            #expect(rotated == 1 && rotatedText.contains("verification_failed"))
            for command in [["list"], ["show", id], ["verify", id], ["usage", id]] {
                let (status, text) = try cli(["connections"] + command, env: env)
                transcript += text
                #expect(status == 0, "\(command): \(text)")
            }
            let (deleted, deletedText) = try cli(["connections", "delete", id], env: env)
            #expect(deleted == 0 && deletedText.contains("Deleted"))
            #expect(transcript.contains("\"status\" : \"active\""))
            #expect(!transcript.contains("51ReplicaKey") && !transcript.contains("WrongKey"))
            let (noToken, message) = try cli(["connections", "list"], env: ["SPOJKA_URL": url, "SPOJKA_TOKEN": ""])
            #expect(noToken != 0 && message.contains("SPOJKA_TOKEN"))
        }
    }
}
