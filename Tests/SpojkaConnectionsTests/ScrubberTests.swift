import Foundation
import SpojkaConnections
import SpojkaCore
import Testing

@Suite("Scrubbing")
struct ScrubberTests {
    @Test func removesWholeAndMaskedCredentials() {
        let scrub = Scrubber([Secret("sk_live_abcdefgh9876"), Secret("abc")])
        #expect(scrub.text("key sk_live_abcdefgh9876 used") == "key [redacted] used")
        #expect(scrub.text("Invalid API Key provided: sk_live_****9876") == "Invalid API Key provided: [redacted]")
        #expect(scrub.text("abc stays: too short to match safely") == "abc stays: too short to match safely")
        let value: JSONValue = ["echo": "sk_live_abcdefgh9876", "list": ["x sk_live_abcdefgh9876"]]
        #expect(scrub.value(value) == ["echo": "[redacted]", "list": ["x [redacted]"]])
    }

    @Test func secretsStartingWithAnyByteAreFoundAnywhereInTheText() {
        for secret in ["ünïcødé-pässwörd", "~tilde-secret", "0123456789", "ZZZZ-upper"] {
            let scrub = Scrubber([Secret(secret)])
            for text in [secret, "x\(secret)", "£€ \(secret) end", "\(secret)\(secret)"] {
                #expect(!scrub.text(text).contains(secret), "\(secret) in \(text)")
            }
            #expect(scrub.text("masked sk_****here") == "masked [redacted]")
            #expect(scrub.text("a single * star stays") == "a single * star stays")
        }
    }
}

@Suite("Scrubbing: derived forms")
struct DerivedFormScrubberTests {
    static let password = "pa ss+/Q=x9", user = "someone"
    static let basic = Data("\(user):\(password)".utf8).base64EncodedString()

    @Test func theInjectedBasicValueItsBase64AndTheDecodedPairAreRemoved() {
        let scrub = Scrubber([Secret(Self.password)], injected: ["Basic \(Self.basic)"])
        #expect(scrub.text("saw Basic \(Self.basic)") == "saw [redacted]")
        #expect(scrub.text("token=\(Self.basic)") == "token=[redacted]")
        #expect(!scrub.text("pair \(Self.user):\(Self.password)").contains(Self.password))
        let url = Self.basic.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(!scrub.text("b64url \(url)").contains(String(url.prefix(12))))
    }

    @Test func percentEncodedAndBase64FormsOfARawSecretAreRemoved() {
        let secret = "k3y+/with space=\(0xBEEF)"
        let scrub = Scrubber([Secret(secret)])
        let query = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(scrub.text("GET /x?key=\(query)&a=1") == "GET /x?key=[redacted]&a=1")
        #expect(!scrub.text("echo \(Data(secret.utf8).base64EncodedString())").contains(String(Data(secret.utf8).base64EncodedString().prefix(16))))
        for prefix in ["a", "ab", "abc"] {
            // Inside a larger encoded value, at each alignment.
            let encoded = Data((prefix + secret + "tail").utf8).base64EncodedString()
            #expect(scrub.text(encoded).contains("[redacted]"), "alignment \(prefix.count)")
        }
        #expect(scrub.text("nothing to see here") == "nothing to see here")
    }

    @Test func maskedFragmentsStillGo() {
        let scrub = Scrubber([], injected: ["Bearer sk_live_abcdefgh9876"])
        #expect(scrub.text("Invalid API Key provided: sk_live_****9876") == "Invalid API Key provided: [redacted]")
        #expect(scrub.value(["h": "Bearer sk_live_abcdefgh9876"]) == ["h": "[redacted]"])
    }
}
