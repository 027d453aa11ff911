// Issue #7's other must-shows, as a user: import a connector by pasting a seed document, change a
// field and revert it from the history; plus what the editor promises along the way: validation
// messages next to their fields as the user types, the raw JSON view in sync with the forms both
// ways, and the list's rename, duplicate (secrets included) and delete with undo.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  fill,
  importedConfig,
  openSection,
  openTab,
  paste,
  readSeed,
  seedFiles,
  storeSecret,
  waitSaved,
} from "./editor-helpers.ts";
import { launchApp, type AppSession } from "./harness.ts";

let app: AppSession;
const seed = seedFiles()[0] ?? "";

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

test("pasting a seed document creates its connector, shown in the forms", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(browser, "#import-text", readSeed(seed));
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });

  const expected = importedConfig(seed);
  await openTab(browser, "edit");
  await (await browser.$('[data-testid="editor"]')).waitForDisplayed();
  const client = expected.client as { base_url: string };
  assert.equal(await (await browser.$("#f-client-base_url")).getValue(), client.base_url);
  await openSection(browser, "auth");
  assert.equal(await (await browser.$("#f-client-auth-type")).getValue(), "oauth2_client_credentials");
  assert.equal(await (await browser.$('[data-testid="secret-state-client_secret"]')).getText(), "not set");
  await openSection(browser, "resources");
  assert.equal(await (await browser.$("#f-resources-0-endpoint-paginator-type")).getValue(), "offset");
  assert.equal(await (await browser.$("#f-resources-0-endpoint-paginator-limit")).getValue(), "100");
  await app.screenshot("editor-imported-resources");
});

test("a problem shows next to its field as the user types, and goes when fixed", async () => {
  const { browser } = app;
  const limit = await browser.$("#f-resources-0-endpoint-paginator-limit");
  await limit.setValue("lots");
  const error = await browser.$("#f-resources-0-endpoint-paginator-limit-error");
  await error.waitForDisplayed({ timeout: 5_000 });
  assert.match(await error.getText(), /whole number/);
  assert.equal(await limit.getAttribute("aria-invalid"), "true");
  await app.screenshot("editor-field-problem");
  await limit.setValue("100");
  await error.waitForExist({ reverse: true, timeout: 5_000 });
  await waitSaved(browser);
});

test("the raw JSON view and the forms stay in sync both ways", async () => {
  const { browser } = app;
  await fill(browser, ["resources", 0, "endpoint", "data_selector"], "items");
  await openSection(browser, "json");
  const box = await browser.$('[data-testid="connector-json"]');
  await box.waitForDisplayed();
  const shown = JSON.parse(await box.getValue()) as { resources: { endpoint: { data_selector: string } }[] };
  assert.equal(shown.resources[0]?.endpoint.data_selector, "items", "a form change shows in the JSON");

  const edited = { ...shown, resources: [{ ...shown.resources[0], endpoint: { ...shown.resources[0]?.endpoint, data_selector: "data" } }] };
  await paste(browser, '[data-testid="connector-json"]', JSON.stringify(edited, null, 2));
  await app.screenshot("editor-json");
  await openSection(browser, "resources");
  assert.equal(await (await browser.$("#f-resources-0-endpoint-data_selector")).getValue(), "data", "a JSON change shows in the form");
  await waitSaved(browser);

  await openSection(browser, "json");
  await paste(browser, '[data-testid="connector-json"]', '{"client": ');
  const syntax = await browser.$("#connector-json-error");
  await syntax.waitForDisplayed();
  assert.match(await syntax.getText(), /Not valid JSON yet/);
  // Half-typed JSON never replaces the document.
  await openSection(browser, "client");
  assert.equal(await (await browser.$("#f-client-base_url")).getValue(), "https://api.example.com");
});

test("a changed field is reverted from the history", async () => {
  const { browser } = app;
  await fill(browser, ["client", "base_url"], "https://changed.example.com");
  await waitSaved(browser);
  await openTab(browser, "history");
  const history = await browser.$('[data-testid="history"]');
  await history.waitForDisplayed();
  const newest = await browser.$(".version-list > li:first-child");
  assert.match(await newest.getText(), /Edited/);
  assert.match(await newest.getText(), /client\.base_url: https:\/\/api\.example\.com → https:\/\/changed\.example\.com/);
  await app.screenshot("editor-history");

  await (await browser.$('[data-testid="revert-1"]')).click();
  await (await browser.$('[data-testid="history-note"]')).waitForDisplayed();
  const reverted = await browser.$(".version-list > li:first-child");
  await browser.waitUntil(async () => /Reverted to version 1/.test(await reverted.getText()));
  const count = (await browser.$$(".version-list > li")).length;
  assert.equal(count, 3, "created, edited, reverted: history only grows");
  await app.screenshot("editor-history-reverted");

  await openTab(browser, "edit");
  await (await browser.$('[data-testid="editor"]')).waitForDisplayed();
  assert.equal(await (await browser.$("#f-client-base_url")).getValue(), "https://api.example.com");
  // The revert brought back the imported config exactly, including the earlier data selector.
  await openSection(browser, "resources");
  assert.equal(await (await browser.$("#f-resources-0-endpoint-data_selector")).getValue(), "data");
});

