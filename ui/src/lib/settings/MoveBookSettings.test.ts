import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import MoveBookSettings from "./MoveBookSettings.svelte";
import { MemoryBackend } from "../backend/memory";
import type { AppInfo } from "../bindings/AppInfo";
import type { BookMoved } from "../bindings/BookMoved";

const file: AppInfo = {
  version: "0.1.0", backend: "sqlite", location: "/home/anna/overdue.db", debtors: 250, invoices: 3000,
  payments: 2735, today: "2026-11-22", offer_demo: false,
};
const server: AppInfo = { ...file, backend: "postgres", location: "postgres://anna@office/overdue" };

/** A backend whose move waits until the test lets it finish. */
class SlowMove extends MemoryBackend {
  finish: (m: BookMoved) => void = () => {};
  calls: [string, string][] = [];
  override bookMoveToServer(url: string, password: string): Promise<BookMoved> {
    this.calls.push([url, password]);
    return new Promise((resolve) => (this.finish = resolve));
  }
}

describe("Settings > Move this book to a server", () => {
  it("says in words why the browser preview cannot move a book, and stays on the file", async () => {
    const onchanged = vi.fn();
    render(MoveBookSettings, { backend: new MemoryBackend(), info: file, onchanged });
    await fireEvent.input(screen.getByTestId("move-url"), { target: { value: "postgres://anna@office/overdue" } });
    await fireEvent.click(screen.getByTestId("move-start"));
    await waitFor(() => expect(screen.getByTestId("move-error").textContent).toContain("PostgreSQL server"));
    expect(onchanged).not.toHaveBeenCalled();
  });

  it("shows it is working while the copy runs, then the verified result, and switches the window", async () => {
    const backend = new SlowMove();
    const onchanged = vi.fn();
    render(MoveBookSettings, { backend, info: file, onchanged });
    await fireEvent.input(screen.getByTestId("move-url"), { target: { value: "postgres://anna@office/overdue" } });
    await fireEvent.input(screen.getByTestId("move-password"), { target: { value: "s3cret" } });
    await fireEvent.click(screen.getByTestId("move-start"));
    await waitFor(() => expect(screen.getByTestId("move-busy").textContent).toContain("Copying"));
    expect((screen.getByTestId("move-start") as HTMLButtonElement).disabled).toBe(true);
    expect(backend.calls).toEqual([["postgres://anna@office/overdue", "s3cret"]]);
    backend.finish({
      copy: {
        from: file.location, to: server.location, skipped: ["audit_actor"], search_entries: 250,
        tables: [{ table: "debtors", rows: 250, checksum: "ab" }, { table: "invoices", rows: 3000, checksum: "cd" }],
      },
      verified: "Verified: counts and checksums match in 2 tables.",
      info: server,
      warning: null,
    });
    await waitFor(() => expect(onchanged).toHaveBeenCalledWith(server));
    expect((screen.getByTestId("move-password") as HTMLInputElement).value).toBe("");
  });

  it("keeps the result for the card the switch remounts on the server", () => {
    render(MoveBookSettings, { backend: new MemoryBackend(), info: server, onchanged: vi.fn() });
    const result = screen.getByTestId("move-result").textContent ?? "";
    expect(result).toContain("Copied 2 tables (3,250 rows)");
    expect(result).toContain("Verified: counts and checksums match in 2 tables.");
    expect(screen.getAllByTestId("move-table").map((t) => t.textContent)).toEqual(["debtors250", "invoices3,000"]);
  });

  it("offers nothing on another server book", () => {
    render(MoveBookSettings, {
      backend: new MemoryBackend(), info: { ...server, location: "postgres://bob@elsewhere/books" }, onchanged: vi.fn(),
    });
    expect(screen.queryByTestId("move-book")).toBeNull();
  });
});
