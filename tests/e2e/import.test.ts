// Importing a connector by pasting a seed document, as a user who was handed dlt code would.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { seedsDir } from "./editor-helpers.ts";
import { launchApp, type AppSession, type Browser } from "./harness.ts";

const seed = (prefix: string) => {
  const file = readdirSync(seedsDir).find((f) => f.startsWith(prefix));
  assert.ok(file, `seed ${prefix} is in ${seedsDir}`);
  return readFileSync(join(seedsDir, file), "utf8");
};

let app: AppSession;

before(async () => {
  app = await launchApp();
});

after(async () => {
  await app?.close();
});

/** Pastes text into the import box in one go, as a paste does (typing 2 KB key by key is slow). */
async function paste(browser: Browser, text: string) {
  await browser.execute((value: string) => {
    const box = document.querySelector<HTMLTextAreaElement>("#import-text");
    if (!box) throw new Error("no import box");
    box.value = value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);
}

test("text that holds no connector is refused with the reason, and nothing is created", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(browser, "# Notes\n\nNo code here, just prose.");
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  const error = await browser.$('[data-testid="import-error"]');
  await error.waitForDisplayed();
  assert.match(await error.getText(), /could not read a connector/);
  await app.screenshot("05-import-error");
  await browser.keys("Escape");
  await (await browser.$('[data-testid="empty-state"]')).waitForDisplayed();
});

test("pasting a seed document creates its connector with secret names but no values", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="import-first"]')).click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  await paste(browser, seed("003_"));
  await app.screenshot("06-import-pasted");
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();

  const view = await browser.$('[data-testid="connector-view"]');
  await view.waitForDisplayed({ timeout: 20_000 });
  const text = await view.getText();
  assert.match(text, /https:\/\/api\.example\.com/);
  assert.match(text, /oauth2_client_credentials/, "the seed's oauth2 alias is saved under dlt's name");
  assert.match(await (await browser.$('[data-testid="resource-table"]')).getText(), /resource_name\s*\/v1\/resource/);
  // The seed reads dlt.secrets["client_id"] and ["client_secret"]: names, no values yet.
  const secrets = await (await browser.$('[data-testid="secret-list"]')).getText();
  assert.match(secrets, /client_id\s+not set/);
  assert.match(secrets, /client_secret\s+not set/);
  const hint = await (await browser.$('[data-testid="secret-hint"]')).getText();
  assert.match(hint, /sluice secrets set connector-[0-9a-f]{32} NAME/);
  await app.screenshot("07-imported-seed");
});
