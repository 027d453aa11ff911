import { useEffect, useState } from "preact/hooks";
import { api, type CommandError, type ResourcePreview } from "../api";
import { adoptIntoResource } from "./adopt";
import type { EditorStart } from "../editor/editor";
import { FixLink } from "../editor/fix-link";
import { readable } from "../readable";
import { RecordsTable } from "./records-table";

/**
 * The test panel: runs one resource in preview mode and shows what came back, the requests
 * (redacted), what Sluice detected with a button to adopt it, and why paging stopped.
 */
export function TestPanel({
  id,
  onConfigChanged,
  onEdit,
}: {
  id: number;
  onConfigChanged: () => void;
  onEdit: (start: EditorStart) => void;
}) {
  const [resources, setResources] = useState<string[] | null>(null);
  const [resource, setResource] = useState("");
  const [pages, setPages] = useState(2);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ResourcePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adopted, setAdopted] = useState<string | null>(null);
  // The running test's latest request ("GET … (attempt 2 of 4)") and what followed it
  // ("waiting 2.000 s: HTTP 503"), shown together so the attempt stays in view while it waits.
  const [step, setStep] = useState<{ request: string | null; note: string | null }>({ request: null, note: null });
  const [stopping, setStopping] = useState(false);

  useEffect(() => {
    api.syncTarget(id).then(
      (t) => {
        setResources(t.resources);
        setResource((r) => (r && t.resources.includes(r) ? r : (t.resources[0] ?? "")));
      },
      (e: CommandError) => setError(e.message),
    );
  }, [id]);

  const run = async () => {
    if (!resource) return;
    setRunning(true);
    setStopping(false);
    setStep({ request: null, note: null });
    setError(null);
    setAdopted(null);
    try {
      setReport(
        await api.previewResource(id, resource, pages, (event) => {
          if (event.kind === "request") setStep({ request: event.message, note: null });
          else if (event.kind !== "exchange" && event.kind !== "page") setStep((s) => ({ ...s, note: event.message }));
        }),
      );
    } catch (e) {
      setReport(null);
      setError((e as CommandError).message);
    } finally {
      setRunning(false);
      setStep({ request: null, note: null });
    }
  };

  const stop = async () => {
    setStopping(true);
    await api.cancelPreview(id).catch(() => false);
  };

  const adopt = async (config: Record<string, unknown>, what: string) => {
    try {
      await adoptIntoResource(id, resource, config);
      setAdopted(`Adopted: ${what}. It is now part of the resource's endpoint.`);
      onConfigChanged();
    } catch (e) {
      setError((e as CommandError).message);
    }
  };

  if (resources !== null && resources.length === 0) {
    return <p class="muted">This connector has no resources to test yet. Add one in the editor.</p>;
  }

  return (
    <section class="panel" data-testid="test-panel" aria-label="Test a resource">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          Resource{" "}
          <select
            data-testid="test-resource"
            value={resource}
            onChange={(e) => setResource(e.currentTarget.value)}
          >
            {(resources ?? []).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pages{" "}
          <input
            type="number"
            min={1}
            max={50}
            value={pages}
            class="narrow"
            onInput={(e) => setPages(Math.max(1, Math.min(50, Number(e.currentTarget.value) || 1)))}
          />
        </label>
        <button type="submit" class="button primary" data-testid="run-test" disabled={running || !resource}>
          {running ? "Testing…" : "Test resource"}
        </button>
        {running ? (
          <button type="button" class="button" data-testid="cancel-test" disabled={stopping} onClick={() => void stop()}>
            {stopping ? "Stopping…" : "Cancel"}
          </button>
        ) : (
          <span class="muted small">Fetches the first pages only; nothing is written.</span>
        )}
      </form>
      {running && (
        <p class="muted small test-step" role="status" data-testid="test-step">
          {[step.request ?? "Starting…", step.note].filter(Boolean).join(" — ")}
        </p>
      )}

      {error && (
        <div class="notice error" role="alert">
          {error}
        </div>
      )}
      {adopted && (
        <div class="notice ok" role="status">
          {adopted}
        </div>
      )}
      {!report && !running && !error && (
        <p class="muted">Pick a resource and press Test resource to see its records and requests.</p>
      )}
      {report && <Report report={report} onAdopt={adopt} onEdit={onEdit} />}
    </section>
  );
}

function Report({
  report,
  onAdopt,
  onEdit,
}: {
  report: ResourcePreview;
  onAdopt: (config: Record<string, unknown>, what: string) => void;
  onEdit: (start: EditorStart) => void;
}) {
  return (
    <div class="report" data-testid="test-report">
      {report.stopped && (
        <div class="notice warn" role="status" data-testid="test-stopped">
          Test stopped after {report.requests.length} request(s). What came back so far is below.
        </div>
      )}
      {report.error && !report.stopped && (
        <div class="notice error" role="alert" data-testid="test-error">
          {/* What to do first, with a way there; the error's own words after it. */}
          <p>
            <strong>{report.nextStep ?? report.error}</strong>{" "}
            {report.fixIn && <FixLink section={report.fixIn} onEdit={onEdit} />}
          </p>
          {report.nextStep && <p class="small">{report.error}</p>}
        </div>
      )}
      <ul class="facts-list">
        <li data-testid="test-summary">
          <strong>{report.records.length}</strong> record(s) from <strong>{report.requests.length}</strong>{" "}
          request(s)
        </li>
        {report.stopReason && (
          <li data-testid="stop-reason">
            Paging stopped: <span class="muted">{report.stopReason}</span>
          </li>
        )}
      </ul>
      {report.warning && (
        <div class="notice warn" role="status" data-testid="test-warning">
          {report.warning}
        </div>
      )}
      {report.sampleLimitReached && (
        <div class="notice warn" role="status" data-testid="sample-limit">
          The preview stopped at its page limit; the API has more. A sync reads every page.
        </div>
      )}
      {report.detected.length > 0 && (
        <div class="detected" data-testid="detected">
          <h3>Detected</h3>
          <ul>
            {report.detected.map((d) => (
              <li key={d.reason}>
                <span>{d.reason}</span>{" "}
                <button
                  type="button"
                  class="button small"
                  onClick={() => onAdopt(d.config, d.reason.replace(/^detected /, ""))}
                >
                  Adopt
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Records</h3>
      <RecordsTable records={report.records} />
      <h3>Requests</h3>
      <ol class="exchanges" data-testid="exchanges">
        {report.requests.map((x, i) => (
          <li key={i}>
            <details>
              <summary>
                <code>
                  {x.method} {x.url}
                </code>{" "}
                <span class={x.status && x.status < 400 ? "badge ok" : "badge missing"}>
                  {x.status ?? "no answer"}
                </span>
              </summary>
              <div class="exchange">
                <h4>Request headers</h4>
                <pre>{x.requestHeaders.map(([k, v]) => `${k}: ${v}`).join("\n") || "(none)"}</pre>
                {x.requestBody && (
                  <>
                    <h4>Request body</h4>
                    <pre data-testid="request-body">{readable(x.requestBody)}</pre>
                  </>
                )}
                <h4>Response headers</h4>
                <pre>{x.responseHeaders.map(([k, v]) => `${k}: ${v}`).join("\n") || "(none)"}</pre>
                <h4>Response body</h4>
                <pre data-testid="response-body">{x.responseBody ? readable(x.responseBody) : "(empty)"}</pre>
              </div>
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}
