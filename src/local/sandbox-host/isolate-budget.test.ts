import { describe, expect, it } from "vitest";
import { IsolateBudget, releasedWithBody } from "./isolate-budget";

describe("a sandbox runtime's isolate budget", () => {
  it("runs a program's first run in a throwaway isolate, keeps one from its second, and stops keeping when full", () => {
    const budget = new IsolateBudget(2, 4);
    expect(budget.planRun("a")).toEqual({ reuse: "fresh", builds: true });
    expect(budget.planRun("a")).toEqual({ reuse: "cached", builds: true });
    expect(budget.planRun("a")).toEqual({ reuse: "cached", builds: false });
    expect(budget.keepAhead("b")).toBe(true);
    expect(budget.planRun("b")).toEqual({ reuse: "cached", builds: false });
    expect(budget.full).toBe(true);
    // Past the kept ones, every run of a new program builds a throwaway isolate, and nothing more is loaded ahead.
    expect(budget.keepAhead("c")).toBe(false);
    expect(budget.planRun("c")).toEqual({ reuse: "fresh", builds: true });
    expect(budget.planRun("c")).toEqual({ reuse: "fresh", builds: true });
    expect(budget.planRun("a")).toEqual({ reuse: "cached", builds: false });
    // A program with network never keeps one.
    expect(new IsolateBudget().planRun("d", true)).toEqual({ reuse: "fresh", builds: true });
  });

  it("keeps no more isolates once its runtime is being replaced, and still runs the ones it kept", () => {
    const budget = new IsolateBudget(10, 4);
    expect(budget.keepAhead("a")).toBe(true);
    budget.planRun("b");
    budget.stopKeeping();
    expect(budget.full).toBe(true);
    expect(budget.keepAhead("c")).toBe(false);
    expect(budget.planRun("b")).toEqual({ reuse: "fresh", builds: true });
    expect(budget.planRun("a")).toEqual({ reuse: "cached", builds: false });
  });

  it("hands out building places in turn, and a place released twice frees one", async () => {
    const budget = new IsolateBudget(10, 2);
    const first = await budget.building();
    const second = await budget.building();
    const order: number[] = [];
    const inTurn = (n: number) =>
      budget.building().then((release) => {
        order.push(n);
        return release;
      });
    const third = inTurn(3);
    const fourth = inTurn(4);
    await scheduler.wait(20);
    expect(order).toEqual([]);
    first();
    first();
    await scheduler.wait(20);
    expect(order).toEqual([3]);
    second();
    await scheduler.wait(20);
    expect(order).toEqual([3, 4]);
    (await third)();
    (await fourth)();
    await budget.building();
    await budget.building();
  });

  it("holds a place until the answer's body has gone out, or was dropped", async () => {
    let released = 0;
    const streamed = releasedWithBody(new Response("hello"), () => released++);
    expect(released).toBe(0);
    expect(await streamed.text()).toBe("hello");
    expect(released).toBe(1);

    const dropped = releasedWithBody(new Response("never read"), () => released++);
    await dropped.body?.cancel();
    expect(released).toBeGreaterThanOrEqual(2);

    const before = released;
    releasedWithBody(new Response(null, { status: 204 }), () => released++);
    expect(released).toBe(before + 1);
  });

  it("lends a place held too long to the next run in line", async () => {
    const budget = new IsolateBudget(10, 1);
    await budget.building(30);
    let got = false;
    const next = budget.building(30).then((release) => {
      got = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(got).toBe(false);
    await next;
    expect(got).toBe(true);
  });
});
