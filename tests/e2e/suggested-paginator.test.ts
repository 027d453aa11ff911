// A paginator left empty, as a new user leaves it, on an endpoint that answers 100 records and
// `"total": 1000`: a sync follows dlt's own detection (one page) and its summary says 900 were
// left; the Test tab suggests offset with the part of the answer it rests on, and after Adopt a
// sync reads all 1000 records with nothing flagged.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { openTab, paste } from "./editor-helpers.ts";
import { launchApp, startDemoApi, type AppSession } from "./harness.ts";

let app: AppSession;
let demo: { child: ChildProcess; baseUrl: string };

before(async () => {
  demo = await startDemoApi(["--records", "1000"]);
  app = await launchApp();
});

after(async () => {
  await app?.close();
  demo?.child.kill();
});

async function sync(browser: AppSession["browser"]) {
  await openTab(browser, "sync");
  await (await browser.$('[data-testid="run-sync"]')).click();
  const summary = await browser.$('[data-testid="sync-summary"]');
  await summary.waitForDisplayed({ timeout: 120_000 });
  assert.equal(await summary.getAttribute("data-status"), "succeeded", await summary.getText());
  return summary;
}

test("an empty paginator is flagged, offered offset with its evidence, and after Adopt a sync reads every page", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  await (await browser.$('[data-testid="import-dialog"]')).waitForDisplayed();
  const connector = {
    client: { base_url: `${demo.baseUrl}/` },
    resources: [{ name: "events", endpoint: { path: "paging/offset", data_selector: "data" } }],
    sluice: { name: "Events" },
  };
  await paste(browser, "#import-text", JSON.stringify(connector, null, 2));
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });

  const first = await sync(browser);
  assert.match(await first.getText(), /events: 100 row\(s\)/);
  const warning = await browser.$('[data-testid="sync-warning-events"]');
  assert.match(
    await warning.getText(),
    /the API said 1000 records \(`total`\), but 100 records were read in 1 page: check the resource's paginator/,
  );
  await app.screenshot("30-paging-stopped-early");

  await openTab(browser, "test");
  await (await browser.$('[data-testid="run-test"]')).click();
  const detected = await browser.$('[data-testid="detected"]');
  await detected.waitForDisplayed({ timeout: 90_000 });
  const texts = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="detected"] li')].map((li) => (li as HTMLElement).innerText.trim()),
  );
  assert.ok(texts.some((t) => /^detected single_page/.test(t)), texts.join("\n"));
  const at = texts.findIndex((t) => t.startsWith("suggested offset"));
  assert.ok(at >= 0, texts.join("\n"));
  assert.match(texts[at]!, /`total` = 1000 with 100 records on page 1 → offset, limit 100/);
  assert.match(await (await browser.$('[data-testid="test-warning"]')).getText(), /the API said 1000 records/);
  await app.screenshot("31-suggested-paginator");
  await (await browser.$(`[data-testid="detected"] li:nth-child(${at + 1}) button`)).click();
  await browser.waitUntil(async () => (await browser.execute(() => document.body.innerText)).includes("Adopted:"), {
    timeout: 10_000,
    timeoutMsg: "the suggestion was not adopted",
  });

  // The new run's summary replaces the first one's.
  const second = await sync(browser);
  await browser.waitUntil(async () => /events: 1000 row\(s\)/.test(await second.getText()), {
    timeout: 120_000,
    timeoutMsg: "the second sync did not read all 1000 records",
  });
  assert.equal(await (await browser.$('[data-testid="sync-warning-events"]')).isExisting(), false);
  await app.screenshot("32-suggested-paginator-synced");
});
