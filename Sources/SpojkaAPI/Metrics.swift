import Foundation
import Hummingbird
import Metrics

/// Counts requests by route, method and status, and times them by route.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = SpojkaRequestContext
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "NotFound"
        let elapsed = ContinuousClock.now - start
        Counter(label: "spojka_http_requests_total",
                dimensions: [("route", route), ("method", request.method.rawValue), ("status", String(response.status.code))],
                factory: factory).increment()
        Timer(label: "spojka_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }
}
