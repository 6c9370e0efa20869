import Foundation

/// One file of the console, prepared once at start: its bytes, gzip form, content type and ETag.
struct ConsoleAsset: Sendable {
    /// The bytes as shipped.
    let body: [UInt8]
    /// The gzip form, when it is smaller.
    let gzipped: [UInt8]?
    /// The `Content-Type` header.
    let contentType: String
    /// A strong validator derived from the bytes.
    let etag: String
}

extension ConsoleAsset {
    /// A file prepared at start: compressed once when `compress` (kept only when smaller), tagged by its bytes.
    init(bytes: [UInt8], contentType: String, compress: Bool = true) {
        let gzipped = compress ? Gzip.compress(bytes).flatMap { $0.count < bytes.count ? $0 : nil } : nil
        self.init(body: bytes, gzipped: gzipped, contentType: contentType, etag: ConsoleAssets.etag(of: bytes))
    }
}

/// Every console file, keyed by URL path (`/assets/app.js`, `/index.html`).
public struct ConsoleAssets: Sendable {
    let files: [String: ConsoleAsset]
    /// `index.html` with each page's modules named for preloading.
    let shell: ConsoleShell

    init(files: [String: ConsoleAsset]) {
        self.files = files
        self.shell = ConsoleShell(files: files)
    }

    /// Loads the console shipped as this module's resources.
    public static func bundled() throws -> ConsoleAssets {
        guard let root = Bundle.module.url(forResource: "Web", withExtension: nil) else {
            throw ConsoleError("the console's files are missing from the build")
        }
        return try load(directory: root)
    }

    /// Loads every file under `directory`, compressing text files once.
    public static func load(directory: URL) throws -> ConsoleAssets {
        var files: [String: ConsoleAsset] = [:]
        let base = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ConsoleError("cannot read \(base)")
        }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let path = String(url.standardizedFileURL.path.dropFirst(base.count))
            let bytes = [UInt8](try Data(contentsOf: url))
            let type = contentType(of: path)
            let compressible = type.hasPrefix("text/") || type.hasPrefix("application/javascript") || type.hasPrefix("image/svg")
                || type.hasPrefix("application/json") || type.hasPrefix("application/manifest")
            files[path] = ConsoleAsset(bytes: bytes, contentType: type, compress: compressible)
        }
        guard files["/index.html"] != nil else { throw ConsoleError("the console has no index.html") }
        return ConsoleAssets(files: files)
    }

    /// The file at a URL path.
    func asset(_ path: String) -> ConsoleAsset? { files[path] }

    /// The `index.html` served at an app path (the console's router draws the page): its page's shell when it has one.
    func index(for path: String) -> ConsoleAsset? { shell.shell(for: path) ?? files["/index.html"] }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map(String.init) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "application/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json; charset=utf-8"
        case "webmanifest": "application/manifest+json"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }

    /// 64-bit FNV-1a of the bytes plus their length, quoted: equal bytes, equal tag.
    static func etag(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\"" + String(hash, radix: 16) + "-" + String(bytes.count, radix: 16) + "\""
    }
}

/// The console cannot start (its files are missing).
public struct ConsoleError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
