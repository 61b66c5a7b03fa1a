import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import BouncePanel from "./BouncePanel.svelte";
import { MemoryBackend } from "../backend/memory";
import { emptyDebtor } from "../debtors/validation";

const dsn = (id: string, action: string) =>
  [
    "From: MAILER-DAEMON@mx.test", "Subject: Undelivered Mail", "Content-Type: multipart/report; report-type=delivery-status; boundary=B", "",
    "--B", "Content-Type: message/delivery-status", "", "Original-Message-ID: <" + id + ">", "",
    "Final-Recipient: rfc822; ap@a.test", `Action: ${action}`, "Status: 5.1.1", "", "--B--", "",
  ].join("\r\n");

describe("Bounce panel", () => {
  it("records a bounce from an .eml file once and lists the bounced reminder", async () => {
    const b = new MemoryBackend();
    await b.debtorCreate({ ...emptyDebtor(), name: "Alpha <i>", external_ref: "A", contacts: [{ name: "AP", role: "", email: "ap@a.test", phone: "" }] }, [10000, 10000]);
    await b.smtpConfigure({
      settings: { host: "127.0.0.1", port: 2525, security: "plain", username: "", from_address: "x@y.test", from_name: "", has_password: false },
      password: "",
    });
    const run = await b.dunningRun({ as_of: "2026-05-14", mode: "send", account_manager: "", debtor_ids: [] });
    const id = run.actions[0]!.message_id;
    render(BouncePanel, { backend: b });
    const input = screen.getByTestId("bounce-file");
    await fireEvent.change(input, { target: { files: [new File([dsn(id, "delayed")], "delay.eml")] } });
    await waitFor(() => expect(screen.getByTestId("bounce-message").textContent).toContain("does not report a failed delivery"));
    await fireEvent.change(input, { target: { files: [new File([dsn(id, "failed")], "bounce.eml")] } });
    await waitFor(() => expect(screen.getByTestId("bounce-message").textContent).toContain("bounced (5.1.1 · ap@a.test)"));
    expect(screen.getByTestId("bounced-actions").textContent).toContain("Alpha <i>");
    expect(document.querySelector("[data-testid=bounces] i")).toBeNull();
    await fireEvent.change(input, { target: { files: [new File([dsn(id, "failed")], "again.eml")] } });
    await waitFor(() => expect(screen.getByTestId("bounce-message").textContent).toContain("Already recorded"));
  });
});
