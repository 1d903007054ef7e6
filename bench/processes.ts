import { execFileSync } from "node:child_process";

export interface Member {
  readonly pid: number;
  readonly rssMib: number;
  readonly command: string;
}

/** Every process in a process group (the dev line's), with its resident memory. */
export function members(pgid: number): Member[] {
  try {
    return execFileSync("ps", ["-o", "pid=,rss=,args=", "-g", String(pgid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => {
        const [pid = "0", rss = "0", ...command] = line.trim().split(/\s+/);
        return { pid: Number(pid), rssMib: Number(rss) / 1024, command: command.join(" ") };
      });
  } catch {
    return [];
  }
}

/** What a dev-line process is: the app's workerd, the sandbox runtime's, or tooling. */
export function kindOf(member: Member): "sandbox" | "app" | "node" {
  if (/workerd serve .*sandbox\.capnp/.test(member.command)) return "sandbox";
  if (/workerd/.test(member.command)) return "app";
  return "node";
}
