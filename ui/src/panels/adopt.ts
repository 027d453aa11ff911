import { api } from "../api";

type Json = Record<string, unknown>;

/**
 * The connector config with `fragment` (`{paginator: …}` or `{data_selector: …}`) written into
 * the endpoint of resource `name`. A resource written as a bare string or with a string endpoint
 * becomes the object form that can hold it. Returns null when there is no such resource.
 */
export function withAdopted(config: unknown, name: string, fragment: Json): Json | null {
  const copy = structuredClone(config) as Json;
  const resources = Array.isArray(copy.resources) ? (copy.resources as unknown[]) : null;
  if (!resources) return null;
  const at = resources.findIndex((r) =>
    typeof r === "string" ? r === name : typeof r === "object" && r !== null && (r as Json).name === name,
  );
  if (at < 0) return null;
  const found = resources[at];
  const resource: Json = typeof found === "string" ? { name: found, endpoint: { path: found } } : (found as Json);
  const endpoint = resource.endpoint;
  const asObject: Json =
    typeof endpoint === "string"
      ? { path: endpoint }
      : typeof endpoint === "object" && endpoint !== null
        ? (endpoint as Json)
        : { path: name };
  resource.endpoint = { ...asObject, ...fragment };
  resources[at] = resource;
  return copy;
}

/** Saves the adopted setting into the stored connector (a new version in its history). */
export async function adoptIntoResource(id: number, name: string, fragment: Json): Promise<void> {
  const connector = await api.getConnector(id);
  const next = withAdopted(connector.config, name, fragment);
  if (!next) throw { kind: "invalid", message: `The connector has no resource named ${name}.` };
  await api.saveConnectorConfig(id, next);
}
