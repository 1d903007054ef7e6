import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * A folder of this dev line's own under `root` (line-<pid>), for what it generates: its configs carry
 * its ports and state folder, so another dev line started from the same checkout (the tests start
 * several) must never overwrite them. Only its owner may enter it. (Secrets are not in it: they reach
 * the processes in their environment.) Folders of dev lines that are gone are removed here.
 */
export function lineFolder(root: string): string {
  const base = resolve(root);
  mkdirSync(base, { recursive: true });
  for (const entry of readdirSync(base)) {
    const pid = /^line-(\d+)$/.exec(entry)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    rmSync(join(base, entry), { recursive: true, force: true });
  }
  const dir = join(base, `line-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and is someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
