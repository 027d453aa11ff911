import { render } from "preact";
import { act } from "preact/test-utils";
import { useState } from "preact/hooks";
import { afterEach, describe, expect, it, vi } from "vitest";

const setConnectorSecret = vi.fn(async () => null);
vi.mock("../api", () => ({
  api: { setConnectorSecret: (...args: unknown[]) => setConnectorSecret(...(args as [])) },
}));

import type { Problem } from "../api";
import { AuthForm } from "./auth";
import { EditorContext, type EditorState } from "./context";
import { changedPaths } from "./history";
import { pathText, setIn, type Json } from "./json-path";
import { PaginatorForm } from "./paginator";
import { parentFields } from "./resources";

let host: HTMLElement;
afterEach(() => host?.remove());

/** Renders `children` over a live config, the way the editor does, and exposes the document. */
function mount(initial: Json, children: preact.ComponentChild, problems: Problem[] = []) {
  const box: { config: Json } = { config: initial };
  function Harness() {
    const [config, setConfig] = useState<Json>(initial);
    box.config = config;
    const state: EditorState = {
      connectorId: 1,
      config,
      set: (path, value) => setConfig((c) => setIn(c, path, value)),
      problemsAt: (path) => problems.filter((p) => p.path === pathText(path)),
      warningsAt: () => [],
      flush: async () => undefined,
      secrets: [{ name: "token", isSet: true, fromEnvironment: false }],
      refreshSecrets: async () => undefined,
    };
    return <EditorContext.Provider value={state}>{children}</EditorContext.Provider>;
  }
  host = document.createElement("div");
  document.body.append(host);
  act(() => render(<Harness />, host));
  return box;
}

function type(el: HTMLInputElement | HTMLSelectElement, value: string, event = "input") {
  act(() => {
    el.value = value;
    el.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

describe("editor forms", () => {
  it("picking an auth type shows that type's fields and writes dlt's names", () => {
    const box = mount({ client: { base_url: "https://a" }, resources: [] }, <AuthForm path={["client", "auth"]} />);
    const select = host.querySelector<HTMLSelectElement>("#f-client-auth-type")!;
    type(select, "api_key", "change");
    expect(box.config).toEqual({ client: { base_url: "https://a", auth: { type: "api_key" } }, resources: [] });
    const name = host.querySelector<HTMLInputElement>("#f-client-auth-name")!;
    expect(name.placeholder).toBe("Authorization");
    type(name, "X-Key");
    expect((box.config as { client: { auth: unknown } }).client.auth).toEqual({ type: "api_key", name: "X-Key" });
    // The API key itself is a password field that never holds the config's value.
    expect(host.querySelector<HTMLInputElement>("#f-client-auth-api_key")!.type).toBe("password");
    type(select, "", "change");
    expect(box.config).toEqual({ client: { base_url: "https://a" }, resources: [] });
  });

  it("a secret field shows only whether the keychain has the value, and stores what is typed there", async () => {
    const config = { client: { base_url: "https://a", auth: { type: "bearer", token: { $secret: "token" } } }, resources: [] };
    const box = mount(config, <AuthForm path={["client", "auth"]} />);
    expect(host.querySelector('[data-testid="secret-state-token"]')!.textContent).toBe("set in keychain");
    const input = host.querySelector<HTMLInputElement>("#f-client-auth-token")!;
    expect(input.value).toBe("");
    type(input, "hunter2");
    await act(async () => {
      host.querySelector<HTMLButtonElement>('[data-testid="f-client-auth-token-store"]')!.click();
    });
    expect(setConnectorSecret).toHaveBeenCalledWith(1, "token", "hunter2");
    expect(JSON.stringify(box.config)).not.toContain("hunter2");
    expect(input.value).toBe("");
  });

  it("paginator fields follow the type, and numbers are saved as numbers", () => {
    const path = ["resources", 0, "endpoint", "paginator"];
    const box = mount({ resources: [{ name: "r" }] }, <PaginatorForm path={path} unset="Default" />, [
      { path: "resources[0].endpoint.paginator.limit", kind: "missing", message: "is required" },
    ]);
    type(host.querySelector<HTMLSelectElement>("#f-resources-0-endpoint-paginator-type")!, "offset", "change");
    expect(host.querySelector("#f-resources-0-endpoint-paginator-limit-error")!.textContent).toBe("is required");
    type(host.querySelector<HTMLInputElement>("#f-resources-0-endpoint-paginator-limit")!, "100");
    expect(box.config).toEqual({ resources: [{ name: "r", endpoint: { paginator: { type: "offset", limit: 100 } } }] });
    type(host.querySelector<HTMLInputElement>("#f-resources-0-endpoint-paginator-limit")!, "ten");
    expect(box.config).toEqual({ resources: [{ name: "r", endpoint: { paginator: { type: "offset", limit: "ten" } } }] });
    type(host.querySelector<HTMLSelectElement>("#f-resources-0-endpoint-paginator-type")!, "cursor", "change");
    expect(host.querySelector<HTMLInputElement>("#f-resources-0-endpoint-paginator-cursor_path")!.placeholder).toBe("cursors.next");
    expect(box.config).toEqual({ resources: [{ name: "r", endpoint: { paginator: { type: "cursor" } } }] });
  });

  it("the parent picker offers the fields a parent is known to have", () => {
    const config: Json = {
      resource_defaults: { primary_key: "id" },
      resources: [
        { name: "orgs", primary_key: ["org_id"], endpoint: { incremental: { cursor_path: "updated_at" } } },
        { name: "members" },
      ],
    };
    expect(parentFields(config, "orgs")).toEqual(["id", "org_id", "updated_at"]);
  });

  it("history lists what changed between two versions by path", () => {
    expect(
      changedPaths(
        { client: { base_url: "https://a" }, resources: [{ name: "r" }] },
        { client: { base_url: "https://b" }, resources: [{ name: "r", table_name: "t" }] },
      ),
    ).toEqual([
      { path: "client.base_url", before: "https://a", after: "https://b" },
      { path: "resources[0].table_name", before: "(none)", after: "t" },
    ]);
  });
});
