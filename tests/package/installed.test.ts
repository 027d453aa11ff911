// The installed package, as a user gets it: scripts/test-package.sh unpacks the .deb into a
// scratch root and points SLUICE_APP_BIN and SLUICE_CLI_BIN at the binaries it installed. The app
// starts with a fresh profile, opens the demo connector and syncs it; the installed `sluice`
// prints its version and syncs a connector against the installed `sluice demo serve`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openDemoConnector, syncAndWait } from "../e2e/editor-helpers.ts";
import { builtBinary, launchApp, startDemoApi, type AppSession } from "../e2e/harness.ts";

const root = process.env.SLUICE_INSTALLED_ROOT;
assert.ok(root, "SLUICE_INSTALLED_ROOT names the folder the .deb was unpacked into");

let app: AppSession;
let scratch: string;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "sluice-installed-"));
  app = await launchApp();
});

after(async () => {
  await app?.close();
  rmSync(scratch, { recursive: true, force: true });
});

test("the package installs the app, its desktop entry, its icons and the sluice command", () => {
  for (const bin of ["sluice-app", "sluice"]) {
    assert.equal(builtBinary(bin as "sluice-app" | "sluice"), join(root, "usr/bin", bin));
    assert.ok(existsSync(join(root, "usr/bin", bin)), bin);
  }
  assert.ok(existsSync(join(root, "usr/share/applications/Sluice.desktop")));
  for (const size of ["32x32", "64x64", "128x128", "512x512"]) {
    assert.ok(existsSync(join(root, `usr/share/icons/hicolor/${size}/apps/sluice-app.png`)), size);
  }
  assert.ok(existsSync(join(root, "usr/share/doc/sluice/copyright")));
});

test("the installed app opens the demo connector and syncs it", async () => {
  const { browser } = app;
  await openDemoConnector(browser);
  const summary = await syncAndWait(browser);
  assert.match(await summary.getText(), /Sync finished: \d+ row\(s\) written/);
  await app.screenshot("90-installed-sync-done");
});

test("the installed sluice prints its version and syncs against the installed demo API", async () => {
  const sluice = builtBinary("sluice");
  assert.match(execFileSync(sluice, ["--version"]).toString(), /^sluice \d+\.\d+\.\d+ \(DuckDB v\d+\.\d+\.\d+\)\n$/);
  const demo = await startDemoApi(["--records", "250"]);
  try {
    const connector = join(scratch, "events.json");
    writeFileSync(
      connector,
      JSON.stringify({
        client: { base_url: `${demo.baseUrl}/` },
        resources: [
          {
            name: "events",
            endpoint: {
              path: "paging/offset",
              data_selector: "data",
              paginator: { type: "offset", limit: 100, total_path: "total" },
            },
          },
        ],
      }),
    );
    const db = join(scratch, "events.duckdb");
    const out = execFileSync(sluice, ["sync", connector, "--db", db, "--json"], { cwd: scratch }).toString();
    const summary = JSON.parse(out) as { resources: { records: number }[] };
    assert.equal(summary.resources[0]!.records, 250, out);
    assert.ok(existsSync(db));
  } finally {
    demo.child.kill();
  }
});
