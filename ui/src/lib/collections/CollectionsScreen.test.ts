import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import CollectionsScreen from "./CollectionsScreen.svelte";
import { MemoryBackend } from "../backend/memory";
import { emptyDebtor } from "../debtors/validation";
import type { DunningRunRequest } from "../bindings/DunningRunRequest";
import type { DunningRunResult } from "../bindings/DunningRunResult";

class RunBackend extends MemoryBackend {
  runs: DunningRunRequest[] = [];
  override async dunningRun(req: DunningRunRequest) {
    this.runs.push(req);
    return super.dunningRun(req);
  }
}

async function book() {
  const b = new RunBackend();
  const contact = { name: "<b>AP</b>", role: "", email: "ap@a.test", phone: "" };
  await b.debtorCreate({ ...emptyDebtor(), name: "Alpha <script>", external_ref: "A", contacts: [contact] }, [10000, 10000]);
  await b.debtorCreate({ ...emptyDebtor(), name: "Beta", external_ref: "B", contacts: [{ ...contact, email: "b@b.test" }] }, [5000, 5000]);
  await b.smtpConfigure({
    settings: { host: "127.0.0.1", port: 2525, security: "plain", username: "", from_address: "x@y.test", from_name: "", has_password: false },
    password: "",
  });
  return b;
}

describe("Collections screen", () => {
  it("previews the run with the rendered message as text and sends only the approved debtors", async () => {
    const b = await book();
    render(CollectionsScreen, { backend: b, today: "2026-05-14" });
    await fireEvent.click(screen.getByTestId("run-preview"));
    await waitFor(() => expect(screen.getAllByTestId("run-action")).toHaveLength(2));
    expect(b.runs[0]).toMatchObject({ as_of: "2026-05-14", mode: "preview" });
    await fireEvent.click(screen.getAllByText("Message")[0]!);
    const message = screen.getByTestId("run-message");
    expect(message.textContent).toContain("<b>AP</b>");
    expect(message.querySelector("b b")).toBeNull();
    expect(document.querySelector("script")).toBeNull();
    // Leave Beta out, send Alpha only.
    await fireEvent.click(screen.getByLabelText("Approve Beta"));
    await fireEvent.click(screen.getByTestId("run-send"));
    await waitFor(() => expect(screen.getByTestId("collections-notice").textContent).toBe("1 sent."));
    expect(b.runs[1]).toMatchObject({ mode: "send", debtor_ids: [1] });
    expect((await b.dunningActions(null, ["sent"])).map((a) => a.debtor)).toEqual(["A"]);
  });

  it("shows why a send was refused when email is not set up", async () => {
    const b = new RunBackend();
    await b.debtorCreate({ ...emptyDebtor(), name: "Alpha", contacts: [] }, [100, 100]);
    render(CollectionsScreen, { backend: b, today: "2026-05-14" });
    await fireEvent.click(screen.getByTestId("run-preview"));
    await waitFor(() => expect(screen.getAllByTestId("run-action")).toHaveLength(1));
    await fireEvent.click(screen.getByTestId("run-send"));
    await waitFor(() => expect(screen.getByTestId("run-send-error").textContent).toContain("Email is not set up"));
  });

  it("warns to reconcile the bank before reminding, with the API's words", async () => {
    class Stale extends RunBackend {
      override async dunningRun(req: DunningRunRequest) {
        const r = await super.dunningRun(req);
        return { ...r, warnings: ["The latest bank statement of <i>Main</i> (DE89370400440532013000) ends on 2026-04-30, 14 days ago."] };
      }
    }
    const b = new Stale();
    await b.debtorCreate({ ...emptyDebtor(), name: "Alpha", contacts: [] }, [100, 100]);
    render(CollectionsScreen, { backend: b, today: "2026-05-14" });
    await fireEvent.click(screen.getByTestId("run-preview"));
    const warning = await screen.findByTestId("run-warnings");
    expect(warning.textContent).toContain("Check before you remind.");
    expect(warning.textContent).toContain("<i>Main</i>");
    expect(warning.querySelector("i")).toBeNull();
  });

  it("refuses a template with an unknown field in the editor, naming it", async () => {
    const b = await book();
    render(CollectionsScreen, { backend: b, today: "2026-05-14" });
    await fireEvent.click(screen.getByTestId("tab-templates"));
    const body = (await screen.findByTestId("template-body")) as HTMLTextAreaElement;
    await fireEvent.input(body, { target: { value: "Pay {{ totl }}" } });
    await fireEvent.click(screen.getByTestId("template-save"));
    await waitFor(() => expect(screen.getByTestId("template-error").textContent).toContain("totl"));
    await fireEvent.input(body, { target: { value: "Pay {{ total }} {{ currency }}" } });
    // The preview is filled with a debtor found by name; a name that matches nobody says so
    // (it is never filled with sample data in its place). It follows the text as typed.
    await fireEvent.input(screen.getByTestId("template-debtor-search"), { target: { value: "Zeta" } });
    expect((await screen.findByTestId("template-debtor-none")).textContent).toContain("Zeta");
    await fireEvent.input(screen.getByTestId("template-debtor-search"), { target: { value: "Beta" } });
    await fireEvent.click(await screen.findByTestId("template-debtor-option"));
    expect((await screen.findByTestId("template-debtor-chosen")).textContent).toContain("Beta");
    await waitFor(() => expect(screen.getByTestId("template-rendered").textContent).toContain("Pay 50.00 EUR"));
    await fireEvent.input(body, { target: { value: "Please pay {{ total }} {{ currency }}" } });
    await waitFor(() => expect(screen.getByTestId("template-rendered").textContent).toContain("Please pay 50.00 EUR"));
  });
});

