import Foundation
import Testing
import SpojkaConnectorKit
import SpojkaCore
@testable import SpojkaConnectors

private func call(_ implementation: String, _ arguments: JSONValue) async throws -> JSONValue {
    try await UtilityHarness.call(implementation, arguments)
}

@Suite("Date & Time utility")
struct UtilityDateTimeTests {
    @Test func addClampsToMonthEnd() async throws {
        #expect(try await call("datetime.add", ["date": "2024-01-31", "amount": 1, "unit": "months"])["result"] == "2024-02-29")
        #expect(try await call("datetime.add", ["date": "2024-01-31T10:00:00Z", "amount": 1, "unit": "months"])["result"] == "2024-02-29T10:00:00Z")
        #expect(try await call("datetime.add", ["date": "2024-02-29", "amount": 1, "unit": "years"])["result"] == "2025-02-28")
        #expect(try await call("datetime.add", ["date": "2024-03-30T12:00:00+01:00", "amount": -90, "unit": "minutes"])["result"]
            == "2024-03-30T10:30:00+01:00")
        #expect(try await call("datetime.add", ["date": "2024-01-01", "amount": 2, "unit": "weeks"])["result"] == "2024-01-15")
        #expect(try await call("datetime.add", ["date": "2024-03-30T12:00:00", "amount": 1, "unit": "days", "timezone": "Europe/Prague"])["result"]
            == "2024-03-31T12:00:00+02:00")
    }

    @Test func difference() async throws {
        #expect(try await call("datetime.difference", ["from": "2024-01-01", "to": "2024-03-15", "unit": "days"])
            == ["result": 74, "unit": "days", "seconds": 6_393_600])
        #expect(try await call("datetime.difference", ["from": "2024-01-31", "to": "2024-02-29", "unit": "months"])["result"] == 1)  // consistent with add: Jan 31 + 1 month = Feb 29
        #expect(try await call("datetime.difference", ["from": "2024-01-31", "to": "2024-02-28", "unit": "months"])["result"] == 0)
        #expect(try await call("datetime.difference", ["from": "2024-05-01T00:00:00Z", "to": "2023-05-01T00:00:01Z", "unit": "years"])["result"] == 0)
        #expect(try await call("datetime.difference", ["from": "2024-05-01T00:00:00Z", "to": "2022-05-01T00:00:00Z", "unit": "years"])["result"] == -2)
        #expect(try await call("datetime.difference", ["from": "2024-05-01T00:00:00Z", "to": "2024-05-01T01:30:00Z", "unit": "minutes"])["result"] == 90)
    }

    @Test func formatParseAndConvert() async throws {
        #expect(try await call("datetime.format", ["date": "2024-05-17T10:30:00Z", "pattern": "yyyy-MM-dd HH:mm", "timezone": "Europe/Prague"])["result"]
            == "2024-05-17 12:30")
        #expect(try await call("datetime.format", ["date": "2024-05-17", "pattern": "EEEE d MMMM yyyy"])["result"] == "Friday 17 May 2024")
        #expect(try await call("datetime.parse", ["text": "17.05.2024 10:30", "format": "dd.MM.yyyy HH:mm", "timezone": "Europe/Prague"])
            == ["iso": "2024-05-17T08:30:00Z", "unix": 1_715_934_600])
        #expect(try await call("datetime.parse", ["text": "2024-05-17T10:30:00.250+02:00"])["iso"] == "2024-05-17T08:30:00.250Z")
        #expect(try await call("datetime.parse", ["text": "Fri, 17 May 2024 10:30:00 +0200"])["iso"] == "2024-05-17T08:30:00Z")
        #expect(try await call("datetime.convert_timezone", ["date": "2024-05-17T10:30:00Z", "timezone": "Asia/Tokyo"])
            == ["result": "2024-05-17T19:30:00+09:00", "timezone": "Asia/Tokyo", "offsetSeconds": 32400])
    }

    @Test func errorsNameTheField() async throws {
        #expect(await UtilityHarness.failure("datetime.convert_timezone", ["date": "2024-05-17T10:30:00Z", "timezone": "Mars/Base"])?
            .contains("'timezone'") == true)
        #expect(await UtilityHarness.failure("datetime.add", ["date": "yesterday", "amount": 1, "unit": "days"])?.contains("'date'") == true)
        #expect(await UtilityHarness.failure("datetime.parse", ["text": "32.13.2024", "format": "dd.MM.yyyy"])?.contains("'text'") == true)
        #expect(await UtilityHarness.failure("datetime.difference", ["from": "2024-01-01", "to": "nope", "unit": "days"])?.contains("'to'") == true)
        #expect(await UtilityHarness.failure("datetime.add", ["date": "9999-12-01", "amount": 1, "unit": "years"]) != nil)
    }

    @Test func nowHonoursTimeZone() async throws {
        let now = try await call("datetime.now", ["timezone": "Asia/Kolkata"])
        #expect(now["iso"]?.stringValue?.contains("+05:30") == true)
        let unix = try #require(now["unix"]?.doubleValue)
        #expect(abs(unix - Date().timeIntervalSince1970) < 5)
    }
}

