// Typed calls into the Rust commands. The types come from the Rust structs (ts-rs), so a renamed
// field breaks this build rather than the running app.
import { invoke } from "@tauri-apps/api/core";
import type { CommandError } from "./bindings/app/CommandError";
import type { DemoOpened } from "./bindings/app/DemoOpened";
import type { ImportOutcome } from "./bindings/app/ImportOutcome";
import type { ApiOperations } from "./bindings/config/ApiOperations";
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
  dismissNotice: (id: number) => call<Connector>("dismiss_notice", { id }),
  createConnector: (connector: NewConnector) =>
    call<ConnectorSummary>("create_connector", { connector }),
  /** The text's list operations when it is an OpenAPI document, `null` for any other text. */
  openapiOperations: (text: string) => call<ApiOperations | null>("openapi_operations", { text }),
  /** `operations`: for an OpenAPI document, the ids of the operations to make resources. */
  importConnector: (text: string, operations?: string[]) =>
    call<ImportOutcome>("import_connector", { text, operations: operations ?? null }),
  openDemoConnector: () => call<DemoOpened>("open_demo_connector"),
  secretStatus: (id: number) => call<SecretStatus[]>("secret_status", { id }),
  ...editorApi(),
  ...runApi(),
};

// The editor's commands (src-tauri/src/editor.rs).
import type { Duplicated } from "./bindings/app/Duplicated";
import type { ExportRequest } from "./bindings/app/ExportRequest";
import type { SaveOutcome } from "./bindings/app/SaveOutcome";
import type { ExportFormat } from "./bindings/config/ExportFormat";
import type { Problem } from "./bindings/config/Problem";
import type { ConnectorVersion } from "./bindings/store/ConnectorVersion";

export type { ConnectorVersion, Duplicated, ExportFormat, ExportRequest, Problem, SaveOutcome };

/** A warning works but carries a risk (`sluice_config::Problem::is_warning`); errors stop a sync. */
export const isWarning = (problem: Problem): boolean => problem.kind === "insecure";

function editorApi() {
  return {
    /** `seq`: the editor's increasing save number; a save older than one written is dropped. */
    saveConnectorConfig: (id: number, config: unknown, seq?: number) =>
      call<SaveOutcome>("save_connector_config", { id, config, seq: seq ?? null }),
    checkConnectorConfig: (config: unknown) => call<Problem[]>("check_connector_config", { config }),
    renameConnector: (id: number, name: string) =>
      call<ConnectorSummary>("rename_connector", { id, name }),
    duplicateConnector: (id: number) => call<Duplicated>("duplicate_connector", { id }),
    deleteConnector: (id: number) => call<null>("delete_connector", { id }),
    restoreConnector: (id: number) => call<ConnectorSummary>("restore_connector", { id }),
    connectorVersions: (id: number) => call<ConnectorVersion[]>("connector_versions", { id }),
    revertConnector: (id: number, versionId: number) =>
      call<Connector>("revert_connector", { id, versionId }),
    defaultExportPath: (id: number, format: ExportFormat) =>
      call<string>("default_export_path", { id, format }),
    exportConnector: (request: ExportRequest) => call<string>("export_connector", { request }),
    setConnectorSecret: (id: number, name: string, value: string) =>
      call<null>("set_connector_secret", { id, name, value }),
    deleteConnectorSecret: (id: number, name: string) =>
      call<boolean>("delete_connector_secret", { id, name }),
  };
}

// Trying, syncing and browsing a connector (src-tauri/src/sync.rs and viewer.rs).
import { Channel } from "@tauri-apps/api/core";
import type { DataTables } from "./bindings/app/DataTables";
import type { SchemaOutcome } from "./bindings/app/SchemaOutcome";
import type { SyncRequest } from "./bindings/app/SyncRequest";
import type { SyncTarget } from "./bindings/app/SyncTarget";
import type { ResourcePreview } from "./bindings/engine/ResourcePreview";
import type { ExportFormat as DataExportFormat } from "./bindings/load/ExportFormat";
import type { ExportSource } from "./bindings/load/ExportSource";
import type { SyncEvent } from "./bindings/load/SyncEvent";
import type { EngineEvent } from "./bindings/load/EngineEvent";
import type { Window as DataWindow } from "./bindings/load/Window";
import type { WindowQuery } from "./bindings/load/WindowQuery";
import type { Run } from "./bindings/store/Run";

export type {
  DataExportFormat,
  DataTables,
  DataWindow,
  ExportSource,
  ResourcePreview,
  Run,
  SchemaOutcome,
  SyncEvent,
  SyncRequest,
  SyncTarget,
  WindowQuery,
};

function runApi() {
  return {
    syncTarget: (id: number) => call<SyncTarget>("sync_target", { id }),
    setSyncPath: (id: number, path: string | null) => call<SyncTarget>("set_sync_path", { id, path }),
    /** Tests a resource; `onEvent` sees each request, retry and wait as it happens. */
    previewResource: (id: number, resource: string, pages: number, onEvent: (event: EngineEvent) => void = () => {}) => {
      const channel = new Channel<EngineEvent>();
      channel.onmessage = onEvent;
      return call<ResourcePreview>("preview_resource", { id, resource, pages, onEvent: channel });
    },
    /** Stops the connector's running test; its report says so. */
    cancelPreview: (id: number) => call<boolean>("cancel_preview", { id }),
    previewSchema: (id: number, pages: number) => call<SchemaOutcome>("preview_schema", { id, pages }),
    /** Runs a sync; `onEvent` sees its progress as it happens. Resolves with the finished run. */
    startSync: (request: SyncRequest, onEvent: (event: SyncEvent) => void) => {
      const channel = new Channel<SyncEvent>();
      channel.onmessage = onEvent;
      return call<Run>("start_sync", { request, onEvent: channel });
    },
    cancelSync: (id: number) => call<boolean>("cancel_sync", { id }),
    listRuns: (id: number) => call<Run[]>("list_runs", { id }),
    runLog: (runId: number) => call<string>("run_log", { runId }),
    dataTables: (id: number) => call<DataTables>("data_tables", { id }),
    dataWindow: (id: number, query: WindowQuery) => call<DataWindow>("data_window", { id, query }),
    dataQuery: (id: number, sql: string, limit: number) =>
      call<DataWindow>("data_query", { id, sql, limit }),
    dataExport: (id: number, source: ExportSource, path: string, format: DataExportFormat, replace = false) =>
      call<number>("data_export", { id, source, path, format, replace }),
    dataExportFolder: () => call<string>("data_export_folder"),
    /** Stops the query or export the Data tab runs now. */
    dataStop: () => call<void>("data_stop"),
    /** The Data tab is gone: let go of the DuckDB file so other programs can open it. */
    dataRelease: () => call<void>("data_release"),
  };
}
