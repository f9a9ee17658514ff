import { transform } from "sucrase"

/** The file name sandbox stacks show; user code starts on its line 1. */
export const CODE_FILE = "code.ts"

const FENCE = /^\s*```[\w+-]*[^\S\n]*\n([\s\S]*?)\n?```\s*$/
const EXPORT_DEFAULT = /^\s*export\s+default\s+/

/** Unwraps a fenced code block and drops a leading `export default`. */
export const unwrap = (code: string): string => {
  const fenced = FENCE.exec(code)
  const inner = fenced ? (fenced[1] ?? "") : code
  return inner.replace(EXPORT_DEFAULT, "")
}

/** Strips TypeScript types; code that does not parse is returned as is so QuickJS reports the error. */
export const stripTypes = (code: string): string => {
  try {
    return transform(code, { transforms: ["typescript"], disableESTransforms: true }).code
  } catch {
    return code
  }
}

/**
 * The two ways a program can be read. As an expression (`1 + 1`, `async () => …`,
 * `tools.x.y()`), its value is the result; as a function body (`const a = …; return a`),
 * its `return` is. A function result is called once. All wrapper text sits on the
 * first line so the sandbox's line numbers are the user's.
 */
export const wrapExpression = (js: string) =>
  `(async()=>{const r=await(async()=>(${js.replace(/;\s*$/, "")}\n))();return typeof r==="function"?await r():r})()`

export const wrapBody = (js: string) =>
  `(async()=>{const r=await(async()=>{${js}\n})();return typeof r==="function"?await r():r})()`
