// The Export tab: the connector as a dlt pipeline script, a secrets.toml template, JSON or YAML,
// written to a file the user names (prefilled with one in the Downloads folder).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError, type ExportFormat } from "../api";
import type { Destination } from "../bindings/config/Destination";
import { Field } from "../field";
import { whenSaved } from "./editor";

const FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  { value: "dlt", label: "dlt pipeline script", hint: "A Python file that runs this connector with dlt, into the destination below." },
  { value: "secrets-toml", label: "secrets.toml template", hint: "The secret names dlt reads (the destination's connection too), without values: fill them in .dlt/secrets.toml." },
  { value: "json", label: "JSON", hint: "The connector document, to import again or keep in version control." },
  { value: "yaml", label: "YAML", hint: "The same document as YAML." },
];

/** dlt's destinations an exported pipeline can load into; Sluice's own syncs stay in DuckDB. */
const DESTINATIONS: Record<Destination, string> = {
  duckdb: "DuckDB file (as Sluice syncs)",
  motherduck: "MotherDuck",
  postgres: "PostgreSQL",
  bigquery: "BigQuery",
  snowflake: "Snowflake",
  redshift: "Amazon Redshift",
  databricks: "Databricks",
  clickhouse: "ClickHouse",
  filesystem: "Files (a local folder or a bucket)",
};

/** The formats that name a destination. */
const NAMES_DESTINATION: ExportFormat[] = ["dlt", "secrets-toml"];

export function ExportPanel({ id }: { id: number }) {
  const [format, setFormat] = useState<ExportFormat>("dlt");
  const [destination, setDestination] = useState<Destination>("duckdb");
  const [path, setPath] = useState("");
  const [error, setError] = useState<CommandError | null>(null);
  const [written, setWritten] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Once the user has typed a path, it is theirs: a default that arrives later never replaces it.
  const typed = useRef(false);

  useEffect(() => {
    let live = true;
    api.defaultExportPath(id, format).then(
      (p) => live && !typed.current && setPath(p),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id, format]);

  const write = async (replace: boolean) => {
    setBusy(true);
    setError(null);
    setWritten(null);
    try {
      await whenSaved();
      setWritten(await api.exportConnector({ id, format, destination, path, replace }));
    } catch (err) {
      setError(err as CommandError);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void write(false);
  };
  const exists = error?.kind === "exists";

  return (
    <section class="export" data-testid="export">
      <h2>Export</h2>
      <form onSubmit={submit} noValidate>
        <fieldset class="formats">
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.value} class="radio">
              <input
                type="radio"
                name="export-format"
                value={f.value}
                data-testid={`export-format-${f.value}`}
                checked={format === f.value}
                onChange={() => setFormat(f.value)}
              />
              <span>
                <strong>{f.label}</strong> <small class="hint">{f.hint}</small>
              </span>
            </label>
          ))}
        </fieldset>
        {NAMES_DESTINATION.includes(format) && (
          <div class="field">
            <label for="export-destination">Load into</label>
            <select
              id="export-destination"
              data-testid="export-destination"
              value={destination}
              onChange={(e) => setDestination(e.currentTarget.value as Destination)}
            >
              {(Object.keys(DESTINATIONS) as Destination[]).map((d) => (
                <option key={d} value={d}>
                  {DESTINATIONS[d]}
                </option>
              ))}
            </select>
            <small class="hint">
              {destination === "duckdb"
                ? "The script loads into a DuckDB file beside it, as Sluice does."
                : "dlt reads the connection from .dlt/secrets.toml: export its template with the same choice."}
            </small>
          </div>
        )}
        <Field
          id="export-path"
          label="Save to file"
          value={path}
          onInput={(p) => {
            typed.current = true;
            setPath(p);
          }}
          hint="Sluice asks before replacing a file that is there. ~ means your home folder."
          error={error?.field === "exportPath" && !exists ? error.message : undefined}
        />
        {exists && (
          <div class="notice warn export-exists" role="alert" data-testid="export-exists">
            <span>{error?.message}</span>
            <button type="button" class="button small" data-testid="export-replace" onClick={() => void write(true)}>
              Replace it
            </button>
          </div>
        )}
        <div class="actions end">
          <button type="submit" class="button primary" data-testid="export-submit" disabled={busy || path.trim() === ""}>
            {busy ? "Exporting…" : "Export"}
          </button>
        </div>
        {error && error.field !== "exportPath" && (
          <pre class="notice error problems" role="alert" data-testid="export-error">
            {error.message}
          </pre>
        )}
        {written && (
          <div class="notice ok" role="status" data-testid="export-done">
            Saved to <code>{written}</code>
          </div>
        )}
      </form>
    </section>
  );
}
