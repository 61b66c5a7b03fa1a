import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import LettersScreen from "./LettersScreen.svelte";
import LetterheadSettings from "./LetterheadSettings.svelte";
import { MemoryBackend } from "../backend/memory";
import type { DebtorInput } from "../bindings/DebtorInput";

const debtor = (name: string, address: string): DebtorInput => ({
  kind: "company", name, external_ref: "", contacts: [], address_lines: address, postal_code: "1000", city: address ? "Oslo" : "",
  country: "NO", language: "en", currency: "EUR", payment_terms_days: 30, credit_limit: "", tags: [], notes: "", account_manager: "",
});

/** Stands in for pdf.js (jsdom has no canvas): one "page" per call, and records the bytes. */
function fakeRender(seen: Uint8Array[]) {
  return async (bytes: Uint8Array, _w: number, sink: (c: HTMLCanvasElement) => void) => {
    seen.push(bytes);
    const c = document.createElement("canvas");
    c.dataset.testid = "pdf-page";
    sink(c);
    return 1;
  };
}

async function choose(name: string) {
  await fireEvent.input(screen.getByTestId("letter-debtor-search"), { target: { value: name } });
  await fireEvent.click(await screen.findByTestId("letter-debtor-option"));
}

describe("Letters screen", () => {
  it("previews the real PDF bytes, then saves and keeps the letter", async () => {
    const backend = new MemoryBackend();
    const d = await backend.debtorCreate(debtor("Øster ApS", "Havnegade 1"));
    const seen: Uint8Array[] = [];
    render(LettersScreen, { backend, today: "2026-11-22", render: fakeRender(seen) });
    await waitFor(() => expect(screen.getByTestId("letter-kind").querySelectorAll("option").length).toBe(8));
    await choose("oster");
    expect(screen.getByTestId("letter-debtor").textContent).toContain("Øster ApS");
    await fireEvent.click(screen.getByTestId("letter-preview"));
    await waitFor(() => expect(screen.getAllByTestId("pdf-page")).toHaveLength(1));
    expect(new TextDecoder().decode(seen[0]).startsWith("%PDF-")).toBe(true);

    await fireEvent.click(screen.getByTestId("letter-save"));
    expect((await screen.findByTestId("letter-notice")).textContent).toContain("Kept on the debtor's record");
    await waitFor(() => expect(screen.getAllByTestId("document-row")).toHaveLength(1));
    expect((await backend.documentsOf(d.id))[0]?.kind).toBe("reminder");
  });

  it("shows what is missing when the letter is refused, and checks fields first", async () => {
    const backend = new MemoryBackend();
    await backend.debtorCreate(debtor("Dvořák s.r.o.", ""));
    render(LettersScreen, { backend, today: "2026-11-22", render: fakeRender([]) });
    await choose("dvorak");
    await fireEvent.change(screen.getByTestId("letter-kind"), { target: { value: "letter-of-claim" } });
    await fireEvent.click(screen.getByTestId("letter-preview"));
    // The agreement date is asked for before anything is sent.
    expect((await screen.findByTestId("error-letter-agreement")).textContent).toContain("agreement");
    await fireEvent.input(screen.getByTestId("letter-agreement"), { target: { value: "2025-03-01" } });
    await fireEvent.click(screen.getByTestId("letter-preview"));
    await screen.findByTestId("letter-refusal");
    expect(screen.getAllByTestId("letter-missing").map((m) => m.textContent)).toEqual(["the debtor's postal address"]);
    expect(screen.queryAllByTestId("pdf-page")).toHaveLength(0);
  });

  it("runs the batch with progress and can cancel it", async () => {
    const backend = new MemoryBackend();
    for (let i = 0; i < 12; i++) await backend.debtorCreate(debtor(`Debtor ${i}`, `Street ${i}`));
    render(LettersScreen, { backend, today: "2026-11-22", render: fakeRender([]) });
    await fireEvent.click(screen.getByTestId("batch-run"));
    await screen.findByTestId("batch-progress");
    await fireEvent.click(screen.getByTestId("batch-progress-cancel"));
    expect((await screen.findByTestId("batch-notice")).textContent).toContain("Cancelled");

    await fireEvent.click(screen.getByTestId("batch-run"));
    await waitFor(() => expect(screen.getByTestId("batch-notice").textContent).toContain("12 letters in dunning-run-2026-11-22.pdf"), { timeout: 5000 });
  });
});

describe("Letterhead settings", () => {
  it("draws a live sample from unsaved values and reports bad fields on save", async () => {
    const backend = new MemoryBackend();
    const seen: Uint8Array[] = [];
    render(LetterheadSettings, { backend, render: fakeRender(seen) });
    const name = await screen.findByTestId("lh-name");
    await fireEvent.input(name, { target: { value: "Nordlys AS" } });
    await waitFor(() => expect(seen.some((b) => new TextDecoder().decode(b).includes("Nordlys AS"))).toBe(true), { timeout: 2000 });
    expect((await backend.letterheadGet()).name).toBe("");

    await fireEvent.input(name, { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("lh-save"));
    expect((await screen.findByTestId("error-lh-name")).textContent).toContain("company name");
  });
});