@Suite("Encoding utility")
struct UtilityEncodingTests {
    @Test func base64() async throws {
        #expect(try await call("encoding.base64_encode", ["text": "Hello, world"])["result"] == "SGVsbG8sIHdvcmxk")
        #expect(try await call("encoding.base64_encode", ["text": "??>", "urlSafe": true])["result"] == "Pz8-")
        #expect(try await call("encoding.base64_decode", ["text": "Pz8-"]) == ["result": "??>", "hex": "3f3f3e"])
        #expect(try await call("encoding.base64_decode", ["text": "SGk"])["result"] == "Hi")
        #expect(await UtilityHarness.failure("encoding.base64_decode", ["text": "@@@"])?.contains("Base64") == true)
        #expect(await UtilityHarness.failure("encoding.base64_decode", ["text": "/w=="])?.contains("UTF-8") == true)
    }

    @Test func urlAndHex() async throws {
        #expect(try await call("encoding.url_encode", ["text": "a b&c=d/é~"])["result"] == "a%20b%26c%3Dd%2F%C3%A9~")
        #expect(try await call("encoding.url_encode", ["text": "a b", "form": true])["result"] == "a+b")
        #expect(try await call("encoding.url_decode", ["text": "a+b%20%C3%A9", "form": true])["result"] == "a b é")
        #expect(await UtilityHarness.failure("encoding.url_decode", ["text": "100%"]) != nil)
        #expect(try await call("encoding.hex_encode", ["text": "Hi é"])["result"] == "486920c3a9")
        #expect(try await call("encoding.hex_decode", ["text": "48 69"])["result"] == "Hi")
        #expect(await UtilityHarness.failure("encoding.hex_decode", ["text": "4g"])?.contains("hex") == true)
    }

    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(input: String, digest: String) async throws {
        #expect(try await call("encoding.sha256", ["text": .string(input)])["result"] == .string(digest))
    }

    @Test func sha256LongInputAndBase64() async throws {
        let million = String(repeating: "a", count: 1_000_000)
        #expect(SHA256Digest.hash(Array(million.utf8)) == Array(hex: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"))
        #expect(try await call("encoding.sha256", ["text": "abc", "encoding": "base64"])["result"] == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        #expect(SHA1Digest.hash(Array("abc".utf8)) == Array(hex: "a9993e364706816aba3e25717850c26c9cd0d89d"))
        #expect(SHA512Digest.hash(Array("abc".utf8)) == Array(hex: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"))
    }

    @Test func hmacRFC4231AndRFC2202() async throws {
        let key = String(repeating: "0b", count: 20)
        let case1: JSONValue = ["key": .string(key), "keyEncoding": "hex", "message": "Hi There"]
        #expect(try await call("encoding.hmac", case1)["result"] == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        var sha512 = case1.objectValue ?? [:]
        sha512["algorithm"] = "sha512"
        #expect(try await call("encoding.hmac", .object(sha512))["result"] == "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
        #expect(try await call("encoding.hmac", ["key": "Jefe", "message": "what do ya want for nothing?"])["result"]
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(try await call("encoding.hmac", ["algorithm": "sha1", "key": "Jefe", "message": "what do ya want for nothing?"])["result"]
            == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        let longKey = String(repeating: "aa", count: 131)
        let case6: JSONValue = ["key": .string(longKey), "keyEncoding": "hex", "message": "Test Using Larger Than Block-Size Key - Hash Key First"]
        #expect(try await call("encoding.hmac", case6)["result"] == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        self = stride(from: 0, to: hex.count, by: 2).compactMap { offset in
            UInt8(String(hex.dropFirst(offset).prefix(2)), radix: 16)
        }
    }
}
