import Foundation
import SpojkaCore
import Testing

@Suite("JSON text: linear parser and serialiser")
struct JSONTextTests {
    @Test func parsesWhatFoundationParsesToTheSameValue() throws {
        let documents = [
            #"{"a": [1, -2, 3.5, 1e3, -0.25E-2, 9223372036854775807, 9223372036854775808], "b": {"c": null, "d": true, "e": false}}"#,
            #"["plain", "esc \" \\ \/ \b \f \n \r \t", "\u00e9\u4e2d\ud83d\ude00", "raw é 中 😀", ""]"#,
            #"  {"dup": 1, "dup": 2, "empty": {}, "list": [], "nested": [[[]], {"x": [{}]}]}  "#,
            "0", "-0", "\"text\"", "null", "[1.0]",
        ]
        for text in documents {
            let ours = try JSONValue(parsingText: text)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(ours == foundation, "\(text)")
            #expect(try JSONValue(parsingText: ours.jsonText) == ours, "round trip of \(text)")
        }
        #expect(try JSONValue(parsingText: "9223372036854775807") == .int(Int.max))
        #expect(try JSONValue(parsingText: "[1.5]").jsonText == "[1.5]")
    }

    @Test func refusesWhatIsNotJSON() {
        let bad = ["", " ", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "[1 2]", "{\"a\" 1}", "{1: 2}", "\"tab\there\"", "\"\\x\"",
                   "\"\\ud800\"", "\"\\udc00x\"", "[", "{\"a\":", "nul", "truex", "[1]]", "1e999", "\"open"]
        for text in bad {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONValue(parsingText: text) }
        }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\"")]) }
    }

    @Test func nestingIsLimitedAndDeepValuesStayLinear() throws {
        func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        #expect(try JSONValue(parsingText: nested(64)).depth == 64)
        do {
            _ = try JSONValue(parsingText: nested(65))
            Issue.record("65 levels were accepted")
        } catch {
            #expect(error.kind == .tooDeep && error.message.contains("64"))
        }
        #expect(throws: JSONParseError.self) { try JSONValue(parsingText: #"{"a": {"b": [\#(nested(63))]}}"#) }
        // 5,000 levels: far beyond what recursive or cubic code could handle in a test run.
        let deep = nested(5000)
        let value = try JSONValue(parsingText: deep, maxDepth: 10_000)
        #expect(value.depth == 5000)
        #expect(value.jsonText == deep)
        #expect(JSONValue.int(3).depth == 0 && JSONValue.object(["a": [1]]).depth == 2)
    }

    @Test func serialisesWithSortedKeysUnescapedSlashesAndEscapedControls() throws {
        let value: JSONValue = ["b": 1, "a": ["x/y", "line\nbreak\u{1}", .double(0.5), .double(2), .double(.nan), .null, true]]
        #expect(value.jsonText == #"{"a":["x/y","line\nbreak\u0001",0.5,2,null,null,true],"b":1}"#)
    }

    struct Body: Decodable, Equatable {
        enum Kind: String, Decodable { case a, b }
        let name: String
        let count: Int?
        let ratio: Double
        let kind: Kind
        let tags: [String]
        let map: [String: String]?
        let input: JSONValue?
        let at: Date?
    }

    @Test func decodesTypesFromParsedValuesLikeFoundationDoes() throws {
        let text = #"{"name": "n", "count": 3, "ratio": 1, "kind": "b", "tags": ["x"], "map": {"k": "v"}, "input": {"deep": [[1]]}, "at": "2027-01-31T12:00:00Z"}"#
        let ours = try JSONValueDecoder().decode(Body.self, from: try JSONValue(parsingText: text))
        let foundation = try { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return try d.decode(Body.self, from: Data(text.utf8)) }()
        #expect(ours == foundation)
        let sparse = try JSONValueDecoder().decode(Body.self, from: ["name": "n", "ratio": 2, "kind": "a", "tags": [], "input": .null])
        #expect(sparse.count == nil && sparse.input == nil && sparse.map == nil)
        func failure(_ value: JSONValue) -> DecodingError? {
            do { _ = try JSONValueDecoder().decode(Body.self, from: value); return nil } catch { return error as? DecodingError }
        }
        guard case .keyNotFound(let key, _)? = failure(["ratio": 1, "kind": "a", "tags": []]) else { Issue.record("missing name"); return }
        #expect(key.stringValue == "name")
        guard case .typeMismatch(let type, let context)? = failure(["name": "n", "ratio": 1, "kind": "a", "tags": [1]]) else {
            Issue.record("wrong tag type"); return
        }
        #expect(type == String.self && context.codingPath.map(\.stringValue) == ["tags", "0"])
        guard case .valueNotFound? = failure(["name": .null, "ratio": 1, "kind": "a", "tags": []]) else { Issue.record("null name"); return }
        guard case .dataCorrupted? = failure(["name": "n", "ratio": 1, "kind": "c", "tags": []]) else { Issue.record("bad enum"); return }
    }
}
