import Foundation
import Hummingbird
import Synchronization

/// A Stripe-like balance endpoint that records the bearer key and path of every request and accepts only the keys
/// in `accepted` (so a test can revoke a rotated-away key). Served at `/v1/balance` and `/moved/v1/balance`.
public final class KeyRecordingReplica: Sendable {
    /// The keys answered with 200; any other gets Stripe's 401.
    public let accepted: Mutex<Set<String>>
    private let seen = Mutex<[(path: String, key: String)]>([])

    /// A replica accepting `keys`.
    public init(accepting keys: Set<String>) { accepted = Mutex(keys) }

    /// Every request so far: its path and the key it carried.
    public var requests: [(path: String, key: String)] { seen.withLock { $0 } }

    /// The key of the latest request.
    public var lastKey: String? { requests.last?.key }

    /// The routes.
    public var router: Router<BasicRequestContext> {
        let router = Router()
        for path in ["/v1/balance", "/moved/v1/balance"] {
            router.get(RouterPath(path)) { [self] request, _ in
                let key = request.headers[.authorization]?.replacingOccurrences(of: "Bearer ", with: "") ?? ""
                seen.withLock { $0.append((path, key)) }
                guard accepted.withLock({ $0.contains(key) }) else {
                    return Response(status: .unauthorized, headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: .init(string: #"{"error":{"message":"Invalid API Key provided","type":"invalid_request_error"}}"#)))
                }
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: .init(string: #"{"object":"balance","available":[],"pending":[],"livemode":false}"#)))
            }
        }
        return router
    }
}
