import Foundation
import SpojkaCore
import Testing
@testable import SpojkaConnectorKit

/// Runs the official JMESPath compliance suite plus a few focused checks.
@Suite struct JMESPathComplianceTests {
    /// `/work/shared/testsuites/jmespath/tests`, located relative to this file.
    private static var suiteDirectory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // SpojkaConnectorKitTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("../shared/testsuites/jmespath/tests")
            .standardizedFileURL
    }

    @Test func complianceSuite() throws {
        let files = try FileManager.default
            .contentsOfDirectory(at: Self.suiteDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(!files.isEmpty, "no suite files in \(Self.suiteDirectory.path)")
        var passed = 0
        var failures: [String] = []
        for file in files {
            let groups = try JSONDecoder().decode([[String: JSONValue]].self, from: Data(contentsOf: file))
            for group in groups {
                let given = group["given"] ?? .null
                for case .object(let testCase) in group["cases"]?.arrayValue ?? [] {
                    if let failure = Self.run(testCase, given: given) {
                        failures.append("\(file.lastPathComponent): \(failure)")
                    } else {
                        passed += 1
                    }
                }
            }
        }
        print("JMESPath compliance: \(passed) passed, \(failures.count) failed")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.isEmpty, "\(failures.count) failing cases:\n\(failures.joined(separator: "\n"))")
    }

    /// Runs one case; returns a description of the failure, or `nil` if it passed.
    private static func run(_ testCase: [String: JSONValue], given: JSONValue) -> String? {
        guard case .string(let source)? = testCase["expression"] else { return "case without expression" }
        if let expected = testCase["result"] {
            return checkResult(source, given: given, expected: expected)
        }
        if case .string(let kind)? = testCase["error"] {
            return checkError(source, given: given, kind: kind)
        }
        do {
            let expression = try JMESPathExpression(source)
            _ = try? expression.search(given)
            return nil
        } catch {
            return "\(source) (bench) failed to parse: \(error)"
        }
    }

    private static func checkResult(_ source: String, given: JSONValue, expected: JSONValue) -> String? {
        do {
            let actual = try JMESPathExpression(source).search(given)
            guard actual == expected else {
                return "\(source) => \(JMESSerializer.serialize(actual)), expected \(JMESSerializer.serialize(expected))"
            }
            return nil
        } catch {
            return "\(source) threw \(error), expected \(JMESSerializer.serialize(expected))"
        }
    }

    private static func checkError(_ source: String, given: JSONValue, kind: String) -> String? {
        do {
            let actual = try JMESPathExpression(source).search(given)
            return "\(source) => \(JMESSerializer.serialize(actual)), expected a \(kind) error"
        } catch {
            guard error.kind.rawValue == kind else { return "\(source) threw \(error), expected a \(kind) error" }
            return nil
        }
    }

    // MARK: - Focused checks

    @Test func compiledExpressionIsReusable() throws {
        let expression = try JMESPathExpression("people[?age > `30`].name | sort(@)")
        let first: JSONValue = .object(["people": .array([
            .object(["name": .string("b"), "age": .int(40)]),
            .object(["name": .string("a"), "age": .int(50)]),
            .object(["name": .string("c"), "age": .int(20)]),
        ])])
        #expect(try expression.search(first) == .array([.string("a"), .string("b")]))
        #expect(try expression.search(.object(["people": .array([])])) == .array([]))
        #expect(expression.source == "people[?age > `30`].name | sort(@)")
    }

    @Test func errorsCarryKindAndOffset() {
        #expect(throws: JMESPathError.self) { try JMESPathExpression("foo.") }
        do {
            _ = try JMESPathExpression("foo[?a == ]")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.offset == 10)
        }
        do {
            _ = try JMESPathExpression("length(@)").search(.bool(true))
            Issue.record("expected a type error")
        } catch {
            #expect(error.kind == .invalidType)
        }
    }

    @Test func toStringFormatsNumbersLikeJavaScript() {
        let cases: [(Double, String)] = [
            (1.0, "1"), (-1.5, "-1.5"), (1.01, "1.01"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (1e-7, "1e-7"), (0.000001, "0.000001"), (123.456, "123.456"), (1.5e300, "1.5e+300"),
        ]
        for (value, text) in cases {
            #expect(JMESSerializer.format(value) == text, "\(value)")
        }
        #expect(JMESSerializer.serialize(.object(["b": .array([.int(1), .null]), "a": .string("x\"\n")]))
            == #"{"a":"x\"\n","b":[1,null]}"#)
    }

    @Test func resultsAreDeterministicForObjectProjections() throws {
        let data: JSONValue = .object(["z": .int(1), "a": .int(2), "m": .int(3)])
        #expect(try JMESPathExpression("*").search(data) == .array([.int(2), .int(3), .int(1)]))
        #expect(try JMESPathExpression("values(@)").search(data) == .array([.int(2), .int(3), .int(1)]))
        #expect(try JMESPathExpression("keys(@)").search(data) == .array([.string("a"), .string("m"), .string("z")]))
    }

    @Test func pathologicalNestingIsRejectedNotCrashing() throws {
        let chain = Array(repeating: "a", count: 200).joined(separator: ".")
        var nested: JSONValue = .int(1)
        for _ in 0..<199 { nested = .object(["a": nested]) }
        #expect(try JMESPathExpression(chain).search(.object(["a": nested])) == .int(1))
        let tooDeep = String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000)
        #expect(throws: JMESPathError.self) { try JMESPathExpression(tooDeep) }
        let tooLong = Array(repeating: "a", count: 5000).joined(separator: ".")
        #expect(throws: JMESPathError.self) { try JMESPathExpression(tooLong) }
    }

    @Test func extremeSliceStepsAndIndicesEndTheSliceInsteadOfTrapping() throws {
        let items: JSONValue = [1, 2, 3]
        #expect(try JMESPathExpression("[1::9223372036854775807]").search(items) == [2])
        #expect(try JMESPathExpression("[2::9223372036854775807]").search(items) == [3])
        #expect(try JMESPathExpression("[::-9223372036854775808]").search(items) == [3])
        #expect(try JMESPathExpression("[-9223372036854775808:9223372036854775807]").search(items) == [1, 2, 3])
        #expect(try JMESPathExpression("[-9223372036854775808]").search(items) == .null)
        #expect(try JMESPathExpression("abs(`-9223372036854775808`)").search(.null) != .null)
    }

    @Test func specEdgeCases() throws {
        let data: JSONValue = .object(["s": .string("a𝄞b"), "n": .array([.int(3), .double(1.5), .int(2)])])
        let cases: [(String, JSONValue)] = [
            ("length(s)", .int(3)),
            ("reverse(s)", .string("b𝄞a")),
            ("contains(s, '𝄞')", .bool(true)),
            ("s < 'b'", .null),
            ("max(n)", .int(3)),
            ("sort(n)", .array([.double(1.5), .int(2), .int(3)])),
            ("sum(n)", .double(6.5)),
            ("ceil(`1.5`)", .int(2)),
            ("to_number(' 12')", .int(12)),
            ("to_number('12abc')", .null),
            ("to_number('0x10')", .null),
            ("to_number('-0.5')", .double(-0.5)),
            ("to_string(`1.0`)", .string("1")),
            ("to_string(`{\"a\": [1.5, \"\\u00e9\"]}`)", .string(#"{"a":[1.5,"é"]}"#)),
            ("n[::-2]", .array([.int(2), .int(3)])),
            ("`\"\\ud834\\udd1e\"`", .string("𝄞")),
        ]
        for (source, expected) in cases {
            #expect(try JMESPathExpression(source).search(data) == expected, "\(source)")
        }
    }
}
