import * as fs from "node:fs/promises"
import { createRequire } from "node:module"
import * as path from "node:path"
import { HttpApi, HttpApiBuilder, HttpServerResponse, OpenApi } from "@effect/platform"
import { Effect } from "effect"

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Swagger UI's assets, read from the installed `swagger-ui-dist` package (no network). */
const readAssets = Effect.promise(async () => {
  const dir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))
  const [javascript, css] = await Promise.all([
    fs.readFile(path.join(dir, "swagger-ui-bundle.js"), "utf8"),
    fs.readFile(path.join(dir, "swagger-ui.css"), "utf8")
  ])
  return { javascript, css }
})

/**
 * Swagger UI at `path`, with the assets inlined so the page works offline. The page
 * (about 1.5 MB) is built on first request, so it costs nothing at start-up.
 */
export const swaggerLayer = (route: `/${string}`) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      const { api } = yield* HttpApi.Api
      const page = yield* Effect.cached(
        Effect.map(readAssets, ({ javascript, css }) => {
          const spec = OpenApi.fromApi(api)
          // "<" is escaped so the document cannot close the script element it sits in.
          const json = JSON.stringify(spec).replace(/</g, "\\u003c")
          return HttpServerResponse.html(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${escapeHtml(spec.info.title)} Documentation</title>
  <style>${css}</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script id="swagger-spec" type="application/json">${json}</script>
  <script>${javascript}</script>
  <script>
    window.onload = () => {
      window.ui = SwaggerUIBundle({
        spec: JSON.parse(document.getElementById("swagger-spec").textContent),
        dom_id: "#swagger-ui"
      })
    }
  </script>
</body>
</html>`)
        })
      )
      yield* router.get(route, page)
    })
  )

/** The OpenAPI document at `path`, derived from the composed API on first request. */
export const openApiLayer = (route: `/${string}`) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      const { api } = yield* HttpApi.Api
      const document = yield* Effect.cached(Effect.sync(() => HttpServerResponse.unsafeJson(OpenApi.fromApi(api))))
      yield* router.get(route, document)
    })
  )
