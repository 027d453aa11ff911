import { describe, expect, it } from "vitest";
import { getIn, pathText, sameJson, setIn } from "./json-path";

describe("json paths", () => {
  it("names paths the way validation problems do", () => {
    expect(pathText(["resources", 0, "endpoint", "paginator", "limit"])).toBe(
      "resources[0].endpoint.paginator.limit",
    );
    expect(pathText(["client", "base_url"])).toBe("client.base_url");
    expect(pathText(["client", "headers", "X-Api-Key"])).toBe('client.headers["X-Api-Key"]');
  });

  it("sets nested values without touching the original", () => {
    const original = { client: { base_url: "https://a" }, resources: [{ name: "r" }] };
    const next = setIn(original, ["resources", 0, "endpoint", "paginator", "limit"], 100);
    expect(getIn(next, ["resources", 0, "endpoint", "paginator", "limit"])).toBe(100);
    expect(getIn(next, ["resources", 0, "name"])).toBe("r");
    expect(original.resources[0]).toEqual({ name: "r" });
  });

  it("removes a key and the optional sections it leaves empty, but not list elements", () => {
    const config = { client: { base_url: "x" }, resource_defaults: { primary_key: "id" }, resources: [{ name: "r", endpoint: { path: "p" } }] };
    expect(setIn(config, ["resource_defaults", "primary_key"], undefined)).toEqual({
      client: { base_url: "x" },
      resources: [{ name: "r", endpoint: { path: "p" } }],
    });
    expect(setIn(config, ["resources", 0, "endpoint", "path"], undefined)).toEqual({
      client: { base_url: "x" },
      resource_defaults: { primary_key: "id" },
      resources: [{ name: "r" }],
    });
    expect(setIn({ resources: [{}] }, ["resources", 0, "name"], undefined)).toEqual({ resources: [{}] });
  });

  it("compares documents regardless of key order", () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
