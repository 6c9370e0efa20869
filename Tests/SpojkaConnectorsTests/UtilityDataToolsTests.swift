import Foundation
import Testing
import SpojkaConnectorKit
import SpojkaCore
@testable import SpojkaConnectors

private func call(_ implementation: String, _ arguments: JSONValue) async throws -> JSONValue {
    try await UtilityHarness.call(implementation, arguments)
}

@Suite("JSON utility")
struct UtilityJSONTests {
    @Test func parseAndStringifyRoundTrip() async throws {
        let parsed = try await call("json.parse", ["text": #"{"b": [1, 2.5, null, true], "a": "x\ny"}"#])
        #expect(parsed["result"] == ["a": "x\ny", "b": [1, .double(2.5), nil, true]])
        let compact = try await call("json.stringify", ["value": ["b": 1, "a": ["z": nil, "y": "\"q\""]]])
        #expect(compact["result"] == #"{"a":{"y":"\"q\"","z":null},"b":1}"#)
        let pretty = try await call("json.stringify", ["value": ["a": [1]], "pretty": true])
        #expect(pretty["result"] == "{\n  \"a\": [\n    1\n  ]\n}")
        #expect(try await call("json.parse", ["text": "42"])["result"] == 42)
    }

    @Test func parseRejectsInvalidJSON() async {
        let message = await UtilityHarness.failure("json.parse", ["text": "{\"a\": }"])
        #expect(message?.contains("'text'") == true)
    }

    @Test func getUsesJMESPath() async throws {
        let value: JSONValue = ["orders": [["id": 1, "total": 5], ["id": 2, "total": 20]]]
        #expect(try await call("json.get", ["value": value, "path": "orders[?total > `10`].id"])["result"] == [2])
        let missing = try await call("json.get", ["value": value, "path": "customer.name", "default": "n/a"])
        #expect(missing == ["result": "n/a", "found": false])
        #expect(await UtilityHarness.failure("json.get", ["value": value, "path": "orders[?"])?.contains("'path'") == true)
    }

    @Test func mergeShallowAndDeep() async throws {
        let objects: JSONValue = [["a": 1, "n": ["x": 1, "k": [1]]], ["b": 2, "n": ["y": 2, "k": [2]]]]
        #expect(try await call("json.merge", ["objects": objects])["result"] == ["a": 1, "b": 2, "n": ["y": 2, "k": [2]]])
        #expect(try await call("json.merge", ["objects": objects, "deep": true])["result"]
            == ["a": 1, "b": 2, "n": ["x": 1, "y": 2, "k": [2]]])
    }
}

@Suite("Text utility")
struct UtilityTextTests {
    @Test func splitAndJoin() async throws {
        #expect(try await call("text.split", ["text": "a, b,,c", "separator": ",", "trim": true, "removeEmpty": true])
            == ["result": ["a", "b", "c"], "count": 3])
        #expect(try await call("text.split", ["text": "a:b:c:d", "separator": ":", "limit": 2])["result"] == ["a", "b:c:d"])
        #expect(try await call("text.split", ["text": "héj", "separator": ""])["result"] == ["h", "é", "j"])
        #expect(try await call("text.join", ["items": ["a", 1, true, nil, .double(2.5)], "separator": "|"])["result"] == "a|1|true||2.5")
    }

    @Test func replaceIsLiteralAndCounts() async throws {
        #expect(try await call("text.replace", ["text": "a.b.c", "search": ".", "replacement": "$1"]) == ["result": "a$1b$1c", "count": 2])
        #expect(try await call("text.replace", ["text": "Cat cat", "search": "cat", "replacement": "dog", "caseInsensitive": true])["result"] == "dog dog")
    }

    @Test(arguments: [
        ("upper", "hello World", "HELLO WORLD"), ("lower", "Hello World", "hello world"),
        ("title", "hello big-world", "Hello Big-World"), ("camel", "hello big world", "helloBigWorld"),
        ("snake", "HelloBigWorld", "hello_big_world"), ("kebab", "parseHTTPResponse v2", "parse-http-response-v2"),
        ("camel", "user_id", "userId"), ("snake", "Hello  World!", "hello_world"),
    ])
    func changeCase(target: String, input: String, expected: String) async throws {
        #expect(try await call("text.change_case", ["text": .string(input), "case": .string(target)])["result"] == .string(expected))
    }

    @Test func slugify() async throws {
        #expect(try await call("text.slugify", ["text": "Héllo, World!"])["result"] == "hello-world")
        #expect(try await call("text.slugify", ["text": "  Příliš žluťoučký kůň  ", "separator": "_"])["result"] == "prilis_zlutoucky_kun")
        #expect(try await call("text.slugify", ["text": "one two three", "maxLength": 8])["result"] == "one-two")
        #expect(try await call("text.slugify", ["text": "!!!"])["result"] == "")
    }

