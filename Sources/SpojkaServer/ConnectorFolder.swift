import Foundation
import SpojkaConnectorKit
import SpojkaConnectors

/// The operator's connector folder (`SPOJKA_CONNECTORS_DIR`): `<key>/manifest.json` (and `icon.svg`) beside the built-ins.
public enum ConnectorFolder {
    /// The built-ins plus every valid manifest of `directory`. A manifest that fails validation, or whose key is a
    /// built-in's, is refused (named in `refused`) and the rest load; on a reload (`previous`), a connector of the
    /// folder whose new manifest is refused keeps the version it had.
    public static func snapshot(builtins: Catalog, directory: String?, previous: LiveCatalog.Snapshot? = nil) -> LiveCatalog.Snapshot {
        guard let directory else { return LiveCatalog.Snapshot(catalog: builtins) }
        var manifests = builtins.connectors
        var icons = builtins.icons
        var refused: [ManifestIssue] = []
        var loaded = Set<String>()
        do {
            let scanned = try Catalog.scan(directory: URL(fileURLWithPath: directory), implementations: BuiltinConnectors.implementationNames)
            refused = scanned.issues
            for manifest in scanned.manifests {
                guard builtins.connector(manifest.key) == nil else {
                    refused.append(ManifestIssue(file: "\(manifest.key)/manifest.json", path: "/key", rule: "shadowing",
                                                 message: "key \(manifest.key) belongs to a built-in connector; give this connector another key"))
                    continue
                }
                manifests[manifest.key] = manifest
                icons[manifest.key] = scanned.icons[manifest.key]
                loaded.insert(manifest.key)
            }
        } catch {
            refused.append(ManifestIssue(file: directory, path: "", rule: "file", message: "the connectors folder cannot be read"))
        }
        if let previous {
            // A broken edit of a connector in use keeps the last good version in force rather than removing it.
            let refusedKeys = Set(refused.compactMap { $0.file.split(separator: "/").first.map(String.init) })
            for key in previous.folderKeys.intersection(refusedKeys).subtracting(loaded) {
                guard let kept = previous.catalog.connector(key), builtins.connector(key) == nil else { continue }
                manifests[key] = kept
                icons[key] = previous.catalog.icons[key]
                loaded.insert(key)
            }
        }
        return LiveCatalog.Snapshot(catalog: Catalog(connectors: Array(manifests.values), icons: icons), folderKeys: loaded, refused: refused)
    }
}
