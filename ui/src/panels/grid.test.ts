import { describe, expect, test } from "vitest";
import { fittedWidth, MIN_COLUMN_WIDTH, nestedName, parseFilter, ROW_HEIGHT, scrollTopFor, visibleRange } from "./grid";

describe("filter boxes", () => {
  test("read comparisons, emptiness and plain text", () => {
    expect(parseFilter("id", " >10 ")).toEqual({ column: "id", op: "greater_than", value: "10" });
    expect(parseFilter("id", "<5")).toEqual({ column: "id", op: "less_than", value: "5" });
    expect(parseFilter("id", "=7")).toEqual({ column: "id", op: "equals", value: "7" });
    expect(parseFilter("id", "!= 3")).toEqual({ column: "id", op: "not_equals", value: "3" });
    expect(parseFilter("note", "Empty")).toEqual({ column: "note", op: "is_empty", value: "" });
    expect(parseFilter("note", "not empty")).toEqual({ column: "note", op: "is_not_empty", value: "" });
    expect(parseFilter("status", "open")).toEqual({ column: "status", op: "contains", value: "open" });
    expect(parseFilter("status", "   ")).toBeNull();
  });
});

describe("the virtual scroll", () => {
  test("maps pixels to rows one to one for tables that fit", () => {
    const r = visibleRange(ROW_HEIGHT * 50 + 3, 280, 1000);
    expect(r.first).toBe(50);
    expect(r.top).toBe(ROW_HEIGHT * 50);
    expect(r.height).toBe(ROW_HEIGHT * 1000);
    expect(r.count).toBe(11);
  });

  test("scrolls a picked row into view in millions of rows", () => {
    // A pixel stands for more than one row there, so the row is in view, not always first.
    const total = 10_000_000;
    for (const row of [0, 1, 123_456, 5_000_000, total - 20, total - 1]) {
      const r = visibleRange(scrollTopFor(row, 280, total), 280, total);
      expect(row).toBeGreaterThanOrEqual(r.first);
      expect(row).toBeLessThan(r.first + r.count - 1);
    }
  });

  test("maps the scrollbar proportionally for millions of rows and reaches the last row", () => {
    const total = 10_000_000;
    const top = visibleRange(0, 280, total);
    expect(top.first).toBe(0);
    expect(top.height).toBeLessThan(total * ROW_HEIGHT);
    const bottom = visibleRange(top.height - 280, 280, total);
    expect(bottom.first + bottom.count - 1).toBe(total);
    const middle = visibleRange((top.height - 280) / 2, 280, total);
    expect(Math.abs(middle.first - total / 2)).toBeLessThan(10);
  });
});

describe("column widths", () => {
  test("fit the longest value, within limits", () => {
    const id = fittedWidth("id", ["1", "22", "333"]);
    const customer = fittedWidth("customer_id", ["cus_000123", "cus_004567"]);
    expect(id).toBeGreaterThanOrEqual(MIN_COLUMN_WIDTH);
    expect(customer).toBeGreaterThan(id);
    expect(fittedWidth("note", ["x".repeat(5_000)])).toBe(320);
  });

  test("give a long name no more than about twenty characters", () => {
    expect(fittedWidth("campaign__budget__currency", ["EUR"])).toBe(fittedWidth("x".repeat(20), []));
  });

  test("count a NULL as the word shown", () => {
    expect(fittedWidth("a", [null])).toBe(fittedWidth("a", ["NULL"]));
  });
});

describe("nested tables", () => {
  test("are named by the part after their parent", () => {
    expect(nestedName("marketing_data__touchpoints", "marketing_data")).toBe("touchpoints");
    expect(nestedName("a__b__c", "a__b")).toBe("c");
    expect(nestedName("other", "marketing_data")).toBe("other");
  });
});
