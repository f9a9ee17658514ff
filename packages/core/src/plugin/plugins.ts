import { Context, Layer } from "effect"
import type { AnyPlugin } from "./plugin"

/** The plugins loaded into this process, by id. */
export class Plugins extends Context.Tag("executor/core/Plugins")<
  Plugins,
  { readonly all: ReadonlyArray<AnyPlugin>; readonly byId: ReadonlyMap<string, AnyPlugin> }
>() {
  static layer(plugins: ReadonlyArray<AnyPlugin>) {
    return Layer.succeed(Plugins, { all: plugins, byId: new Map(plugins.map((p) => [p.id, p])) })
  }
}
