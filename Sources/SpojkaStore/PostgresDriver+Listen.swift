import Logging
import PostgresNIO

extension PostgresDriver {
    /// The channel on which a write to a connection, its credentials or its OAuth grant names the connection's ID
    /// (sent with `pg_notify` inside the writing transaction, so delivered on commit).
    public static let connectionChanges = "spojka_connections"

    /// Listens on `channel` on one pooled connection until the task is cancelled or the connection drops (then it
    /// throws or returns). `listening` runs once the server confirmed `LISTEN`, before any notification is delivered;
    /// `received` gets each payload.
    public func listen(_ channel: String, listening: @Sendable () -> Void, received: @Sendable (String) -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                listening()
                for try await notification in notifications { received(notification.payload) }
            }
        }
    }
}
