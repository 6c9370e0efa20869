import SpojkaCore
import SpojkaEngine
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
}
