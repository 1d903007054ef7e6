/** One run in a visitor's history, as stored and as GET /api/history answers it. */
export interface HistoryEntry {
  readonly prompt: string;
  readonly hash: string;
  readonly status: number;
  readonly durationMs: number;
  /** ISO 8601 time the run started. */
  readonly at: string;
}
