// A paginator left empty, as a new user leaves it, on an endpoint that answers 100 records and
// `"total": 1000`: a sync follows dlt's own detection (one page) and its summary says 900 were
// left; the Test tab suggests offset with the part of the answer it rests on, and after Adopt a
// sync reads all 1000 records with nothing flagged.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { fill, openSection, openTab, paste, runTest, syncAndWait, waitSaved } from "./editor-helpers.ts";
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

  const first = await syncAndWait(browser);
  assert.match(await first.getText(), /events: 100 row\(s\)/);
  const warning = await browser.$('[data-testid="sync-warning-events"]');
  assert.match(
    await warning.getText(),
    /the API said 1000 records \(`total`\), but 100 records were read in 1 page: check the resource's paginator/,
  );
  await app.screenshot("30-paging-stopped-early");

  await runTest(browser);
  const texts = await detections(browser);
  assert.ok(texts.some((t) => /^detected single_page/.test(t)), texts.join("\n"));
  const suggested = texts.find((t) => t.startsWith("suggested offset")) ?? "";
  assert.match(suggested, /`total` = 1000 with 100 records on page 1 → offset, limit 100/);
  assert.match(await (await browser.$('[data-testid="test-warning"]')).getText(), /the API said 1000 records/);
  await app.screenshot("31-suggested-paginator");
  await adopt(browser, texts, "suggested offset");

  // The new run's summary replaces the first one's.
  const second = await syncAndWait(browser);
  await browser.waitUntil(async () => /events: 1000 row\(s\)/.test(await second.getText()), {
    timeout: 120_000,
    timeoutMsg: "the second sync did not read all 1000 records",
  });
  assert.equal(await (await browser.$('[data-testid="sync-warning-events"]')).isExisting(), false);
  await app.screenshot("32-suggested-paginator-synced");
});

/** The Test tab's detections, each as its text, once they show. */
async function detections(browser: AppSession["browser"]): Promise<string[]> {
  await (await browser.$('[data-testid="detected"]')).waitForDisplayed({ timeout: 90_000 });
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="detected"] li')].map((li) => (li as HTMLElement).innerText.trim()),
  );
}

async function adopt(browser: AppSession["browser"], texts: string[], starting: string) {
  const at = texts.findIndex((t) => t.startsWith(starting));
  assert.ok(at >= 0, `no detection starting "${starting}": ${texts.join("\n")}`);
  await (await browser.$(`[data-testid="detected"] li:nth-child(${at + 1}) button`)).click();
  await browser.waitUntil(async () => (await browser.execute(() => document.body.innerText)).includes("Adopted:"), {
    timeout: 10_000,
    timeoutMsg: `"${starting}" was not adopted`,
  });
}

test("from scratch with the forms: a wrong records path and an empty paginator are both put right by Adopt", async () => {
  const { browser } = app;
  // The New dialog, opened from the keyboard and cancelled, gives the focus back to its button.
  const newButton = await browser.$('[data-testid="new-connector"]');
  await browser.execute(() => (document.querySelector('[data-testid="new-connector"]') as HTMLElement).focus());
  await browser.keys(["Enter"]);
  await (await browser.$('[data-testid="new-connector-dialog"]')).waitForDisplayed();
  await browser.keys(["Escape"]);
  await browser.waitUntil(async () => !(await browser.$('[data-testid="new-connector-dialog"]').isExisting()));
  assert.equal(
    await browser.execute(() => document.activeElement?.getAttribute("data-testid")),
    "new-connector",
    "focus is back on the New button",
  );

  await newButton.click();
  await (await browser.$("#connector-name")).setValue("Events by hand");
  await (await browser.$("#connector-base-url")).setValue(demo.baseUrl);
  await (await browser.$('[data-testid="new-connector-dialog"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });

  // A new connector's overview offers its first resource.
  const add = await browser.$('[data-testid="overview-add-resource"]');
  await add.waitForDisplayed();
  await app.screenshot("33-new-connector-overview");
  await add.click();
  await fill(browser, ["resources", 0, "name"], "events");
  await fill(browser, ["resources", 0, "endpoint", "path"], "paging/offset");

  // A records path that is not JSONPath is a problem at the field while it is typed.
  await fill(browser, ["resources", 0, "endpoint", "data_selector"], "results[");
  const problem = await browser.$("#f-resources-0-endpoint-data_selector-error");
  await problem.waitForDisplayed({ timeout: 10_000 });
  assert.match(await problem.getText(), /is not a JSONPath/);
  await problem.scrollIntoView({ block: "center" });
  await app.screenshot("34-records-path-not-jsonpath");
  await fill(browser, ["resources", 0, "endpoint", "data_selector"], "results");
  await problem.waitForExist({ reverse: true, timeout: 10_000 });
  await waitSaved(browser);

  // `results` is not in the answer: the Test tab says what is, and offers `data`.
  await runTest(browser);
  const warning = await browser.$('[data-testid="test-warning"]');
  await warning.waitForDisplayed({ timeout: 90_000 });
  assert.match(
    await warning.getText(),
    /records path `results` matches nothing in the answer \(its top-level keys: `data`, .*\); arrays found: `data` \(100 items\)/,
  );
  await app.screenshot("35-records-path-matches-nothing");
  await adopt(browser, await detections(browser), "suggested data_selector `data`");

  // With the records found, the empty paginator is the next thing the answer points at.
  await runTest(browser);
  await browser.waitUntil(
    async () => (await detections(browser)).some((t) => t.startsWith("suggested offset")),
    { timeout: 90_000, timeoutMsg: "offset was not suggested" },
  );
  await adopt(browser, await detections(browser), "suggested offset");

  const summary = await syncAndWait(browser);
  await browser.waitUntil(async () => /events: 1000 row\(s\)/.test(await summary.getText()), {
    timeout: 120_000,
    timeoutMsg: "the sync did not read all 1000 records",
  });
  assert.equal(await (await browser.$('[data-testid="sync-warning-events"]')).isExisting(), false);
  await app.screenshot("36-from-scratch-synced");

  // The resource form shows what was adopted.
  await openTab(browser, "edit");
  await openSection(browser, "resources");
  assert.equal(await (await browser.$("#f-resources-0-endpoint-data_selector")).getValue(), "data");
});
