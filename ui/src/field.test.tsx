import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { asCommandError } from "./api";
import { Field } from "./field";

let host: HTMLElement;
afterEach(() => host?.remove());

function mount(node: preact.ComponentChild) {
  host = document.createElement("div");
  document.body.append(host);
  render(node, host);
  return host;
}

describe("Field", () => {
  it("shows its error under the input and links the two for screen readers", () => {
    const el = mount(
      <Field id="base" label="Base URL" value="x" onInput={() => {}} error="Must start with https://" />,
    );
    const input = el.querySelector("input")!;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("base-error");
    expect(el.querySelector("#base-error")?.textContent).toBe("Must start with https://");
  });

  it("has no error state when there is no error", () => {
    const el = mount(<Field id="name" label="Name" value="" onInput={() => {}} hint="A name" />);
    const input = el.querySelector("input")!;
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(input.getAttribute("aria-describedby")).toBe("name-hint");
    expect(el.querySelector(".field-error")).toBeNull();
  });
});

describe("asCommandError", () => {
  it("keeps an IPC error as it is", () => {
    const err = { kind: "invalid", message: "bad", field: "name" };
    expect(asCommandError(err)).toEqual(err);
  });

  it("wraps anything else as an internal error with its text", () => {
    expect(asCommandError("window closed")).toEqual({ kind: "internal", message: "window closed" });
  });
});
