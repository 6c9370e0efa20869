/// Decides whether a tool may reach a host; tools that open their own connections (databases) ask it first.
public protocol DestinationPolicy: Sendable {
    /// Throws a `ToolError` with code `blocked_destination` when `host` is not allowed (checked after DNS).
    func check(host: String) async throws
}
