import { describe, expect, it } from "vitest";
import { dispositionEffect } from "./resources";

describe("dispositionEffect", () => {
  it("warns that append, dlt's default, adds every row again on a second sync", () => {
    expect(dispositionEffect("", false, false)).toMatch(/second sync adds every row again/);
    expect(dispositionEffect("append", true, false)).toMatch(/once per sync/);
  });

  it("says an incremental append keeps a row per version of a changed record", () => {
    expect(dispositionEffect("append", true, true)).toMatch(/changed since the last one.*a row for each version/);
  });

  it("says what replace, merge and skip do, and that merge needs a key", () => {
    expect(dispositionEffect("replace", false, false)).toMatch(/replaces the table/);
    expect(dispositionEffect("merge", true, false)).toMatch(/updates the rows whose primary key/);
    expect(dispositionEffect("merge", false, false)).toMatch(/needs a primary key or merge key/);
    expect(dispositionEffect("skip", false, false)).toMatch(/Nothing is loaded/);
  });
});
