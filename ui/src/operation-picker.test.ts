import { describe, expect, it } from "vitest";
import type { ApiOperation } from "./bindings/config/ApiOperation";
import { firstChoice, groupOperations, SHOWN_AT_MOST } from "./operation-picker";

const op = (path: string, tag: string, summary = ""): ApiOperation => ({
  id: `GET ${path}`,
  path,
  tag,
  summary,
  resource: path.split("/").pop()!,
  data_selector: "data",
});

describe("groupOperations", () => {
  const ops = [op("/v1/tickets", "support", "Tickets"), op("/v1/events", "marketing"), op("/v1/brands", "support")];

  it("groups by tag in the document's order", () => {
    const { groups } = groupOperations(ops, "");
    expect(groups.map((g) => [g.tag, g.operations.map((o) => o.path)])).toEqual([
      ["support", ["/v1/tickets", "/v1/brands"]],
      ["marketing", ["/v1/events"]],
    ]);
  });

  it("keeps what matches every word of the filter", () => {
    const { groups } = groupOperations(ops, "SUPPORT tick");
    expect(groups.flatMap((g) => g.operations.map((o) => o.path))).toEqual(["/v1/tickets"]);
  });

  it("lists a big document's first operations and counts the rest", () => {
    const many = Array.from({ length: SHOWN_AT_MOST + 5 }, (_, i) => op(`/x${i}`, ""));
    const { groups, hidden } = groupOperations(many, "");
    expect(groups[0]?.operations).toHaveLength(SHOWN_AT_MOST);
    expect(hidden).toBe(5);
  });
});

describe("firstChoice", () => {
  it("chooses all of a small document and nothing of a big one", () => {
    expect(firstChoice({ title: "t", operations: [op("/a", "")], not_lists: 0 }).size).toBe(1);
    const many = Array.from({ length: 11 }, (_, i) => op(`/x${i}`, ""));
    expect(firstChoice({ title: "t", operations: many, not_lists: 0 }).size).toBe(0);
  });
});
