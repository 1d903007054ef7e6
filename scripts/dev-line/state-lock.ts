import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const LOCK_FILE = "dev-line.lock";

/**
 * Takes the state folder (PERSIST_TO) for this dev line: two lines writing one folder's SQLite files
 * would corrupt each other's programs and histories. The lock file holds the owner's pid; a lock left
 * by a line that is gone (killed, even by SIGKILL) is taken over. Answers an error message when a
 * running line holds it.
 */
export function lockState(stateDir: string): { release(): void } | string {
  const path = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      return {
        release() {
          if (ownerOf(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = ownerOf(path);
    if (owner !== undefined && owner !== process.pid && isDevLine(owner)) {
      return `Another bun dev (pid ${owner}) is using ${stateDir}. Stop it, or give this one its own folder with PERSIST_TO=<folder>.`;
    }
    // Left by a line that is gone: take it over.
    rmSync(path, { force: true });
  }
  return `Could not take ${path}: another bun dev is starting on the same folder.`;
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid runs a dev line (not a process that got the pid after the line was gone). */
function isDevLine(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("scripts/dev.ts");
  } catch {
    // No /proc (not Linux): whether it lives is all there is to know.
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  }
}
