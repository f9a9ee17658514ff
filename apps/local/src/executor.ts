import { runCli } from "./main"

// The plugins this build ships; the OpenAPI, GraphQL and MCP plugins join here.
runCli([])
