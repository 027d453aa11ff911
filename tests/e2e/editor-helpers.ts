// What the editor tests do as a user: fill fields by their labels' inputs, pick from selects,
// store secrets, wait for autosave. Field ids come from the config path (`f-client-base_url`).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { builtBinary, type Browser } from "./harness.ts";

// The seed documents live in the repository: a clone must pass with nothing beside it.
export const seedsDir = resolve(import.meta.dirname, "../seeds");

export function seedFiles(): string[] {
  return readdirSync(seedsDir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => join(seedsDir, f));
}

export const readSeed = (path: string) => readFileSync(path, "utf8");

/** The `sluice` CLI next to the app binary: the reference for what importing a seed gives. */
const cliBinary = () => builtBinary("sluice");

/** The config `sluice import` makes of a seed document. */
export function importedConfig(seedPath: string): Record<string, unknown> {
  const cli = cliBinary();
  assert.ok(existsSync(cli), `the sluice CLI is built at ${cli}`);
  return JSON.parse(execFileSync(cli, ["import", seedPath], { encoding: "utf8" })) as Record<string, unknown>;
}

export const fieldSelector = (path: (string | number)[]) => `#f-${path.join("-")}`;

export async function fill(browser: Browser, path: (string | number)[], value: string) {
  const input = await browser.$(fieldSelector(path));
  await input.waitForDisplayed();
  await input.setValue(value);
  assert.equal(await input.getValue(), value, `${path.join(".")} holds what was typed`);
}

export async function choose(browser: Browser, path: (string | number)[], value: string) {
  const select = await browser.$(fieldSelector(path));
  await select.waitForDisplayed();
  await select.selectByAttribute("value", value);
  assert.equal(await select.getValue(), value, `${path.join(".")} shows the choice`);
}

export async function openSection(browser: Browser, id: string) {
  // Back to the top first, as a person scrolls up to the section buttons after a long form.
  await browser.execute(() => document.querySelectorAll(".main, .tab-panel").forEach((e) => e.scrollTo(0, 0)));
  await (await browser.$(`[data-testid="section-${id}"]`)).click();
}

/** Opens the demo connector from the first-run screen and waits for its view. */
export async function openDemoConnector(browser: Browser) {
  const open = await browser.$('[data-testid="open-demo"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });
}

export async function openTab(browser: Browser, id: string) {
  const tab = await browser.$(`[data-testid="tab-${id}"]`);
  await tab.waitForDisplayed({ timeout: 20_000 });
  await tab.click();
}

/** Starts a test of the picked resource on the Test tab, once the tab has read the resources. */
export async function runTest(browser: Browser) {
  await openTab(browser, "test");
  const run = await browser.$('[data-testid="run-test"]');
  await run.waitForEnabled({ timeout: 20_000 });
  await run.click();
}

/** Whether the app's database (with its write-ahead log) holds `text`: a secret never may. */
export function databaseHolds(dataDir: string, text: string): boolean {
  return ["sluice.sqlite", "sluice.sqlite-wal"].some((file) => {
    try {
      return readFileSync(join(dataDir, file), "latin1").includes(text);
    } catch {
      return false;
    }
  });
}

/** Syncs every resource from the Sync tab and waits for the summary to say it succeeded. */
export async function syncAndWait(browser: Browser) {
  await openTab(browser, "sync");
  await (await browser.$('[data-testid="run-sync"]')).click();
  const summary = await browser.$('[data-testid="sync-summary"]');
  await summary.waitForDisplayed({ timeout: 120_000 });
  assert.equal(await summary.getAttribute("data-status"), "succeeded", await summary.getText());
  return summary;
}

/** Waits until autosave has written everything typed so far. */
export async function waitSaved(browser: Browser) {
  const state = await browser.$('[data-testid="save-state"]');
  await browser.waitUntil(
    async () => {
      const s = await state.getAttribute("data-state");
      return s === "saved" || s === "idle";
    },
    { timeout: 10_000, timeoutMsg: "autosave did not finish" },
  );
}

/** Types a secret into its keychain field, stores it and waits for the field to say so. */
export async function storeSecret(browser: Browser, path: (string | number)[], name: string, value: string, optional: boolean) {
  if (optional) {
    const keep = await browser.$(`${fieldSelector(path)}-keychain`);
    await keep.waitForDisplayed();
    await keep.click();
  }
  const input = await browser.$(fieldSelector(path));
  await input.waitForDisplayed();
  assert.equal(await input.getAttribute("type"), "password", `${name} is typed into a password field`);
  await input.setValue(value);
  await (await browser.$(`[data-testid="f-${path.join("-")}-store"]`)).click();
  const state = await browser.$(`[data-testid="secret-state-${name}"]`);
  await browser.waitUntil(async () => (await state.getText()) === "set in keychain", {
    timeout: 10_000,
    timeoutMsg: `${name} was not stored in the keychain`,
  });
  assert.equal(await input.getValue(), "", "the typed value is not kept in the form");
}

/** Pastes text into a textarea in one go, as a paste does (typing kilobytes key by key is slow). */
export async function paste(browser: Browser, selector: string, text: string) {
  await browser.execute(
    (sel: string, value: string) => {
      const box = document.querySelector<HTMLTextAreaElement>(sel);
      if (!box) throw new Error(`no ${sel}`);
      box.value = value;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    },
    selector,
    text,
  );
}

/** Exports the open connector in `format` (loading into `destination`) to `path` through the Export tab. */
export async function exportTo(browser: Browser, format: string, path: string, destination?: string) {
  await openTab(browser, "export");
  await (await browser.$(`[data-testid="export-format-${format}"]`)).click();
  if (destination) await (await browser.$('[data-testid="export-destination"]')).selectByAttribute("value", destination);
  const field = await browser.$("#export-path");
  // The field is prefilled with a default for the chosen format, which arrives after the click;
  // wait until it has settled so it cannot land in the middle of what is typed.
  let previous = "";
  await browser.waitUntil(
    async () => {
      const now = await field.getValue();
      const settled = now !== "" && now === previous;
      previous = now;
      return settled;
    },
    { interval: 250, timeoutMsg: "no default export path" },
  );
  await field.setValue(path);
  await browser.waitUntil(async () => (await field.getValue()) === path, {
    timeoutMsg: `the export path field does not hold ${path}`,
  });
  await (await browser.$('[data-testid="export-submit"]')).click();
  const done = await browser.$('[data-testid="export-done"]');
  await done.waitForDisplayed({ timeout: 10_000 }).catch(async () => {
    const error = await browser.execute(() => document.querySelector('[data-testid="export"]')?.textContent ?? "");
    assert.fail(`the export did not finish; the Export tab says: ${error}`);
  });
  assert.match(await done.getText(), new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
}
