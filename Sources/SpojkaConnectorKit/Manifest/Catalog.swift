import Foundation
import SpojkaCore

/// The connector catalog: every manifest, checked, with its icon, and compiled tool schemas.
public struct Catalog: Sendable {
    /// Connectors by key.
    public let connectors: [String: ConnectorManifest]
    /// SVG icons by connector key.
    public let icons: [String: String]

    /// Builds a catalog from already-loaded manifests.
    public init(connectors: [ConnectorManifest], icons: [String: String] = [:]) {
        self.connectors = Dictionary(connectors.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.icons = icons
    }

    /// Loads `<key>/manifest.json` (and `icon.svg`) under `directory`; throws every issue found.
    public static func load(directory: URL, implementations: Set<String>? = nil) throws -> Catalog {
        let scanned = try scan(directory: directory, implementations: implementations)
        if !scanned.issues.isEmpty { throw CatalogError(issues: scanned.issues) }
        return Catalog(connectors: scanned.manifests, icons: scanned.icons)
    }

    /// Every valid `<key>/manifest.json` under `directory` with its icon, and the issues of the others (named by
    /// `<key>/manifest.json` and JSON path); one bad manifest does not keep the rest out.
    public static func scan(directory: URL, implementations: Set<String>? = nil) throws
        -> (manifests: [ConnectorManifest], icons: [String: String], issues: [ManifestIssue]) {
        var manifests: [ConnectorManifest] = []
        var icons: [String: String] = [:]
        var issues: [ManifestIssue] = []
        let keys = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        for key in keys {
            let folder = directory.appendingPathComponent(key)
            let file = folder.appendingPathComponent("manifest.json")
            guard let data = FileManager.default.contents(atPath: file.path) else {
                issues.append(ManifestIssue(file: file.path, path: "", rule: "file", message: "manifest.json is missing"))
                continue
            }
            let (manifest, found) = ManifestValidator.validate(data: data, file: "\(key)/manifest.json", implementations: implementations)
            issues += found
            guard let manifest, found.isEmpty else { continue }
            if manifest.key != key {
                issues.append(ManifestIssue(file: "\(key)/manifest.json", path: "/key", rule: "folder", message: "key \(manifest.key) differs from its folder \(key)"))
                continue
            }
            manifests.append(manifest)
            icons[key] = (try? String(contentsOf: folder.appendingPathComponent("icon.svg"), encoding: .utf8))
        }
        return (manifests, icons, issues)
    }

    /// The connector with `key`.
    public func connector(_ key: String) -> ConnectorManifest? { connectors[key] }

    /// Connectors sorted by name, filtered by category and a case-insensitive query over name, key and description.
    public func list(category: String? = nil, query: String? = nil) -> [ConnectorManifest] {
        connectors.values.filter { c in
            (category.map { $0.caseInsensitiveCompare(c.category) == .orderedSame } ?? true)
                && (query.map { q in [c.name, c.key, c.description].contains { $0.localizedCaseInsensitiveContains(q) } } ?? true)
        }.sorted { ($0.name, $0.key) < ($1.name, $1.key) }
    }
}

/// The catalog failed to load: every manifest issue found.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// The issues.
    public let issues: [ManifestIssue]
    /// One issue per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
