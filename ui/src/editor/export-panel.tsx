// The Export tab: the connector as a dlt pipeline script, a secrets.toml template, JSON or YAML,
// written to a file the user names (prefilled with one in the Downloads folder).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError, type ExportFormat } from "../api";
import { Field } from "../field";
import { whenSaved } from "./editor";

const FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  { value: "dlt", label: "dlt pipeline script", hint: "A Python file that runs this connector with dlt into DuckDB." },
  { value: "secrets-toml", label: "secrets.toml template", hint: "The secret names dlt reads, without values: fill them in .dlt/secrets.toml." },
  { value: "json", label: "JSON", hint: "The connector document, to import again or keep in version control." },
  { value: "yaml", label: "YAML", hint: "The same document as YAML." },
];

export function ExportPanel({ id }: { id: number }) {
  const [format, setFormat] = useState<ExportFormat>("dlt");
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
      setWritten(await api.exportConnector({ id, format, path, replace }));
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
