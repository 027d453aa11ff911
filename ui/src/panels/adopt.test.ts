import { describe, expect, test } from "vitest";
import { withAdopted } from "./adopt";

describe("adopting a detected setting", () => {
  test("writes it into the named resource's endpoint object", () => {
    const config = {
      client: { base_url: "https://x.test" },
      resources: [{ name: "a", endpoint: { path: "a", params: { limit: 5 } } }, "b"],
    };
    const next = withAdopted(config, "a", { paginator: { type: "cursor", cursor_path: "next" } });
    expect(next?.resources).toEqual([
      { name: "a", endpoint: { path: "a", params: { limit: 5 }, paginator: { type: "cursor", cursor_path: "next" } } },
      "b",
    ]);
    // The input is left as it was: the editor may still hold it.
    expect(config.resources[0]).toEqual({ name: "a", endpoint: { path: "a", params: { limit: 5 } } });
  });

  test("turns a bare resource or string endpoint into the object form", () => {
    const next = withAdopted({ resources: ["users", { name: "posts", endpoint: "v1/posts" }] }, "users", {
      data_selector: "data",
    });
    expect(next?.resources).toEqual([
      { name: "users", endpoint: { path: "users", data_selector: "data" } },
      { name: "posts", endpoint: "v1/posts" },
    ]);
    const posts = withAdopted({ resources: [{ name: "posts", endpoint: "v1/posts" }] }, "posts", { data_selector: "items" });
    expect(posts?.resources).toEqual([{ name: "posts", endpoint: { path: "v1/posts", data_selector: "items" } }]);
  });

  test("names no resource that is not there", () => {
    expect(withAdopted({ resources: ["a"] }, "zzz", { data_selector: "x" })).toBeNull();
  });
});
