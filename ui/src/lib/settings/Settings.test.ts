import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Settings from "./Settings.svelte";
import { MemoryBackend } from "../backend/memory";
import type { AppInfo } from "../bindings/AppInfo";
import type { BankIgnoreRuleDto } from "../bindings/BankIgnoreRuleDto";
import type { BankSettingsDto } from "../bindings/BankSettingsDto";
import type { SignedInDto } from "../bindings/SignedInDto";
import { roleContext } from "../shared/role";

const info: AppInfo = {
  version: "0.1.0", backend: "postgres", location: "postgres://maria@office/overdue", debtors: 0, invoices: 0,
  payments: 0, today: "2026-11-22", offer_demo: false,
};
// As Rust's StaffRole::may() says for a viewer: nothing may change.
const viewer: SignedInDto = {
  login: "maria", role: "viewer", duties: "reads everything, changes nothing", shared: true,
  may: { ledger: false, collections: false, settings: false }, own_debtors_only: false,
};
const owner: SignedInDto = { ...viewer, login: "anna", role: "owner", duties: "everything", may: { ledger: true, collections: true, settings: true } };

/** The browser preview has no bank; this book has its matching settings and one ignore rule. */
class WithBank extends MemoryBackend {
  override async bankSettings(): Promise<BankSettingsDto> {
    return { tolerance_abs: "2.50", tolerance_pct: "0.5", auto_threshold: 95, stale_days: 7, short_payment: "leave_open" };
  }
  override async bankIgnoreRules(): Promise<BankIgnoreRuleDto[]> {
    return [{ id: 1, counterparty: "", text: "RENT", label: "Rent" }];
  }
}

// The buttons that save a book setting, one per card.
const saves = ["lh-save", "late-fee-default-save", "credit-policy-save", "smtp-save", "daily-run-save", "bank-settings-save", "policy-new", "demo-load"];

const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

async function open(me: SignedInDto) {
  render(Settings, { props: { backend: new WithBank(), info, onchanged: vi.fn() }, context: roleContext(me) });
  for (const id of saves) await waitFor(() => screen.getByTestId(id));
  await waitFor(() => expect(screen.getAllByTestId("policy-edit").length).toBeGreaterThan(0));
  await fireEvent.click(screen.getAllByTestId("policy-edit")[0]!);
  await waitFor(() => screen.getByTestId("policy-save"));
}

describe("Settings for a role that may not change them", () => {
  it("says so once and disables every save with the reason on hover, while the policy can still be read", async () => {
    await open(viewer);
    const notes = screen.getAllByRole("note");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.textContent).toContain("Signed in as maria (viewer): this role does not change settings.");
    expect(notes[0]!.textContent).toContain("can read the settings");
    for (const id of [...saves, "policy-save", "level-add"]) {
      expect(button(id).disabled, id).toBe(true);
      expect(button(id).title, id).toBe("Signed in as maria (viewer): this role does not change settings.");
    }
    // The ignore rules are the ledger's (the accountant's), and say so.
    expect(button("bank-rule-delete-1").disabled).toBe(true);
    expect(button("bank-rule-delete-1").title).toContain("does not change the ledger");
    // Reading stays open: the policy's ladder is shown, its fields filled.
    expect(screen.getAllByTestId("policy-edit")[0]!.textContent).toBe("View");
    expect((screen.getByTestId("policy-name") as HTMLInputElement).value).not.toBe("");
    expect(screen.getAllByTestId("level-row").length).toBeGreaterThan(0);
  });

  it("leaves them all to the owner, without the notice", async () => {
    await open(owner);
    expect(screen.queryByTestId("settings-readonly")).toBeNull();
    for (const id of [...saves, "policy-save", "level-add"]) {
      expect(button(id).disabled, id).toBe(false);
      expect(button(id).title, id).toBe("");
    }
    expect(screen.getAllByTestId("policy-edit")[0]!.textContent).toBe("Edit");
  });
});
