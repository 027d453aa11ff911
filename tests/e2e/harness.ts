// Drives the real Sluice binary through WebDriver: tauri-driver in front of WebKitWebDriver, inside
// the Xvfb display that the test script provides. Each test file gets its own driver on free ports
// and its own throwaway app-data folder, so files never see each other's connectors.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { remote } from "webdriverio";

export type Browser = WebdriverIO.Browser;

const root = resolve(import.meta.dirname, "../..");
export const artifactsDir = resolve(root, process.env.SLUICE_ARTIFACTS ?? "test-artifacts");

/**
 * A binary of the debug build: `sluice-app` or the `sluice` CLI. SLUICE_APP_BIN (and
 * SLUICE_CLI_BIN) name them; otherwise they are where scripts/cargo-env.sh builds them, under the
 * host triple's folder of the target directory.
 */
export function builtBinary(name: "sluice-app" | "sluice"): string {
  const app = process.env.SLUICE_APP_BIN;
  if (name === "sluice-app" && app) return app;
  if (name === "sluice" && process.env.SLUICE_CLI_BIN) return process.env.SLUICE_CLI_BIN;
  if (app) return join(dirname(app), name);
  const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  const triple = process.env.SLUICE_TARGET_TRIPLE;
  return triple ? join(target, triple, "debug", name) : join(target, "debug", name);
}

const appBinary = () => builtBinary("sluice-app");

/** `sluice demo serve` on a free loopback port with `args` (records, faults); resolves with its base URL. */
export function startDemoApi(args: string[] = []): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(builtBinary("sluice"), ["demo", "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) ok({ child, baseUrl: m[1]! });
    });
    child.on("exit", (code) => fail(new Error(`sluice demo serve exited with ${code}: ${out}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail()));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok || res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on port ${port} within ${timeoutMs} ms`);
}

export type AppSession = {
  browser: Browser;
  dataDir: string;
  /** Saves a screenshot of the window as test-artifacts/<name>.png once the last change is painted. */
  screenshot: (name: string) => Promise<string>;
  close: () => Promise<void>;
};

/**
 * Stops tauri-driver and everything it started. The app normally quits when its session ends, but
 * one that did not (seen after a window closed through WebDriver) outlived the driver, held the test
 * runner's output pipe open and kept CI waiting forever after the last test passed. The driver
 * leads its own process group, so the whole group goes: asked first, then killed.
 */
async function stopDriver(driver: ChildProcess) {
  const group = driver.pid;
  if (group === undefined) return;
  const alive = () => {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group, name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + 5_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) signal("SIGKILL");
}

export async function launchApp(extraEnv: Record<string, string> = {}): Promise<AppSession> {
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-e2e-"));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, SLUICE_DATA_DIR: dataDir, ...extraEnv },
      // Its own process group, which WebKitWebDriver and the app join: see stopDriver.
      detached: true,
    },
  );
  try {
    await waitForPort(port, driver, 15_000);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      capabilities: { "tauri:options": { application: appBinary() } } as WebdriverIO.Capabilities,
    });
    mkdirSync(artifactsDir, { recursive: true });
    return {
      browser,
      dataDir,
      screenshot: async (name) => {
        // A screenshot taken right after a change can show the previous frame: wait for two
        // animation frames so the new state is on screen.
        await browser.executeAsync((done: () => void) => {
          requestAnimationFrame(() => requestAnimationFrame(() => done()));
        });
        const path = join(artifactsDir, `${name}.png`);
        await browser.saveScreenshot(path);
        return path;
      },
      close: async () => {
        await browser.deleteSession().catch(() => undefined);
        await stopDriver(driver);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopDriver(driver);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
