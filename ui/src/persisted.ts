import { useState } from "preact/hooks";

/**
 * A yes/no layout choice (a hidden sidebar, a collapsed list) kept across launches, like the
 * theme: the app opens the way the user left it.
 */
export function usePersistedFlag(key: string, initial: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState<boolean>(() => {
    const saved = localStorage.getItem(key);
    return saved === null ? initial : saved === "true";
  });
  const set = (next: boolean) => {
    localStorage.setItem(key, String(next));
    setValue(next);
  };
  return [value, set];
}
