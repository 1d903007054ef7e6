import { type ChildProcess, spawn } from "node:child_process";

/**
 * Ties a child process's life to this one's, even when this one dies by SIGKILL and can run no
 * cleanup: a small shell waits on a pipe that only this process holds open. The kernel closes the
 * pipe when this process dies, however it dies, and the shell then kills the child. (Linux's
 * PR_SET_PDEATHSIG would do the same, but Node cannot set it.) Call the answer when the child has
 * exited, to end the watcher.
 */
export function lifeline(child: ChildProcess): () => void {
  if (!child.pid) return () => {};
  const watcher = spawn("/bin/sh", ["-c", 'read _; kill -9 "$0" 2>/dev/null', String(child.pid)], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  // The watcher must not keep this process alive, nor be waited for.
  watcher.unref();
  const pipe = watcher.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  pipe?.unref?.();
  pipe?.on("error", () => {});
  return () => {
    if (watcher.exitCode === null && watcher.signalCode === null) watcher.kill("SIGKILL");
  };
}
