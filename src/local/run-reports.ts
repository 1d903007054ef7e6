import { Gathering } from "../base/gathering";
import { INTERNAL_SECRET_HEADER, RUNS_PATH, type RunReport } from "./protocol";

/** How long reports gather before they go to the supervisor together. */
const REPORT_MS = 4;
/** A batch this large starts its successor. */
const REPORT_MAX = 128;

const gathering = new Gathering<RunReport>(REPORT_MS, REPORT_MAX);

/**
 * Tells the supervisor of a run sent straight to a runtime, in one request per REPORT_MS for all runs
 * meanwhile: it still watches every run (which programs were in flight when a runtime wedged, how long
 * each took, when a lane is idle) without carrying any. A runtime is killed only after WEDGE_MS
 * without answering, long after its runs' starts have arrived. Answers when the report is on its way.
 */
export function reportRun(supervisorUrl: string, secret: string, report: RunReport): Promise<void> {
  return gathering.add("", report, async (reports) => {
    const response = await fetch(new URL(RUNS_PATH, supervisorUrl), {
      method: "POST",
      headers: { "content-type": "application/json", [INTERNAL_SECRET_HEADER]: secret },
      body: JSON.stringify({ reports }),
      redirect: "manual",
    });
    await response.body?.cancel();
  });
}
