import { useEffect, useState } from "preact/hooks";
import { api, type CommandError, type Connector } from "./api";

/** The selected connector's overview. The full editor grows here. */
export function ConnectorView({ id }: { id: number }) {
  const [connector, setConnector] = useState<Connector | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  useEffect(() => {
    let live = true;
    setConnector(null);
    setError(null);
    api.getConnector(id).then(
      (c) => live && setConnector(c),
      (e: CommandError) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (error) {
    return (
      <div class="notice error" role="alert">
        {error.message}
      </div>
    );
  }
  if (!connector) return <p class="muted center">Opening…</p>;

  const config = connector.config as { client?: { base_url?: string }; resources?: unknown[] };
  const resources = config.resources ?? [];
  return (
    <section class="connector-view" data-testid="connector-view">
      <h1>{connector.name}</h1>
      <dl class="facts">
        <dt>Base URL</dt>
        <dd>
          <code>{config.client?.base_url ?? "—"}</code>
        </dd>
        <dt>Resources</dt>
        <dd>{resources.length}</dd>
      </dl>
      {resources.length === 0 && (
        <p class="muted">This connector has no resources yet.</p>
      )}
    </section>
  );
}
