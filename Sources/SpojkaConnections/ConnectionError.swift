import SpojkaCore

extension SpojkaError.Code {
    /// The connector's verification failed; nothing was stored or changed.
    public static let verificationFailed: Self = "verification_failed"
    /// The connection is referenced by workflows; delete with `force`.
    public static let connectionInUse: Self = "connection_in_use"
    /// No connection with that ID in the workspace (or it was deleted).
    public static let connectionNotFound: Self = "connection_not_found"
    /// Utility connectors take no connection.
    public static let utilityConnector: Self = "utility_connector"
}
