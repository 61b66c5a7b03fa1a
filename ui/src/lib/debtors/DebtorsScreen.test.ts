import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import DebtorsScreen from "./DebtorsScreen.svelte";
import { MemoryBackend } from "../backend/memory";

describe("Debtors screen", () => {
  it("creates a debtor through the form and finds it by search", async () => {
    const backend = new MemoryBackend();
    render(DebtorsScreen, { backend, onchange: () => {} });
    await fireEvent.click(screen.getByTestId("debtor-new"));
    await fireEvent.click(screen.getByTestId("debtor-save"));
    // The save is refused while the form is invalid (the core checks it); the error sits
    // next to the field.
    expect((await screen.findByTestId("error-name")).textContent).toContain("Enter the debtor's name.");
    expect((await backend.appInfo()).debtors).toBe(0);

    await fireEvent.input(screen.getByTestId("field-name"), { target: { value: "Dvořák s.r.o." } });
    await fireEvent.input(screen.getByTestId("field-contact-0-email"), { target: { value: "jiri@dvorak.cz" } });
    await fireEvent.click(screen.getByTestId("debtor-save"));
    expect((await screen.findByTestId("detail-name")).textContent).toBe("Dvořák s.r.o.");

    await fireEvent.input(screen.getByTestId("debtor-search"), { target: { value: "dvor" } });
    await waitFor(() => expect(screen.getAllByTestId("debtor-row").map((r) => r.textContent)).toEqual(["Dvořák s.r.o."]));
  });

  it("renders a hostile name as text, never as HTML", async () => {
    const backend = new MemoryBackend();
    await backend.debtorCreate({
      kind: "company", name: "<img src=x onerror=alert(1)>Evil", external_ref: "", contacts: [], address_lines: "",
      postal_code: "", city: "", country: "", language: "en", currency: "EUR", payment_terms_days: 30,
      credit_limit: "", tags: [], notes: "", account_manager: "",
    });
    const { container } = render(DebtorsScreen, { backend, onchange: () => {} });
    await waitFor(() => expect(screen.getAllByTestId("debtor-row")).toHaveLength(1));
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByTestId("debtor-row").textContent).toBe("<img src=x onerror=alert(1)>Evil");
  });
});
