import { describe, expect, it } from "vitest";
import { formatBytes, fromBase64, letterProblems, missingElements, percent, progressText } from "./logic";
import { tinyPdf } from "../backend/memory-letters";

const base = { debtor_id: 7, kind: "reminder", as_of: "2026-11-22", deadline: "", agreement_date: "", page_size: "", override_reason: "" };

describe("letter request checks", () => {
  it("accepts a complete request", () => {
    expect(letterProblems(base)).toEqual({});
  });
  it("names each bad field", () => {
    const p = letterProblems({ ...base, debtor_id: 0, as_of: "22.11.2026", deadline: "2026-13-40" });
    expect(Object.keys(p).sort()).toEqual(["as_of", "deadline", "debtor"]);
  });
  it("wants the deadline after the letter's date", () => {
    expect(letterProblems({ ...base, deadline: "2026-11-22" }).deadline).toContain("after");
    expect(letterProblems({ ...base, deadline: "2026-12-02" })).toEqual({});
  });
  it("wants the agreement date on a letter of claim only", () => {
    expect(letterProblems({ ...base, kind: "letter-of-claim" }).agreement_date).toContain("agreement");
    expect(letterProblems({ ...base, kind: "letter-of-claim", agreement_date: "2025-01-10" })).toEqual({});
  });
});

describe("refusals", () => {
  it("lists what the API says is missing", () => {
    expect(missingElements("Letter of claim for Øster ApS cannot be produced: it needs the debtor's postal address, the date of the agreement.")).toEqual([
      "the debtor's postal address",
      "the date of the agreement",
    ]);
    expect(missingElements("Debtor 9 was not found")).toEqual([]);
  });
});

describe("progress and sizes", () => {
  it("computes whole percentages and words", () => {
    expect(percent(null)).toBe(0);
    expect(percent({ phase: "rendering", done: 0, total: 0 })).toBe(0);
    expect(percent({ phase: "rendering", done: 1, total: 3 })).toBe(33);
    expect(percent({ phase: "done", done: 3, total: 3 })).toBe(100);
    expect(progressText({ phase: "rendering", done: 2, total: 9 }, "letters")).toBe("2 of 9 letters");
    expect(progressText({ phase: "done", done: 9, total: 9 }, "letters")).toBe("Done: 9 letters.");
  });
  it("formats sizes", () => {
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
  it("decodes base64 to the same bytes", () => {
    const pdf = tinyPdf(["Hello"]);
    let s = "";
    pdf.forEach((b) => (s += String.fromCharCode(b)));
    expect(Array.from(fromBase64(btoa(s)))).toEqual(Array.from(pdf));
  });
  it("makes a PDF whose cross-reference offsets point at its objects", () => {
    const text = new TextDecoder().decode(tinyPdf(["Reminder", "Łukasiewicz"]));
    const xref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(xref, xref + 4)).toBe("xref");
    const offsets = [...text.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((o, i) => expect(text.slice(o).startsWith(`${i + 1} 0 obj`)).toBe(true));
  });
});
