import { describe, expect, it } from "vitest";
import { fieldErrors, formatIban, needsCsvMapping, progressPercent } from "./labels";

describe("bank labels", () => {
  it("groups an IBAN by four and leaves other account ids alone", () => {
    expect(formatIban("DE89370400440532013000")).toBe("DE89 3704 0044 0532 0130 00");
    expect(formatIban("12345678/0001")).toBe("12345678/0001");
    expect(formatIban("")).toBe("");
  });

  it("recognises the API's request for a CSV mapping", () => {
    // The message is for people; only the field tells the screen what to do.
    expect(needsCsvMapping({ code: "invalid_input", message: "x.csv: needs a column mapping", fields: [] })).toBe(false);
    expect(needsCsvMapping({ code: "validation", message: "csv: mapping", fields: [{ field: "csv", message: "mapping" }] })).toBe(true);
    expect(needsCsvMapping({ code: "invalid_input", message: "x.xml: line 3: not a camt document" })).toBe(false);
  });

  it("keys field errors by field, a plain refusal under the empty key", () => {
    expect(fieldErrors({ code: "validation", message: "m", fields: [{ field: "invoices[1]", message: "No such invoice." }] }))
      .toEqual({ "invoices[1]": "No such invoice." });
    expect(fieldErrors({ code: "invalid_input", message: "Only money in pays invoices." })).toEqual({ "": "Only money in pays invoices." });
  });

  it("moves the progress bar through the phases", () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ phase: "matching", done: 50, total: 100 })).toBe(48);
    expect(progressPercent({ phase: "done", done: 100, total: 100 })).toBe(100);
  });
});
