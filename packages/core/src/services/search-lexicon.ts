/**
 * Everyday words and the words APIs use for the same thing. Queries are
 * expanded through these groups, so "open a new issue" meets `issues.create` and
 * "who is the signed-in user" meets `users.getAuthenticated`. Each group is a set
 * whose first word is the one APIs tend to use (the head); the others are how
 * people say it. A word may belong to several groups. Hand-written: general
 * HTTP/CRUD verbs, then nouns common across developer, productivity and
 * commerce APIs.
 */
export const SYNONYM_GROUPS: ReadonlyArray<ReadonlyArray<string>> = [
  // verbs
  ["create", "add", "new", "open", "make", "post", "submit", "register", "insert", "raise", "leave", "write", "publish", "share"],
  ["list", "all", "show", "browse", "enumerate", "view", "see", "what", "which", "history", "many", "every"],
  ["get", "show", "fetch", "retrieve", "read", "view", "see", "lookup", "look", "who", "what", "info", "detail", "find", "check", "status"],
  ["update", "edit", "change", "modify", "rename", "set", "alter", "adjust", "replace"],
  ["delete", "remove", "destroy", "drop", "erase", "discard", "unset", "purge"],
  ["search", "find", "query", "lookup", "look", "mention", "contain", "match"],
  ["add", "put", "attach", "give", "grant", "assign", "include", "tag"],
  ["remove", "revoke", "detach", "unassign", "take"],
  ["star", "favorite", "favourite", "like", "bookmark", "stargazer", "starred"],
  ["follow", "subscribe", "watch"],
  ["lock", "freeze", "close"],
  ["merge", "combine", "land"],
  ["fork", "copy", "clone", "duplicate"],
  ["review", "reviewer", "approve", "feedback"],
  ["request", "ask"],
  ["invite", "invitation", "join"],
  ["dispatch", "trigger", "run", "start", "kick", "launch", "manually", "execute"],
  ["download", "export", "save"],
  ["upload", "import", "attach"],
  ["send", "email", "message", "notify", "deliver"],
  ["cancel", "abort", "stop", "halt"],
  ["enable", "activate", "turn", "switch"],
  ["disable", "deactivate", "pause", "suspend"],
  ["count", "many", "number", "total", "left", "remaining"],
  // nouns
  ["authenticated", "current", "me", "my", "myself", "mine", "own", "i", "self", "whoami"],
  ["user", "person", "people", "account", "someone", "somebody", "profile", "member", "login", "username", "handle"],
  ["repository", "repo", "project", "codebase"],
  ["organization", "org", "organisation", "company", "workspace", "enterprise"],
  ["pull", "pr", "merge"],
  ["issue", "ticket", "bug", "task"],
  ["comment", "reply", "note", "remark", "message"],
  ["label", "tag", "category"],
  ["release", "version", "publish"],
  ["content", "file", "readme", "document", "blob", "text", "code"],
  ["commit", "history", "change", "revision", "log"],
  ["notification", "alert", "inbox", "notified", "notify", "unread"],
  ["webhook", "hook", "callback", "notified", "event", "happen"],
  ["gist", "snippet", "paste"],
  ["collaborator", "access", "contributor", "permission"],
  ["member", "people", "person", "staff", "employee"],
  ["rate", "limit", "quota", "remaining", "left", "request"],
  ["workflow", "action", "pipeline", "ci", "job", "build"],
  ["branch", "ref", "head"],
  ["customer", "client", "buyer", "shopper"],
  ["order", "purchase", "checkout"],
  ["invoice", "bill", "billing", "receipt"],
  ["payment", "charge", "pay", "transaction"],
  ["product", "item", "sku", "good"],
  ["calendar", "event", "meeting", "appointment", "schedule"],
  ["channel", "room", "conversation", "chat"],
  ["image", "photo", "picture", "pic"],
  ["address", "location", "place"],
  ["setting", "config", "configuration", "preference", "option"],
  ["secret", "credential", "token", "password"],
  ["key", "credential", "token"],
  ["team", "group", "squad"],
  ["function", "method", "symbol"]
]

/** Abbreviations and spellings that mean exactly the same: they match at full weight. */
export const EQUIVALENTS: ReadonlyArray<ReadonlyArray<string>> = [
  ["repository", "repo"],
  ["organization", "org", "organisation"],
  ["pull", "pr"],
  ["configuration", "config"],
  ["authenticated", "authenticate", "auth"],
  ["username", "login"],
  ["information", "info"],
  ["application", "app"],
  ["environment", "env"],
  ["directory", "dir", "folder"],
  ["message", "msg"],
  ["favorite", "favourite"],
  ["review", "reviewer"]
]
