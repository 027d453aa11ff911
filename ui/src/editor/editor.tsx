// The Edit tab: every key of the connector config as forms, grouped the way users think, plus a
// raw JSON view of the same document. Every change is sent to be saved at once, and the editor
// waits for what is still on its way when the tab closes, another connector opens or the window
// closes; each save returns the validation problems, which the fields show next to themselves.
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, isWarning, type CommandError, type Problem, type SecretStatus } from "../api";
import { AuthForm } from "./auth";
import { EditorContext, fieldIdOf, type EditorState } from "./context";
import { Group, KeyValueField, ListField, NumberField, TextField, BoolField, JsonField } from "./fields";
import { pathText, sameJson, setIn, type Json, type Path } from "./json-path";
import { JsonView } from "./json-view";
import { PaginatorForm } from "./paginator";
import { ResourceSettings, ResourcesSection } from "./resources";

/** Saves sent and not answered yet, from any editor. */
const inFlightSaves = new Set<Promise<void>>();

/**
 * Settles once every save the editor has sent is written. Views that read the connector (the
 * History and Export tabs) wait for it, so they never show the state from before the last edit:
 * leaving the Edit tab sends a save that would otherwise race their first read.
 */
export function whenSaved(): Promise<void> {
  return Promise.all([...inFlightSaves]).then(() => undefined);
}

/** Increasing save numbers (microseconds since the epoch), so the newest document wins. */
let lastSeq = 0;
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Math.floor((performance.timeOrigin + performance.now()) * 1000));
  return lastSeq;
}

export const SECTIONS = [
  { id: "client", label: "Client" },
  { id: "auth", label: "Auth" },
  { id: "defaults", label: "Defaults" },
  { id: "resources", label: "Resources" },
  { id: "pipeline", label: "Pipeline & retry" },
  { id: "json", label: "JSON" },
] as const;
export type SectionId = (typeof SECTIONS)[number]["id"];

/** Which section a problem's path belongs to, for the counts on the section buttons. */
/** The resource a problem's path is in (`resources[2]...` → 2). */
function resourceIndex(path: string | undefined): number | undefined {
  const m = path ? /^resources\[(\d+)\]/.exec(path) : null;
  return m ? Number(m[1]) : undefined;
}

function sectionOf(path: string): SectionId {
  if (path.startsWith("client.auth")) return "auth";
  if (path.startsWith("client")) return "client";
  if (path.startsWith("resource_defaults")) return "defaults";
  if (path.startsWith("resources")) return "resources";
  if (path.startsWith("sluice")) return "pipeline";
  return "json";
}

type SaveState =
  | { state: "idle" }
  | { state: "pending" }
  | { state: "saving" }
  | { state: "saved"; version?: number }
  | { state: "refused" }
  | { state: "failed"; message: string };

/**
 * Where the editor opens when the user is sent to it: a section, with a new resource added, or
 * at the field a problem names (`resources[1].endpoint.paginator.limit`).
 */
export type EditorStart = { section: SectionId; addResource?: boolean; field?: string };

/** The editor opened at the field of a problem (an import's first one). */
export function startAt(problemPath: string): EditorStart {
  return { section: sectionOf(problemPath), field: problemPath };
}

