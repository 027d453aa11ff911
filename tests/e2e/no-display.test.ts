// Started where there is no desktop (an SSH session, a container), the app says so in one
// sentence instead of a GTK panic with a backtrace.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { builtBinary } from "./harness.ts";

test("without a display the app explains in one sentence and exits", () => {
  const env = { ...process.env };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const run = spawnSync(builtBinary("sluice-app"), [], { env, encoding: "utf8", timeout: 20_000 });
  assert.equal(run.status, 1, `exit status (stderr: ${run.stderr})`);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /needs a graphical desktop/);
  assert.doesNotMatch(run.stderr, /panicked|backtrace/i);
});
