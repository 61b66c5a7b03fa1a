// Collections for the in-memory backend. The browser preview holds no invoices (see
// memory.ts), so plans and settlements, which cover invoices, are refused with the same
// message as payments; promises and holds are kept and the collection state is derived
// from them with the Rust engine's rules (a pending promise or an active hold pauses).
import type { ApiError } from "../bindings/ApiError";
import type { CollectionStateDto } from "../bindings/CollectionStateDto";
import type { CollectionPauseDto } from "../bindings/CollectionPauseDto";
import type { Debtor } from "../bindings/Debtor";
import type { HoldDto } from "../bindings/HoldDto";
import type { HoldInput } from "../bindings/HoldInput";
import type { PromiseDto } from "../bindings/PromiseDto";
import type { PromiseInput } from "../bindings/PromiseInput";

function fail(code: ApiError["code"], message: string, field?: string): never {
  const error: ApiError = field ? { code, message, fields: [{ field, message }] } : { code, message };
  throw error;
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s.trim()) && !Number.isNaN(Date.parse(s.trim()));
const isAmount = (s: string) => /^\d+(\.\d{1,2})?$/.test(s.trim()) && Number(s) > 0;

export class MemoryCollections {
  private promises: PromiseDto[] = [];
  private holds: HoldDto[] = [];
  private nextId = 1;

  constructor(
    private readonly debtor: (id: number) => Debtor,
    private readonly today: () => Promise<string>,
  ) {}

  noLedger(): never {
    fail("internal", "Payment plans and settlements need the desktop app: the browser preview has no invoices.");
  }

  async promiseAdd(input: PromiseInput): Promise<PromiseDto> {
    const d = this.debtor(input.debtor_id);
    if (!isAmount(input.amount)) fail("invalid_input", `"${input.amount}" is not an amount: write it like 1234.50`, "amount");
    if (!isDate(input.date)) fail("invalid_input", `"${input.date}" is not a date: write it as YYYY-MM-DD`, "date");
    const today = await this.today();
    const madeOn = input.made_on.trim() || today;
    if (input.date.trim() < madeOn) fail("invalid_input", `The promised date ${input.date} is before ${madeOn}`, "date");
    const p: PromiseDto = {
      id: this.nextId++, debtor_id: d.id, currency: d.currency, amount: Number(input.amount).toFixed(2),
      made_on: madeOn, date: input.date.trim(), event_id: input.event_id, author: input.author, note: input.note,
      status: "pending", paid: "0.00",
    };
    this.promises.unshift(p);
    return p;
  }

  async promisesOf(debtorId: number): Promise<PromiseDto[]> {
    this.debtor(debtorId);
    const today = await this.today();
    // Nothing is ever paid in the preview: a promise past its date is broken.
    return this.promises
      .filter((p) => p.debtor_id === debtorId)
      .map((p) => ({ ...p, status: p.date < today ? "broken" : "pending" }));
  }

  async holdAdd(input: HoldInput): Promise<HoldDto> {
    const d = this.debtor(input.debtor_id);
    if (!input.reason.trim()) fail("invalid_input", "Say why dunning is put on hold.", "reason");
    if (!isDate(input.until)) fail("invalid_input", `"${input.until}" is not a date: write it as YYYY-MM-DD`, "until");
    const from = input.from.trim() || (await this.today());
    if (input.until.trim() < from) fail("invalid_input", `The hold ends on ${input.until}, before it starts on ${from}`, "until");
    const h: HoldDto = {
      id: this.nextId++, debtor_id: d.id, reason: input.reason.trim(), from, until: input.until.trim(),
      released_on: "", release_reason: "", created_by: input.author, active: true,
    };
    this.holds.unshift(h);
    return h;
  }

  async holdRelease(id: number, reason: string): Promise<HoldDto> {
    const h = this.holds.find((x) => x.id === id) ?? fail("not_found", `Hold ${id} was not found`);
    if (h.released_on) fail("invalid_input", `Hold ${id} is already released`);
    h.released_on = await this.today();
    h.release_reason = reason;
    h.active = false;
    return h;
  }

  async holdsOf(debtorId: number): Promise<HoldDto[]> {
    this.debtor(debtorId);
    return this.holds.filter((h) => h.debtor_id === debtorId);
  }

  async collectionState(debtorId: number, asOf: string): Promise<CollectionStateDto> {
    this.debtor(debtorId);
    const on = asOf.trim() || (await this.today());
    const pauses: CollectionPauseDto[] = [
      ...this.holds
        .filter((h) => h.debtor_id === debtorId && h.from <= on && on <= h.until && (!h.released_on || on < h.released_on))
        .map((h): CollectionPauseDto => ({ kind: "hold", until: h.until, reason: `on hold until ${h.until}: ${h.reason}`, ref_id: h.id, invoice_id: null })),
      ...this.promises
        .filter((p) => p.debtor_id === debtorId && p.made_on <= on && on <= p.date)
        .map((p): CollectionPauseDto => ({ kind: "promise", until: p.date, reason: `promised to pay ${p.amount} ${p.currency} by ${p.date}`, ref_id: p.id, invoice_id: null })),
    ];
    const broken = this.promises.filter((p) => p.debtor_id === debtorId && p.date < on).length;
    return {
      debtor_id: debtorId, as_of: on, state: pauses.length ? "paused" : "active",
      until: pauses.map((p) => p.until).sort().at(-1) ?? "",
      reason: pauses.map((p) => p.reason).join("; "), pauses, invoice_pauses: [], paused_invoice_ids: [],
      defaulted_plan_ids: [], default_balance: "", broken_promises: broken, partly_kept_promises: 0,
    };
  }
}
