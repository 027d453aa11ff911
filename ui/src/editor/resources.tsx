// The Resources section: a list with add, reorder and remove, and the form of the selected one.
// The same endpoint and load fields, without the name, are the Defaults section.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError } from "../api";
import { AuthForm } from "./auth";
import { fieldId, useEditor } from "./context";
import { BoolField, Group, JsonField, KeyValueField, ListField, NumberField, SelectField, TextField, useProblemText } from "./fields";
import { getIn, isObject, type Json, type JsonObject, type Path } from "./json-path";
import { PaginatorForm } from "./paginator";

export function resourceName(entry: unknown, index: number): string {
  if (typeof entry === "string") return entry;
  if (isObject(entry) && typeof entry.name === "string" && entry.name !== "") return entry.name;
  return `Resource ${index + 1}`;
}

/**
 * `addOnOpen`: the user came from "Add a resource" elsewhere, so one is added at once;
 * `openIndex`: the resource to show first (the one a problem is in).
 */
export function ResourcesSection({
  addOnOpen = false,
  onAdded,
  openIndex,
}: {
  addOnOpen?: boolean;
  onAdded?: () => void;
  openIndex?: number;
}) {
  const { config, set, problemsAt } = useEditor();
  const raw = getIn(config, ["resources"]);
  const resources: Json[] = Array.isArray(raw) ? raw : [];
  const [selected, setSelected] = useState(openIndex ?? 0);
  const current = Math.min(selected, resources.length - 1);
  const listError = problemsAt(["resources"]).map((p) => p.message).join("; ");

  const add = () => {
    const taken = new Set(resources.map(resourceName));
    let n = resources.length + 1;
    while (taken.has(`resource_${n}`)) n++;
    set(["resources"], [...resources, { name: `resource_${n}` }]);
    setSelected(resources.length);
    requestAnimationFrame(() => document.getElementById(fieldId(["resources", resources.length, "name"]))?.focus());
  };
  const added = useRef(false);
  useEffect(() => {
    if (addOnOpen && !added.current) {
      added.current = true;
      add();
      onAdded?.();
    }
  }, [addOnOpen]);
  const move = (from: number, to: number) => {
    const next = [...resources];
    const [item] = next.splice(from, 1);
    if (item === undefined) return;
    next.splice(to, 0, item);
    set(["resources"], next);
    setSelected(to);
  };
  const remove = (index: number) => {
    set(["resources"], resources.filter((_, i) => i !== index));
    setSelected(Math.max(0, index - 1));
  };

  return (
    <div class="resources" data-testid="resources-section">
      <div class="resource-list">
        <ul aria-label="Resources">
          {resources.map((r, i) => {
            const hasProblems = problemsAt(["resources", i], true).length > 0;
            return (
              <li key={i} class={i === current ? "selected" : undefined}>
                <button
                  type="button"
                  class="resource-pick"
                  data-testid={`resource-pick-${i}`}
                  aria-current={i === current ? "true" : undefined}
                  onClick={() => setSelected(i)}
                >
                  {resourceName(r, i)}
                  {hasProblems && <span class="dot" aria-label="has problems" title="has problems" />}
                </button>
                <span class="resource-actions">
                  <button type="button" class="button small ghost" aria-label={`Move ${resourceName(r, i)} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="button small ghost"
                    aria-label={`Move ${resourceName(r, i)} down`}
                    disabled={i === resources.length - 1}
                    onClick={() => move(i, i + 1)}
                  >
                    ↓
                  </button>
                  <button type="button" class="button small ghost" aria-label={`Remove ${resourceName(r, i)}`} onClick={() => remove(i)}>
                    ✕
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
        <button type="button" class="button small" data-testid="add-resource" onClick={add}>
          Add a resource
        </button>
        {listError && (
          <small class="field-error" role="alert">
            {listError}
          </small>
        )}
      </div>
      <div class="resource-form">
        {resources.length === 0 ? (
          <p class="muted">No resources yet. A resource is one endpoint of the API that becomes one table.</p>
        ) : (
          <ResourceForm key={current} index={current} />
        )}
      </div>
    </div>
  );
}

function ResourceForm({ index }: { index: number }) {
  const { config, set } = useEditor();
  const base: Path = ["resources", index];
  const entry = getIn(config, base);
  if (typeof entry === "string") {
    return (
      <div data-testid="resource-form">
        <TextField path={base} label="Name" required hint="Also the endpoint path and the table name." />
        <button type="button" class="button small" onClick={() => set(base, { name: entry })}>
          Set its options
        </button>
      </div>
    );
  }
  const name = typeof getIn(entry, ["name"]) === "string" ? (getIn(entry, ["name"]) as string) : "";
  return (
    <div data-testid="resource-form">
      <TextField path={[...base, "name"]} label="Name" required hint="Also the default endpoint path and table name." />
      <ResourceSettings base={base} resourceName={name || "the resource name"} />
    </div>
  );
}

/** Endpoint and load fields of a resource (`base` is the resource) or of `resource_defaults`. */
export function ResourceSettings({ base, resourceName: name, isDefaults }: { base: Path; resourceName: string; isDefaults?: boolean }) {
  const { config, set } = useEditor();
  const endpoint = getIn(config, [...base, "endpoint"]);
  const ep: Path = [...base, "endpoint"];
  const e = (key: string): Path => [...ep, key];
  return (
    <>
      <Group title="Endpoint" testid="endpoint-group">
        {typeof endpoint === "string" ? (
          <>
            <TextField path={ep} label="Endpoint path" placeholder={name} />
            <button type="button" class="button small" onClick={() => set(ep, { path: endpoint })}>
              More endpoint options
            </button>
          </>
        ) : (
          <>
            <div class="form-grid">
              {!isDefaults && (
                <TextField path={e("path")} label="Endpoint path" placeholder={name} hint="Relative to the base URL, or a full URL." />
              )}
              <SelectField
                path={e("method")}
                label="Method"
                unset="Default (GET)"
                options={[
                  { value: "GET", label: "GET" },
                  { value: "POST", label: "POST" },
                ]}
              />
              <TextField
                path={e("data_selector")}
                label="Records in the response (JSONPath)"
                placeholder="found automatically"
                hint="For example data or results.items."
              />
            </div>
            <KeyValueField
              path={e("params")}
              label="Query parameters"
              keyLabel="Parameter"
              hint="A value may use {incremental.start_value}; an incremental binding shows as JSON."
              skip={(v) => isObject(v) && v.type === "resolve"}
            />
            <KeyValueField path={e("headers")} label="Headers for this endpoint" keyLabel="Header" />
            <JsonField path={e("json")} label="JSON request body" placeholder={'{"filter": "active"}'} />
            <JsonField path={e("data")} label="Form or raw request body (instead of JSON)" />
            <Group title="Pagination">
              <PaginatorForm path={e("paginator")} unset={isDefaults ? "Default (the client's, else detect)" : "Default (defaults or the client's, else detect)"} />
            </Group>
            <IncrementalForm path={e("incremental")} />
            {!isDefaults && <ParentLinks base={base} />}
            <details class="more">
              <summary>More endpoint options</summary>
              <JsonField
                path={e("response_actions")}
                label="Response actions (JSON)"
                placeholder={'[{"status_code": 404, "action": "ignore"}]'}
              />
              <Group title="Sign-in for this endpoint">
                <AuthForm path={e("auth")} inherit="Same as the client" />
              </Group>
            </details>
          </>
        )}
      </Group>
      <Group title="Loading" columns testid="load-group">
        <ListField path={[...base, "primary_key"]} label="Primary key" placeholder="none" hint="Column(s), comma-separated." />
        <WriteDispositionField base={base} />
        {!isDefaults && <TextField path={[...base, "table_name"]} label="Table name" placeholder={name} />}
        <NumberField path={[...base, "max_table_nesting"]} label="Nesting depth of child tables" placeholder="the source's" />
        <ListField path={[...base, "merge_key"]} label="Merge key" placeholder="none" />
        <BoolField path={[...base, "selected"]} label="Load this resource" defaultText="yes" hint="No: still usable as a parent." />
        <BoolField path={[...base, "parallelized"]} label="Fetch in parallel" defaultText="no" />
        <SelectField
          path={[...base, "table_format"]}
          label="Table format"
          unset="Default"
          options={["iceberg", "delta", "hive", "native"].map((v) => ({ value: v, label: v }))}
        />
        <SelectField
          path={[...base, "file_format"]}
          label="File format"
          unset="Default"
          options={["preferred", "jsonl", "typed-jsonl", "insert_values", "parquet", "csv"].map((v) => ({ value: v, label: v }))}
        />
        {!isDefaults && <TextField path={[...base, "parent_table_name"]} label="Parent table name" />}
      </Group>
      <details class="more">
        <summary>Columns and schema (JSON)</summary>
        <JsonField path={[...base, "columns"]} label="Column hints" placeholder={'{"id": {"data_type": "bigint"}}'} />
        <JsonField path={[...base, "schema_contract"]} label="Schema contract" placeholder='"evolve"' />
        <JsonField path={[...base, "references"]} label="Table references" />
        <JsonField path={[...base, "nested_hints"]} label="Nested table hints" />
      </details>
    </>
  );
}

const DISPOSITIONS = [
  { value: "append", label: "Append new rows" },
  { value: "replace", label: "Replace the table" },
  { value: "merge", label: "Merge by primary key" },
  { value: "skip", label: "Skip" },
];

/** The disposition a `write_disposition` value names (text, or the dict form's). */
const dispositionOf = (value: unknown): string =>
  typeof value === "string" ? value : isObject(value) && typeof value.disposition === "string" ? value.disposition : "";

/** Whether a key setting (a name or a list of names) names anything. */
const hasKey = (key: unknown) => (typeof key === "string" ? key.trim() !== "" : Array.isArray(key) && key.length > 0);

/**
 * What the next sync does to rows already loaded, in words: append duplicates on every run
 * (dlt's default, and the surprise of a second sync), so it says so where it is chosen.
 */
export function dispositionEffect(kind: string, keyed: boolean, incremental: boolean): string {
  switch (kind) {
    case "replace":
      return "Each sync replaces the table with what the API returns then.";
    case "merge":
      return keyed
        ? "Each sync updates the rows whose primary key it sees again and adds the new ones."
        : "Merge needs a primary key or merge key; without one a sync only adds rows.";
    case "skip":
      return "Nothing is loaded into this table.";
    default:
      return incremental
        ? "A second sync adds the records changed since the last one, so a changed record has a row for each version."
        : "A second sync adds every row again: the table then holds each record once per sync.";
  }
}

function WriteDispositionField({ base }: { base: Path }) {
  const { config, set } = useEditor();
  const path: Path = [...base, "write_disposition"];
  const value = getIn(config, path);
  const kind = dispositionOf(value);
  const strategy = isObject(value) && typeof value.strategy === "string" ? value.strategy : "";
  const isDefaults = base[0] === "resource_defaults";
  // A resource without its own takes the one under Defaults, else dlt's append.
  const inherited = isDefaults ? "" : dispositionOf(getIn(config, ["resource_defaults", "write_disposition"]));
  const keyed = [getIn(config, [...base, "primary_key"]), getIn(config, [...base, "merge_key"])]
    .concat(isDefaults ? [] : [getIn(config, ["resource_defaults", "primary_key"])])
    .some(hasKey);
  const params = getIn(config, [...base, "endpoint", "params"]);
  const incremental =
    getIn(config, [...base, "endpoint", "incremental"]) !== undefined ||
    (isObject(params) && Object.values(params).some((p) => isObject(p) && p.type === "incremental"));
  const effective = kind || inherited || "append";
  const appends = effective === "append";
  return (
    <>
      <SelectField
        path={path}
        label="Write disposition"
        unset={inherited ? `As under Defaults (${inherited})` : "Default (append)"}
        options={DISPOSITIONS}
        value={kind}
        onChange={(v) => set(path, v === undefined ? undefined : isObject(value) && v === "merge" ? { ...value, disposition: v } : v)}
      />
      {!isDefaults && (
        <p class="hint disposition-effect" data-testid="disposition-effect">
          {dispositionEffect(effective, keyed, incremental)}
          {appends && keyed && (
            <>
              {" "}
              <button type="button" class="link-button" data-testid="use-merge" onClick={() => set(path, "merge")}>
                Merge by the primary key instead
              </button>
            </>
          )}
        </p>
      )}
      {kind === "merge" && (
        <SelectField
          path={[...path, "strategy"]}
          label="Merge strategy"
          unset="Default (delete-insert)"
          options={["delete-insert", "upsert", "scd2", "insert-only"].map((v) => ({ value: v, label: v }))}
          value={strategy}
          onChange={(v) => set(path, v === undefined ? "merge" : { ...(isObject(value) ? value : {}), disposition: "merge", strategy: v })}
        />
      )}
    </>
  );
}

function IncrementalForm({ path }: { path: Path }) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const on = value !== undefined;
  const f = (key: string): Path => [...path, key];
  const id = fieldId(path);
  return (
    <Group title="Incremental loading" testid="incremental-group">
      <label class="check">
        <input
          type="checkbox"
          id={`${id}-on`}
          checked={on}
          onChange={(e) => set(path, e.currentTarget.checked ? { cursor_path: "" } : undefined)}
        />
        Load only records newer than the last run
      </label>
      {on && (
        <div class="form-grid">
          <TextField path={f("cursor_path")} label="Cursor field in each record" required placeholder="updated_at" />
          <TextField path={f("start_param")} label="Send the last value as parameter" placeholder="since" />
          <CalendarValueField path={f("initial_value")} label="Start from" placeholder="2024-01-01T00:00:00Z" />
          <CalendarValueField path={f("end_value")} label="Stop at" />
          <TextField path={f("end_param")} label="Send the end value as parameter" />
          <SelectField
            path={f("last_value_func")}
            label="Newest is the"
            unset="Default (largest)"
            options={[
              { value: "max", label: "largest value" },
              { value: "min", label: "smallest value" },
            ]}
          />
          <SelectField
            path={f("row_order")}
            label="Records arrive sorted"
            unset="Not sorted"
            options={[
              { value: "asc", label: "oldest first" },
              { value: "desc", label: "newest first" },
            ]}
          />
          <NumberField path={f("lag")} label="Lag (re-read this much)" placeholder="0" />
          <SelectField
            path={f("on_cursor_value_missing")}
            label="A record without the cursor"
            unset="Default (fail)"
            options={[
              { value: "raise", label: "fails the run" },
              { value: "include", label: "is loaded" },
              { value: "exclude", label: "is skipped" },
            ]}
          />
          <SelectField
            path={f("range_start")}
            label="Start boundary"
            unset="Default (closed)"
            options={[
              { value: "closed", label: "closed (includes it)" },
              { value: "open", label: "open (excludes it)" },
            ]}
          />
          <SelectField
            path={f("range_end")}
            label="End boundary"
            unset="Default (open)"
            options={[
              { value: "open", label: "open (excludes it)" },
              { value: "closed", label: "closed (includes it)" },
            ]}
          />
          <ListField path={f("primary_key")} label="Deduplicate by" placeholder="the resource's primary key" />
          <BoolField path={f("allow_external_schedulers")} label="Allow external schedulers" defaultText="no" />
        </div>
      )}
    </Group>
  );
}

const DAYS_AGO = "$days_ago";

/**
 * A fixed start or stop (a date, a number), or one that moves with the calendar: "30 days before
 * each run" is saved as Sluice's `{"$days_ago": 30}` and exported to dlt as the pendulum
 * expression that means the same.
 */
function CalendarValueField({ path, label, placeholder }: { path: Path; label: string; placeholder?: string }) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const relative = isObject(value) && DAYS_AGO in value ? value : null;
  const ownError = useProblemText(path);
  const daysError = useProblemText([...path, DAYS_AGO]);
  const error = ownError ?? daysError;
  const id = fieldId(path);
  const days = relative ? relative[DAYS_AGO] : undefined;
  const setRelative = (change: Record<string, Json | undefined>) => {
    const next: Record<string, Json> = { [DAYS_AGO]: 30 };
    for (const [key, v] of Object.entries({ ...(relative ?? {}), ...change })) {
      if (v !== undefined) next[key] = v;
    }
    set(path, next);
  };
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={`${id}-kind`}>{label}</label>
      <select
        id={`${id}-kind`}
        value={relative ? "relative" : "fixed"}
        onChange={(e) => set(path, e.currentTarget.value === "relative" ? { [DAYS_AGO]: 30 } : undefined)}
      >
        <option value="fixed">a fixed value</option>
        <option value="relative">days before each run</option>
      </select>
      {relative ? (
        <div class="inline-fields">
          <input
            id={id}
            type="number"
            min={0}
            step={1}
            aria-label={`${label}: days before each run`}
            value={typeof days === "number" ? String(days) : ""}
            onInput={(e) => {
              const n = e.currentTarget.valueAsNumber;
              setRelative({ [DAYS_AGO]: Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0 });
            }}
          />
          <span class="muted">days before, counted from</span>
          <select
            aria-label={`${label}: counted from`}
            value={relative.format === "date" ? "date" : relative.from === "today" ? "today" : "now"}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setRelative({ from: v === "today" ? "today" : undefined, format: v === "date" ? "date" : undefined });
            }}
          >
            <option value="now">now (a timestamp)</option>
            <option value="today">midnight (a timestamp)</option>
            <option value="date">today (a date)</option>
          </select>
        </div>
      ) : (
        <input
          id={id}
          aria-label={`${label}: value`}
          value={value === undefined || value === null ? "" : String(value)}
          placeholder={placeholder}
          spellcheck={false}
          onInput={(e) => {
            const v = e.currentTarget.value;
            set(path, v === "" ? undefined : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
          }}
        />
      )}
      {error && (
        <small class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** Parent links: query parameters filled from each record of another resource (dlt's `resolve`). */
function ParentLinks({ base }: { base: Path }) {
  const { config, set, problemsAt, connectorId, flush } = useEditor();
  // Field names read from a sample of each parent's records, on request (it calls the API).
  const [sampled, setSampled] = useState<Record<string, string[]>>({});
  const [sampling, setSampling] = useState<string | null>(null);
  const [sampleNote, setSampleNote] = useState<string | null>(null);
  const sample = async (parent: string) => {
    setSampling(parent);
    setSampleNote(null);
    try {
      await flush();
      const preview = await api.previewResource(connectorId, parent, 1);
      const names = new Set<string>();
      for (const record of preview.records.slice(0, 50)) {
        if (isObject(record)) Object.keys(record).forEach((k) => names.add(k));
      }
      setSampled((s) => ({ ...s, [parent]: [...names] }));
      setSampleNote(
        preview.error
          ? `Could not read ${parent}: ${preview.error}`
          : `${names.size} fields found in ${preview.records.length} records of ${parent}.`,
      );
    } catch (err) {
      setSampleNote((err as CommandError).message);
    } finally {
      setSampling(null);
    }
  };
  const resourcesRaw = getIn(config, ["resources"]);
  const resources: Json[] = Array.isArray(resourcesRaw) ? resourcesRaw : [];
  const selfIndex = base[1] as number;
  const others = resources.map(resourceName).filter((_, i) => i !== selfIndex);
  const paramsPath: Path = [...base, "endpoint", "params"];
  const params = getIn(config, paramsPath);
  const entries = isObject(params) ? Object.entries(params) : [];
  const links = entries.filter(([, v]) => isObject(v) && v.type === "resolve");
  // dlt's other way to name a parent: `{resources.<parent>.<field>}` inside the endpoint path.
  const pathAt: Path = [...base, "endpoint", "path"];
  const rawPath = getIn(config, pathAt);
  const endpointPath = typeof rawPath === "string" ? rawPath : "";
  const placeholders = [...endpointPath.matchAll(/\{resources\.([A-Za-z0-9_-]+)\.([^}]*)\}/g)].map((m) => ({
    text: m[0],
    parent: m[1] ?? "",
    field: m[2] ?? "",
  }));
  const write = (next: [string, Json][]) => set(paramsPath, next.length === 0 ? undefined : Object.fromEntries(next));
  const update = (key: string, change: (link: JsonObject) => [string, Json]) =>
    write(entries.map((entry) => (entry[0] === key && isObject(entry[1]) ? change(entry[1]) : entry)));
  const id = fieldId(paramsPath);
  return (
    <Group title="Parent resource" testid="parent-group">
      <p class="hint">Read this endpoint once per record of another resource, passing a field of that record.</p>
      {placeholders.map((ph, n) => {
        const rowId = `${id}-path-${n}`;
        const rewrite = (parent: string, field: string) =>
          set(pathAt, endpointPath.replace(ph.text, `{resources.${parent}.${field}}`));
        return (
          <div class="form-grid parent-link" key={n} data-testid="parent-path-link">
            <div class="field">
              <label for={`${rowId}-resource`}>Parent resource (in the path)</label>
              <select id={`${rowId}-resource`} value={ph.parent} onChange={(e) => rewrite(e.currentTarget.value, ph.field)}>
                {!others.includes(ph.parent) && <option value={ph.parent}>{ph.parent}</option>}
                {others.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for={`${rowId}-field`}>Parent field</label>
              <input
                id={`${rowId}-field`}
                list={`${rowId}-fields`}
                value={ph.field}
                spellcheck={false}
                onInput={(e) => rewrite(ph.parent, e.currentTarget.value)}
              />
              <datalist id={`${rowId}-fields`} data-testid="parent-fields">
                {[...new Set([...parentFields(config, ph.parent), ...(sampled[ph.parent] ?? [])])].map((f) => (
                  <option key={f} value={f} />
                ))}
              </datalist>
              <button
                type="button"
                class="link"
                data-testid="sample-parent-fields"
                disabled={sampling !== null}
                onClick={() => void sample(ph.parent)}
              >
                {sampling === ph.parent ? "Reading…" : `Read ${ph.parent}'s fields from the API`}
              </button>
            </div>
          </div>
        );
      })}
      {links.map(([param, link], linkIndex) => {
        const l = link as JsonObject;
        const parent = typeof l.resource === "string" ? l.resource : "";
        const field = typeof l.field === "string" ? l.field : "";
        const at = (k: string) => problemsAt([...paramsPath, param, k]).map((p) => p.message).join("; ");
        const rowId = `${id}-${param}`.replace(/[^A-Za-z0-9_-]/g, "_");
        return (
          // Keyed by position: renaming the parameter must not remount the row under the cursor.
          <div class="form-grid parent-link" key={linkIndex}>
            <div class="field">
              <label for={`${rowId}-param`}>Parameter</label>
              <input
                id={`${rowId}-param`}
                value={param}
                spellcheck={false}
                onInput={(e) => update(param, (v) => [e.currentTarget.value, v])}
              />
            </div>
            <div class={at("resource") ? "field invalid" : "field"}>
              <label for={`${rowId}-resource`}>Parent resource</label>
              <select id={`${rowId}-resource`} value={parent} onChange={(e) => update(param, (v) => [param, { ...v, resource: e.currentTarget.value }])}>
                {!others.includes(parent) && <option value={parent}>{parent || "Pick one"}</option>}
                {others.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
              {at("resource") && <small class="field-error">{at("resource")}</small>}
            </div>
            <div class={at("field") ? "field invalid" : "field"}>
              <label for={`${rowId}-field`}>Parent field</label>
              <input
                id={`${rowId}-field`}
                list={`${rowId}-fields`}
                value={field}
                spellcheck={false}
                onInput={(e) => update(param, (v) => [param, { ...v, field: e.currentTarget.value }])}
              />
              <datalist id={`${rowId}-fields`} data-testid="parent-fields">
                {[...new Set([...parentFields(config, parent), ...(sampled[parent] ?? [])])].map((f) => (
                  <option key={f} value={f} />
                ))}
              </datalist>
              {at("field") && <small class="field-error">{at("field")}</small>}
              <button
                type="button"
                class="link"
                data-testid="sample-parent-fields"
                disabled={sampling !== null || parent === ""}
                onClick={() => void sample(parent)}
              >
                {sampling === parent ? "Reading…" : `Read ${parent || "the parent"}'s fields from the API`}
              </button>
            </div>
            <button type="button" class="button small ghost" onClick={() => write(entries.filter(([k]) => k !== param))}>
              Remove link
            </button>
          </div>
        );
      })}
      {sampleNote && (
        <small class="hint" role="status" data-testid="sample-note">
          {sampleNote}
        </small>
      )}
      <button
        type="button"
        class="button small"
        data-testid="add-parent-link"
        disabled={others.length === 0}
        onClick={() => {
          let name = "parent_id";
          for (let n = 2; entries.some(([k]) => k === name); n++) name = `parent_id_${n}`;
          write([...entries, [name, { type: "resolve", resource: others[0] ?? "", field: parentFields(config, others[0] ?? "")[0] ?? "id" }]]);
        }}
      >
        Link to a parent resource
      </button>
      {links.length + placeholders.length > 0 && (
        <ListField path={[...base, "include_from_parent"]} label="Copy parent fields into each record" alwaysList placeholder="none" />
      )}
    </Group>
  );
}

/**
 * The fields a parent resource is known to have before anything is fetched: its keys, its
 * incremental cursor and the fields it already passes on, plus `id`.
 */
export function parentFields(config: Json, parentName: string): string[] {
  const resources = getIn(config, ["resources"]);
  const parent = Array.isArray(resources) ? resources.find((r, i) => resourceName(r, i) === parentName) : undefined;
  const names = new Set<string>(["id"]);
  const add = (v: unknown) => {
    if (typeof v === "string" && v) names.add(v);
    if (Array.isArray(v)) v.forEach(add);
  };
  for (const source of [parent, getIn(config, ["resource_defaults"])]) {
    add(getIn(source, ["primary_key"]));
    add(getIn(source, ["merge_key"]));
    add(getIn(source, ["endpoint", "incremental", "cursor_path"]));
    add(getIn(source, ["include_from_parent"]));
  }
  return [...names];
}
