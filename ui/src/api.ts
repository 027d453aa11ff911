// Typed calls into the Rust commands. The types come from the Rust structs (ts-rs), so a renamed
// field breaks this build rather than the running app.
import { invoke } from "@tauri-apps/api/core";
import type { CommandError } from "./bindings/app/CommandError";
import type { DemoOpened } from "./bindings/app/DemoOpened";
import type { ImportOutcome } from "./bindings/app/ImportOutcome";
import type { NewConnector } from "./bindings/app/NewConnector";
import type { SecretStatus } from "./bindings/app/SecretStatus";
import type { Connector } from "./bindings/store/Connector";
import type { ConnectorSummary } from "./bindings/store/ConnectorSummary";

export type { CommandError, Connector, ConnectorSummary, DemoOpened, ImportOutcome, NewConnector, SecretStatus };

/** Turns whatever a failed command threw into the IPC error shape, so callers handle one type. */
export function asCommandError(err: unknown): CommandError {
  if (typeof err === "object" && err !== null && "kind" in err && "message" in err) {
    return err as CommandError;
  }
  return { kind: "internal", message: String(err) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw asCommandError(err);
  }
}

export const api = {
  listConnectors: () => call<ConnectorSummary[]>("list_connectors"),
  getConnector: (id: number) => call<Connector>("get_connector", { id }),
  createConnector: (connector: NewConnector) =>
    call<ConnectorSummary>("create_connector", { connector }),
  importConnector: (text: string) => call<ImportOutcome>("import_connector", { text }),
  openDemoConnector: () => call<DemoOpened>("open_demo_connector"),
  secretStatus: (id: number) => call<SecretStatus[]>("secret_status", { id }),
};
