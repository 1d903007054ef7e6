import { describe, expect, it } from "vitest";
import { allowedMethods } from "./allowed-methods";

const ROUTES = [
  { method: "ALL", path: "*" },
  { method: "GET", path: "/" },
  { method: "POST", path: "/submit" },
  { method: "GET", path: "/run/:hash" },
  { method: "POST", path: "/run/:hash" },
  { method: "GET", path: "/api/history" },
  { method: "DELETE", path: "/api/history" },
];

describe("allowedMethods", () => {
  it("names every method a path is served with, HEAD with GET", () => {
    expect(allowedMethods(ROUTES, "/submit")).toEqual(["POST"]);
    expect(allowedMethods(ROUTES, "/run/abc")).toEqual(["GET", "HEAD", "POST"]);
    expect(allowedMethods(ROUTES, "/api/history")).toEqual(["DELETE", "GET", "HEAD"]);
    expect(allowedMethods(ROUTES, "/")).toEqual(["GET", "HEAD"]);
  });

  it("names none for a path no route serves, and a parameter is one segment only", () => {
    expect(allowedMethods(ROUTES, "/nope")).toEqual([]);
    expect(allowedMethods(ROUTES, "/run/a/b")).toEqual([]);
    expect(allowedMethods(ROUTES, "/run/")).toEqual([]);
    expect(allowedMethods(ROUTES, "/submit/")).toEqual([]);
  });
});
