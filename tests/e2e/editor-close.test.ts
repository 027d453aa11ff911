// Nothing typed is lost when the window closes: a field changed right before the window goes is in
// the connector when the app starts again on the same profile. The window is closed through
// WebDriver, which (unlike the title bar's close button) skips the close-requested event the
// editor also listens to, so this covers the harder of the two ways out.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openTab, paste, readSeed, seedFiles } from "./editor-helpers.ts";
import { launchApp } from "./harness.ts";

const profile = mkdtempSync(join(tmpdir(), "sluice-close-"));

after(() => rmSync(profile, { recursive: true, force: true }));

test("an edit made just before the window closes is there after a restart", async () => {
  let app = await launchApp({ SLUICE_DATA_DIR: profile });
  try {
    const { browser } = app;
    const importFirst = await browser.$('[data-testid="import-first"]');
    await importFirst.waitForDisplayed({ timeout: 20_000 });
    await importFirst.click();
    await paste(browser, "#import-text", readSeed(seedFiles()[0] ?? ""));
    await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
    await openTab(browser, "edit");
    const url = await browser.$("#f-client-base_url");
    await url.waitForDisplayed();
    await url.setValue("https://closing.example.com");
    // Straight away: no wait for the save indicator.
    await browser.closeWindow().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await app.close();
  }

  app = await launchApp({ SLUICE_DATA_DIR: profile });
  try {
    const { browser } = app;
    await (await browser.$('[data-testid="connector-list"]')).waitForDisplayed({ timeout: 20_000 });
    // Base URLs in the list are ellipsised text, which WebDriver's getText leaves out.
    const list = await browser.execute(() => document.querySelector('[data-testid="connector-list"]')?.textContent ?? "");
    assert.match(list, /https:\/\/closing\.example\.com(?![\w.])/, `the list shows: ${list}`);
  } finally {
    await app.close();
  }
});
