/**
 * Every JSON answer of the API, defined once: the routes build them, the page's client and the tests
 * read them. Types only, so the browser bundle imports nothing of the server.
 */
import type { ErrorBody } from "./errors";
import type { Language, Mode } from "./schemas";

/** POST /submit: 201 for a new program, 200 when it was already stored. */
export interface SubmitAnswer {
  readonly hash: string;
  /** Where to run it: /run/<hash>. */
  readonly url: string;
  readonly mode: Mode;
  readonly network: boolean;
  readonly language?: Language;
  /** The entry point of a multi-file program. */
  readonly main?: string;
  /** The program's isolate was loaded at submit time, so its first run is warm. */
  readonly loaded: boolean;
  /** Why it did not load, when the program itself cannot (its runs answer the same error). */
  readonly loadError?: ErrorBody;
}

/** A program's source as the API gives it back (and the page sends it): one file, or several. */
export type ProgramSource =
  | { readonly code: string; readonly language?: Language }
  | { readonly files: Readonly<Record<string, string>>; readonly main: string };

/** GET /api/programs/:hash: a stored program's source, so the page can reopen it. */
export type ProgramAnswer = ProgramSource & {
  readonly hash: string;
  readonly url: string;
  readonly mode: Mode;
  readonly network: boolean;
};

/** GET /api/history. */
export interface HistoryAnswer {
  readonly entries: HistoryEntry[];
}

/** Every error: its code, its words, and the details it names. */
export interface ErrorAnswer {
  readonly error: ErrorBody;
}

/** How a run ended: see src/record/outcome.ts. */
export type Outcome = "ok" | "exception" | "limit" | "load_error" | "error";

/** One run in a visitor's history, as GET /api/history answers it. */
export interface HistoryEntry {
  /** The run id (x-run-id); null for runs recorded before runs had ids. */
  readonly id: string | null;
  readonly prompt: string;
  readonly hash: string;
  readonly status: number;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** The isolate was new for this run; null when the run never reached an isolate. */
  readonly cold: boolean | null;
  /** ISO 8601 time the run started. */
  readonly at: string;
}

export type LogLevel = "log" | "info" | "warn" | "error" | "debug";

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface ExceptionEntry {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** What a run printed and threw uncaught, as the runtime's tail reported it. */
export interface RunConsole {
  readonly logs: LogEntry[];
  readonly exceptions: ExceptionEntry[];
  /** Entries were dropped: over the per-run cap, or the runtime's own. */
  readonly truncated: boolean;
}

/** One request a program with network made, as our egress gateway saw it. */
export interface EgressEntry {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** The upstream's status, or 403 when the policy refused the host, 502 when the request failed. */
  readonly status: number;
  readonly durationMs: number;
  readonly blocked: boolean;
}

/** The full record of one run, as GET /api/runs/:id answers it. */
export interface RunRecord extends HistoryEntry {
  readonly console: RunConsole;
  /** Outbound requests, for programs submitted with network: true. */
  readonly egress: EgressEntry[];
  /** Whether the console has arrived from the tail (it follows the response by milliseconds). */
  readonly consoleReady: boolean;
  /** Our JSON error's body, for runs that did not end with the program's own response. */
  readonly error: ErrorBody | null;
}
