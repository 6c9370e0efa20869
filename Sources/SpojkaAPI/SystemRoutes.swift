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
        let (store, catalogs) = (services.store, services.catalogs)
        r.add(.get, "/readyz", "Readiness: the database answers and migrations are applied; the connector catalog and refused manifests",
              authenticated: false) { _, _ in
            let ready = await store.isReady()
            let snapshot = catalogs.snapshot
            let connectors: JSONValue = [
                "count": .int(snapshot.catalog.connectors.count), "folder": .array(snapshot.folderKeys.sorted().map { .string($0) }),
                "refused": .array(snapshot.refused.map { ["file": .string($0.file), "path": .string($0.path.isEmpty ? "/" : $0.path),
                                                          "rule": .string($0.rule), "message": .string($0.message)] }),
            ]
            return try Reply.json(["status": ready ? "ready" : "not_ready", "connectors": connectors] as JSONValue,
                                  status: ready ? .ok : .serviceUnavailable)
        }
        let metricsText = self.metricsText
        r.add(.get, "/metrics", "Prometheus metrics", authenticated: false) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: .init(string: metricsText())))
        }
    }
}
