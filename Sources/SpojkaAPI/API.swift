import Foundation
import Hummingbird
import Metrics
import SpojkaCore

/// Builds the HTTP router of Spojka: every route, its middleware and the OpenAPI document.
public enum SpojkaAPI {
    /// The router and the documentation of every route on it.
    public struct Built {
        /// The router to serve.
        public let router: Router<SpojkaRequestContext>
        /// Every registered route.
        public let routes: [RouteDoc]
    }

    /// Registers every route on a new router.
    public static func buildRouter(services: APIServices, metrics: any MetricsFactory,
                                   metricsText: @escaping @Sendable () -> String) -> Built {
        let router = Router(context: SpojkaRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(factory: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(services: services))
        var docs: [RouteDoc] = []
        func group(_ tag: String, _ register: (inout RouteRegistrar) -> Void) {
            var registrar = RouteRegistrar(router: router, tag: tag)
            register(&registrar)
            docs += registrar.docs
        }
        group("system") { SystemRoutes(services: services, metricsText: metricsText).register(&$0) }
        group("identity") { IdentityRoutes(services: services).register(&$0) }
        group("sessions") { SessionRoutes(services: services).register(&$0) }
        group("tokens") { TokenRoutes(services: services).register(&$0) }
        group("workspaces") { WorkspaceRoutes(services: services).register(&$0) }
        group("members") { MemberRoutes(services: services).register(&$0) }
        group("invitations") { InvitationRoutes(services: services).register(&$0) }
        group("audit") { AuditRoutes(services: services).register(&$0) }
        group("connectors") { ConnectorRoutes(services: services).register(&$0) }
        group("connections") { ConnectionRoutes(services: services).register(&$0) }
        group("workflows") { WorkflowRoutes(services: services).register(&$0) }
        group("runs") { RunRoutes(services: services).register(&$0) }
        group("approvals") { ApprovalRoutes(services: services).register(&$0) }
        group("oauth") { OAuthRoutes(services: services).register(&$0) }
        group("webhooks") { HookRoutes(services: services).register(&$0) }
        let openAPIDoc = RouteDoc(method: "GET", path: "/api/v1/openapi.json", summary: "This OpenAPI 3.1 document",
                                  tag: "system", authenticated: false, bodyFields: nil, success: 200, queryParameters: [])
        docs.append(openAPIDoc)
        let document = OpenAPIDocument.build(docs)
        router.get("/api/v1/openapi.json") { _, _ in try Reply.json(document) }
        return Built(router: router, routes: docs)
    }
}
