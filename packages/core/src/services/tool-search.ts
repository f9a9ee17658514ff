import type { ToolSummary } from "./catalog"

export interface SearchInput {
  readonly query: string
  /** An integration slug or an address prefix such as `executor.org.core.policies`. */
  readonly namespace?: string | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

export interface SearchHit {
  readonly path: string
  readonly name: string
  readonly integration: string
  readonly description: string
  readonly requiresApproval: boolean
  readonly score: number
}

export interface SearchResult {
  readonly items: ReadonlyArray<SearchHit>
  readonly total: number
}

interface Doc {
  readonly tool: ToolSummary
  readonly path: string
  readonly name: ReadonlySet<string>
  readonly pathTerms: ReadonlySet<string>
  readonly description: ReadonlySet<string>
}

export interface SearchIndex {
  readonly docs: ReadonlyArray<Doc>
  /** How many documents hold each term, for weighting rare terms above common ones. */
  readonly frequency: ReadonlyMap<string, number>
}

const STOP = new Set(["a", "an", "the", "of", "for", "to", "in", "on", "by", "and", "or", "with", "my", "me", "i", "is", "all", "from", "this", "that", "it"])

/** A crude stem: enough that "policies", "policy" and "listing", "list" meet. */
export const stem = (word: string): string => {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3)
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2)
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1)
  return word
}

/** Splits identifiers and prose alike: `listForOrg`, `list_for-org` and "list for org" give the same terms. */
export const terms = (text: string): Array<string> =>
  text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0 && !STOP.has(t))
    .map(stem)

export const buildSearchIndex = (tools: ReadonlyArray<ToolSummary>): SearchIndex => {
  const frequency = new Map<string, number>()
  const docs = tools.map((tool): Doc => {
    const path = tool.address.replace(/^tools\./, "")
    const doc = {
      tool,
      path,
      name: new Set(terms(tool.name)),
      pathTerms: new Set(terms(path)),
      description: new Set(terms(tool.description))
    }
    for (const term of new Set([...doc.pathTerms, ...doc.description])) frequency.set(term, (frequency.get(term) ?? 0) + 1)
    return doc
  })
  return { docs, frequency }
}

const scoreOf = (index: SearchIndex, doc: Doc, query: ReadonlyArray<string>) => {
  let score = 0
  let matched = 0
  for (const term of query) {
    const rarity = Math.log(1 + index.docs.length / (1 + (index.frequency.get(term) ?? 0)))
    let best = 0
    if (doc.name.has(term)) best = 3
    else if (doc.pathTerms.has(term)) best = 2
    else if (doc.description.has(term)) best = 1
    else if (term.length >= 3 && [...doc.name].some((t) => t.startsWith(term))) best = 1.5
    if (best > 0) matched++
    score += best * rarity
  }
  if (matched === 0) return 0
  // Tools that match every term of the query rank above those that match some.
  return score * (matched / query.length) ** 2
}

export const runSearch = (index: SearchIndex, input: SearchInput): SearchResult => {
  const namespace = input.namespace?.replace(/^tools\./, "")
  const inNamespace = (doc: Doc) => !namespace || doc.path === namespace || doc.path.startsWith(`${namespace}.`)
  const query = terms(input.query)
  const ranked = index.docs
    .filter(inNamespace)
    .map((doc) => ({ doc, score: query.length === 0 ? 1 : scoreOf(index, doc, query) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.doc.path < b.doc.path ? -1 : 1))
  const offset = Math.max(0, input.offset ?? 0)
  const limit = Math.min(Math.max(1, input.limit ?? 10), 100)
  return {
    total: ranked.length,
    items: ranked.slice(offset, offset + limit).map(({ doc, score }) => ({
      path: doc.path,
      name: doc.tool.name,
      integration: doc.tool.integration,
      description: doc.tool.description,
      requiresApproval: doc.tool.requiresApproval ?? false,
      score: Math.round(score * 1000) / 1000
    }))
  }
}