test("rename, duplicate with its secrets, delete and undo from the connector list", async () => {
  const { browser } = app;
  await openSection(browser, "auth");
  await storeSecret(browser, ["client", "auth", "client_secret"], "client_secret", "s3cret-for-the-copy", false);

  await (await browser.$('[data-testid="rename-connector"]')).click();
  const input = await browser.$("#rename-input");
  // The form focuses and selects the old name once it is on screen; type after that, as a person would.
  await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.id)) === "rename-input");
  await input.setValue("Marketing API");
  assert.equal(await input.getValue(), "Marketing API");
  await browser.keys("Enter");
  const list = await browser.$('[data-testid="connector-list"]');
  await browser.waitUntil(async () => /Marketing API/.test(await list.getText()));

  await (await browser.$('[data-testid="duplicate-connector"]')).click();
  await browser.waitUntil(async () => /Marketing API \(copy\)/.test(await list.getText()));
  const selected = await browser.execute(() => document.querySelector('.connector-item[aria-current="page"]')?.textContent ?? "");
  assert.match(selected, /Marketing API \(copy\)/, "the copy opens");
  await openTab(browser, "overview");
  const secrets = await browser.$('[data-testid="secret-list"]');
  await secrets.waitForDisplayed();
  assert.match(await secrets.getText(), /client_secret\s+set in keychain/, "the copy has its own copy of the secret");
  assert.match(await secrets.getText(), /client_id\s+not set/);
  await app.screenshot("editor-list-actions");

  await (await browser.$('[data-testid="delete-connector"]')).click();
  const toast = await browser.$('[data-testid="undo-toast"]');
  await toast.waitForDisplayed();
  await browser.waitUntil(async () => !/\(copy\)/.test(await list.getText()));
  await app.screenshot("editor-undo-toast");
  await (await browser.$('[data-testid="undo-delete"]')).click();
  await browser.waitUntil(async () => /Marketing API \(copy\)/.test(await list.getText()));
  assert.equal(await toast.isExisting(), false);
});

test("the editor works in the dark theme", async () => {
  const { browser } = app;
  await (await browser.$("button=Dark theme")).click();
  await openTab(browser, "edit");
  await openSection(browser, "resources");
  await app.screenshot("editor-resources-dark");
  // Native controls follow the theme: the Test tab's resource picker, the Sync tab's checkboxes.
  await openTab(browser, "test");
  await app.screenshot("test-tab-dark");
  await openTab(browser, "sync");
  await app.screenshot("sync-tab-dark");
  await (await browser.$("button=Light theme")).click();
  await openTab(browser, "edit");
});

test("every editor control is reachable by keyboard", async () => {
  const { browser } = app;
  await openSection(browser, "client");
  // Arrow keys move between sections, as between tabs.
  await (await browser.$('[data-testid="section-client"]')).click();
  await browser.keys("ArrowRight");
  const active = await browser.execute(() => document.activeElement?.id);
  assert.equal(active, "section-auth");
  await browser.keys("Tab");
  const next = await browser.execute(() => document.activeElement?.id);
  assert.equal(next, "f-client-auth-type", "Tab leaves the section strip into the form");
});

test("an edit typed just before leaving the Edit tab is saved, not lost", async () => {
  const { browser } = app;
  await openTab(browser, "edit");
  await openSection(browser, "client");
  const url = await browser.$("#f-client-base_url");
  await url.setValue("https://quick.example.com");
  // No wait for autosave: leaving the tab must save what was typed.
  await openTab(browser, "history");
  const newest = await browser.$(".version-list > li:first-child");
  await newest.waitForDisplayed();
  assert.match(await newest.getText(), /https:\/\/quick\.example\.com/);
  // The list's base URLs are ellipsised text, which WebDriver's getText leaves out: read the DOM.
  const listText = () => browser.execute(() => document.querySelector('[data-testid="connector-list"]')?.textContent ?? "");
  let seen = "";
  await browser
    .waitUntil(async () => /quick\.example\.com/.test((seen = await listText())), { timeout: 5_000 })
    .catch(async () => {
      await app.screenshot("editor-debug-list");
      assert.fail(`the list shows the saved base URL; it shows:\n${seen}`);
    });
});

test("a connector is imported by opening a JSON file", async () => {
  const { browser } = app;
  const json = importedConfig(seed);
  const file = join(app.dataDir, "connector.json");
  writeFileSync(file, JSON.stringify({ ...json, sluice: { ...(json.sluice as object), name: "From a file" } }));
  await (await browser.$('[data-testid="import-connector"]')).click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await (await browser.$('[data-testid="import-file"]')).setValue(file);
  const box = await browser.$("#import-text");
  await browser.waitUntil(async () => (await box.getValue()).includes("From a file"), { timeoutMsg: "the file's text is in the box" });
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  // Query the selected item afresh each time: the element selected before the import stays in
  // the list, no longer selected.
  const selectedName = () => browser.execute(() => document.querySelector('.connector-item[aria-current="page"]')?.textContent ?? "");
  await browser.waitUntil(async () => /From a file/.test(await selectedName()), { timeout: 5_000 }).catch(async () => {
    await app.screenshot("editor-debug-import-file");
    assert.fail("the imported connector opens");
  });
});
