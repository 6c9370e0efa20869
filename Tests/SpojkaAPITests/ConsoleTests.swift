import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("The web console is served at /")
struct ConsoleTests {
    @Test func everyAppRouteGetsTheShellWithStrictSecurityHeaders() async throws {
        try await TestApp().run { api in
            for path in ["/", "/connections", "/connections/conn_123", "/invitations/accept?token=inv_x", "/no/such/page"] {
                let page = try await api.request(.get, path)
                #expect(page.status == 200, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                let csp = page.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("default-src 'self'") && csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(page.headers[.init("Referrer-Policy")!] == "no-referrer")
                #expect(page.text.contains("<script type=\"module\" src=\"/assets/app.js\"></script>"))
            }
            // No inline script and no style attribute in the shell.
            let html = try await api.request(.get, "/").text
            #expect(!html.contains("<script>") && !html.contains("style=") && !html.contains("<style"))
        }
    }

    @Test func eachPagesShellPreloadsItsWholeModuleTree() async throws {
        try await TestApp().run { api in
            func preloads(_ path: String) async throws -> [String] {
                let html = try await api.request(.get, path).text
                return html.components(separatedBy: "<link rel=\"modulepreload\" href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
            }
            let designer = try await preloads("/workflows/wf_123")
            // designer.js imports designer-canvas.js, which imports designer-model.js: every level is named.
            for module in ["/assets/pages/designer.js", "/assets/components/designer-canvas.js", "/assets/components/designer-model.js"] {
                #expect(designer.contains(module), "\(module)")
            }
            #expect(Set(designer).count == designer.count, "each module once")
            #expect(try await api.request(.get, "/workflows/wf_123/").text.contains("<link rel=\"stylesheet\" href=\"/assets/designer.css\">"))
            #expect(try await preloads("/workflows") .contains("/assets/pages/workflows.js"))
            #expect(!(try await preloads("/workflows")).contains("/assets/pages/designer.js"))
            // Unknown paths get the shipped shell; every preloaded file exists.
            let plain = try await preloads("/no/such/page")
            #expect(!plain.contains("/assets/pages/designer.js") && plain.contains("/assets/api.js"))
            for module in designer + plain {
                #expect(try await api.request(.get, module).status == 200, "\(module)")
            }
        }
    }

    @Test func assetsHaveETagsCacheControlAndGzip() async throws {
        try await TestApp().run { api in
            let plain = try await api.request(.get, "/assets/app.js")
            #expect(plain.status == 200 && plain.headers[.contentType] == "application/javascript; charset=utf-8")
            #expect(plain.headers[.cacheControl] == "no-cache" && plain.headers[.contentEncoding] == nil)
            let etag = try #require(plain.headers[.eTag])
            let again = try await api.request(.get, "/assets/app.js", extraHeaders: ["If-None-Match": etag])
            #expect(again.status == 304 && again.text.isEmpty)
            let zipped = try await api.request(.get, "/assets/app.js", extraHeaders: ["Accept-Encoding": "gzip, deflate, br"])
            #expect(zipped.headers[.contentEncoding] == "gzip" && zipped.headers[.vary] == "Accept-Encoding")
            let size = Int(zipped.headers[.contentLength] ?? "") ?? .max
            #expect(size < plain.text.utf8.count)
            #expect(try await api.request(.get, "/assets/app.js", extraHeaders: ["Accept-Encoding": "gzip;q=0"]).headers[.contentEncoding] == nil)
            #expect(try await api.request(.get, "/assets/styles.css").headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await api.request(.get, "/assets/nothing.js").status == 404)
            #expect(try await api.request(.get, "/assets/../Web/index.html").status == 404)
        }
    }

    @Test func theAPIKeepsItsJSONAnswers() async throws {
        try await TestApp().run { api in
            let unknown = try await api.request(.get, "/api/v1/no-such-route")
            #expect(unknown.status == 401 || unknown.status == 404)
            #expect(unknown.errorCode != nil)
            #expect(try await api.request(.get, "/healthz").json["status"] == "ok")
            #expect(try await api.request(.post, "/").status == 404)
        }
    }
}
