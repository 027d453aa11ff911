import { useState } from "preact/hooks";
import { api, type CommandError, type ConnectorSummary } from "./api";
import { Field } from "./field";
import { useModal } from "./modal";

type Props = { onCreated: (c: ConnectorSummary) => void; onCancel: () => void };

/** Asks for the two things every connector needs first: a name and the API's base URL. */
export function NewConnectorDialog({ onCreated, onCancel }: Props) {
  const dialog = useModal();
  const [name, setName] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);


  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    try {
      onCreated(await api.createConnector({ name, baseUrl }));
    } catch (err) {
      setError(err as CommandError);
      setSaving(false);
    }
  };

  const errorFor = (field: string) => (error?.field === field ? error.message : undefined);

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="new-connector-title"
      data-testid="new-connector-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id="new-connector-title">New connector</h2>
        <Field
          id="connector-name"
          label="Name"
          hint="How this connector appears in your list, for example “Support tickets”."
          value={name}
          onInput={setName}
          error={errorFor("name")}
          autoFocus
        />
        <Field
          id="connector-base-url"
          label="Base URL"
          hint="The address every endpoint path is added to."
          placeholder="https://api.example.com/v1"
          value={baseUrl}
          onInput={setBaseUrl}
          error={errorFor("baseUrl")}
        />
        {error && !error.field && (
          <p class="field-error" role="alert">
            {error.message}
          </p>
        )}
        <div class="actions end">
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={saving}>
            {saving ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
