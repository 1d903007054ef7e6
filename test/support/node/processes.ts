import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** The TCP ports a process listens on, read from /proc as any local process of its user could. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of safe(() => readdirSync(`/proc/${pid}/fd`), [])) {
    const target = safe(() => readlinkSync(`/proc/${pid}/fd/${fd}`), "");
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of safe(() => readFileSync(table, "utf8"), "")
      .split("\n")
      .slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
      const [local, , state] = fields.slice(1, 4);
      if (state !== "0A" || !inodes.has(fields[9] ?? "")) continue;
      ports.add(Number.parseInt(local?.split(":")[1] ?? "", 16));
    }
  }
  return [...ports];
}

/** A process's environment, as its owner can read it. */
export function environOf(pid: number): Record<string, string> {
  const raw = safe(() => readFileSync(`/proc/${pid}/environ`, "utf8"), "");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter((entry) => entry.includes("="))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

/**
 * POSTs `body` to the dev line's supervisor at /runs, as the app reports the runs it sends straight to
 * a runtime, with the line's secret (read as its owner can); the answer's status.
 */
export async function postRunReports(processes: readonly { pid: number; args: string }[], body: string) {
  return (await postToSupervisor(processes, "/runs", body, { "content-type": "application/json" })).status;
}

/** POSTs `body` to the dev line's supervisor at `path`, with the line's secret (read as its owner can). */
export async function postToSupervisor(
  processes: readonly { pid: number; args: string }[],
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const app = processes.find((process) => /workerd serve .*app\.capnp/.test(process.args));
  const dev = processes.find((process) => /scripts\/dev\.ts/.test(process.args));
  const supervisorPort = listeningPorts(dev?.pid ?? 0)[0];
  if (supervisorPort === undefined) throw new Error("the dev line's supervisor listens on no port");
  const answer = await fetch(`http://127.0.0.1:${supervisorPort}${path}`, {
    method: "POST",
    headers: { ...headers, "x-promptlog-internal": environOf(app?.pid ?? 0).INTERNAL_SECRET ?? "" },
    body,
  });
  return { status: answer.status, text: await answer.text() };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function safe<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch {
    return otherwise;
  }
}
