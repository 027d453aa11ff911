import { useState } from "preact/hooks";
import { api, type CommandError, type ImportOutcome } from "./api";
import type { ApiOperations } from "./bindings/config/ApiOperations";
import { useModal } from "./modal";
import { firstChoice, OperationPicker } from "./operation-picker";

type Props = { onImported: (outcome: ImportOutcome) => void; onCancel: () => void };

/**
 * Paste a dlt `rest_api_source` snippet (or a document holding one, JSON or YAML), cURL commands
 * or an OpenAPI document to start from. An OpenAPI document takes a second step: choosing which
 * of its operations become resources.
 */
export function ImportDialog({ onImported, onCancel }: Props) {
  const dialog = useModal();
  const [text, setText] = useState("");
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const [listing, setListing] = useState<ApiOperations | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [query, setQuery] = useState("");

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) {
      setError({ kind: "invalid", field: "importText", message: "Paste some code or a document first." });
      return;
    }
    if (listing && chosen.size === 0) {
      setError({ kind: "invalid", field: "operations", message: "Choose at least one operation to import." });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (!listing) {
        const found = await api.openapiOperations(text);
        if (found) {
          setListing(found);
          setChosen(firstChoice(found));
          setBusy(false);
          return;
        }
      }
      onImported(await api.importConnector(text, listing ? [...chosen] : undefined));
    } catch (err) {
      setError(err as CommandError);
      setBusy(false);
    }
  };

  const count = chosen.size;

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
        <h2 id="import-title">{listing ? "Choose what to import" : "Import a connector"}</h2>
        {listing ? (
          <div class={error ? "field invalid" : "field"}>
            <OperationPicker
              listing={listing}
              chosen={chosen}
              query={query}
              onQuery={setQuery}
              onChosen={(next) => {
                setChosen(next);
                setError(null);
              }}
            />
            {error && (
              <p class="field-error" role="alert" data-testid="import-error">
                {error.message}
              </p>
            )}
          </div>
        ) : (
        <div class={error ? "field invalid" : "field"}>
          <label for="import-text">dlt code, a document containing it, JSON, YAML, cURL commands, an OpenAPI document, a HAR file or a Postman collection</label>
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
            Or open a file (JSON, YAML, Python, markdown, a shell script of curl commands, an OpenAPI
            document, a HAR file your browser saved or a Postman collection):{" "}
            <input
              type="file"
              data-testid="import-file"
              accept=".json,.yaml,.yml,.py,.md,.txt,.sh,.curl,.har,.postman_collection"
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
        )}
        <div class="actions end">
          {listing && (
            <button
              type="button"
              class="button"
              onClick={() => {
                setListing(null);
                setError(null);
              }}
            >
              Back
            </button>
          )}
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={busy} data-testid="import-submit">
            {busy
              ? "Importing…"
              : listing
                ? `Import ${count} ${count === 1 ? "resource" : "resources"}`
                : "Import"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