    @Test func truncate() async throws {
        #expect(try await call("text.truncate", ["text": "The quick brown fox", "length": 10]) == ["result": "The quick…", "truncated": true])
        #expect(try await call("text.truncate", ["text": "The quick brown fox", "length": 12, "wordBoundary": true])["result"] == "The quick…")
        #expect(try await call("text.truncate", ["text": "short", "length": 10]) == ["result": "short", "truncated": false])
        #expect(try await call("text.truncate", ["text": "abcdef", "length": 2, "suffix": "..."])["result"] == "..")
        #expect(try await call("text.truncate", ["text": "abcdef", "length": 0])["result"] == "")
    }
}

@Suite("Regex utility")
struct UtilityRegexTests {
    @Test func testAndFlags() async throws {
        #expect(try await call("regex.test", ["pattern": "^hello$", "text": "HELLO"])["matched"] == false)
        #expect(try await call("regex.test", ["pattern": "^hello$", "text": "x\nHELLO", "flags": "im"])["matched"] == true)
        #expect(try await call("regex.test", ["pattern": "a.b", "text": "a\nb", "flags": "s"])["matched"] == true)
    }

    @Test func matchReturnsGroupsAndNamedGroups() async throws {
        let result = try await call("regex.match", ["pattern": "(?<year>\\d{4})-(?<month>\\d{2})(-(\\d{2}))?", "text": "Due 2024-05"])
        #expect(result["matched"] == true)
        #expect(result["match"] == ["match": "2024-05", "index": 4, "groups": ["2024", "05", nil, nil],
                                    "namedGroups": ["year": "2024", "month": "05"]])
        #expect(try await call("regex.match", ["pattern": "z", "text": "abc"]) == ["matched": false, "match": nil])
    }

    @Test func extractAllAndLimit() async throws {
        let all = try await call("regex.extract", ["pattern": "#(\\w+)", "text": "#swift and #regex #x"])
        #expect(all["values"] == ["#swift", "#regex", "#x"])
        #expect(all["count"] == 3)
        #expect(try await call("regex.extract", ["pattern": "\\d", "text": "1234", "limit": 2])["values"] == ["1", "2"])
    }

    @Test func replaceWithBackreferences() async throws {
        #expect(try await call("regex.replace", ["pattern": "(\\w+)@(\\w+)", "text": "ada@example, bob@test", "replacement": "$2:$1"])
            == ["result": "example:ada, test:bob", "count": 2])
        #expect(try await call("regex.replace", ["pattern": "o", "text": "foo boo", "replacement": "0", "limit": 1])["result"] == "f0o boo")
        #expect(try await call("regex.replace", ["pattern": "a", "text": "a", "replacement": "\\$1"])["result"] == "$1")
    }

    @Test func stopsCatastrophicBacktracking() async {
        let text = String(repeating: "a", count: 40) + "!"
        let started = Date()
        let message = await UtilityHarness.failure("regex.test", ["pattern": "(a+)+$", "text": .string(text)])
        #expect(message?.contains("catastrophic") == true)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func guardsBadAndOversizedInput() async {
        #expect(await UtilityHarness.failure("regex.test", ["pattern": "(unclosed", "text": "x"])?.contains("'pattern'") == true)
        let huge = String(repeating: "a", count: (1 << 20) + 1)
        let impl = BuiltinConnectors.implementations["regex.test"]
        let tool = try? UtilityHarness.locate("regex.test")
        if let impl, let (manifest, spec) = tool {
            await #expect(throws: ToolError.self) {
                _ = try await impl.call(ToolInvocation(connector: manifest, tool: spec, arguments: ["pattern": "a", "text": .string(huge)]))
            }
            let longPattern = String(repeating: "a", count: 1001)
            await #expect(throws: ToolError.self) {
                _ = try await impl.call(ToolInvocation(connector: manifest, tool: spec, arguments: ["pattern": .string(longPattern), "text": "a"]))
            }
        }
    }
}

@Suite("Math utility")
struct UtilityMathTests {
    @Test(arguments: [
        ("2 + 3 * (4 - 1) ^ 2", 29.0), ("-2 ^ 2", -4.0), ("2 ^ 3 ^ 2", 512.0), ("10 % 4", 2.0), ("-(3 - 5) * 2", 4.0),
        ("abs(-2.5) + floor(1.7) + ceil(1.2)", 5.5), ("sqrt(16) + min(3, 1, 2) + max(4, 9)", 14.0),
        ("round(2.345, 2)", 2.35), ("round(1.005, 2)", 1.01), ("1.5e3 / 3", 500.0), ("2 * pi > 6 + 0", 1.0),
    ])
    func evaluates(expression: String, expected: Double) async throws {
        if expression.contains(">") {
            #expect(await UtilityHarness.failure("math.evaluate", ["expression": .string(expression)]) != nil)
            return
        }
        let result = try await call("math.evaluate", ["expression": .string(expression)])
        #expect(result["result"]?.doubleValue == expected)
    }

