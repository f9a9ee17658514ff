import type { ToolSummary } from "./catalog"
import { EQUIVALENTS, SYNONYM_GROUPS } from "./search-lexicon"

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

const STOP = new Set([
  "a", "an", "the", "of", "for", "to", "in", "on", "by", "and", "or", "with", "is", "are", "be", "from", "this", "that", "it",
  "do", "does", "have", "has", "can", "how", "when", "something", "s", "their", "its", "at", "as", "into", "about", "please", "up", "what", "which", "who", "there"
])

/**
 * A light suffix stemmer, applied alike to tools and queries, so "repositories" and
 * "repository", "branches" and "branch", "starred" and "star", "created" and
 * "create", "invitation" and "invite" meet.
 */
export const stem = (word: string): string => {
  let w = word
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`
  else if (w.length > 4 && /(ch|sh|x|ss|z)es$/.test(w)) w = w.slice(0, -2)
  else if (w.length > 3 && w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1)
  if (w.length > 8 && w.endsWith("ation")) w = w.slice(0, -5)
  else if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3)
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2)
  if (w.length > 3 && /([bdglmnprt])\1$/.test(w)) w = w.slice(0, -1)
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1)
  return w
}

const words = (text: string): Array<string> =>
  text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0)

/** Identifiers and prose alike: `listForOrg`, `list_for-org` and "list for org" give the same terms. */
export const terms = (text: string): Array<string> => words(text).filter((t) => !STOP.has(t)).map(stem)

/** How much a match through a synonym counts against a match of the word itself. */
const TO_HEAD = 0.8
const FROM_HEAD = 0.5
const BETWEEN_MEMBERS = 0.35

/** Each stemmed word to the stemmed words that stand for it, with a weight for each. */
const SYNONYMS: ReadonlyMap<string, ReadonlyMap<string, number>> = (() => {
  const map = new Map<string, Map<string, number>>()
  const relate = (from: string, to: string, weight: number) => {
    if (from === to) return
    const row = map.get(from) ?? new Map<string, number>()
    if (weight > (row.get(to) ?? 0)) row.set(to, weight)
    map.set(from, row)
  }
  for (const group of SYNONYM_GROUPS) {
    const [head, ...members] = group.map(stem)
    if (head === undefined) continue
    for (const m of members) {
      relate(m, head, TO_HEAD)
      relate(head, m, FROM_HEAD)
      for (const other of members) relate(m, other, BETWEEN_MEMBERS)
    }
  }
  for (const group of EQUIVALENTS) {
    const stems = group.map(stem)
    for (const a of stems) for (const b of stems) relate(a, b, 1)
  }
  return map
})()

/** Phrases that mean one thing, rewritten before the query is split into words. */
const PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(signed|logged)[\s-]?in\b/g, "authenticated"],
  [/\bwho am i\b/g, "authenticated user"],
  [/\b(who|what|which) (is|was)\b/g, "get"],
  [/\bwho\b/g, "user"],
  // "get notified" is not a read: it asks for a subscription.
  [/\b(get|be|stay) (notified|alerted|informed)\b/g, "subscribe notification"],
  [/\bpull[\s-]requests?\b/g, "pull"],
  [/\bmerge[\s-]requests?\b/g, "pull"],
  [/\bi\b|\bme\b|\bmy\b|\bmyself\b/g, "authenticated"]
]

interface Field {
  readonly weight: number
  /** Length normalization: 0 ignores length, 1 fully normalizes. */
  readonly b: number
}

/** Where a term appears weighs how much it says about the tool. */
const FIELDS = {
  name: { weight: 4, b: 0.6 },
  summary: { weight: 2, b: 0.5 },
  body: { weight: 0.35, b: 0.8 },
  address: { weight: 0.5, b: 0.3 }
} satisfies Record<string, Field>

type FieldName = keyof typeof FIELDS
const FIELD_NAMES = Object.keys(FIELDS) as ReadonlyArray<FieldName>

const K1 = 1.2
/** How much of a long description is indexed: its first sentences say what the tool is. */
const BODY_CHARS = 400

interface Doc {
  readonly tool: ToolSummary
  readonly path: string
  /** The first word of the operation part of the name (`list` in `repos.listForOrg`). */
  readonly verb: string | undefined
}

export interface SearchIndex {
  readonly docs: ReadonlyArray<Doc>
  /** term → (doc index → field-weighted, length-normalized frequency). */
  readonly postings: ReadonlyMap<string, ReadonlyMap<number, number>>
  readonly idf: ReadonlyMap<string, number>
}

const fieldTexts = (tool: ToolSummary): Record<FieldName, Array<string>> => {
  const [summary = "", ...rest] = tool.description.split(/\n+/)
  return {
    name: terms(tool.name),
    summary: terms(summary),
    body: terms(rest.join(" ").slice(0, BODY_CHARS)),
    // The integration, not owner or connection: "org" in every address would make the word meaningless.
    address: terms(tool.integration)
  }
}

export const buildSearchIndex = (tools: ReadonlyArray<ToolSummary>): SearchIndex => {
  const perDoc = tools.map((tool) => {
    const path = tool.address.replace(/^tools\./, "")
    return { tool, path, fields: fieldTexts(tool) }
  })
  const average = Object.fromEntries(
    FIELD_NAMES.map((f) => [f, Math.max(1, perDoc.reduce((n, d) => n + d.fields[f].length, 0) / Math.max(1, perDoc.length))])
  ) as Record<FieldName, number>
  const postings = new Map<string, Map<number, number>>()
  perDoc.forEach((doc, i) => {
    const weighted = new Map<string, number>()
    for (const f of FIELD_NAMES) {
      const list = doc.fields[f]
      const { weight, b } = FIELDS[f]
      const norm = 1 - b + (b * list.length) / average[f]
      for (const t of list) weighted.set(t, (weighted.get(t) ?? 0) + weight / norm)
    }
    for (const [t, tf] of weighted) {
      const row = postings.get(t) ?? new Map<number, number>()
      row.set(i, tf)
      postings.set(t, row)
    }
  })
  const n = perDoc.length
  const idf = new Map([...postings].map(([t, row]) => [t, Math.log(1 + (n - row.size + 0.5) / (row.size + 0.5))]))
  const docs = perDoc.map(({ tool, path }): Doc => {
    const operation = tool.name.split(".").at(-1) ?? tool.name
    return { tool, path, verb: terms(operation)[0] }
  })
  return { docs, postings, idf }
}

/** Query words, each with the stems it may match and how much a match counts. */
const expand = (query: string) => {
  let text = query.toLowerCase()
  for (const [pattern, replacement] of PHRASES) text = text.replace(pattern, replacement)
  const concepts = [...new Set(terms(text))]
  return concepts.map((word) => {
    const alternatives = new Map<string, number>([[word, 1], ...(SYNONYMS.get(word) ?? [])])
    alternatives.set(word, 1)
    return { word, alternatives }
  })
}

/** Weight of a tool whose operation verb is one the query asks for (`create` for "open a new issue"). */
const VERB_BOOST = 1.35

export const runSearch = (index: SearchIndex, input: SearchInput): SearchResult => {
  const namespace = input.namespace?.replace(/^tools\./, "")
  const inNamespace = (doc: Doc) => !namespace || doc.path === namespace || doc.path.startsWith(`${namespace}.`)
  const concepts = expand(input.query)
  const scores = new Map<number, number>()
  const covered = new Map<number, number>()
  for (const { word, alternatives } of concepts) {
    // Each query word counts once per tool: through its best-matching alternative.
    // A synonym never counts as rarer than the word asked for, or rare near-misses
    // ("project" for "repository") would outrank the common right answer.
    const cap = index.idf.get(word) ?? Number.POSITIVE_INFINITY
    const best = new Map<number, number>()
    for (const [term, weight] of alternatives) {
      const row = index.postings.get(term)
      if (!row) continue
      const idf = weight < 1 ? Math.min(cap, index.idf.get(term) ?? 0) : (index.idf.get(term) ?? 0)
      for (const [doc, tf] of row) {
        const s = weight * idf * ((tf * (K1 + 1)) / (tf + K1))
        if (s > (best.get(doc) ?? 0)) best.set(doc, s)
      }
    }
    for (const [doc, s] of best) {
      scores.set(doc, (scores.get(doc) ?? 0) + s)
      covered.set(doc, (covered.get(doc) ?? 0) + 1)
    }
  }
  // Verbs the query asks for: its own words and what they stand for most closely.
  const verbs = new Set(concepts.flatMap((c) => [...c.alternatives].filter(([, w]) => w >= TO_HEAD).map(([t]) => t)))
  const ranked = (concepts.length === 0 ? index.docs.map((_, i) => [i, 1] as const) : [...scores])
    .filter(([i]) => inNamespace(index.docs[i]!))
    .map(([i, raw]) => {
      const doc = index.docs[i]!
      if (concepts.length === 0) return { doc, score: raw }
      const coverage = (covered.get(i) ?? 0) / concepts.length
      const verb = doc.verb !== undefined && verbs.has(doc.verb) ? VERB_BOOST : 1
      return { doc, score: raw * (0.4 + 0.6 * coverage * coverage) * verb }
    })
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
