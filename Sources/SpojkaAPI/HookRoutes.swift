import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SpojkaCore
import SpojkaRuns

extension SpojkaError.Code {
    /// A webhook request's signature is missing or wrong.
    static let invalidSignature: Self = "invalid_signature"
    /// A response node's answer cannot be sent over HTTP.
    static let invalidResponse: Self = "invalid_response"
}

/// `POST /hooks/{hookId}`: signed inbound webhooks start runs (async: 202 `{runId}`; sync: the response node's answer).
struct HookRoutes {
    let services: APIServices
    static let runHeader = HTTPField.Name("X-Spojka-Run")!
    /// The `Retry-After` of a webhook refused because the run queue is full.
    static let retryAfterSeconds = 5
    /// Headers a response node never sets (the engine refuses them too).
    static let serverHeaders: Set<HTTPField.Name> = [.contentLength, .transferEncoding, .connection, .setCookie, .contentSecurityPolicy,
                                                     .xContentTypeOptions, runHeader]
    /// Headers never copied into a run's input.
    static let hiddenHeaders: Set<String> = ["authorization", "cookie", "proxy-authorization"]

    func register(_ r: inout RouteRegistrar) {
        r.add(.post, "/hooks/{hookId}", "Start a run of the workflow behind a webhook (signature checked)", success: 202,
              authenticated: false, handler: receive)
    }

    @Sendable func receive(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let hook = context.parameters.get("hookId") ?? ""
        guard hook.count < 100, let (target, workflow) = try await services.store.read({ tx -> ((workspace: ID<Workspace>, workflow: ID<Workflow>), Workflow)? in
            guard let target = try await tx.webhook(hook), let workflow = try await tx.workflow(target.workflow, in: target.workspace) else { return nil }
            return (target, workflow)
        }) else { throw SpojkaError.notFound("Webhook") }
        guard let trigger = try await services.engine.triggerConfig(of: workflow), trigger["kind"]?.stringValue == "webhook",
              let signing = trigger["signing"]?.stringValue else { throw SpojkaError.notFound("Webhook") }
        let buffer = try await BodyReader.collect(request, limit: services.bodyLimit)
        let body = Array(buffer.readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let (scheme, secrets, record) = try await services.connections.signingSecrets(ID(rawValue: signing), in: target.workspace)
        if let reason = scheme.verify(body: body, headers: headers, secrets: secrets, now: services.clock.now()) {
            try await services.store.transaction { try await record($0) }
            services.logger.warning("webhook signature refused", metadata: ["hook": .string(hook), "reason": .string(reason)])
            throw SpojkaError(.invalidSignature, "The webhook signature is not valid: \(reason)")
        }
        let input: JSONValue = ["body": try Self.payload(body, contentType: headers["content-type"]),
                                "headers": .object(headers.filter { !Self.hiddenHeaders.contains($0.key) }.mapValues { .string($0) }),
                                "query": .object(Dictionary(request.uri.queryParameters.map { (String($0.key), JSONValue.string(String($0.value))) },
                                                            uniquingKeysWith: { a, _ in a }))]
        let sync = trigger["mode"]?.stringValue == "sync"
        // Back-pressure: beyond the configured queue depth an async webhook is refused before anything is recorded.
        if !sync, services.engine.queueIsFull {
            throw SpojkaError(.rateLimited, "The run queue is full; retry later", details: ["retryAfterSeconds": .int(Self.retryAfterSeconds)])
        }
        let wait = sync ? Duration.milliseconds(Int64((trigger["timeoutSeconds"]?.doubleValue ?? 30) * 1000)) : nil
        let outcome = try await services.engine.start(
            RunEngine.StartRequest(workspace: target.workspace, workflow: target.workflow, input: input, trigger: "webhook", user: nil, preloaded: workflow),
            wait: wait, extra: [.custom(record)])
        let run = outcome.run
        guard let response = outcome.response else {
            return try Reply.json(["runId": .string(run.id.rawValue)] as JSONValue, status: .accepted)
        }
        // The engine refuses statuses and headers the HTTP layer cannot frame; this is the last line of defence.
        guard (200...599).contains(response.status) else {
            throw SpojkaError(.invalidResponse, kind: .unexpected, "The workflow's response node gave status \(response.status), which cannot be sent",
                              details: ["runId": .string(run.id.rawValue)])
        }
        var reply = try Reply.json(response.body, status: HTTPResponse.Status(code: response.status))
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name), !Self.serverHeaders.contains(field) { reply.headers[field] = value }
        }
        reply.headers[Self.runHeader] = run.id.rawValue
        // A hook answers on the console's origin: whatever the body, a browser must not run or frame it.
        reply.headers[.contentSecurityPolicy] = "default-src 'none'; sandbox; frame-ancestors 'none'"
        reply.headers[.xContentTypeOptions] = "nosniff"
        return reply
    }

    /// JSON bodies become JSON (422 when nested deeper than the input limit); anything else is kept as text (or base64
    /// when not UTF-8).
    static func payload(_ body: [UInt8], contentType: String?) throws -> JSONValue {
        if body.isEmpty { return .null }
        if contentType?.lowercased().contains("json") == true {
            do { return try JSONValue(parsing: body) } catch {
                if error.kind == .tooDeep { throw BodyReader.tooDeep("The webhook payload") }
            }
        }
        if let text = String(validating: body, as: UTF8.self) { return .string(text) }
        return ["base64": .string(Data(body).base64EncodedString())]
    }
}
