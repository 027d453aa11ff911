import { expect, test } from "vitest";
import { readable } from "./readable";

test("JSON is indented and other text left alone", () => {
  expect(readable('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
  expect(readable(' [true] ')).toBe("[\n  true\n]");
  expect(readable('{"cut off": "by the preview')).toBe('{"cut off": "by the preview');
  expect(readable("plain")).toBe("plain");
  expect(readable("42")).toBe("42");
});

test("only whitespace changes: big numbers, escapes and repeated keys stay as written", () => {
  expect(readable('{"id":12345678901234567890,"x":1.0}')).toBe('{\n  "id": 12345678901234567890,\n  "x": 1.0\n}');
  expect(readable('{"a":"x, \\"y\\": [z]","a":{}}')).toBe('{\n  "a": "x, \\"y\\": [z]",\n  "a": {}\n}');
});
