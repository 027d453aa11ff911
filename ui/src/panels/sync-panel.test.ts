import { describe, expect, test } from "vitest";
import { applyEvent } from "./sync-panel";

describe("sync progress", () => {
  test("follows each resource from waiting to done, counting retries and waits", () => {
    let p = applyEvent({}, { kind: "started", load_id: "1", db_path: "/x.duckdb", dataset: "d", resources: ["a", "b"] });
    expect(Object.keys(p)).toEqual(["a", "b"]);
    expect(p.a!.state).toBe("waiting");
    p = applyEvent(p, { kind: "resource_started", resource: "a" });
    p = applyEvent(p, { kind: "engine", event: { resource: "a", kind: "retry", message: "attempt 1 failed, retrying: HTTP 503" } });
    p = applyEvent(p, { kind: "engine", event: { resource: "a", kind: "wait", message: "waiting 1.000 s: HTTP 429" } });
    p = applyEvent(p, { kind: "progress", resource: "a", pages: 2, records: 200, rows: 260, seconds: 1.5 });
    expect(p.a).toMatchObject({ state: "running", pages: 2, records: 200, rows: 260, retries: 1, waits: 1 });
    expect(p.a!.last).toContain("HTTP 429");
    p = applyEvent(p, {
      kind: "resource_done",
      resource: "a",
      error: null,
      pages: 3,
      records: 250,
      tables: { a: 250, a__tags: 80 },
      stop_reason: "no next cursor",
      seconds: 2,
      cancelled: false,
    });
    expect(p.a).toMatchObject({ state: "done", rows: 330, records: 250 });
    expect(p.b!.state).toBe("waiting");
  });

  test("marks a failed resource", () => {
    const p = applyEvent({}, {
      kind: "resource_done",
      resource: "x",
      error: "HTTP 401 from http://api/x",
      next_step: "The API answered 401: check the token under Auth.",
      pages: 0,
      records: 0,
      tables: {},
      stop_reason: null,
      seconds: 0.1,
      cancelled: false,
    });
    expect(p.x!.state).toBe("failed");
  });

  test("marks a cancelled resource as cancelled, not failed", () => {
    const p = applyEvent({}, {
      kind: "resource_done",
      resource: "x",
      error: "cancelled: nothing of this resource was loaded",
      pages: 2,
      records: 200,
      tables: {},
      stop_reason: null,
      seconds: 0.4,
      cancelled: true,
    });
    expect(p.x!.state).toBe("cancelled");
  });

  test("the latest note follows pages and requests too", () => {
    let p = applyEvent({}, { kind: "resource_started", resource: "a" });
    p = applyEvent(p, { kind: "engine", event: { resource: "a", kind: "retry", message: "attempt 1 failed, retrying: HTTP 503" } });
    p = applyEvent(p, { kind: "engine", event: { resource: "a", kind: "page", message: "page 2: 100 records" } });
    expect(p.a!.last).toBe("page 2: 100 records");
  });
});
