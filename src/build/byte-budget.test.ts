import { describe, expect, it } from "vitest";
import { ApiError } from "../base/errors";
import { ByteBudget, countedChunks } from "./byte-budget";
import { CalledOff, Deadline, DeadlinePassed } from "./deadline";

/** A body of `count` chunks of `size` bytes, pulled one at a time, recording how far it got. */
function body(count: number, size: number, seen: { pulled: number; cancelled: boolean }) {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled >= count) return controller.close();
        seen.pulled++;
        controller.enqueue(new Uint8Array(size));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

describe("ByteBudget", () => {
  it("passes up to its limit and answers 422 dependency_too_large naming the package past it", () => {
    const budget = new ByteBudget("unpackedBytes", 100);
    budget.take(60, "a");
    budget.take(40, "b");
    expect(budget.left).toBe(0);
    let error: unknown;
    try {
      budget.take(1, "c");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("dependency_too_large");
    expect((error as ApiError).details).toEqual({ package: "c", limit: "unpackedBytes", max: 100 });
  });

  it("refuses a declared length over what is left, before any byte", () => {
    const budget = new ByteBudget("compressedBytes", 100);
    budget.take(50, "a");
    expect(() => budget.check(50, "b")).not.toThrow();
    expect(() => budget.check(51, "b")).toThrow(ApiError);
  });
});

describe("countedChunks", () => {
  it("stops reading on the chunk that passes the limit and cancels the body", async () => {
    const seen = { pulled: 0, cancelled: false };
    const budget = new ByteBudget("compressedBytes", 10 * 1024);
    const deadline = new Deadline(5_000);
    let handed = 0;
    const reading = (async () => {
      for await (const chunk of countedChunks(body(1000, 1024, seen), budget, "big", deadline)) handed += chunk.length;
    })();
    await expect(reading).rejects.toMatchObject({ code: "dependency_too_large", details: { package: "big" } });
    deadline.stop();
    expect(handed).toBe(10 * 1024);
    expect(seen.pulled).toBeLessThanOrEqual(12);
    expect(seen.cancelled).toBe(true);
  });

  it("cancels the body when the reader stops early", async () => {
    const seen = { pulled: 0, cancelled: false };
    const deadline = new Deadline(5_000);
    for await (const _ of countedChunks(body(1000, 1, seen), new ByteBudget("metadataBytes", 1e9), "x", deadline)) {
      break;
    }
    deadline.stop();
    expect(seen.cancelled).toBe(true);
  });

  it("ends a read that never comes when the deadline passes", async () => {
    const deadline = new Deadline(50);
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const reading = (async () => {
      for await (const _ of countedChunks(never, new ByteBudget("metadataBytes", 1e9), "slow", deadline)) {
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(DeadlinePassed);
  });
});

describe("Deadline", () => {
  it("races work against the time, and ends every wait when called off", async () => {
    const deadline = new Deadline(10_000);
    expect(await deadline.race(Promise.resolve(3))).toBe(3);
    const waiting = deadline.race(new Promise(() => {}));
    deadline.callOff();
    await expect(waiting).rejects.toBeInstanceOf(CalledOff);
    expect(deadline.signal.aborted).toBe(true);
    await expect(deadline.race(Promise.resolve(1))).rejects.toBeInstanceOf(CalledOff);
  });
});
