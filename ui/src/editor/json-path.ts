// Reading and writing a JSON document at a path, immutably, and naming that path the way the
// config validation does (`resources[0].endpoint.paginator.limit`), so a problem finds its field.

export type Path = readonly (string | number)[];
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `resources[0].endpoint.paginator.limit`: keys joined with dots, list positions in brackets, and
 * keys that are not plain names quoted in brackets (`client.headers["X-Api-Key"]`), exactly as
 * sluice-config writes problem paths (`key_path` in parse.rs).
 */
export function pathText(path: Path): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (!/^[A-Za-z0-9_$]+$/.test(part)) out += `[${JSON.stringify(part)}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

export function getIn(value: unknown, path: Path): unknown {
  let at: unknown = value;
  for (const part of path) {
    if (typeof part === "number") {
      if (!Array.isArray(at)) return undefined;
      at = at[part];
    } else {
      if (!isObject(at)) return undefined;
      at = at[part];
    }
  }
  return at;
}

/**
 * A copy of `root` with `value` at `path`. `undefined` removes the key, and an object left empty by
 * that removal goes too (an unset optional section is absent, not `{}`), up to but not including
 * list elements and the root.
 */
export function setIn(root: Json, path: Path, value: Json | undefined): Json {
  const [head, ...rest] = path;
  if (head === undefined) return value ?? null;
  if (typeof head === "number") {
    const list = Array.isArray(root) ? [...root] : [];
    if (rest.length === 0) {
      if (value === undefined) list.splice(head, 1);
      else list[head] = value;
      return list;
    }
    list[head] = setIn(list[head] ?? {}, rest, value);
    return list;
  }
  const object: JsonObject = isObject(root) ? { ...root } : {};
  if (rest.length === 0) {
    if (value === undefined) delete object[head];
    else object[head] = value;
    return object;
  }
  const child = setIn(object[head] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  const emptied = value === undefined && isObject(child) && Object.keys(child).length === 0;
  if (emptied && typeof rest[0] !== "number") delete object[head];
  else object[head] = child;
  return object;
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}
