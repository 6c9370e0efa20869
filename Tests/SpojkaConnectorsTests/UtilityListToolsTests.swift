import Foundation
import Testing
import SpojkaConnectorKit
import SpojkaCore
@testable import SpojkaConnectors

private func call(_ implementation: String, _ arguments: JSONValue) async throws -> JSONValue {
    try await UtilityHarness.call(implementation, arguments)
}

@Suite("Identifiers utility")
struct UtilityIdentifierTests {
    @Test func uuidV4() async throws {
        let ids = try #require(try await call("identifiers.uuid_v4", ["count": 50])["ids"]?.arrayValue?.compactMap(\.stringValue))
        #expect(ids.count == 50 && Set(ids).count == 50)
        for id in ids {
            #expect(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil, "\(id)")
            #expect(UUID(uuidString: id) != nil)
        }
        let upper = try #require(try await call("identifiers.uuid_v4", ["uppercase": true])["id"]?.stringValue)
        #expect(upper == upper.uppercased() && upper.count == 36)
    }

    @Test func uuidV7IsVersion7AndTimeOrdered() async throws {
        let first = try #require(try await call("identifiers.uuid_v7", ["count": 100])["ids"]?.arrayValue?.compactMap(\.stringValue))
        try await Task.sleep(for: .milliseconds(3))
        let later = try #require(try await call("identifiers.uuid_v7", [:])["id"]?.stringValue)
        let all = first + [later]
        #expect(all == all.sorted() && Set(all).count == all.count)
        for id in all {
            #expect(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil, "\(id)")
        }
        let millis = UInt64(String(later.replacingOccurrences(of: "-", with: "").prefix(12)), radix: 16) ?? 0
        #expect(abs(Double(millis) - Date().timeIntervalSince1970 * 1000) < 5000)
    }

    @Test func ulidIsCrockfordAndOrdered() async throws {
        let ids = try #require(try await call("identifiers.ulid", ["count": 100])["ids"]?.arrayValue?.compactMap(\.stringValue))
        #expect(ids == ids.sorted() && Set(ids).count == 100)
        for id in ids { #expect(id.range(of: "^[0-7][0-9A-HJKMNP-TV-Z]{25}$", options: .regularExpression) != nil, "\(id)") }
        #expect(ULIDGenerator.encode(time: 1_469_918_176_385, high: 0, low: 0) == "01ARYZ6S410000000000000000")
        #expect(ULIDGenerator.encode(time: 0, high: 0xFFFF, low: .max) == "0000000000ZZZZZZZZZZZZZZZZ")
    }
}

@Suite("Array utility")
struct UtilityArrayTests {
    static let people: JSONValue = [["name": "Ada", "age": 36, "team": "core"], ["name": "Bob", "age": 17, "team": "web"],
                                    ["name": "Cy", "age": 52, "team": "core", "tags": ["x"]]]

    @Test func filterOperators() async throws {
        func names(_ op: String, _ field: String, _ value: JSONValue?) async throws -> JSONValue? {
            var args: [String: JSONValue] = ["items": Self.people, "field": .string(field), "operator": .string(op)]
            args["value"] = value
            return try await call("array.filter", .object(args))["result"]?.arrayValue.map { .array($0.compactMap { $0["name"] }) }
        }
        #expect(try await names("gt", "age", 18) == ["Ada", "Cy"])
        #expect(try await names("lte", "age", 36) == ["Ada", "Bob"])
        #expect(try await names("equals", "team", "core") == ["Ada", "Cy"])
        #expect(try await names("not_equals", "team", "core") == ["Bob"])
        #expect(try await names("contains", "name", "y") == ["Cy"])
        #expect(try await names("contains", "tags", "x") == ["Cy"])
        #expect(try await names("exists", "tags", nil) == ["Cy"])
        #expect(try await names("not_exists", "tags", nil) == ["Ada", "Bob"])
        #expect(try await names("gt", "name", 3) == [])
        #expect(try await call("array.filter", ["items": [1, 5, 10], "operator": "gte", "value": 5])["result"] == [5, 10])
        #expect(await UtilityHarness.failure("array.filter", ["items": [1], "operator": "gt"])?.contains("'value'") == true)
    }

