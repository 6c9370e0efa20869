import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SpojkaSecrets
import SpojkaTestSupport
import Testing

/// Runs the real `spojka` executable: start, serve, graceful shutdown, and refusal with a wrong key.
@Suite("spojka command")
struct ServeCommandTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/spojka").path

    func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SPOJKA_PASSWORD_COST"] = "10"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Collects stdout in the background and waits (at most `seconds`) for a line containing `needle`.
    func waitForLine(_ pipe: Pipe, containing needle: String, seconds: Double = 60) async throws -> String {
        let buffer = LogCapture()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { buffer.record(String(decoding: chunk, as: UTF8.self)) }
        }
        defer { pipe.fileHandleForReading.readabilityHandler = nil }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = buffer.all.joined()
            if let line = text.split(separator: "\n").first(where: { $0.contains(needle) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("no line containing \(needle) in: \(buffer.all.joined())")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: binary)))
    func serveStartsAnswersAndStopsGracefullyOnSIGTERM() async throws {
        let data = try TestDatabase.temporaryDirectory()
        let (process, out, _) = try launch(["serve", "--port", "0", "--data", data])
        let line = try await waitForLine(out, containing: "listening on")
        let url = try #require(line.split(separator: " ").last.map(String.init))
        let (body, response) = try await URLSession.shared.data(from: URL(string: url + "/readyz")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("ready"))
        #expect(FileManager.default.fileExists(atPath: data + "/spojka.sqlite"))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: binary)))
    func aWrongMasterKeyStopsTheServerWithAClearMessage() async throws {
        let data = try TestDatabase.temporaryDirectory()
        let (first, _, _) = try launch(["migrate", "--data", data])
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let wrong = MasterKey.generate().base64().reveal()
        let (second, _, err) = try launch(["serve", "--port", "0", "--data", data], environment: ["SPOJKA_MASTER_KEY": wrong])
        second.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(second.terminationStatus == 1)
        #expect(message.contains("expects kek_"))
        #expect(!message.contains(wrong))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: binary)))
    func connectorsValidateNamesFilePathAndRule() async throws {
        let (good, goodOut, _) = try launch(["connectors", "validate"])
        good.waitUntilExit()
        #expect(good.terminationStatus == 0)
        #expect(String(decoding: goodOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("All manifests are valid."))
        let dir = try TestDatabase.temporaryDirectory()
        let file = dir + "/manifest.json"
        try Data(#"{"key":"Bad Key","name":"x","category":"Utilities","description":"d","version":"1.0","auth":{"type":"none"},"tools":[]}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let (bad, badOut, _) = try launch(["connectors", "validate", file])
        bad.waitUntilExit()
        let text = String(decoding: badOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(bad.terminationStatus == 1)
        #expect(text.contains("\(file): /key: [pattern]") && text.contains("/version: [pattern]") && text.contains("/tools: [minItems]"))
    }
}
