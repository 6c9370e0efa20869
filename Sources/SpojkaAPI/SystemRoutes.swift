import Foundation
import Hummingbird
import SpojkaCore

/// Health, readiness, metrics and the OpenAPI document.
struct SystemRoutes {
    let services: APIServices
    let metricsText: @Sendable () -> String

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/healthz", "Liveness: the process answers", authenticated: false) { _, _ in
            try Reply.json(["status": "ok"])
        }
        let store = services.store
        r.add(.get, "/readyz", "Readiness: the database answers and migrations are applied", authenticated: false) { _, _ in
            let ready = await store.isReady()
            return try Reply.json(["status": ready ? "ready" : "not_ready"], status: ready ? .ok : .serviceUnavailable)
        }
        let metricsText = self.metricsText
        r.add(.get, "/metrics", "Prometheus metrics", authenticated: false) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: .init(string: metricsText())))
        }
    }
}