    @Test func variablesAndErrors() async throws {
        #expect(try await call("math.evaluate", ["expression": "price * qty", "variables": ["price": .double(2.5), "qty": 4]])["result"] == 10)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "1 / (2 - 2)"])?.contains("division by zero") == true)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "5 % 0"])?.contains("modulo by zero") == true)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "x + 1"])?.contains("unknown name 'x'") == true)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "system(1)"])?.contains("unknown function") == true)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "sqrt(-1)"]) != nil)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "(1 + 2"]) != nil)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": "10 ^ 400"])?.contains("finite") == true)
        let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        #expect(await UtilityHarness.failure("math.evaluate", ["expression": .string(deep)])?.contains("nested") == true)
    }

    @Test func rounding() async throws {
        #expect(try await call("math.round", ["value": .double(3.14159), "decimals": 2])["result"] == .double(3.14))
        #expect(try await call("math.round", ["value": .double(2.5)])["result"] == 3)
        #expect(try await call("math.round", ["value": .double(2.5), "mode": "half_even"])["result"] == 2)
        #expect(try await call("math.round", ["value": 1234, "decimals": -2])["result"] == 1200)
        #expect(try await call("math.round", ["value": .double(-1.55), "decimals": 1, "mode": "floor"])["result"] == .double(-1.6))
        #expect(try await call("math.round", ["value": .double(-1.55), "decimals": 1, "mode": "ceil"])["result"] == .double(-1.5))
        #expect(try await call("math.round", ["value": .double(-1.59), "decimals": 1, "mode": "truncate"])["result"] == .double(-1.5))
        #expect(try await call("math.round", ["value": .double(1e300), "decimals": 15])["result"] == .double(1e300))
    }

    @Test func statistics() async throws {
        let stats = try await call("math.statistics", ["numbers": [2, 4, 4, 4, 5, 5, 7, 9]])
        #expect(stats == ["count": 8, "sum": 40, "mean": 5, "median": .double(4.5), "min": 2, "max": 9, "stddev": 2, "variance": 4])
        #expect(try await call("math.statistics", ["numbers": [3, 1, 2]])["median"] == 2)
    }
}

@Suite("CSV utility")
struct UtilityCSVTests {
    @Test func parsesQuotedFieldsWithHeader() async throws {
        let result = try await call("csv.parse", ["text": "name,note\r\nAda,\"Hello, world\"\r\nBob,\"Line 1\nLine 2 \"\"quoted\"\"\"\r\n\r\nCy\r\n"])
        #expect(result["columns"] == ["name", "note"])
        #expect(result["rows"] == [["name": "Ada", "note": "Hello, world"], ["name": "Bob", "note": "Line 1\nLine 2 \"quoted\""],
                                   ["name": "Cy", "note": nil]])
        #expect(result["count"] == 3)
    }

    @Test func parsesWithoutHeaderAndOtherDelimiter() async throws {
        let result = try await call("csv.parse", ["text": "a;b\n1;\"2;3\"", "delimiter": ";", "header": false])
        #expect(result["rows"] == [["a", "b"], ["1", "2;3"]])
        #expect(await UtilityHarness.failure("csv.parse", ["text": "a,\"b\n1,2"])?.contains("unterminated") == true)
    }

    @Test func generatesAndRoundTrips() async throws {
        let rows: JSONValue = [["name": "Ada", "note": "Hello, world", "n": 1], ["name": "Bob", "note": "say \"hi\"\nbye", "n": nil]]
        let csv = try await call("csv.generate", ["rows": rows, "columns": ["name", "note", "n"]])
        #expect(csv["result"] == "name,note,n\nAda,\"Hello, world\",1\nBob,\"say \"\"hi\"\"\nbye\",\n")
        let back = try await call("csv.parse", ["text": try #require(csv["result"])])
        #expect(back["rows"] == [["name": "Ada", "note": "Hello, world", "n": "1"], ["name": "Bob", "note": "say \"hi\"\nbye", "n": ""]])
        let arrays = try await call("csv.generate", ["rows": [[1, "x"], [true, nil]], "lineEnding": "\r\n"])
        #expect(arrays["result"] == "1,x\r\ntrue,\r\n")
        #expect(try await call("csv.generate", ["rows": [["b": 1, "a": 2]]])["result"] == "a,b\n2,1\n")
    }
}