export function Editor({ id, onSaved, start }: { id: number; onSaved?: () => void; start?: EditorStart }) {
  const [config, setConfig] = useState<Json | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [secrets, setSecrets] = useState<SecretStatus[]>([]);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  const [section, setSection] = useState<SectionId>(start?.section ?? "client");
  // The latest document and whether it still has to be saved.
  const latest = useRef<Json | null>(null);
  const dirty = useRef(false);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  const refreshSecrets = useCallback(async () => {
    try {
      setSecrets(await api.secretStatus(id));
    } catch {
      setSecrets([]);
    }
  }, [id]);

  useEffect(() => {
    let live = true;
    api.getConnector(id).then(
      async (c) => {
        if (!live) return;
        latest.current = c.config as Json;
        setConfig(c.config as Json);
        try {
          const found = await api.checkConnectorConfig(c.config);
          if (live) setProblems(found);
        } catch {
          // problems appear with the first save
        }
      },
      (e: CommandError) => live && setLoadError(e),
    );
    void refreshSecrets();
    return () => {
      live = false;
    };
  }, [id, refreshSecrets]);

  // "Add a resource" from the Overview adds one, once: not again when the section reopens.
  const [pendingAdd, setPendingAdd] = useState(start?.addResource ?? false);
  // Sent here to a field (an import's first problem): show it and put the cursor in it, once.
  const focused = useRef(false);
  useEffect(() => {
    const field = start?.field;
    if (config === null || !field || focused.current) return;
    focused.current = true;
    requestAnimationFrame(() => {
      const input = document.getElementById(fieldIdOf(field));
      input?.scrollIntoView({ block: "center" });
      input?.focus();
    });
  }, [config]);

  // The number of the newest save whose answer is shown; older answers arriving late are ignored.
  const shownSeq = useRef(0);

  /** Sends the newest document if it changed, without waiting for saves already on their way. */
  const send = useCallback(() => {
    if (!dirty.current || latest.current === null) return;
    const doc = latest.current;
    const seq = nextSeq();
    dirty.current = false;
    setSave({ state: "saving" });
    const saving: Promise<void> = api.saveConnectorConfig(id, doc, seq).then(
      (outcome) => {
        if (outcome.superseded || seq < shownSeq.current) return;
        shownSeq.current = seq;
        setProblems(outcome.problems);
        setSave(outcome.saved ? { state: "saved", version: outcome.version } : { state: "refused" });
        if (outcome.saved) onSavedRef.current?.();
      },
      (err: CommandError) => {
        if (seq < shownSeq.current) return;
        dirty.current = true;
        setSave({ state: "failed", message: err.message });
      },
    );
    inFlightSaves.add(saving);
    void saving.finally(() => inFlightSaves.delete(saving));
  }, [id]);

  /** Sends what is pending and waits until every save sent so far is written. */
  const flush = useCallback(async () => {
    send();
    await whenSaved();
  }, [send]);

  // Save what is pending when the editor goes away (tab change, another connector) and before
  // the window closes, so nothing typed is lost.
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    try {
      getCurrentWindow()
        .onCloseRequested(async () => {
          await flush();
        })
        .then((u) => (gone ? u() : (unlisten = u)))
        .catch(() => undefined);
    } catch {
      // not inside Tauri (unit tests)
    }
    const onHide = () => {
      if (document.visibilityState === "hidden") void flush();
    };
    document.addEventListener("visibilitychange", onHide);
    return () => {
      gone = true;
      unlisten?.();
      document.removeEventListener("visibilitychange", onHide);
      void flush();
    };
  }, [flush]);

  const replace = useCallback(
    (next: Json) => {
      if (latest.current !== null && sameJson(latest.current, next)) return;
      latest.current = next;
      dirty.current = true;
      setConfig(next);
      setSave({ state: "pending" });
      // Save at once rather than after a typing pause, and without waiting for the save before:
      // a window closed right after the last keystroke (even by a path that skips the
      // close-requested event) still gets it. The command drops a save older than one already
      // written, and the store folds a minute of edits into one version.
      send();
    },
    [send],
  );

  const set = useCallback(
    (path: Path, value: Json | undefined) => {
      if (latest.current === null) return;
      replace(setIn(latest.current, path, value));
    },
    [replace],
  );

  // Warnings (`insecure`) are shown at their field but never counted or listed as problems.
  const [errors, warnings] = useMemo(
    () => [problems.filter((p) => !isWarning(p)), problems.filter(isWarning)],
    [problems],
  );
  const byPath = useMemo(() => {
    const map = new Map<string, Problem[]>();
    for (const p of errors) map.set(p.path, [...(map.get(p.path) ?? []), p]);
    return map;
  }, [errors]);

  const state: EditorState | null = useMemo(
    () =>
      config === null
        ? null
        : {
            connectorId: id,
            config,
            set,
            flush,
            secrets,
            refreshSecrets,
            problemsAt: (path: Path, within?: boolean) => {
              const key = pathText(path);
              if (!within) return byPath.get(key) ?? [];
              return errors.filter((p) => p.path === key || p.path.startsWith(`${key}.`) || p.path.startsWith(`${key}[`));
            },
            warningsAt: (path: Path) => warnings.filter((p) => p.path === pathText(path)),
          },
    [config, id, set, flush, secrets, refreshSecrets, byPath, errors, warnings],
  );

  if (loadError) {
    return (
      <div class="notice error" role="alert">
        {loadError.message}
      </div>
    );
  }
  if (!state) return <p class="muted center">Opening…</p>;

  const counts = new Map<SectionId, number>();
  for (const p of errors) counts.set(sectionOf(p.path), (counts.get(sectionOf(p.path)) ?? 0) + 1);

  const onNavKey = (e: KeyboardEvent) => {
    const at = SECTIONS.findIndex((s) => s.id === section);
    const step = e.key === "ArrowDown" || e.key === "ArrowRight" ? 1 : e.key === "ArrowUp" || e.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = SECTIONS[(at + step + SECTIONS.length) % SECTIONS.length];
    if (!next) return;
    setSection(next.id);
    document.getElementById(`section-${next.id}`)?.focus();
  };

  return (
    <EditorContext.Provider value={state}>
      <div class="editor" data-testid="editor">
        <div class="editor-bar">
          <div class="section-strip" role="tablist" aria-label="Editor sections" onKeyDown={onNavKey}>
            {SECTIONS.map((s) => (
              <button
                key={s.id}
                id={`section-${s.id}`}
                type="button"
                role="tab"
                class="section-tab"
                data-testid={`section-${s.id}`}
                aria-selected={s.id === section}
                tabIndex={s.id === section ? 0 : -1}
                onClick={() => setSection(s.id)}
              >
                {s.label}
                {(counts.get(s.id) ?? 0) > 0 && (
                  <span class="count" aria-label={`${counts.get(s.id)} problems`}>
                    {counts.get(s.id)}
                  </span>
                )}
              </button>
            ))}
          </div>
          <SaveIndicator save={save} />
        </div>
        {save.state === "refused" && (
          <div class="notice error" role="alert" data-testid="save-refused">
            Not saved: a secret value is written in the connector. Store it in the keychain with the secret field instead.
          </div>
        )}
        <div class="editor-body" role="tabpanel" aria-labelledby={`section-${section}`}>
          {section === "client" && <ClientSection />}
          {section === "auth" && (
            <Section title="Auth" intro="How Sluice signs in to the API. Secret values go to your system keychain, never into the connector.">
              <AuthForm path={["client", "auth"]} />
            </Section>
          )}
          {section === "defaults" && (
            <Section title="Defaults for every resource" intro="Each resource uses these unless it sets its own.">
              <ResourceSettings base={["resource_defaults"]} resourceName="the resource name" isDefaults />
            </Section>
          )}
          {section === "resources" && (
            <ResourcesSection
              addOnOpen={pendingAdd}
              onAdded={() => setPendingAdd(false)}
              openIndex={resourceIndex(start?.field)}
            />
          )}
          {section === "pipeline" && <PipelineSection />}
          {section === "json" && <JsonView />}
          <OtherProblems problems={errors} section={section} />
        </div>
      </div>
    </EditorContext.Provider>
  );
}

