import { useState } from "preact/hooks";
import { api, type CommandError, type ImportOutcome } from "./api";
import { useModal } from "./modal";

type Props = { onImported: (outcome: ImportOutcome) => void; onCancel: () => void };

/** Paste a dlt `rest_api_source` snippet (or a document holding one, JSON or YAML) to start from. */
export function ImportDialog({ onImported, onCancel }: Props) {
  const dialog = useModal();
  const [text, setText] = useState("");
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);


  const submit = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) {
      setError({ kind: "invalid", field: "importText", message: "Paste some code or a document first." });
      return;
    }
    setBusy(true);
    try {
      onImported(await api.importConnector(text));
    } catch (err) {
      setError(err as CommandError);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="dialog wide"
      aria-labelledby="import-title"
      data-testid="import-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id="import-title">Import a connector</h2>
        <div class={error ? "field invalid" : "field"}>
          <label for="import-text">dlt code, a document containing it, JSON, YAML or cURL commands</label>
          <textarea
            id="import-text"
            rows={14}
            spellcheck={false}
            value={text}
            placeholder={'source = rest_api_source({\n    "client": {"base_url": "https://api.example.com"},\n    "resources": ["posts"],\n})'}
            aria-invalid={error ? true : undefined}
            aria-describedby="import-text-hint"
            onInput={(e) => setText(e.currentTarget.value)}
            autoFocus
          />
          <small id="import-text-hint" class="hint">
            Secret values written in the text are moved into your keychain; the connector keeps
            only their names.
          </small>
          <label class="file-pick">
            Or open a file (JSON, YAML, Python, markdown or a shell script of curl commands):{" "}
            <input
              type="file"
              data-testid="import-file"
              accept=".json,.yaml,.yml,.py,.md,.txt,.sh,.curl"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (!file) return;
                // The file's text goes into the box, so the user sees what will be imported.
                void file.text().then((content) => {
                  setText(content);
                  setError(null);
                });
              }}
            />
          </label>
          {error && (
            <pre class="field-error problems" role="alert" data-testid="import-error">
              {error.message}
            </pre>
          )}
        </div>
        <div class="actions end">
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? "Importing…" : "Import"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
