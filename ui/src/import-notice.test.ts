import { describe, expect, it } from "vitest";
import type { ImportOutcome } from "./api";
import { importNotice } from "./import-notice";

const connector = (id: number, name: string, problems: string[] = []) => ({
  connector: { id, name, baseUrl: null, resourceCount: 1, isDemo: false, updatedAt: "" },
  storedSecrets: [],
  problems,
});

describe("importNotice", () => {
  it("says nothing when one connector came in clean", () => {
    expect(importNotice({ connectors: [connector(1, "a")] })).toBeNull();
  });

  it("lists what one connector still needs", () => {
    expect(importNotice({ connectors: [connector(1, "a", ["client.base_url: is required"])] })).toEqual({
      text: "Imported. Still to fix:\nclient.base_url: is required",
      tone: "info",
    });
  });

  it("names every connector of a module with several sources, and whose problems are whose", () => {
    const outcome: ImportOutcome = {
      connectors: [connector(1, "billing"), connector(2, "people", ["resources[0].processing_steps[0].map: left out"])],
    };
    expect(importNotice(outcome)).toEqual({
      text:
        "Imported 2 connectors, one per dlt source: billing, people.\n\n" +
        "Still to fix in people:\nresources[0].processing_steps[0].map: left out",
      tone: "info",
    });
  });

  it("is an error when the keychain refused the secrets", () => {
    const notice = importNotice({ connectors: [connector(1, "a")], keychainProblem: "locked" });
    expect(notice?.tone).toBe("error");
    expect(notice?.text).toMatch(/could not be stored in your keychain: locked/);
  });
});