function SaveIndicator({ save }: { save: SaveState }) {
  const text =
    save.state === "pending" || save.state === "saving"
      ? "Saving…"
      : save.state === "saved"
        ? save.version
          ? `Saved · version ${save.version}`
          : "Saved"
        : save.state === "refused"
          ? "Not saved"
          : save.state === "failed"
            ? `Not saved: ${save.message}`
            : "All changes saved";
  return (
    <span class={save.state === "failed" || save.state === "refused" ? "save-state bad" : "save-state"} role="status" data-testid="save-state" data-state={save.state}>
      {text}
    </span>
  );
}

function Section({ title, intro, children }: { title: string; intro?: string; children: ComponentChildren }) {
  return (
    <section class="editor-section">
      <h2>{title}</h2>
      {intro && <p class="hint">{intro}</p>}
      {children}
    </section>
  );
}

function ClientSection() {
  return (
    <Section title="Client" intro="Where the API is and what every request carries.">
      <TextField
        path={["client", "base_url"]}
        label="Base URL"
        required
        placeholder="https://api.example.com/v1"
        hint="Every endpoint path is joined onto it."
      />
      <KeyValueField path={["client", "headers"]} label="Headers sent with every request" keyLabel="Header" />
      <Group title="Pagination for every resource">
        <PaginatorForm path={["client", "paginator"]} unset="Default (detect automatically)" />
      </Group>
    </Section>
  );
}

