import SpojkaCore

/// Resolves a connection's service URL: its override, else the connector's default or template over settings.
public enum ServiceURL {
    /// The URL calls go to; empty when the connector has none (absolute URLs only).
    public static func resolve(_ manifest: ConnectorManifest, settings: JSONValue, override: String?) throws -> String {
        if let override, !override.isEmpty { return override }
        guard let template = manifest.serviceUrl else { return "" }
        guard Template.isTemplate(template) else { return template }
        let rendered = try Template(template).render(.object(["settings": settings]))
        let text = Template.text(of: rendered)
        // A template over a missing setting renders its literal parts only (e.g. "https://.myshopify.com").
        return text.contains("://") && !text.contains("://.") && !text.hasSuffix("://") ? text : ""
    }
}
