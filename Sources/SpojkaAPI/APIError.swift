import Foundation
import Hummingbird
import Logging
import NIOCore
import SpojkaConnections
import SpojkaCore
import SpojkaRuns
import SpojkaSecrets

extension SpojkaError.Code {
    /// The path matches no route.
    static let routeNotFound: Self = "route_not_found"
    /// The body is not valid JSON.
    static let malformedJSON: Self = "malformed_json"
    /// The body is not `application/json`.
    static let unsupportedMediaType: Self = "unsupported_media_type"
    /// The body is larger than the limit.
    static let payloadTooLarge: Self = "payload_too_large"
    /// A JSON document nests arrays and objects deeper than `JSONValue.maxInputDepth`.
    static let nestingTooDeep: Self = "nesting_too_deep"
    /// The route exists but not for this method.
    static let methodNotAllowed: Self = "method_not_allowed"
}

extension SpojkaError {
    /// The HTTP status of an error code: the only place codes gain HTTP meaning.
    var status: HTTPResponse.Status {
        switch code {
        case .badRequest, .malformedJSON: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound, .routeNotFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .alreadySetUp, .lastOwner, .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .validationFailed, .nestingTooDeep: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .connectionNotFound: .notFound
        case .verificationFailed, .invalidWorkflow: .unprocessableContent
        case .connectionInUse, .runNotActive, .workflowDisabled, .oauthAppInUse: .conflict
        case .oauthNotSupported, .oauthAppInvalid: .unprocessableContent
        case .oauthGrantInvalid: HTTPResponse.Status(code: 424, reasonPhrase: "Failed Dependency")
        case .oauthUnavailable: .badGateway
        case .invalidSignature: .unauthorized
        case .utilityConnector: .badRequest
        case "invalid_arguments", "blocked_destination": .unprocessableContent
        case "tool_not_allowed": .forbidden
        case "connection_needs_update": .conflict
        case "auth_rejected", "tool_error": HTTPResponse.Status(code: 424, reasonPhrase: "Failed Dependency")
        case "service_unavailable", "invalid_output": .badGateway
        default:
            switch kind {
            case .user: .badRequest
            case .operational: .serviceUnavailable
            case .unexpected: .internalServerError
            }
        }
    }
}

/// The JSON error body: `{"error":{"code","message","details"}}`.
struct ErrorBody: Encodable {
    struct Inner: Encodable {
        let code: String
        let message: String
        let details: [String: JSONValue]
    }
    let error: Inner
}

/// Turns every thrown error into the JSON error body with a fitting status; logs unexpected ones.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SpojkaRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = Self.map(error)
            if mapped.kind != .user {
                context.logger.error("request failed", metadata: [
                    "code": .string(mapped.code.rawValue), "cause": .string(Self.causeType(error)),
                ])
            }
            var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            if mapped.code == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="spojka""# }
            // The rest of an oversized body is not read: the connection closes after the answer (ConnectionCloser).
            if mapped.code == .payloadTooLarge { headers[.connection] = "close" }
            if case .int(let seconds)? = mapped.details["retryAfterSeconds"] { headers[.retryAfter] = String(seconds) }
            let body = ErrorBody(error: .init(code: mapped.code.rawValue, message: mapped.message, details: mapped.details))
            let data = (try? APIJSON.encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error"}}"#.utf8)
            return Response(status: mapped.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    static func map(_ error: any Error) -> SpojkaError {
        switch error {
        case let error as SpojkaError: return error
        case let error as HTTPError where error.status == .notFound:
            return SpojkaError(.routeNotFound, "No route matches this method and path")
        case let error as HTTPError where error.status == .methodNotAllowed:
            return SpojkaError(.methodNotAllowed, "This route does not accept this method")
        case let error as HTTPError where error.status == .contentTooLarge:
            return SpojkaError(.payloadTooLarge, "The request body is too large")
        case let error as HTTPError where error.status.code < 500:
            return SpojkaError(.badRequest, "The request is malformed")
        case let error as StoreError where error.code == .uniqueViolation:
            return SpojkaError(.conflict, "A unique value is already taken")
        case let error as StoreError:
            return SpojkaError(.storageFailure, kind: .operational, "The database is unavailable; try again", cause: error)
        case let error as SecretsError:
            return SpojkaError(.internalError, kind: .unexpected, "A secret could not be processed", cause: error)
        default:
            return SpojkaError(.internalError, kind: .unexpected, "An unexpected error occurred")
        }
    }

    /// The type of the underlying error (never its message, which might hold data).
    static func causeType(_ error: any Error) -> String {
        if let spojka = error as? SpojkaError, let cause = spojka.cause { return String(describing: type(of: cause)) + ":" + Self.storeCode(cause) }
        return String(describing: type(of: error)) + ":" + Self.storeCode(error)
    }

    private static func storeCode(_ error: any Error) -> String {
        (error as? StoreError)?.code.rawValue ?? (error as? SecretsError)?.code.rawValue ?? ""
    }
}
