import SpojkaCore

/// A connector: a global, versioned template of an integration, shipped as data (`manifest.json`).
public struct ConnectorManifest: Codable, Sendable, Hashable {
    /// Kebab-case key, never renamed (e.g. `shopify`).
    public var key: String
    /// Display name.
    public var name: String
    /// Category (E-commerce, Communication, Payments, Email, Developer, Databases, Utilities…).
    public var category: String
    /// One-paragraph description.
    public var description: String
    /// Semantic version of the manifest.
    public var version: String
    /// Link to the service's API documentation.
    public var docsUrl: String?
    /// What changed in each version, newest first (optional).
    public var changelog: [ChangelogEntry]?
    /// How connections authenticate.
    public var auth: AuthSpec
    /// JSON Schema of non-secret per-connection settings.
    public var settings: JSONValue?
    /// Default service URL or a template over settings (`https://{{ settings.store }}.myshopify.com`).
    public var serviceUrl: String?
    /// How to prove that a credential works.
    public var verify: VerifySpec?
    /// The operations of the connector.
    public var tools: [ToolSpec]
    /// How a successful HTTP status can still carry an error (Slack's `ok: false`, GraphQL `errors`).
    public var errors: ResponseErrorSpec?
    /// For a connector whose tools come from the service (a remote MCP server): where verification finds them.
    public var discovery: DiscoverySpec?

    /// Whether the connector needs no connection (utility connectors).
    public var isUtility: Bool { auth.type == .none && category == "Utilities" }

    /// The tool named `name`.
    public func tool(_ name: String) -> ToolSpec? { tools.first { $0.name == name } }
}

/// One version's entry in a manifest's changelog.
public struct ChangelogEntry: Codable, Sendable, Hashable {
    /// The version it describes.
    public var version: String
    /// When it was released (`YYYY-MM-DD`).
    public var date: String?
    /// One line per change.
    public var changes: [String]
}

/// The authentication scheme of a connector.
public struct AuthSpec: Codable, Sendable, Hashable {
    /// The scheme kinds.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// OAuth 2.0 (authorization code or client credentials).
        case oauth2
        /// An API key or token.
        case apiKey = "api_key"
        /// HTTP basic authentication.
        case basic
        /// An inbound signing secret.
        case webhook
        /// No authentication.
        case none
    }

    /// The scheme.
    public var type: Kind
    /// JSON Schema of the credential fields; secret fields carry `"writeOnly": true`.
    public var fields: JSONValue?
    /// How credentials are applied to outgoing requests.
    public var apply: [CredentialPlacement]?
    /// OAuth 2.0 endpoints and options.
    public var oauth2: OAuth2Spec?
    /// What happens to a request that would carry credentials to another origin than the service URL's
    /// (default `refuse`).
    public var crossOrigin: CrossOrigin?

    /// Handling of requests to another origin than the connection's service URL.
    public enum CrossOrigin: String, Codable, Sendable, Hashable {
        /// Refuse the call with `blocked_destination` (the default).
        case refuse
        /// Send it without any credential.
        case omitCredentials
    }
}

/// Where a credential goes in a request; values are templates over `credentials` and `settings`.
public struct CredentialPlacement: Codable, Sendable, Hashable {
    /// `header`, `query` or `basic`.
    public var `in`: String
    /// Header or query parameter name (not for `basic`).
    public var name: String?
    /// Value template, e.g. `Bearer {{ credentials.token }}`.
    public var value: String?
    /// Basic-auth user template.
    public var username: String?
    /// Basic-auth password template.
    public var password: String?
    /// Apply only when this template renders non-empty (for optional methods).
    public var when: String?
}

/// OAuth 2.0 settings of a connector.
public struct OAuth2Spec: Codable, Sendable, Hashable {
    /// Authorization endpoint.
    public var authorizationUrl: String?
    /// Token endpoint.
    public var tokenUrl: String?
    /// Userinfo endpoint.
    public var userinfoUrl: String?
    /// Default scopes.
    public var scopes: [String]?
    /// Whether PKCE S256 is used (always true for authorization code).
    public var pkce: Bool?
    /// Grants supported: `authorization_code`, `client_credentials`.
    public var grants: [String]?
    /// The credential field the access token is stored in (default `accessToken`), so `apply` can place it.
    public var accessTokenField: String?
    /// A provider's own variant of the protocol. `shopify`: every store is its own authorization server (the
    /// endpoints are paths on `https://{settings.store}.myshopify.com`), scopes are comma-separated, the client
    /// authenticates in the form, the callback is HMAC-signed and names the `shop`, and tokens are offline ones
    /// (expiring with a refresh token when the store issues them).
    public var dialect: String?
}