describe("the template editor's merge fields", () => {
  it("inserts the field clicked where the cursor is", async () => {
    class Fields extends RunBackend {
      override async dunningTemplateFields() {
        return [
          { group: "debtor", name: "debtor.name", insert: "{{ debtor.name }}", example: "Sample Trading Ltd", inside: "" },
          { group: "", name: "total", insert: "{{ total }}", example: "100.00", inside: "" },
        ];
      }
    }
    const b = new Fields();
    render(CollectionsScreen, { backend: b, today: "2026-05-14" });
    await fireEvent.click(screen.getByTestId("tab-templates"));
    const body = (await screen.findByTestId("template-body")) as HTMLTextAreaElement;
    await fireEvent.input(body, { target: { value: "Dear , pay now." } });
    body.setSelectionRange(5, 5);
    await fireEvent.click(await screen.findByTestId("template-field-debtor.name"));
    expect(body.value).toBe("Dear {{ debtor.name }}, pay now.");
    expect(screen.getByTestId("template-field-total").getAttribute("title")).toBe("100.00");
  });
});

describe("sending the run", () => {
  it("counts only emails as sent; a call is a task on the worklist", async () => {
    class CallBackend extends RunBackend {
      override async dunningRun(req: DunningRunRequest): Promise<DunningRunResult> {
        const r = await super.dunningRun(req);
        if (req.mode !== "send") return r;
        const email = r.actions[0]!;
        return { ...r, actions: [email, { ...email, debtor_id: 99, debtor: "C", channel: "call" as const, status: "sent" as const, recipient: "" }] };
      }
    }
    const b = new CallBackend();
    const contact = { name: "AP", role: "", email: "ap@a.test", phone: "" };
    await b.debtorCreate({ ...emptyDebtor(), name: "Alpha", external_ref: "A", contacts: [contact] }, [10000, 10000]);
    await b.smtpConfigure({
      settings: { host: "127.0.0.1", port: 2525, security: "plain", username: "", from_address: "x@y.test", from_name: "", has_password: false },
      password: "",
    });
    render(CollectionsScreen, { backend: b, today: "2026-05-14" });
    await fireEvent.click(screen.getByTestId("run-preview"));
    await waitFor(() => expect(screen.getAllByTestId("run-action")).toHaveLength(1));
    await fireEvent.click(screen.getByTestId("run-send"));
    await waitFor(() =>
      expect(screen.getByTestId("collections-notice").textContent).toBe("1 sent, 1 task on the worklist."),
    );
  });
});
