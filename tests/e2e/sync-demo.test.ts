// The demo connector end to end, as a first-time user goes: test a resource, preview the schema,
// sync into DuckDB, then open a table, sort it, filter it, open a child table and run a query.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openDemoConnector, paste } from "./editor-helpers.ts";
import { launchApp, type AppSession, type Browser } from "./harness.ts";

let app: AppSession;

before(async () => {
  app = await launchApp();
  const { browser } = app;
  await openDemoConnector(browser);
});

after(async () => {
  await app?.close();
});

async function openTab(browser: Browser, tab: string) {
  await (await browser.$(`[data-testid="tab-${tab}"]`)).click();
}

async function text(browser: Browser, selector: string): Promise<string> {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 30_000 });
  return el.getText();
}

/** The grid's cells of one column, top to bottom, as shown. */
async function column(browser: Browser, name: string): Promise<string[]> {
  return browser.execute((col: string) => {
    const heads = [...document.querySelectorAll('[data-testid="grid"] .grid-head [role="columnheader"]')];
    const at = heads.findIndex((h) => h.querySelector(".col-name")?.textContent === col);
    if (at < 0) throw new Error(`no column ${col}`);
    return [...document.querySelectorAll('[data-testid="grid-row"]')].map(
      (row) => (row.children[at] as HTMLElement).textContent ?? "",
    );
  }, name);
}

async function gridSettled(browser: Browser) {
  await browser.waitUntil(
    async () => {
      const status = await (await browser.$('[data-testid="grid-status"]')).getText();
      const loading = await browser.execute(() =>
        [...document.querySelectorAll('[data-testid="grid-row"] [role="gridcell"]')].some((c) => c.textContent === "…"),
      );
      return status.startsWith("Rows") && !loading;
    },
    { timeout: 20_000, timeoutMsg: "the grid did not show its rows" },
  );
}

test("the test panel shows a resource's records, requests and why paging stopped", async () => {
  const { browser } = app;
  await openTab(browser, "test");
  const select = await browser.$('[data-testid="test-resource"]');
  await select.waitForDisplayed();
  await select.selectByVisibleText("marketing_data");
  await (await browser.$('[data-testid="run-test"]')).click();
  const summary = await text(browser, '[data-testid="test-summary"]');
  assert.match(summary, /^\d+ record\(s\) from \d+ request\(s\)/);
  const [records, requests] = summary.match(/\d+/g)!.map(Number);
  assert.ok(records! > 0 && requests! >= 1, summary);
  // Two pages by default and the demo has more: the panel says the preview was cut short.
  assert.match(await text(browser, '[data-testid="sample-limit"]'), /page limit/);
  assert.match(await text(browser, '[data-testid="stop-reason"]'), /preview: stopped after 2 pages/);
  const exchanges = await text(browser, '[data-testid="exchanges"]');
  assert.match(exchanges, /GET http:\/\/127\.0\.0\.1:\d+\/v1\/marketing_data/);
  // The OAuth2 client secret never reaches the screen.
  const page = await browser.execute(() => document.body.innerText);
  assert.doesNotMatch(page, /sluice-demo-secret/);
  assert.ok((await browser.$$('[data-testid="records-table"] tbody tr').length) > 0);
  await app.screenshot("20-test-panel");
});

test("the schema preview lists the tables a first sync creates", async () => {
  const { browser } = app;
  await openTab(browser, "schema");
  await (await browser.$('[data-testid="run-schema"]')).click();
  assert.match(await text(browser, '[data-testid="schema-difference"]'), /No DuckDB file yet/);
  const tickets = await text(browser, '[data-testid="schema-table-tickets"]');
  assert.match(tickets, /new table/);
  assert.match(tickets, /updated_at\s*new\s*timestamp/);
  await (await browser.$('[data-testid="schema-table-tickets__tags"]')).waitForDisplayed();
  await app.screenshot("21-schema-preview");
});

test("a sync shows progress per resource, a summary and a run in the history", async () => {
  const { browser } = app;
  await openTab(browser, "sync");
  const dbPath = await text(browser, '[data-testid="db-path"]');
  assert.ok(dbPath.startsWith(app.dataDir), `${dbPath} is in the app's data folder`);
  // Each resource says what a second sync does to its rows: the demo merges by id (Defaults).
  assert.match(
    await text(browser, '[data-testid="second-sync-tickets"]'),
    /^Merge: Each sync updates the rows whose primary key it sees again and adds the new ones\.$/,
  );
  await app.screenshot("sync-before-first-run");
  await (await browser.$('[data-testid="run-sync"]')).click();
  const summary = await browser.$('[data-testid="sync-summary"]');
  await summary.waitForDisplayed({ timeout: 120_000 });
  assert.equal(await summary.getAttribute("data-status"), "succeeded", await summary.getText());
  assert.match(await summary.getText(), /Sync finished: \d+ row\(s\) written/);
  for (const resource of ["marketing_data", "organizations", "members", "tickets"]) {
    const row = await browser.$(`[data-testid="progress-${resource}"]`);
    assert.equal(await row.getAttribute("data-state"), "done", resource);
  }
  assert.ok(existsSync(dbPath), "the DuckDB file exists");
  const runs = await browser.$$('[data-testid="run-row"]');
  assert.equal(runs.length, 1);
  assert.equal(await runs[0]!.getAttribute("data-status"), "succeeded");
  await (await runs[0]!.$("button")).click();
  assert.match(await text(browser, '[data-testid="run-log"]'), /tickets: \d+ records, \d+ rows/);
  await app.screenshot("22-sync-done");
});

