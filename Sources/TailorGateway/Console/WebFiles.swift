import HTTPTypes
import Hummingbird
import Logging

/// Serves the gateway's files — the console at `/console/`, the storefront snippet at
/// `/sdk/tailor.js` and the console's Debian libraries at `/vendor/` — with
/// Hummingbird's `FileMiddleware` (ETag, If-None-Match, ranges, content types). The
/// files are public: they hold no data; every call the console makes carries the
/// admin key the person typed in.
enum WebFiles {
    static func add(to router: Router<GatewayRequestContext>, logger: Logger) {
        router.add(middleware: WebHeadersMiddleware())
        router.add(middleware: FileMiddleware(
            WebAssets.root, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true, logger: logger
        ))
        router.add(middleware: FileMiddleware(
            WebAssets.debianJavaScript, urlBasePath: "/vendor", cacheControl: .init([(MediaType(type: .any), [.maxAge(86_400)])]), logger: logger
        ))
        for missing in WebAssets.missingLibraries() {
            logger.warning("the console needs \(WebAssets.debianJavaScript)/\(missing.path): install Debian's \(missing.package)")
        }
    }
}

/// Headers of the console's pages: no framing (clickjacking), scripts and styles from
/// this gateway only, no referrer (a shopper id in a console URL stays here).
struct WebHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // The router sees `/console` and `/console/` as one path; the page's relative links need the slash.
        if path == "/console" { return Response(status: .movedPermanently, headers: [.location: "/console/"]) }
        var response = try await next(request, context)
        if path.hasPrefix("/console") {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data: https: http:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
            response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
            response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
            response.headers[.xContentTypeOptions] = "nosniff"
        } else if path.hasPrefix("/sdk/") {
            // The snippet is loaded by a shop's pages on their own origin.
            response.headers[.accessControlAllowOrigin] = "*"
            response.headers[.xContentTypeOptions] = "nosniff"
        }
        return response
    }
}
