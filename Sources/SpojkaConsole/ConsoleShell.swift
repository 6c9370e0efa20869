import Foundation

/// `index.html` made for each page, so a first visit fetches the page's modules at once instead of one import level
/// after another.
///
/// At start the console's routes are read from `app.js` (`route('/workflows/:id', page('designer', …))`) and the
/// static imports of every module are followed. The shell served for a path names, as `modulepreload` links, every
/// module of its page's import tree that the shipped `index.html` does not already name, and the page's stylesheet
/// when `assets/<page>.css` exists. Paths no route matches get the shipped `index.html`.
struct ConsoleShell: Sendable {
    struct Route: Sendable {
        let segments: [Substring]
        let page: String
    }

    let routes: [Route]
    /// The shell for each page file (`/assets/pages/designer.js`).
    let shells: [String: ConsoleAsset]

    /// Builds a shell per page from the files of the console.
    init(files: [String: ConsoleAsset]) {
        guard let index = files["/index.html"], let app = files["/assets/app.js"] else {
            (routes, shells) = ([], [:])
            return
        }
        let html = String(decoding: index.body, as: UTF8.self)
        let routes = Self.routes(in: String(decoding: app.body, as: UTF8.self))
        var shells: [String: ConsoleAsset] = [:]
        for page in Set(routes.map(\.page)) where files[page] != nil {
            let modules = Self.importTree(of: page, files: files)
                .filter { !html.contains("href=\"\($0)\"") }
                .map { "<link rel=\"modulepreload\" href=\"\($0)\">\n" }
            let css = page.replacingOccurrences(of: "/pages/", with: "/").replacingOccurrences(of: ".js", with: ".css")
            let style = files[css] != nil && !html.contains(css) ? "<link rel=\"stylesheet\" href=\"\(css)\">\n" : ""
            let anchor = "<script type=\"module\""
            guard let at = html.range(of: anchor), !(modules.isEmpty && style.isEmpty) else { continue }
            let made = html.replacingCharacters(in: at.lowerBound..<at.lowerBound, with: style + modules.joined())
            shells[page] = ConsoleAsset(bytes: Array(made.utf8), contentType: index.contentType)
        }
        self.routes = routes
        self.shells = shells
    }

    /// The shell for a URL path: its page's, or `nil` for the shipped `index.html`.
    func shell(for path: String) -> ConsoleAsset? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.count > 1, segments.last == "" { segments = segments.dropLast() }
        let route = routes.first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, part in pattern.hasPrefix(":") ? !part.isEmpty : pattern == part }
        }
        return route.flatMap { shells[$0.page] }
    }

    /// `route('/pattern', page('file', 'tag'))` lines of `app.js`, in order (the first match wins, as in the browser).
    static func routes(in source: String) -> [Route] {
        matches(of: #"route\('([^']+)',\s*page\('([^']+)'"#, in: source).map { groups in
            Route(segments: groups[0].split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 },
                  page: "/assets/pages/\(groups[1]).js")
        }
    }

    /// Every module `module` imports statically, directly or not, as URL paths (the module itself first).
    static func importTree(of module: String, files: [String: ConsoleAsset]) -> [String] {
        var seen: [String] = []
        var pending = [module]
        while let next = pending.popLast() {
            guard !seen.contains(next), let file = files[next] else { continue }
            seen.append(next)
            let source = String(decoding: file.body, as: UTF8.self)
            let directory = (next as NSString).deletingLastPathComponent
            for groups in matches(of: #"(?m)^import\s+(?:[^'";]*?\s+from\s+)?['"](\.{1,2}/[^'"]+)['"]"#, in: source) {
                pending.append(URL(fileURLWithPath: directory).appendingPathComponent(groups[0]).standardizedFileURL.path)
            }
        }
        return seen
    }

    private static func matches(of pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let whole = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: whole).map { match in
            (1..<match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }
}
