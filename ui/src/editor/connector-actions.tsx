// The connector list's actions on the selected connector: rename in place, duplicate, and delete
// with an Undo toast (the store only hides a deleted connector, so undo brings it back whole).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError, type ConnectorSummary } from "../api";

type Props = {
  connector: ConnectorSummary;
  onChanged: (select?: number | null) => Promise<void>;
  onDeleted: (connector: ConnectorSummary) => void;
  onNotice: (text: string) => void;
};

export function ConnectorActions({ connector, onChanged, onDeleted, onNotice }: Props) {
  const [renaming, setRenaming] = useState(false);
  const [busy, setBusy] = useState(false);

  const duplicate = async () => {
    setBusy(true);
    try {
      const copy = await api.duplicateConnector(connector.id);
      if (copy.keychainProblem) onNotice(`Duplicated, but its secrets could not be copied: ${copy.keychainProblem}`);
      await onChanged(copy.connector.id);
    } catch (err) {
      onNotice((err as CommandError).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await api.deleteConnector(connector.id);
      onDeleted(connector);
      await onChanged(null);
    } catch (err) {
      onNotice((err as CommandError).message);
    } finally {
      setBusy(false);
    }
  };

  if (renaming) {
    return <RenameForm connector={connector} onDone={async (id) => {
      setRenaming(false);
      if (id !== undefined) await onChanged(id);
    }} />;
  }
  return (
    <div class="connector-actions" data-testid="connector-actions">
      <button type="button" class="button small ghost" data-testid="rename-connector" disabled={busy} onClick={() => setRenaming(true)}>
        Rename
      </button>
      <button type="button" class="button small ghost" data-testid="duplicate-connector" disabled={busy} onClick={() => void duplicate()}>
        Duplicate
      </button>
      <button type="button" class="button small ghost danger-text" data-testid="delete-connector" disabled={busy} onClick={() => void remove()}>
        Delete
      </button>
    </div>
  );
}

function RenameForm({ connector, onDone }: { connector: ConnectorSummary; onDone: (id?: number) => Promise<void> }) {
  const [name, setName] = useState(connector.name);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (name.trim() === connector.name) return onDone();
    try {
      await api.renameConnector(connector.id, name);
      await onDone(connector.id);
    } catch (err) {
      setError((err as CommandError).message);
    }
  };
  return (
    <form class={error ? "rename field invalid" : "rename field"} onSubmit={submit} data-testid="rename-form">
      <label for="rename-input" class="visually-hidden">
        New name for {connector.name}
      </label>
      <input
        id="rename-input"
        ref={input}
        value={name}
        spellcheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "rename-error" : undefined}
        onInput={(e) => setName(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            void onDone();
          }
        }}
      />
      <div class="rename-buttons">
        <button type="submit" class="button small primary">
          Save
        </button>
        <button type="button" class="button small ghost" onClick={() => void onDone()}>
          Cancel
        </button>
      </div>
      {error && (
        <small id="rename-error" class="field-error" role="alert">
          {error}
        </small>
      )}
    </form>
  );
}

/** "Deleted X. Undo" at the bottom of the window for ten seconds. */
export function UndoToast({ connector, onUndo, onClose }: { connector: ConnectorSummary; onUndo: () => void; onClose: () => void }) {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const t = setTimeout(() => close.current(), 10_000);
    return () => clearTimeout(t);
  }, [connector.id]);
  return (
    <div class="toast" role="status" data-testid="undo-toast">
      <span>Deleted “{connector.name}”.</span>
      <button type="button" class="button small" data-testid="undo-delete" onClick={onUndo}>
        Undo
      </button>
      <button type="button" class="button small ghost" aria-label="Dismiss" onClick={onClose}>
        ✕
      </button>
    </div>
  );
}
