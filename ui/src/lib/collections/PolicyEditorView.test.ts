import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import PolicyEditor from "./PolicyEditor.svelte";
import DebtorPolicy from "./DebtorPolicy.svelte";
import { MemoryBackend } from "../backend/memory";
import { emptyDebtor } from "../debtors/validation";
import type { DunningPolicyDto } from "../bindings/DunningPolicyDto";

describe("Policy editor", () => {
  it("shows errors next to their fields, saves a new policy, makes it the default and deletes the old one", async () => {
    const b = new MemoryBackend();
    render(PolicyEditor, { backend: b });
    await waitFor(() => expect(screen.getAllByTestId("policy-row")).toHaveLength(1));
    await fireEvent.click(screen.getByTestId("policy-new"));
    await fireEvent.click(screen.getByTestId("policy-save"));
    // The save is refused with every problem beside its field.
    expect((await screen.findByTestId("error-name")).textContent).toBe("Enter the policy's name.");
    expect(screen.getByTestId("error-levels[0].name").textContent).toBe("Enter the level's name.");
    expect((await b.dunningPolicies()).length).toBe(1);

    await fireEvent.input(screen.getByTestId("policy-name"), { target: { value: "Gentle <b>" } });
    await fireEvent.input(screen.getByTestId("level-0-name"), { target: { value: "Reminder" } });
    await fireEvent.click(screen.getByTestId("level-0-attach-letter"));
    await fireEvent.click(screen.getByTestId("level-add"));
    await fireEvent.input(screen.getByTestId("level-1-name"), { target: { value: "Call" } });
    await fireEvent.change(screen.getByTestId("level-1-channel"), { target: { value: "call" } });
    await fireEvent.input(screen.getByTestId("level-1-trigger"), { target: { value: "3" } });
    // Checked as it is typed (by the core's check).
    expect((await screen.findByTestId("error-levels[1].trigger_days")).textContent).toBe("level 2 triggers earlier than the level before it");
    await fireEvent.input(screen.getByTestId("level-1-trigger"), { target: { value: "30" } });
    await waitFor(() => expect(screen.queryByTestId("error-levels[1].trigger_days")).toBeNull());
    await fireEvent.click(screen.getByTestId("policy-save"));
    await waitFor(() => expect(screen.getAllByTestId("policy-row")).toHaveLength(2));
    const saved = (await b.dunningPolicies()).find((p) => p.name === "Gentle <b>")!;
    expect(saved.levels.map((l) => [l.number, l.name, l.channel, l.trigger_days, l.template, l.attach_letter])).toEqual([
      [1, "Reminder", "email", 7, "reminder", true],
      [2, "Call", "call", 30, "", false],
    ]);
    // Database text is text.
    expect(document.querySelector("[data-testid=policy-editor] b")).toBeNull();

    // Make it the default, then the old default can be deleted.
    await fireEvent.click(screen.getByTestId("policy-default"));
    await waitFor(() => expect(screen.getByTestId("policy-message").textContent).toContain("is now the default"));
    await fireEvent.click(screen.getByTestId("policy-delete"));
    await waitFor(() => expect(screen.getAllByTestId("policy-row")).toHaveLength(1));
    expect((await b.dunningPolicies()).map((p) => [p.name, p.is_default])).toEqual([["Gentle <b>", true]]);
  });

  it("shows the API's field errors after save", async () => {
    class Strict extends MemoryBackend {
      override async dunningPolicySave(_p: DunningPolicyDto): Promise<DunningPolicyDto> {
        throw { code: "validation", message: "Choose email, letter, call, fee, agency or legal.", fields: [{ field: "levels[0].min_open", message: "not a valid amount" }] };
      }
    }
    render(PolicyEditor, { backend: new Strict() });
    await waitFor(() => expect(screen.getAllByTestId("policy-row")).toHaveLength(1));
    await fireEvent.click(screen.getByTestId("policy-edit"));
    await fireEvent.click(screen.getByTestId("policy-save"));
    await waitFor(() => expect(screen.getByTestId("error-levels[0].min_open").textContent).toBe("not a valid amount"));
  });

  it("assigns a policy to a debtor on the debtor page", async () => {
    const b = new MemoryBackend();
    const d = await b.debtorCreate({ ...emptyDebtor(), name: "Alpha", external_ref: "A", contacts: [] });
    const other = await b.dunningPolicySave({ ...(await b.dunningPolicies())[0]!, id: 0, name: "Key accounts" });
    render(DebtorPolicy, { backend: b, debtor: d });
    const select = await screen.findByTestId("debtor-policy-select");
    await waitFor(() => expect((select as HTMLSelectElement).options.length).toBe(3));
    await fireEvent.change(select, { target: { value: String(other.id) } });
    await waitFor(async () => expect((await b.dunningDebtorPolicy(d.id)).policy?.name).toBe("Key accounts"));
    await fireEvent.change(select, { target: { value: "" } });
    await waitFor(async () => expect((await b.dunningDebtorPolicy(d.id)).assigned).toBe(false));
  });
});
