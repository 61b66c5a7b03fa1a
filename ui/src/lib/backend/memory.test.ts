import { describe, expect, it } from "vitest";
import { MemoryBackend } from "./memory";
import { emptyDebtor } from "../debtors/validation";
import { isApiError } from "./backend";

const query = { search: "", sort: "name" as const, direction: "asc" as const, offset: 0, limit: 100, include_archived: false };

describe("in-memory backend keeps the API's contract", () => {
  it("finds debtors by accent-free prefixes, as the database does", async () => {
    const b = new MemoryBackend();
    await b.debtorCreate({ ...emptyDebtor(), name: "Łukasiewicz Sp. z o.o.", city: "Łódź", contacts: [] });
    await b.debtorCreate({ ...emptyDebtor(), name: "Øster AS", city: "Oslo", contacts: [] });
    const page = await b.debtorsList({ ...query, search: "lodz" });
    expect(page.rows.map((r) => r.name)).toEqual(["Łukasiewicz Sp. z o.o."]);
    expect((await b.debtorsList({ ...query, search: "ost" })).total).toBe(1);
  });

  it("rejects a duplicate reference with code duplicate", async () => {
    const b = new MemoryBackend();
    await b.debtorCreate({ ...emptyDebtor(), name: "A", external_ref: "R1", contacts: [] });
    const err = await b.debtorCreate({ ...emptyDebtor(), name: "B", external_ref: "R1", contacts: [] }).catch((e) => e);
    expect(isApiError(err) && err.code).toBe("duplicate");
  });

  it("rejects invalid input with field errors", async () => {
    const err = await new MemoryBackend().debtorCreate({ ...emptyDebtor(), contacts: [] }).catch((e) => e);
    expect(isApiError(err) && err.code).toBe("validation");
    expect(isApiError(err) && err.fields?.[0]?.field).toBe("name");
  });

  it("pages and hides archived debtors", async () => {
    const b = new MemoryBackend();
    await b.demoLoad({ debtors: 250, invoices: 0, seed: 1, as_used: true });
    const second = await b.debtorsList({ ...query, offset: 100, limit: 100 });
    expect(second.total).toBe(250);
    expect(second.rows).toHaveLength(100);
    await b.debtorSetArchived(second.rows[0]!.id, true);
    expect((await b.debtorsList(query)).total).toBe(249);
    expect((await b.debtorsList({ ...query, include_archived: true })).total).toBe(250);
  });
});
