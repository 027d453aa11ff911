// A field whose value lives in the system keychain. The value typed here goes straight to the
// keychain through a command; the config keeps only `{"$secret": name}`, and the form shows only
// whether a value is set, never the value.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type CommandError } from "../api";
import { fieldId, useEditor } from "./context";
import { TextField, useProblemText } from "./fields";
import { getIn, isObject, type Path } from "./json-path";

type Props = {
  path: Path;
  label: string;
  /** The keychain name used when the config does not name one yet. */
  defaultName: string;
  /**
   * Fields that are not secret by nature (a client id, a user name) can be written in the
   * config or kept in the keychain; `optional` offers that choice.
   */
  optional?: boolean;
  hint?: string;
};

export function SecretField({ path, label, defaultName, optional, hint }: Props) {
  const { config, set } = useEditor();
  const value = getIn(config, path);
  const reference = isObject(value) && typeof value.$secret === "string" ? value.$secret : null;
  const id = fieldId(path);
  const [inKeychain, setInKeychain] = useState(reference !== null);

  if (optional && !inKeychain && reference === null) {
    return (
      <div class="secret-choice">
        <TextField path={path} label={label} hint={hint} />
        <label class="check">
          <input
            type="checkbox"
            id={`${id}-keychain`}
            checked={false}
            onChange={() => {
              setInKeychain(true);
              set(path, { $secret: defaultName });
            }}
          />
          Keep {label.toLowerCase()} in the keychain
        </label>
      </div>
    );
  }
  return (
    <KeychainValue
      path={path}
      label={label}
      name={reference ?? defaultName}
      hint={hint}
      onPlain={
        optional
          ? () => {
              setInKeychain(false);
              set(path, undefined);
            }
          : undefined
      }
    />
  );
}

function KeychainValue({ path, label, name, hint, onPlain }: { path: Path; label: string; name: string; hint?: string; onPlain?: () => void }) {
  const { connectorId, set, flush, secrets, refreshSecrets } = useEditor();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const problem = useProblemText(path);
  const id = fieldId(path);
  const status = secrets.find((s) => s.name === name);
  const pending = typed !== "";
  // A typed value is never shown as stored: until the keychain has it, the badge says so.
  const state = pending
    ? "typed, not stored yet"
    : status?.isSet
      ? status.fromEnvironment
        ? "set by environment"
        : "set in keychain"
      : "not set";
  // What is typed, for the store on leaving the section (the component is gone by then).
  const latest = useRef({ typed, connectorId, name });
  latest.current = { typed, connectorId, name };
  const storing = useRef(false);

  const store = async () => {
    if (typed === "") {
      setError("Type the value to store first");
      return;
    }
    if (storing.current) return;
    storing.current = true;
    setBusy(true);
    setError(null);
    try {
      await api.setConnectorSecret(connectorId, name, typed);
      setTyped("");
      set(path, { $secret: name });
      await flush();
      await refreshSecrets();
      setNote("Stored in your keychain.");
    } catch (err) {
      setError((err as CommandError).message);
    } finally {
      storing.current = false;
      setBusy(false);
    }
  };

  // Leaving the section with a value typed stores it, as leaving the field does: a typed secret
  // is never dropped without a word.
  useEffect(
    () => () => {
      const left = latest.current;
      if (left.typed === "" || storing.current) return;
      void api.setConnectorSecret(left.connectorId, left.name, left.typed).then(
        () => {
          set(path, { $secret: left.name });
          void refreshSecrets();
        },
        () => undefined,
      );
    },
    [],
  );

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteConnectorSecret(connectorId, name);
      await refreshSecrets();
      setNote("Removed from your keychain.");
    } catch (err) {
      setError((err as CommandError).message);
    } finally {
      setBusy(false);
    }
  };

  const shownError = error ?? problem;
  return (
    <div class={shownError ? "field secret invalid" : "field secret"} data-testid={`secret-${name}`}>
      <label for={id}>
        {label}{" "}
        <span
          class={pending ? "badge pending" : status?.isSet ? "badge ok" : "badge missing"}
          data-testid={`secret-state-${name}`}
        >
          {state}
        </span>
      </label>
      <div class="secret-row">
        <input
          id={id}
          type="password"
          autocomplete="off"
          value={typed}
          placeholder={status?.isSet ? "Type a new value to replace it" : "Type the value"}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={`${id}-hint${pending ? ` ${id}-pending` : ""}${shownError ? ` ${id}-error` : ""}`}
          onInput={(e) => {
            setTyped(e.currentTarget.value);
            setNote(null);
          }}
          // Leaving the field stores what was typed, as Enter does; switching to another window
          // (to copy the rest of a token) is not leaving it.
          onBlur={() => {
            if (typed !== "" && document.hasFocus()) void store();
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              void store();
            }
          }}
        />
        <button
          type="button"
          class="button small"
          data-testid={`${id}-store`}
          disabled={busy}
          // The field keeps focus, so its leave-to-store does not race this button's store.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => void store()}
        >
          Store in keychain
        </button>
        {status?.isSet && !status.fromEnvironment && (
          <button
            type="button"
            class="button small ghost"
            disabled={busy}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => void remove()}
          >
            Remove value
          </button>
        )}
      </div>
      <small id={`${id}-hint`} class="hint">
        {hint ? `${hint} ` : ""}Kept in your system keychain as <code>{name}</code>; the connector stores only that name.
        {onPlain && (
          <>
            {" "}
            <button type="button" class="link" onMouseDown={(e) => e.preventDefault()} onClick={onPlain}>
              Write it in the connector instead
            </button>
          </>
        )}
      </small>
      {pending && !busy && (
        <small id={`${id}-pending`} class="hint pending-hint">
          Press Enter or leave the field to store it in your keychain.
        </small>
      )}
      {note && !shownError && (
        <small class="hint" role="status">
          {note}
        </small>
      )}
      {shownError && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {shownError}
        </small>
      )}
    </div>
  );
}
