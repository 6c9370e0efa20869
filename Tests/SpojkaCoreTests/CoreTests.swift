import Foundation
import SpojkaCore
import Testing

@Suite("Core values")
struct CoreTests {
    struct FixedBytes: IDGenerator {
        func randomBytes(_ count: Int) -> [UInt8] { Array(repeating: 0xAB, count: count) }
    }

    @Test func idsArePrefixedOpaqueAndValidated() {
        let id: ID<User> = SystemIDGenerator().make()
        #expect(id.rawValue.hasPrefix("usr_") && id.rawValue.count == 30)
        #expect(ID<User>(validating: id.rawValue) == id)
        #expect(ID<Workspace>(validating: id.rawValue) == nil)
        #expect(ID<User>(validating: "usr_") == nil)
        #expect(ID<User>(validating: "usr_ABC") == nil)
        #expect(ID<User>(validating: "usr_a'; drop table") == nil)
        let fixed: ID<Workspace> = FixedBytes().make()
        #expect(fixed.rawValue == "ws_vov2xk5lvov2xk5lvov2xk5lvo")
        #expect(SystemIDGenerator().token(prefix: "spk_").count == 47)
    }

    @Test func base32MatchesRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "mzxw6ytboi")
        #expect(Base32.encode(Array("f".utf8)) == "my")
        #expect(Base32.encode([]) == "")
    }

    @Test func jsonValuesCompareNumbersByValueAndRoundTrip() throws {
        #expect(JSONValue.int(1) == .double(1.0))
        #expect(JSONValue.int(1) != .double(1.5))
        #expect(JSONValue.bool(true) != .int(1))
        #expect(Set<JSONValue>([.int(2), .double(2.0)]).count == 1)
        let text = #"{"a":[1,2.5,"x",true,null],"b":{"c":9007199254740993}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["b"]?["c"] == .int(9_007_199_254_740_993))
        #expect(value["a"]?[4] == .null)
        #expect(value["a"]?[9] == nil)
        let again = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(value))
        #expect(again == value)
    }

    @Test func errorsCarryCodeKindAndFieldDetails() {
        let error = SpojkaError.validation([("email", "must be an email address"), ("name", "must not be empty")])
        #expect(error.code == .validationFailed && error.kind == .user)
        #expect(error.details["fields"]?[0]?["path"] == "email")
        #expect(error.message.contains("email: must be an email address"))
        #expect(Role.owner > Role.admin && Role.member > Role.viewer)
    }
}
