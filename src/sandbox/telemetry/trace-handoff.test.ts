import { describe, expect, it } from "vitest";
import type { RunTrace } from "../sandbox";
import { TraceHandoff } from "./trace-handoff";

const trace = (message: string): RunTrace => ({
  console: { logs: [{ level: "log", message, at: 0 }], exceptions: [], truncated: false },
  egress: [],
});

describe("the trace handoff between a run's tail and its recorder", () => {
  it("hands over the trace of a run it expects, whether it lands before or while the recorder waits", async () => {
    const handoff = new TraceHandoff();
    handoff.expect("early");
    expect(handoff.offer("early", trace("before"))).toBe(true);
    expect(await handoff.take("early", 1_000)).toEqual(trace("before"));

    handoff.expect("late");
    const taking = handoff.take("late", 1_000);
    setTimeout(() => handoff.offer("late", trace("while")), 20);
    expect(await taking).toEqual(trace("while"));
  });

  it("refuses a run it does not expect, so its trace goes the other way (the mailbox, the supervisor)", async () => {
    const handoff = new TraceHandoff();
    expect(handoff.offer("someone else's", trace("x"))).toBe(false);
    expect(await handoff.take("someone else's", 10)).toBeUndefined();
  });

  it("gives up after the wait, and then refuses the trace that comes too late", async () => {
    const handoff = new TraceHandoff();
    handoff.expect("slow");
    expect(await handoff.take("slow", 30)).toBeNull();
    expect(handoff.offer("slow", trace("too late"))).toBe(false);
  });

  it("hands each trace out once", async () => {
    const handoff = new TraceHandoff();
    handoff.expect("once");
    handoff.offer("once", trace("x"));
    expect(await handoff.take("once", 10)).toEqual(trace("x"));
    expect(await handoff.take("once", 10)).toBeUndefined();
  });

  it("stays bounded: the oldest expected run is forgotten first", () => {
    const handoff = new TraceHandoff(2);
    handoff.expect("a");
    handoff.expect("b");
    handoff.expect("c");
    expect(handoff.offer("a", trace("a"))).toBe(false);
    expect(handoff.offer("c", trace("c"))).toBe(true);
  });

  it("stops expecting anything once traces are known to land in another isolate", async () => {
    const handoff = new TraceHandoff();
    handoff.expect("first");
    expect(await handoff.take("first", 10)).toBeNull();
    handoff.landedElsewhere();
    expect(handoff.useful).toBe(false);
    handoff.expect("next");
    expect(handoff.offer("next", trace("x"))).toBe(false);
  });

  it("keeps expecting here once a trace has landed here, whatever one late run does", async () => {
    const handoff = new TraceHandoff();
    handoff.expect("here");
    handoff.offer("here", trace("x"));
    await handoff.take("here", 10);
    handoff.landedElsewhere();
    expect(handoff.useful).toBe(true);
  });
});
