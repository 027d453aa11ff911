// The Test tab against an API that fails every request twice before it answers: while the test
// runs, the tab says which attempt it is on, and Cancel stops it with what came back so far.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { paste, runTest } from "./editor-helpers.ts";
import { launchApp, startDemoApi, type AppSession } from "./harness.ts";

let app: AppSession;
let demo: { child: ChildProcess; baseUrl: string };

before(async () => {
  demo = await startDemoApi(["--records", "1000", "--faults", "5xx=1,max-per-request=2"]);
  app = await launchApp();
});

after(async () => {
  await app?.close();
  demo?.child.kill();
});

test("a test shows its attempts as they happen, and Cancel stops it", async () => {
  const { browser } = app;
  const open = await browser.$('[data-testid="import-first"]');
  await open.waitForDisplayed({ timeout: 20_000 });
  await open.click();
  const connector = {
    client: { base_url: `${demo.baseUrl}/` },
    resources: [
      {
        name: "events",
        endpoint: { path: "paging/offset", data_selector: "data", paginator: { type: "offset", limit: 100, total_path: "total" } },
      },
    ],
    sluice: { name: "Flaky events" },
  };
  await paste(browser, "#import-text", JSON.stringify(connector, null, 2));
  await (await browser.$('[data-testid="import-dialog"] button[type="submit"]')).click();
  await (await browser.$('[data-testid="connector-view"]')).waitForDisplayed({ timeout: 20_000 });

  await runTest(browser);
  await (await browser.$('[data-testid="test-step"]')).waitForDisplayed({ timeout: 10_000 });
  const step = () =>
    browser.execute(() => (document.querySelector('[data-testid="test-step"]') as HTMLElement | null)?.innerText ?? "");
  // Each request fails twice with a 5xx: the second attempt is named as such, out of four.
  await browser.waitUntil(async () => / \(attempt 2 of 4\)( — |$)/.test(await step()), {
    timeout: 30_000,
    timeoutMsg: "the Test tab did not show the second attempt",
  });
  await app.screenshot("37-test-attempt-2-of-4");

  await (await browser.$('[data-testid="cancel-test"]')).click();
  const stopped = await browser.$('[data-testid="test-stopped"]');
  await stopped.waitForDisplayed({ timeout: 10_000 });
  assert.match(await stopped.getText(), /^Test stopped after \d+ request\(s\)\. What came back so far is below\.$/);
  assert.equal(await (await browser.$('[data-testid="test-error"]')).isExisting(), false, "a stop is not an error");
  assert.equal(await (await browser.$('[data-testid="run-test"]')).isEnabled(), true, "a new test can start");
  await app.screenshot("38-test-stopped");
});