test("the data tab opens a table, sorts, filters and follows a row to its child rows", async () => {
  const { browser } = app;
  await openTab(browser, "data");
  await (await browser.$('[data-testid="table-tickets"]')).click();
  // The tab opens its first table first; wait for the tickets to be the ones shown.
  await browser.waitUntil(
    async () =>
      (await text(browser, '[data-testid="grid-title"]')) === "tickets" &&
      /^Rows 1–\d+ of \d+/.test(await text(browser, '[data-testid="grid-status"]')),
    { timeout: 20_000, timeoutMsg: "the tickets table did not show its rows" },
  );
  await gridSettled(browser);
  await app.screenshot("23-data-table");

  // Sorting by id, descending on the second click. The grid redraws after the click, so the
  // test waits for the order it expects rather than for the first quiet moment.
  const ids = async () => (await column(browser, "id")).map(Number);
  const inOrder = (xs: number[], before: (a: number, b: number) => boolean) =>
    xs.length > 1 && xs.every((x, i) => i === 0 || before(xs[i - 1]!, x));
  await (await browser.$('[data-testid="sort-id"]')).click();
  await browser.waitUntil(async () => (await browser.$('[data-testid="sort-id"]').getText()).includes("▲"));
  await gridSettled(browser);
  const ascending = await ids();
  assert.ok(inOrder(ascending, (a, b) => a <= b), `ascending: ${ascending.join(",")}`);
  await (await browser.$('[data-testid="sort-id"]')).click();
  await browser.waitUntil(
    async () => {
      const shown = await ids();
      return inOrder(shown, (a, b) => a >= b) && shown[0]! > ascending[0]!;
    },
    { timeout: 20_000, timeoutMsg: "the grid did not show the ids in descending order" },
  );
  await app.screenshot("24-data-sorted");

  // A comparison filter on a number column, then a text filter.
  await (await browser.$('[data-testid="filter-id"]')).setValue("<11");
  await browser.waitUntil(async () => (await text(browser, '[data-testid="grid-status"]')).includes("of 10 matching"), {
    timeout: 20_000,
    timeoutMsg: "the id filter did not narrow to 10 rows",
  });
  await (await browser.$('[data-testid="filter-id"]')).clearValue();
  await (await browser.$('[data-testid="filter-status"]')).setValue("open");
  await browser.waitUntil(
    async () => {
      await gridSettled(browser);
      const statuses = await column(browser, "status");
      return statuses.length > 0 && statuses.every((s) => /open/i.test(s));
    },
    { timeout: 20_000, timeoutMsg: "the status filter did not leave only open tickets" },
  );
  assert.match(await text(browser, '[data-testid="grid-status"]'), /matching/);
  await app.screenshot("25-data-filtered");

  // A ticket's tags are one click away, and Back returns to the tickets as they were.
  const first = (await browser.$$('[data-testid="open-child-tickets__tags"]'))[0]!;
  await first.click();
  await browser.waitUntil(async () => (await text(browser, '[data-testid="grid-title"]')) === "tickets__tags", {
    timeout: 20_000,
  });
  // The title changes before the child rows arrive: wait for the rows themselves.
  let parentIds: string[] = [];
  await browser.waitUntil(
    async () => {
      await gridSettled(browser);
      parentIds = await column(browser, "_dlt_parent_id");
      return parentIds.length > 0;
    },
    { timeout: 20_000, timeoutMsg: "the ticket's tag rows did not show" },
  );
  assert.equal(new Set(parentIds).size, 1, "every shown tag belongs to the one ticket");
  assert.match(await text(browser, '[data-testid="grid-status"]'), /matching/);
  await app.screenshot("26-data-child-rows");
  await (await browser.$('[data-testid="back-to-parent"]')).click();
  await browser.waitUntil(async () => (await text(browser, '[data-testid="grid-title"]')) === "tickets");
  assert.equal(await (await browser.$('[data-testid="filter-status"]')).getValue(), "open");
});

