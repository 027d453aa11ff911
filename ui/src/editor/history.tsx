// The History tab: every saved version of the connector, newest first, each with what changed
// from the one before it, and a revert that saves the old config as a new version.
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, type CommandError, type ConnectorVersion } from "../api";
import { whenSaved } from "./editor";
import { getIn, isObject, pathText, sameJson, type Json, type Path } from "./json-path";

export function History({ id, onReverted }: { id: number; onReverted?: () => void }) {
  const [versions, setVersions] = useState<ConnectorVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      await whenSaved();
      setVersions(await api.connectorVersions(id));
    } catch (err) {
      setError((err as CommandError).message);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const revert = async (version: ConnectorVersion) => {
    setBusy(version.id);
    setError(null);
    try {
      await api.revertConnector(id, version.id);
      setNote(`Reverted to version ${version.number}. The version before the revert is still in the list.`);
      await load();
      onReverted?.();
    } catch (err) {
      setError((err as CommandError).message);
    } finally {
      setBusy(null);
    }
  };

  if (error && !versions) return <div class="notice error" role="alert">{error}</div>;
  if (!versions) return <p class="muted center">Loading history…</p>;
  const current = versions[0];
  return (
    <section class="history" data-testid="history">
      <h2>History</h2>
      <p class="hint">Every save is kept. Reverting saves the old version again as the newest, so you can go back from a revert too.</p>
      {note && (
        <div class="notice ok" role="status" data-testid="history-note">
          {note}
        </div>
      )}
      {error && <div class="notice error" role="alert">{error}</div>}
      <ol class="version-list">
        {versions.map((v, i) => {
          const before = versions[i + 1];
          const changes = before ? changedPaths(before.config as Json, v.config as Json) : [];
          const isCurrent = v === current;
          return (
            <li key={v.id} class="version" data-testid={`version-${v.number}`}>
              <div class="version-head">
                <strong>Version {v.number}</strong>
                <span>{v.note}</span>
                <time class="muted" dateTime={v.savedAt}>
                  {new Date(v.savedAt).toLocaleString()}
                </time>
                {isCurrent ? (
                  <span class="badge ok">current</span>
                ) : (
                  <button
                    type="button"
                    class="button small"
                    data-testid={`revert-${v.number}`}
                    disabled={busy !== null || (current !== undefined && sameJson(current.config, v.config))}
                    onClick={() => void revert(v)}
                  >
                    Revert to this version
                  </button>
                )}
              </div>
              {changes.length > 0 && (
                <ul class="changes">
                  {changes.slice(0, 8).map((c) => (
                    <li key={c.path}>
                      <code>{c.path}</code>: {c.before} → {c.after}
                    </li>
                  ))}
                  {changes.length > 8 && <li class="muted">and {changes.length - 8} more</li>}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

type Change = { path: string; before: string; after: string };

/** The leaf values that differ between two configs, named by their paths. */
export function changedPaths(before: Json, after: Json, path: Path = []): Change[] {
  if (sameJson(before, after)) return [];
  const bothObjects = isObject(before) && isObject(after);
  const bothLists = Array.isArray(before) && Array.isArray(after);
  if (bothObjects || bothLists) {
    const keys = bothLists
      ? Array.from({ length: Math.max((before as Json[]).length, (after as Json[]).length) }, (_, i) => i)
      : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
    return keys.flatMap((k) =>
      changedPaths((getIn(before, [k]) ?? null) as Json, (getIn(after, [k]) ?? null) as Json, [...path, k]),
    );
  }
  const show = (v: Json) => (v === null ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
  return [{ path: pathText(path) || "(document)", before: show(before), after: show(after) }];
}