function PipelineSection() {
  return (
    <Section title="Pipeline and retry" intro="Sluice's settings around the source: where data lands and how failed requests are retried.">
      <Group title="Pipeline" columns testid="pipeline-group">
        <TextField
          path={["sluice", "pipeline", "pipeline_name"]}
          label="Pipeline name"
          placeholder="made from the connector's name"
          hint="Names this connector's DuckDB file, dataset and sync state; no two connectors share one."
        />
        <TextField path={["sluice", "pipeline", "dataset_name"]} label="Dataset name" placeholder="<pipeline name>_dataset" />
        <TextField path={["sluice", "pipeline", "duckdb_file"]} label="DuckDB file" placeholder="<pipeline name>.duckdb" />
      </Group>
      <Group title="Source" columns>
        <TextField path={["sluice", "source", "name"]} label="Source name" placeholder="rest_api" />
        <NumberField path={["sluice", "source", "max_table_nesting"]} label="Nesting depth of child tables" placeholder="dlt's default" />
        <BoolField path={["sluice", "source", "root_key"]} label="Root key in child tables" defaultText="no" />
        <BoolField path={["sluice", "source", "parallelized"]} label="Fetch resources in parallel" defaultText="no" />
        <JsonField path={["sluice", "source", "schema_contract"]} label="Schema contract (JSON)" placeholder='"evolve"' />
      </Group>
      <Group title="Retry policy" columns testid="retry-group">
        <ListField path={["sluice", "retry", "statuses"]} label="Retry on HTTP statuses" numbers alwaysList placeholder="429, 500, 502, 503, 504" />
        <NumberField path={["sluice", "retry", "max_retries"]} label="Retries after the first attempt" placeholder="3" />
        <NumberField path={["sluice", "retry", "backoff_factor"]} label="Backoff factor (seconds)" placeholder="2" hint="Waits 2, 4, 8… seconds with factor 2." />
        <NumberField path={["sluice", "retry", "max_delay_seconds"]} label="Longest wait (seconds)" placeholder="300" />
        <NumberField path={["sluice", "retry", "request_timeout_seconds"]} label="Request timeout (seconds)" placeholder="60" hint="At most 3600." />
        <NumberField
          path={["sluice", "retry", "max_response_megabytes"]}
          label="Largest answer (MB)"
          placeholder="256"
          hint="A bigger answer ends the resource with an error instead of filling memory."
        />
        <NumberField
          path={["sluice", "retry", "max_pages"]}
          label="Most pages per resource"
          placeholder="100000"
          hint="Ends a sync that would page forever; 0 means no limit."
        />
        <ListField
          path={["sluice", "retry", "credential_hosts"]}
          label="Hosts that may receive credentials"
          alwaysList
          placeholder="only the base URL's host"
          hint="Links, redirects and parent records that point at any other host are sent no credentials. Comma-separated, e.g. files.example.com."
        />
      </Group>
    </Section>
  );
}

/** Problems of the current section that no visible field shows (and document-level ones). */
function OtherProblems({ problems, section }: { problems: Problem[]; section: SectionId }) {
  const shown = problems.filter((p) => sectionOf(p.path) === section || p.path === "");
  const [visible, setVisible] = useState<Problem[]>([]);
  useEffect(() => {
    // After the fields render, keep only problems none of them shows.
    const shownIds = new Set(Array.from(document.querySelectorAll(".editor-body .field-error")).map((e) => e.textContent ?? ""));
    setVisible(shown.filter((p) => ![...shownIds].some((t) => t.includes(p.message))));
  }, [problems, section]);
  if (visible.length === 0 || section === "json") return null;
  return (
    <div class="notice error other-problems" role="alert" data-testid="other-problems">
      <strong>Still to fix here:</strong>
      <ul>
        {visible.map((p) => (
          <li key={`${p.path}:${p.message}`}>
            {p.path ? <code>{p.path}</code> : "The connector"}: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