test("at 1280x800 the grid shows six named columns of marketing_data, resizes and shows a cell whole", async () => {
  const { browser } = app;
  const size = await browser.execute(() => [window.innerWidth, window.innerHeight]);
  assert.deepEqual(size, [1280, 800], "the window has the size a laptop user sees");
  await (await browser.$('[data-testid="table-marketing_data"]')).click();
  await browser.waitUntil(async () => (await text(browser, '[data-testid="grid-title"]')) === "marketing_data", {
    timeout: 20_000,
  });
  await gridSettled(browser);
  // Child tables read by the part after their parent, with the whole name on hover.
  const child = await browser.$('[data-testid="table-marketing_data__touchpoints"]');
  assert.match(await browser.execute((el) => (el as unknown as HTMLElement).innerText, child), /^touchpoints\s+[\d,]+\s*$/);
  assert.equal(await child.getAttribute("title"), "marketing_data__touchpoints: rows nested in marketing_data");

  // Data columns whose whole header (name and type) is inside the grid's visible area.
  const whole = async () =>
    browser.execute(() => {
      const grid = document.querySelector('[data-testid="grid"]')!.getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid="grid"] .grid-head [role="columnheader"]')]
        .filter((h) => {
          const name = h.querySelector(".col-name") as HTMLElement | null;
          if (!name) return false;
          const r = h.getBoundingClientRect();
          return r.left >= grid.left && r.right <= grid.right && name.scrollWidth <= name.clientWidth;
        })
        .map((h) => h.querySelector(".col-name")!.textContent);
    });
  const shown = await whole();
  assert.ok(shown.length >= 6, `six data columns in full view, not ${shown.length}: ${shown.join(", ")}`);
  assert.ok(shown.includes("occurred_at"), `the timestamp column shows its name: ${shown.join(", ")}`);
  await app.screenshot("27-data-marketing-1280");

  // Each row links to its nested rows with a count.
  const links = await browser.$$('[data-testid="open-child-marketing_data__touchpoints"]');
  assert.ok((await links.length) > 0, "a row has touchpoints");
  assert.match(await links[0]!.getText(), /^touchpoints \d+$/);

  // Dragging a header's edge widens the column; the first column stays put when scrolling sideways.
  const widthOf = async (name: string) =>
    browser.execute((n: string) => {
      const heads = [...document.querySelectorAll('[data-testid="grid"] .grid-head [role="columnheader"]')];
      const head = heads.find((h) => h.querySelector(".col-name")?.textContent === n)!;
      return head.getBoundingClientRect().width;
    }, name);
  const before = await widthOf("event_type");
  const handle = await browser.$('[data-testid="resize-event_type"]');
  await browser
    .action("pointer")
    .move({ origin: handle })
    .down()
    .move({ origin: "pointer", x: 80, y: 0 })
    .up()
    .perform();
  const after = await widthOf("event_type");
  assert.ok(after >= before + 60, `event_type widened from ${before} to ${after}`);
  const firstLeft = async () =>
    browser.execute(() => document.querySelector('[data-testid="grid-row"] [role="gridcell"]')!.getBoundingClientRect().left);
  const left = await firstLeft();
  await browser.execute(() => {
    document.querySelector('[data-testid="grid"]')!.scrollLeft = 600;
  });
  assert.equal(await firstLeft(), left, "the id column is pinned");

  // The keyboard picks a cell and Enter shows it whole; Escape hides it again.
  await (await browser.$('[data-testid="grid"]')).click();
  await browser.keys(["ArrowDown", "ArrowRight", "Enter"]);
  const viewer = await browser.$('[data-testid="cell-value"]');
  await viewer.waitForDisplayed();
  const picked = await browser.execute(
    () => (document.querySelector('[data-testid="grid"] [aria-selected="true"]') as HTMLElement | null)?.textContent,
  );
  assert.ok(picked, "a cell is picked");
  assert.equal(await viewer.getText(), picked);
  await app.screenshot("28-data-cell-viewer");
  await browser.keys(["Escape"]);
  await browser.waitUntil(async () => !(await browser.$('[data-testid="cell-viewer"]').isExisting()));

  // Hiding the connector list gives the grid the window.
  const wideBefore = (await whole()).length;
  await (await browser.$('[data-testid="toggle-sidebar"]')).click();
  await browser.waitUntil(async () => (await whole()).length > wideBefore, {
    timeout: 5_000,
    timeoutMsg: "hiding the connector list did not show more columns",
  });
  await app.screenshot("29-data-sidebar-hidden");
  await (await browser.$('[data-testid="toggle-sidebar"]')).click();
});

