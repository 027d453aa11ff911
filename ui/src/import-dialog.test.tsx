import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("./api", () => ({ api: { importConnector: vi.fn() } }));

import { ImportDialog } from "./import-dialog";

let host: HTMLElement;
afterEach(() => host?.remove());

describe("ImportDialog", () => {
  it("opening a file puts its text in the box to import", async () => {
    // jsdom has no showModal.
    HTMLDialogElement.prototype.showModal = function () {
      this.open = true;
    };
    host = document.createElement("div");
    document.body.append(host);
    act(() => render(<ImportDialog onImported={() => {}} onCancel={() => {}} />, host));
    const input = host.querySelector<HTMLInputElement>('[data-testid="import-file"]')!;
    const file = new File(['{"client": {"base_url": "https://a"}, "resources": ["r"]}'], "c.json", {
      type: "application/json",
    });
    Object.defineProperty(input, "files", { value: [file] });
    await act(async () => {
      input.dispatchEvent(new Event("change", { bubbles: true }));
      await new Promise((r) => setTimeout(r, 10));
    });
    expect(host.querySelector<HTMLTextAreaElement>("#import-text")!.value).toContain('"base_url": "https://a"');
  });
});
