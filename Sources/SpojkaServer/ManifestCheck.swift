import Foundation
import SpojkaConnectorKit
import SpojkaConnectors

/// `spojka connectors validate`: checks one manifest, one connector folder, or a folder of them.
public enum ManifestCheck {
    /// Every issue found under `path` (the shipped manifests when `nil`).
    public static func run(path: String?) throws -> [ManifestIssue] {
        let implementations = BuiltinConnectors.implementationNames
        guard let path else {
            guard let directory = BuiltinConnectors.manifestsDirectory else { throw ConfigError("the shipped manifests are missing") }
            return issues(in: directory, implementations: implementations)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ConfigError("\(path) does not exist") }
        let url = URL(fileURLWithPath: path)
        if !isDirectory.boolValue { return check(url, implementations: implementations) }
        let single = url.appendingPathComponent("manifest.json")
        if FileManager.default.fileExists(atPath: single.path) { return check(single, implementations: implementations) }
        return issues(in: url, implementations: implementations)
    }

    static func issues(in directory: URL, implementations: Set<String>) -> [ManifestIssue] {
        do {
            _ = try Catalog.load(directory: directory, implementations: implementations)
            return []
        } catch let error as CatalogError {
            return error.issues
        } catch {
            return [ManifestIssue(file: directory.path, path: "", rule: "file", message: "cannot read the folder")]
        }
    }

    static func check(_ file: URL, implementations: Set<String>) -> [ManifestIssue] {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            return [ManifestIssue(file: file.path, path: "", rule: "file", message: "cannot read the file")]
        }
        return ManifestValidator.validate(data: data, file: file.path, implementations: implementations).1
    }
}