test("an ad-hoc query runs against the dataset and its result exports to CSV", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="sql-box"] summary')).click();
  await (await browser.$('[data-testid="sql-input"]')).setValue(
    "SELECT status, count(*) AS tickets FROM tickets GROUP BY status ORDER BY status",
  );
  await (await browser.$('[data-testid="sql-run"]')).click();
  const table = await browser.$('[data-testid="sql-result"]');
  await table.waitForDisplayed({ timeout: 30_000 });
  await table.scrollIntoView({ block: "center" });
  // The page's own rendered text: WebKitWebDriver's getText gives "" for this table beside the
  // sticky grid, though the screenshot shows it.
  const result = await browser.execute((el) => (el as unknown as HTMLElement).innerText, table);
  await app.screenshot("27-sql-result");
  assert.match(result, /status\s+VARCHAR/);
  assert.match(result, /tickets\s+BIGINT/);

  const target = join(app.dataDir, "by-status.csv");
  const path = await browser.$('[data-testid="export-path-query"]');
  // Focused first, as a person clicks into it (the field is then theirs), then the path in one
  // go: WebDriver's clear-then-type on a pre-filled field sometimes typed after the old value.
  await path.click();
  await paste(browser, '[data-testid="export-path-query"]', target);
  await browser.waitUntil(async () => (await path.getValue()) === target, {
    timeoutMsg: `the export path field does not hold ${target}`,
  });
  await (await browser.$('[data-testid="export-query"]')).click();
  await browser.waitUntil(
    async () => {
      const messages = await browser.$$('[data-testid="export-message"]').map((m) => m.getText());
      return messages.some((m) => m.includes("Wrote"));
    },
    { timeout: 20_000, timeoutMsg: "the export did not report the rows it wrote" },
  );
  assert.ok(existsSync(target), `${target} was written`);
  await app.screenshot("27-data-query");

  // The same file again: Sluice asks, and replaces it only when told to. Messages are read from
  // the query's own export bar: the table's bar above has one of the same name.
  const queryMessage = async () => {
    const message = await (await path.parentElement()).$('[data-testid="export-message"]');
    return (await message.isExisting()) ? message.getText() : "";
  };
  writeFileSync(target, "kept until the user says so\n");
  await (await browser.$('[data-testid="export-query"]')).click();
  const replace = await browser.$('[data-testid="export-replace-query"]');
  await replace.waitForDisplayed({ timeout: 20_000 });
  assert.match(await queryMessage(), /already exists/);
  assert.equal(readFileSync(target, "utf8"), "kept until the user says so\n");
  await replace.scrollIntoView({ block: "center" });
  await app.screenshot("27b-data-export-asks-before-replacing");
  await replace.click();
  await browser.waitUntil(async () => readFileSync(target, "utf8").startsWith("status,tickets"), {
    timeout: 20_000,
    timeoutMsg: "the export did not replace the file",
  });

  // The app's own database is never a target.
  const own = join(app.dataDir, "sluice.sqlite");
  await paste(browser, '[data-testid="export-path-query"]', own);
  await browser.waitUntil(async () => (await path.getValue()) === own, {
    timeoutMsg: `the export path field does not hold ${own}`,
  });
  await (await browser.$('[data-testid="export-query"]')).click();
  await browser.waitUntil(async () => (await queryMessage()).includes("keeps its own data"), {
    timeout: 20_000,
    timeoutMsg: "exporting over sluice.sqlite was not refused",
  });
  assert.equal(await (await browser.$('[data-testid="export-replace-query"]')).isExisting(), false);
  assert.ok(readFileSync(own).subarray(0, 15).equals(Buffer.from("SQLite format 3")), "sluice.sqlite is still the database");

  await (await browser.$('[data-testid="sql-input"]')).setValue("DELETE FROM tickets");
  await (await browser.$('[data-testid="sql-run"]')).click();
  assert.match(await text(browser, '[data-testid="sql-error"]'), /runs queries only/);

  // A COPY, even stacked behind a query that closes the old wrapper, writes nothing.
  const stolen = join(app.dataDir, "stolen.csv");
  for (const sql of [
    `COPY (SELECT * FROM tickets) TO '${stolen}'`,
    `SELECT 1) q; COPY (SELECT 1) TO '${stolen}'; SELECT * FROM (SELECT 1`,
  ]) {
    await (await browser.$('[data-testid="sql-input"]')).setValue(sql);
    await (await browser.$('[data-testid="sql-run"]')).click();
    await browser.waitUntil(
      async () => /runs queries only|one query at a time|syntax error/i.test(await text(browser, '[data-testid="sql-error"]')),
      { timeout: 10_000, timeoutMsg: `no plain refusal for ${sql}` },
    );
    assert.ok(!existsSync(stolen), `${sql} wrote a file`);
  }
  await app.screenshot("28-sql-box-refuses-copy");
});