    @Test func sortIsStableWithMixedTypes() async throws {
        #expect(try await call("array.sort", ["items": ["b", 2, nil, "a", true, .double(1.5)]])["result"] == [nil, true, .double(1.5), 2, "a", "b"])
        let byTeam = try await call("array.sort", ["items": Self.people, "by": "team", "order": "desc"])["result"]
        #expect(byTeam?.arrayValue?.compactMap { $0["name"] } == ["Bob", "Ada", "Cy"])
    }

    @Test func uniqueFindFlattenChunkGroup() async throws {
        #expect(try await call("array.unique", ["items": [1, 2, 2, .double(1.0), "1"]]) == ["result": [1, 2, "1"], "count": 3])
        #expect(try await call("array.unique", ["items": Self.people, "by": "team"])["count"] == 2)
        let found = try await call("array.find", ["items": Self.people, "field": "name", "operator": "starts_with", "value": "B"])
        #expect(found["index"] == 1 && found["found"] == true && found["result"]?["name"] == "Bob")
        #expect(try await call("array.find", ["items": [1, 2], "operator": "equals", "value": 3]) == ["result": nil, "index": -1, "found": false])
        #expect(try await call("array.flatten", ["items": [1, [2, [3, [4]]]]])["result"] == [1, 2, [3, [4]]])
        #expect(try await call("array.flatten", ["items": [1, [2, [3, [4]]]], "depth": 5])["result"] == [1, 2, 3, 4])
        #expect(try await call("array.chunk", ["items": [1, 2, 3, 4, 5], "size": 2])["result"] == [[1, 2], [3, 4], [5]])
        #expect(try await call("array.chunk", ["items": [], "size": 3])["result"] == [])
        let groups = try await call("array.group", ["items": .array((Self.people.arrayValue ?? []) + [["name": "Dee"]]), "by": "team"])
        #expect(groups["keys"] == ["core", "web", "null"])
        #expect(groups["result"]?["core"]?.arrayValue?.count == 2 && groups["result"]?["null"]?.arrayValue?.count == 1)
    }
}

@Suite("Validation utility")
struct UtilityValidationTests {
    static func valid(_ tool: String, _ value: String) async throws -> Bool {
        try await call("validation.\(tool)", ["value": .string(value)])["valid"] == true
    }

    @Test func email() async throws {
        for good in ["ada@example.com", "first.last+tag@sub.example.co.uk", "o'neil@xn--bcher-kva.ch"] { #expect(try await Self.valid("email", good), "\(good)") }
        for bad in ["not-an-email", "a@b", "a@@b.com", ".a@b.com", "a..b@c.com", "a@-b.com", "a b@c.com", "a@b.c"] {
            #expect(try await !Self.valid("email", bad), "\(bad)")
        }
        #expect(try await call("validation.email", ["value": "x"])["reason"] != nil)
    }

    @Test func url() async throws {
        for good in ["https://example.com/path?q=1", "http://localhost:8080", "https://192.168.0.1/x", "http://[::1]/"] { #expect(try await Self.valid("url", good), "\(good)") }
        for bad in ["ftp://example.com", "example.com", "https://", "https://exa mple.com", "javascript:alert(1)", "http://-bad-.com"] {
            #expect(try await !Self.valid("url", bad), "\(bad)")
        }
        #expect(try await call("validation.url", ["value": "ftp://example.com", "schemes": ["ftp"]])["valid"] == true)
    }

    @Test func phoneAndLuhn() async throws {
        for good in ["+420601123456", "+14155552671", "+447911123456"] { #expect(try await Self.valid("phone_e164", good), "\(good)") }
        for bad in ["420601123456", "+0123456", "+1234567890123456", "+1 415 555", "+"] { #expect(try await !Self.valid("phone_e164", bad), "\(bad)") }
        for good in ["4539578763621486", "4539 5787 6362 1486", "79927398713", "0"] where good.count > 1 {
            #expect(try await Self.valid("luhn", good), "\(good)")
        }
        for bad in ["4539578763621487", "1234-5678", "12a4", "7"] { #expect(try await !Self.valid("luhn", bad), "\(bad)") }
    }
}
