import * as fs from "node:fs"

export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number
  ) {
    super(
      `Another Executor daemon (pid ${pid}) is already using the data dir ${dataDir}. ` +
        "Stop it first, or point this one at another dir with --data-dir or EXECUTOR_DATA_DIR."
    )
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Takes the data dir for this process with an exclusive-create lock file holding our pid.
 * A lock left by a process that is gone (a crash, `kill -9`) is taken over.
 * Returns the release function.
 */
export const acquireDataDirLock = (lockFile: string, dataDir: string): (() => void) => {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockFile, "wx", 0o600)
      fs.writeSync(fd, String(process.pid))
      fs.closeSync(fd)
      return () => {
        try {
          if (fs.readFileSync(lockFile, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockFile)
        } catch {
          // Already gone: nothing to release.
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      const holder = Number.parseInt(fs.readFileSync(lockFile, "utf8").trim(), 10)
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) throw new DataDirInUse(dataDir, holder)
      fs.rmSync(lockFile, { force: true })
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`)
}
