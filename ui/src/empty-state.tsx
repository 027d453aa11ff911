type Props = {
  onCreate: () => void;
  onImport: () => void;
  onOpenDemo: () => void;
  openingDemo: boolean;
};

export function EmptyState({ onCreate, onImport, onOpenDemo, openingDemo }: Props) {
  return (
    <section class="empty-state" data-testid="empty-state" aria-labelledby="empty-title">
      <img src="/favicon.png" alt="" width={48} height={48} />
      <h1 id="empty-title">Pull data from any REST API onto this computer</h1>
      <p>
        A connector describes an API: where it lives, how to sign in, and which endpoints to read.
        Sluice pages through the endpoints, retries when the API stumbles, and loads the records
        into a DuckDB file you can query.
      </p>
      <div class="actions">
        <button type="button" class="button primary" data-testid="create-first" onClick={onCreate}>
          Create a connector
        </button>
        <button type="button" class="button" data-testid="import-first" onClick={onImport}>
          Import dlt code
        </button>
        <button
          type="button"
          class="button"
          data-testid="open-demo"
          disabled={openingDemo}
          onClick={onOpenDemo}
        >
          {openingDemo ? "Starting the demo API…" : "Open the demo connector"}
        </button>
      </div>
      <p class="hint">
        The demo connector reads a built-in example API that runs on this computer: no account
        needed.
      </p>
      <p class="hint">
        Secrets such as API keys are kept in your system keychain, never in a file.
      </p>
    </section>
  );
}
