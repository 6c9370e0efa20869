import SpojkaCore
import Testing

@Suite("Handles, scopes and tool policies")
struct ToolAccessTests {
    @Test func slugsAreStableAndValid() {
        #expect(ConnectionHandle.slug("Slack – Sales", fallback: "slack") == "slack-sales")
        #expect(ConnectionHandle.slug("Účetní Fakturoid (produkce)", fallback: "x") == "ucetni-fakturoid-produkce")
        #expect(ConnectionHandle.slug("!!!", fallback: "google-sheets") == "google-sheets")
        #expect(ConnectionHandle.slug(String(repeating: "a", count: 100), fallback: "x").count <= ConnectionHandle.maxLength)
        #expect(ConnectionHandle.unique("slack", taken: ["slack", "slack-2"]) == "slack-3")
        #expect(!ConnectionHandle.isValid("has__two") && !ConnectionHandle.isValid("Upper") && !ConnectionHandle.isValid("-x"))
        #expect(ConnectionHandle.isValid("conn-abc123"))
    }

    @Test func scopeAndPolicyBothLimit() {
        let ws: ID<Workspace> = ID(rawValue: "ws_1")
        let a: ID<Connection> = ID(rawValue: "conn_a"), b: ID<Connection> = ID(rawValue: "conn_b")
        let scope = TokenScope(workspace: ws, connections: [a], tools: ["conn_a": ["send"]], readOnly: false)
        #expect(scope.allows("send", of: a, readOnlyHint: false) && !scope.allows("read", of: a, readOnlyHint: true))
        #expect(!scope.allows("send", of: b, readOnlyHint: false))
        let readOnly = TokenScope(workspace: ws, readOnly: true, includeUtilities: true)
        #expect(readOnly.allows("read", of: b, readOnlyHint: true) && !readOnly.allows("send", of: b, readOnlyHint: false))
        #expect(readOnly.allowsUtility(readOnlyHint: true) && !readOnly.allowsUtility(readOnlyHint: false))
        let policy = ToolPolicy(allowedTools: ["a"], readOnly: true)
        #expect(policy.allows("a", readOnlyHint: true) && !policy.allows("a", readOnlyHint: false) && !policy.allows("b", readOnlyHint: true))
        #expect(ToolPolicy().isOpen)
    }
}
