/**
 * Evaluated first in every sandbox. It takes the host functions off the global
 * object into a closure, then installs what programs see: `tools` (a recursive
 * proxy whose calls are awaitable host calls), `console`, and a `Date` and
 * `Math.random` that read journaled values. It returns the helpers the host uses
 * to describe a thrown value and to serialize the result.
 */
export const PRELUDE = `(() => {
  "use strict";
  const host = globalThis.__executorHost;
  delete globalThis.__executorHost;
  const hostCall = host.call, hostLog = host.log, hostNow = host.now, hostRandom = host.random;
  const parse = JSON.parse, stringify = JSON.stringify;
  const format = (value) => {
    if (typeof value === "string") return value;
    if (value instanceof Error) return value.name + ": " + value.message;
    try { const text = stringify(value); return text === undefined ? String(value) : text } catch { return String(value) }
  };
  const console = {};
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    console[level] = (...args) => { hostLog(level, args.map(format).join(" ")) };
  }
  const invoke = (path, input) => {
    const args = input === undefined ? "" : stringify(input);
    return hostCall(path, args === undefined ? "" : args).then(parse);
  };
  const handler = {
    get: (target, key) => (typeof key !== "string" || key === "then") ? undefined : make(target.path === "" ? key : target.path + "." + key),
    apply: (target, _self, args) => invoke(target.path, args[0]),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
    getPrototypeOf: () => null,
    setPrototypeOf: () => false,
  };
  const make = (path) => { const target = function () {}; target.path = path; return new Proxy(target, handler) };
  const RealDate = Date;
  function SandboxDate(...args) {
    if (!new.target) return new RealDate(hostNow()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [hostNow()] : args, new.target);
  }
  SandboxDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, "constructor", { value: SandboxDate, writable: true, configurable: true });
  SandboxDate.now = () => hostNow();
  SandboxDate.parse = RealDate.parse;
  SandboxDate.UTC = RealDate.UTC;
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
  define("tools", make(""));
  define("console", console);
  globalThis.Date = SandboxDate;
  Math.random = () => hostRandom();
  const describe = (error) => {
    try {
      if (error !== null && typeof error === "object" && typeof error.message === "string") {
        return stringify({ name: typeof error.name === "string" ? error.name : "Error", message: error.message, stack: typeof error.stack === "string" ? error.stack : "" });
      }
      return stringify({ name: "Uncaught", message: "Uncaught " + format(error), stack: "" });
    } catch {
      return stringify({ name: "Uncaught", message: "Uncaught exception that could not be described", stack: "" });
    }
  };
  const serialize = (value) => stringify(value);
  return { describe, serialize };
})()`