/// How a connector proves a credential works and where the upstream account identity is.
public struct VerifySpec: Codable, Sendable, Hashable {
    /// A tool of this connector to call with `arguments`.
    public var tool: String?
    /// Arguments for that tool.
    public var arguments: JSONValue?
    /// A request to send instead of a tool.
    public var request: RequestSpec?
    /// JMESPath over the answer selecting the account identity (e.g. `data.shop.name`).
    public var account: String?
}

/// One operation of a connector, a superset of an MCP tool.
public struct ToolSpec: Codable, Sendable, Hashable {
    /// Snake-case name.
    public var name: String
    /// Human title.
    public var title: String
    /// What it does.
    public var description: String
    /// JSON Schema of the arguments.
    public var inputSchema: JSONValue
    /// JSON Schema of the output.
    public var outputSchema: JSONValue
    /// MCP behaviour hints.
    public var annotations: ToolAnnotations?
    /// The HTTP request the tool sends (declarative tools).
    public var request: RequestSpec?
    /// The Swift implementation name, for tools that need code.
    public var implementation: String?
    /// Example arguments (validated against `inputSchema` by the manifest test).
    public var examples: [JSONValue]?

    /// Creates a tool specification.
    public init(name: String, title: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue,
                annotations: ToolAnnotations?, request: RequestSpec?, implementation: String?, examples: [JSONValue]?) {
        self.name = name; self.title = title; self.description = description; self.inputSchema = inputSchema
        self.outputSchema = outputSchema; self.annotations = annotations; self.request = request
        self.implementation = implementation; self.examples = examples
    }
}

/// MCP tool annotations.
public struct ToolAnnotations: Codable, Sendable, Hashable {
    /// The tool does not modify its environment.
    public var readOnlyHint: Bool?
    /// The tool may perform destructive updates.
    public var destructiveHint: Bool?
    /// Repeated calls with the same arguments have no additional effect.
    public var idempotentHint: Bool?
    /// The tool interacts with an open world of external entities.
    public var openWorldHint: Bool?
}

/// The HTTP request of a declarative tool; strings are templates over `arguments`, `credentials`, `settings`.
public struct RequestSpec: Codable, Sendable, Hashable {
    /// HTTP method.
    public var method: String
    /// Path template appended to the service URL (e.g. `/v1/customers/{{ arguments.id }}`); inserted values are
    /// escaped as one segment, except when the whole path is one template (then it may be an absolute URL).
    public var path: String
    /// Query parameters (templates; null values are dropped; key `*` merges an object of parameters).
    public var query: [String: JSONValue]?
    /// Extra headers (templates).
    public var headers: [String: String]?
    /// A template rendering to an object of further headers (e.g. `{{ arguments.headers }}`).
    public var headersFrom: String?
    /// JSON body template.
    public var json: JSONValue?
    /// Form-encoded body template (nested objects use `a[b]` keys).
    public var form: JSONValue?
    /// GraphQL body: `{query, variables}`.
    public var graphql: GraphQLSpec?
    /// Pagination of list endpoints.
    public var pagination: PaginationSpec?
    /// JMESPath over `{status, headers, body}` selecting the tool output (default: the body).
    public var output: String?
}

/// A GraphQL request body.
public struct GraphQLSpec: Codable, Sendable, Hashable {
    /// The GraphQL document.
    public var query: String
    /// Variables template.
    public var variables: JSONValue?
}

/// How a list endpoint pages.
public struct PaginationSpec: Codable, Sendable, Hashable {
    /// `cursor`, `page` or `link`.
    public var style: String
    /// JMESPath over the answer body to the items of one page.
    public var items: String?
    /// For `cursor`: JMESPath to the next cursor; for `page`: unused.
    public var next: String?
    /// Query parameter that carries the cursor or page number.
    public var param: String?
    /// Upper bound on pages fetched in one call.
    public var maxPages: Int?
}

/// Recognises errors inside 2xx answers; every field is JMESPath over the answer body.
public struct ResponseErrorSpec: Codable, Sendable, Hashable {
    /// Truthy when the answer is an error (e.g. ``ok == `false` ``).
    public var when: String
    /// The service's message (e.g. `error`).
    public var message: String?
    /// Truthy when the error means the credential was rejected (→ `auth_rejected`).
    public var authRejected: String?
}
